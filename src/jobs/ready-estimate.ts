import type { Job } from './job.js';
import type { Eta, Progress } from './notices.js';

/**
 * How long past its ETA a job may run, as a share of its model's usual duration, before its reply
 * is edited to show the ETA overdue (`eta: 'overdue'`). Most jobs finish within it (the `eta` bench:
 * 95 % within ±20 %), so they never pay that edit, and the few really late ones pay one.
 */
const GRACE_SHARE = 0.2;

/** What an ETA is learned from. */
export interface Learned {
  /** How long a job of the model usually takes, submit → completion; `undefined` while too few are known. */
  typicalMs: number | undefined;
  /** Generations at once on the account: how fast the line moves. */
  slots: number;
}

/**
 * When `job`'s video should be ready, as the member is shown it at `now`. Sent or at the provider:
 * its submit plus the usual duration, and `overdue` once it has run past that, so no ETA shown is
 * already past. In line: a slot frees about every `typicalMs / slots`, and the job needs the one
 * after those of the jobs ahead; the slots' jobs started at staggered times, so the first frees
 * half that gap from now on average. Nothing while the model's durations are not known yet.
 */
export function etaOf(job: Job, progress: Progress, { typicalMs, slots }: Learned, now: number): Eta | undefined {
  if (typicalMs === undefined) return undefined;
  if (progress.stage === 'waiting') return { at: now + ((progress.ahead + 0.5) * typicalMs) / slots + typicalMs };
  const at = (job.submittedAt ?? now) + typicalMs;
  return at > now ? { at } : 'overdue';
}

/**
 * When a reply showing the ETA `at` should be edited to show the ETA overdue: once the ETA has
 * passed by its grace, so it never reads as a time long gone.
 */
export function lateFrom({ at }: { at: number }, { typicalMs }: Learned): number {
  return at + GRACE_SHARE * (typicalMs ?? 0);
}
