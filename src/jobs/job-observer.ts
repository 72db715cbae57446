import type { ProviderError } from '../provider/errors.js';
import type { QuotaLimit } from '../quota/ledger.js';
import type { DeliveryRoute, FailureReason, Job } from './job.js';

/**
 * What the job runner reports as work moves, for metrics and the benchmark. Every method
 * is optional to implement and must not throw.
 */
export interface JobObserver {
  /** A reservation was refused; nothing was submitted. */
  refused?(limit: QuotaLimit): void;
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
