import Keyv from 'keyv';
import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { PollPlanner } from '../../src/jobs/poll-planner.js';

const MODEL = 'alibaba/wan-2.2/t2v-plus-480p';

function planner(keyv = new Keyv()) {
  return new PollPlanner(keyv, pino({ level: 'silent' }), { guidanceMs: 5_000 });
}

function learned(durationsMs: readonly number[]) {
  const plan = planner();
  for (const duration of durationsMs) plan.learn(MODEL, duration);
  return plan;
}

/** Polls one job that finishes at `durationMs`: the calls made, the lag after completion, the shortest and longest gaps. */
function simulate(plan: PollPlanner, durationMs: number) {
  let now = 0;
  let calls = 0;
  let shortestGap = Number.POSITIVE_INFINITY;
  let longestGap = 0;
  for (;;) {
    const next = plan.nextPollAt(MODEL, 0, now);
    shortestGap = Math.min(shortestGap, next - now);
    longestGap = Math.max(longestGap, next - now);
    now = next;
    calls += 1;
    if (now >= durationMs) return { calls, lagMs: now - durationMs, shortestGap, longestGap };
  }
}

/** Runs a job of each duration: mean and largest calls, median lag, and the gaps' extremes. */
function polling(plan: PollPlanner, durationsMs: readonly number[]) {
  const runs = durationsMs.map((duration) => simulate(plan, duration));
  return {
    meanCalls: mean(runs.map((run) => run.calls)),
    medianLagMs: median(runs.map((run) => run.lagMs)),
    shortestGap: Math.min(...runs.map((run) => run.shortestGap)),
    longestGap: Math.max(...runs.map((run) => run.longestGap)),
  };
}

/** `count` durations evenly spread over `fromMs`-`toMs`. */
function spread(count: number, fromMs: number, toMs: number): number[] {
  return Array.from({ length: count }, (_, i) => fromMs + ((toMs - fromMs) * i) / (count - 1));
}

/** Durations spread evenly between 30 and 50 seconds, in a scrambled but fixed order. */
const durations = Array.from({ length: 41 }, (_, i) => 30_000 + ((i * 17) % 41) * 500);
/**
 * Jobs to run: finer than what was learned, so no check can line up with a learned duration
 * and lag looks as it would for durations that vary continuously.
 */
const jobs = spread(401, 30_000, 50_000);

/** Durations as real load spreads them: log-normal, median `medianMs`, from a fixed seed. */
function logNormal(count: number, medianMs: number, sigma: number, seed: number): number[] {
  let state = seed;
  const uniform = () => {
    state = (state * 48_271) % 2_147_483_647;
    return state / 2_147_483_647;
  };
  return Array.from(
    { length: count },
    () => medianMs * Math.exp(sigma * Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform())),
  );
}

