import { describe, expect, it } from 'vitest';
import { backoffMs, parseRetryAfter } from '../../src/wavespeed/retry-timing.js';

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-26T12:00:00Z');

  it('reads delay-seconds', () => {
    expect(parseRetryAfter('2', now)).toBe(2_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('1.5', now)).toBe(1_500);
  });

  it('reads an HTTP date as the time left until it', () => {
    expect(parseRetryAfter('Thu, 26 Nov 2026 12:00:30 GMT', now)).toBe(30_000);
  });

  it('treats a date already past as no wait', () => {
    expect(parseRetryAfter('Thu, 26 Nov 2026 11:59:00 GMT', now)).toBe(0);
  });

  it('ignores a missing or unreadable header', () => {
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
  });
});

describe('backoffMs', () => {
  it('doubles with each attempt, jittered between half and all of the step', () => {
    expect([0, 1, 2].map((attempt) => backoffMs(attempt, () => 0))).toEqual([250, 500, 1_000]);
    expect([0, 1, 2].map((attempt) => backoffMs(attempt, () => 1))).toEqual([500, 1_000, 2_000]);
  });

  it('never waits more than 8 s', () => {
    expect(backoffMs(20, () => 1)).toBe(8_000);
  });
});
