import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FirstAnswers } from '../../src/discord/first-answers.js';

/** Whether `promise` has settled once pending callbacks and due timers have run. */
async function settledNow(promise: Promise<void>): Promise<boolean> {
  let settled = false;
  void promise.then(() => {
    settled = true;
  });
  await vi.advanceTimersByTimeAsync(0);
  return settled;
}

describe('FirstAnswers', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('lets a job start at once when no command waits for its answer', async () => {
    const answers = new FirstAnswers();
    answers.begin()();
    expect(await settledNow(answers.settled(1_000))).toBe(true);
  });

  it('holds jobs until the last command in flight has its answer', async () => {
    const answers = new FirstAnswers();
    const first = answers.begin();
    const second = answers.begin();
    const held = answers.settled(1_000);

    first();
    expect(await settledNow(held)).toBe(false);
    // Ending one command twice does not count as another's answer.
    first();
    expect(await settledNow(held)).toBe(false);
    second();
    expect(await settledNow(held)).toBe(true);
  });

  it('holds a job no longer than its limit while commands keep coming', async () => {
    const answers = new FirstAnswers();
    answers.begin();
    const held = answers.settled(1_000);
    await vi.advanceTimersByTimeAsync(999);
    expect(await settledNow(held)).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await settledNow(held)).toBe(true);
  });
});