function mean(values: number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

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
  ])(
    'learns 30-50 s jobs finishing %s well enough to find a video within half a second in 12 calls',
    (_order, finished) => {
      const plan = learned(finished);
      const { meanCalls, medianLagMs, shortestGap } = polling(plan, jobs);
      expect(meanCalls).toBeLessThanOrEqual(12);
      expect(simulate(plan, 40_000).calls).toBeLessThanOrEqual(12);
      expect(medianLagMs).toBeLessThanOrEqual(500);
      // Never closer than half a second, and only where videos are most likely to finish.
      expect(shortestGap).toBeGreaterThanOrEqual(500);
      expect(plan.nextPollAt(MODEL, 0, 32_000) - 32_000).toBeGreaterThan(1_000);
    },
  );

  it('checks a job early, in case its prompt is refused, then not before the shortest recent duration', () => {
    const plan = learned(durations);
    const first = plan.nextPollAt(MODEL, 0, 0);
    expect(first).toBeLessThanOrEqual(15_000);
    const second = plan.nextPollAt(MODEL, 0, first);
    expect(second).toBeGreaterThan(30_000);
    expect(second).toBeLessThan(31_000);
  });

  it('delivers a first wave of 30-50 s jobs within about a second at the median, learning as they finish', () => {
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
    expect(median(lags)).toBeLessThanOrEqual(1_200);
    expect(mean(wave.map((job) => job.calls))).toBeLessThanOrEqual(12);
  });

  it.each([
    ['around 90 s, most within 40-200 s', 90_000, 0.5],
    ['around 2 minutes, from under a minute to over ten', 120_000, 1],
  ])(
    'spends about as many calls on jobs spread %s, with lag in proportion to the spread',
    (_spread, medianMs, sigma) => {
      const plan = learned(logNormal(64, medianMs, sigma, 7));
      const { meanCalls, medianLagMs, shortestGap, longestGap } = polling(plan, logNormal(500, medianMs, sigma, 11));
      expect(meanCalls).toBeLessThanOrEqual(12);
      expect(medianLagMs).toBeLessThanOrEqual(medianMs * sigma * 0.1);
      expect(shortestGap).toBeGreaterThanOrEqual(500);
      expect(longestGap).toBeLessThanOrEqual(30_000);
    },
  );

  it('checks durations all alike once they are due, and a few times before', () => {
    const plan = learned(Array(20).fill(40_000));
    expect(simulate(plan, 40_000)).toMatchObject({ calls: 3, lagMs: 0 });
  });

  it('keeps checks sparse far out where only a rare job lasted', () => {
    const plan = learned([...durations.slice(0, 40), 600_000]);
    expect(polling(plan, spread(101, 30_000, 50_000)).meanCalls).toBeLessThanOrEqual(12);
    expect(plan.nextPollAt(MODEL, 0, 300_000) - 300_000).toBeGreaterThan(10_000);
  });

  it('backs off when a job runs far past what it learned, never waiting more than 30 s', () => {
    const plan = learned(durations);
    const late = plan.nextPollAt(MODEL, 0, 90_000) - 90_000;
    const later = plan.nextPollAt(MODEL, 0, 200_000) - 200_000;
    expect(late).toBeGreaterThan(5_000);
    expect(later).toBeGreaterThan(late);
    expect(later).toBeLessThanOrEqual(30_000);
    // When the provider slows down to twice what it learned, a job spends only a few calls past the window.
    expect(simulate(plan, 100_000).calls - simulate(plan, 50_000).calls).toBeLessThanOrEqual(8);
  });

  it('remembers what it learned across restarts', async () => {
    const keyv = new Keyv();
    const first = planner(keyv);
    for (const duration of durations) first.learn(MODEL, duration);
    await first.flush();

    const second = planner(keyv);
    await second.load(MODEL);
    expect(second.statsFor(MODEL)).toEqual(first.statsFor(MODEL));
    expect(second.nextPollAt(MODEL, 0, 40_000)).toBe(first.nextPollAt(MODEL, 0, 40_000));
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

  it('knows how long a job usually takes from three finished jobs on: the median of the recent ones', () => {
    const plan = planner();
    plan.learn(MODEL, 40_000);
    plan.learn(MODEL, 30_000);
    expect(plan.typicalMs(MODEL)).toBeUndefined();
    plan.learn(MODEL, 52_000);
    expect(plan.typicalMs(MODEL)).toBe(40_000);
    plan.learn(MODEL, 44_000);
    expect(plan.typicalMs(MODEL)).toBe(42_000);
    expect(plan.typicalMs('alibaba/wan-2.2/t2v-plus-1080p')).toBeUndefined();
  });

  it('predicts most jobs within 20 % from the ones before them, when load spreads their durations', () => {
    const plan = planner();
    const runs = logNormal(300, 40_000, 0.15, 11);
    let within = 0;
    for (const [index, duration] of runs.entries()) {
      const typical = plan.typicalMs(MODEL);
      if (index >= 10 && typical !== undefined && Math.abs(typical - duration) <= 0.2 * duration) within += 1;
      plan.learn(MODEL, duration);
    }
    expect(within / (runs.length - 10)).toBeGreaterThan(0.75);
  });
});
