import Keyv from 'keyv';
import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { PollPlanner } from '../../src/jobs/poll-planner.js';

const MODEL = 'alibaba/wan-2.2/t2v-plus-480p';

function planner(keyv = new Keyv()) {
  return new PollPlanner(keyv, pino({ level: 'silent' }), { guidanceMs: 5_000 });
}

/** Polls one job that finishes at `durationMs` and reports the calls made and the lag after completion. */
function simulate(plan: PollPlanner, durationMs: number) {
  let now = 0;
  let calls = 0;
  let shortestGap = Number.POSITIVE_INFINITY;
  for (;;) {
    const next = plan.nextPollAt(MODEL, 0, now);
    shortestGap = Math.min(shortestGap, next - now);
    now = next;
    calls += 1;
    if (now >= durationMs) return { calls, lagMs: now - durationMs, shortestGap };
  }
}

/** Durations spread evenly between 30 and 50 seconds, in a scrambled but fixed order. */
const durations = Array.from({ length: 41 }, (_, i) => 30_000 + ((i * 17) % 41) * 500);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

describe('PollPlanner', () => {
  it('follows WaveSpeed’s guidance while it knows nothing: every 5 s, sparser as a job runs long', () => {
    const plan = planner();
    expect(plan.nextPollAt(MODEL, 0, 10_000)).toBe(15_000);
    expect(plan.nextPollAt(MODEL, 0, 150_000)).toBe(160_000);
    expect(plan.nextPollAt(MODEL, 0, 400_000)).toBe(420_000);
  });

  it.each([
    ['in any order', durations],
    ['shortest first, as a wave of jobs finishes', [...durations].sort((a, b) => a - b)],
  ])('learns 30-50 s jobs finishing %s well enough to deliver within a second using few calls', (_order, finished) => {
    const plan = planner();
    for (const duration of finished) plan.learn(MODEL, duration);
    const runs = durations.map((duration) => simulate(plan, duration));
    const meanCalls = runs.reduce((sum, run) => sum + run.calls, 0) / runs.length;
    expect(meanCalls).toBeLessThanOrEqual(12);
    expect(median(runs.map((run) => run.lagMs))).toBeLessThanOrEqual(1_000);
    expect(Math.min(...runs.map((run) => run.shortestGap))).toBeGreaterThanOrEqual(1_000);
  });

  it('delivers a first wave of 30-50 s jobs within a second at the median, learning as they finish', () => {
    const plan = planner();
    const wave = [...durations].sort((a, b) => a - b).map((durationMs) => ({ durationMs, next: 0, last: 0, calls: 0 }));
    const lags: number[] = [];
    // Every job was submitted at 0; the earliest poll due runs next, and a finished job teaches the planner.
    for (const job of wave) job.next = plan.nextPollAt(MODEL, 0, 0);
    while (lags.length < wave.length) {
      const job = wave.filter((j) => j.next !== Number.POSITIVE_INFINITY).reduce((a, b) => (b.next < a.next ? b : a));
      const now = job.next;
      job.calls += 1;
      if (now >= job.durationMs) {
        lags.push(now - job.durationMs);
        plan.learn(MODEL, (job.last + now) / 2);
        job.next = Number.POSITIVE_INFINITY;
      } else {
        job.last = now;
        job.next = plan.nextPollAt(MODEL, 0, now);
      }
    }
    expect(median(lags)).toBeLessThanOrEqual(1_000);
    expect(wave.reduce((sum, job) => sum + job.calls, 0) / wave.length).toBeLessThanOrEqual(12);
  });

  it('backs off when a job runs far past what it learned, never waiting more than 30 s', () => {
    const plan = planner();
    for (const duration of durations) plan.learn(MODEL, duration);
    const late = plan.nextPollAt(MODEL, 0, 90_000) - 90_000;
    const later = plan.nextPollAt(MODEL, 0, 200_000) - 200_000;
    expect(late).toBeGreaterThan(5_000);
    expect(later).toBeGreaterThan(late);
    expect(later).toBeLessThanOrEqual(30_000);
  });

  it('remembers what it learned across restarts', async () => {
    const keyv = new Keyv();
    const first = planner(keyv);
    for (const duration of durations) first.learn(MODEL, duration);
    await first.flush();

    const second = planner(keyv);
    await second.load(MODEL);
    expect(second.statsFor(MODEL)).toEqual(first.statsFor(MODEL));
  });

  it('saves a burst of finished jobs in one write, within seconds', async () => {
    vi.useFakeTimers();
    try {
      const keyv = new Keyv();
      const writes = vi.spyOn(keyv, 'set');
      const plan = planner(keyv);
      for (const duration of durations) plan.learn(MODEL, duration);
      expect(writes).not.toHaveBeenCalled();

      await vi.advanceTimersByTimeAsync(10_000);
      expect(writes).toHaveBeenCalledTimes(1);
      expect(await keyv.get(MODEL)).toEqual(plan.statsFor(MODEL));
    } finally {
      vi.useRealTimers();
    }
  });
});
