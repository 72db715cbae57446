import type { StoredFilterRule } from '../moderation/prompt-filters-store.js';
import type { ProviderError } from '../provider/errors.js';
import type { VideoRequest } from '../provider/video-provider.js';
import type { QuotaLimit } from '../quota/ledger.js';
import type { DeliveryRoute, FailureReason, Job, JobOrigin } from './job.js';

/**
 * What the job runner reports as work moves, for metrics and the benchmark. Every method
 * is optional to implement and must not throw.
 */
export interface JobObserver {
  /** A reservation was refused; nothing was submitted. */
  refused?(limit: QuotaLimit): void;
  /** One of the server's filters (`rule`) refused the prompt; nothing was reserved. */
  promptRefused?(origin: JobOrigin, request: VideoRequest, rule: StoredFilterRule): void;
  /** The provider accepted the job, `latencyMs` after the member asked. */
  submitted?(job: Job, latencyMs: number): void;
  /** A result call was made for the job. */
  polled?(job: Job): void;
  /** A provider call failed (submit, result or download). */
  providerError?(error: ProviderError): void;
  /** The job's result reached the member; `lagMs` since the runner learned the outcome. */
  delivered?(job: Job, route: DeliveryRoute, lagMs: number): void;
  /** The job ended without a video. */
  failed?(job: Job, reason: FailureReason): void;
  /** Jobs in line for a generation slot (in every process sharing the line) and jobs in flight in this one. */
  load?(queued: number, inFlight: number): void;
}

/** Every method of {@link JobObserver}; the compiler holds this to the interface, so a new one is not left out. */
const OBSERVED: Record<keyof JobObserver, true> = {
  refused: true,
  promptRefused: true,
  submitted: true,
  polled: true,
  providerError: true,
  delivered: true,
  failed: true,
  load: true,
};

/** A method that passes on whatever it is given: it fits each of {@link JobObserver}'s, whose parameters it takes all. */
type Relay = (...args: unknown[]) => void;

/** One observer that tells each of `observers` (absent ones skipped), in order, what it implements. */
export function everyObserver(...observers: ReadonlyArray<JobObserver | null | undefined>): JobObserver {
  const present = observers.filter((observer): observer is JobObserver => Boolean(observer));
  const every: Partial<Record<keyof JobObserver, Relay>> = {};
  for (const name of Object.keys(OBSERVED) as Array<keyof JobObserver>) {
    every[name] = (...args) => {
      // The arguments are those the caller gave `name` on the interface, so they fit each observer's `name`.
      for (const observer of present) (observer[name] as Relay | undefined)?.apply(observer, args);
    };
  }
  return every;
}
