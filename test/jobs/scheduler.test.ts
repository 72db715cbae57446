import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StepScheduler } from '../../src/jobs/scheduler.js';

describe('StepScheduler', () => {
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());

  it('runs each job once when it falls due, from a single timer', async () => {
    const ran: Array<[string, number]> = [];
    const scheduler = new StepScheduler(async (id) => void ran.push([id, Date.now()]), { maxInFlight: 10 });
    scheduler.schedule('b', 2_000);
    scheduler.schedule('a', 1_000);
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(2_500);
    expect(ran).toEqual([
      ['a', 1_000],
      ['b', 2_000],
    ]);
  });

  it('replaces an earlier schedule for the same job', async () => {
    const ran: string[] = [];
    const scheduler = new StepScheduler(async (id) => void ran.push(id), { maxInFlight: 10 });
    scheduler.schedule('a', 1_000);
    scheduler.schedule('a', 5_000);
    await vi.advanceTimersByTimeAsync(4_000);
    expect(ran).toEqual([]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(ran).toEqual(['a']);
  });

  it('never runs more steps at once than its bound', async () => {
    let running = 0;
    let peak = 0;
    const scheduler = new StepScheduler(
      async () => {
        running += 1;
        peak = Math.max(peak, running);
        await new Promise((resolve) => setTimeout(resolve, 100));
        running -= 1;
      },
      { maxInFlight: 3 },
    );
    for (let i = 0; i < 10; i += 1) scheduler.schedule(`job-${i}`, 0);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(peak).toBe(3);
    expect(scheduler.size).toBe(0);
  });

  it('stops taking steps once stopped', async () => {
    const ran: string[] = [];
    const scheduler = new StepScheduler(async (id) => void ran.push(id), { maxInFlight: 10 });
    scheduler.schedule('a', 1_000);
    await scheduler.stop(0);
    scheduler.schedule('b', 0);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(ran).toEqual([]);
  });
});
