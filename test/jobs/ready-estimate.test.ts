import { describe, expect, it } from 'vitest';
import type { Job } from '../../src/jobs/job.js';
import { etaOf, lateFrom } from '../../src/jobs/ready-estimate.js';

const now = Date.UTC(2026, 10, 26, 12);
const fresh = { id: 'i1', createdAt: now } as Job;
const sent = { ...fresh, submittedAt: now - 10_000, predictionId: 'p1' } as Job;

describe('etaOf', () => {
  it('shows nothing while the model’s durations are not known', () => {
    expect(etaOf(sent, { stage: 'generating' }, { typicalMs: undefined, slots: 4 }, now)).toBeUndefined();
    expect(etaOf(fresh, { stage: 'waiting', ahead: 2 }, { typicalMs: undefined, slots: 4 }, now)).toBeUndefined();
  });

  it('expects a job at the studio its usual duration after its submit', () => {
    const learned = { typicalMs: 40_000, slots: 4 };
    expect(etaOf(sent, { stage: 'generating' }, learned, now)).toEqual({ at: now + 30_000 });
    expect(etaOf(sent, { stage: 'queued' }, learned, now)).toEqual({ at: now + 30_000 });
    // Not sent yet: its submit is now.
    expect(etaOf(fresh, { stage: 'submitting' }, learned, now)).toEqual({ at: now + 40_000 });
  });

  it('says a job that ran past its usual duration is overdue rather than show a time already past', () => {
    const learned = { typicalMs: 40_000, slots: 4 };
    expect(etaOf(sent, { stage: 'generating' }, learned, now + 30_000)).toBe('overdue');
    expect(etaOf(sent, { stage: 'generating' }, learned, now + 45_000)).toBe('overdue');
    expect(etaOf(sent, { stage: 'generating' }, learned, now + 29_999)).toEqual({ at: now + 30_000 });
  });

  it('expects a job in line once the slots have let in those ahead, then its usual duration', () => {
    // 4 slots each freeing about every 40 s: one frees every 10 s, the first about 5 s from now.
    const learned = { typicalMs: 40_000, slots: 4 };
    expect(etaOf(fresh, { stage: 'waiting', ahead: 0 }, learned, now)).toEqual({ at: now + 5_000 + 40_000 });
    expect(etaOf(fresh, { stage: 'waiting', ahead: 3 }, learned, now)).toEqual({ at: now + 35_000 + 40_000 });
    // One slot: the job ahead is about half done, and each before it takes a whole duration.
    expect(etaOf(fresh, { stage: 'waiting', ahead: 1 }, { typicalMs: 40_000, slots: 1 }, now)).toEqual({
      at: now + 60_000 + 40_000,
    });
  });
});

describe('lateFrom', () => {
  it('gives an ETA a fifth of the usual duration past it before the reply says the job is late', () => {
    expect(lateFrom({ at: now + 30_000 }, { typicalMs: 40_000, slots: 4 })).toBe(now + 38_000);
    expect(lateFrom({ at: now + 30_000 }, { typicalMs: 10_000, slots: 1 })).toBe(now + 32_000);
  });
});
