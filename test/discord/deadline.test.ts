import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { withDeadline } from '../../src/discord/deadline.js';

describe('withDeadline', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('aborts the signal with a TimeoutError once the deadline passes', async () => {
    let seen: AbortSignal | undefined;
    const work = withDeadline(1_000, (signal) => {
      seen = signal;
      return new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
    });
    const outcome = expect(work).rejects.toMatchObject({ name: 'TimeoutError' });
    await vi.advanceTimersByTimeAsync(999);
    expect(seen?.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await outcome;
    expect(seen?.aborted).toBe(true);
  });

  it('stops its timer as soon as the work settles, so nothing holds the signal afterwards', async () => {
    await expect(withDeadline(180_000, async () => 'posted')).resolves.toBe('posted');
    await expect(withDeadline(180_000, async () => Promise.reject(new Error('refused')))).rejects.toThrow('refused');
    expect(vi.getTimerCount()).toBe(0);
  });
});
