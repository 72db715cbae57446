import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type JobStep, StepScheduler } from '../../src/jobs/scheduler.js';

async function scheduler(step: JobStep, maxInFlight = 10): Promise<StepScheduler> {
  const steps = new StepScheduler({ maxInFlight });
  await steps.start(step);
  return steps;
}

describe('StepScheduler', () => {
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());

  it('runs each job once when it falls due, from a single timer', async () => {
    const ran: Array<[string, number]> = [];
    const steps = await scheduler(async (id) => void ran.push([id, Date.now()]));
    await steps.schedule('b', 2_000);
    await steps.schedule('a', 1_000);
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(2_500);
    expect(ran).toEqual([
      ['a', 1_000],
      ['b', 2_000],
    ]);
  });

  it('never pushes a due step back: the earliest schedule for a job wins, and it runs once', async () => {
    const ran: Array<[string, number]> = [];
    const steps = await scheduler(async (id) => void ran.push([id, Date.now()]));
    await steps.schedule('a', 5_000);
    await steps.schedule('a', 1_000);
    await steps.schedule('a', 3_000);
    await vi.advanceTimersByTimeAsync(6_000);
    expect(ran).toEqual([['a', 1_000]]);
  });

  it('runs many jobs in the order they fall due', async () => {
    const ran: string[] = [];
    const steps = await scheduler(async (id) => void ran.push(id), 1);
    // 200 distinct times, shuffled: (i × 119) mod 200 visits every residue once.
    const times = Array.from({ length: 200 }, (_, i) => ((i * 119) % 200) * 10 + 10);
    for (const [i, at] of times.entries()) await steps.schedule(`job-${i}`, at);
    await vi.advanceTimersByTimeAsync(3_000);
    const byTime = times.map((at, i) => ({ at, id: `job-${i}` })).sort((a, b) => a.at - b.at);
    expect(ran).toEqual(byTime.map(({ id }) => id));
  });

  it('runs a step scheduled while the job runs only once that run ends', async () => {
    const ran: number[] = [];
    const steps: StepScheduler = await scheduler(async (id) => {
      ran.push(Date.now());
      if (ran.length > 1) return;
      await steps.schedule(id, 100);
      await new Promise((resolve) => setTimeout(resolve, 500));
    });
    await steps.schedule('a', 0);
    await vi.advanceTimersByTimeAsync(1_000);
    // Not at 100, beside the run still going: once it ended (a timer of 0 fires after 1 ms).
    expect(ran).toEqual([0, 501]);
  });

  it('never runs more steps at once than its bound', async () => {
    let running = 0;
    let peak = 0;
    const steps = await scheduler(async () => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, 100));
      running -= 1;
    }, 3);
    for (let i = 0; i < 10; i += 1) await steps.schedule(`job-${i}`, 0);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(peak).toBe(3);
    expect(steps.size).toBe(0);
  });

  it('stops taking steps once stopped', async () => {
    const ran: string[] = [];
    const steps = await scheduler(async (id) => void ran.push(id));
    await steps.schedule('a', 1_000);
    await steps.stop(0);
    await steps.schedule('b', 0);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(ran).toEqual([]);
  });
});
