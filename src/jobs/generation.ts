import {
  GenerationFailedError,
  InsufficientBalanceError,
  InvalidRequestError,
  ModerationError,
  OutputRejectedError,
  ProviderAuthError,
  ProviderError,
  ProviderRateLimitError,
  ProviderTimeoutError,
  SubmitOutcomeUnknownError,
} from '../provider/errors.js';
import type { Prediction } from '../provider/video-provider.js';
import { modelOf } from '../video/catalog.js';
import type { FailureReason, Job } from './job.js';
import { enterStage, type JobContext } from './job-context.js';

/** Maps a provider failure to the reason the member reads. */
export function failureReasonOf(error: ProviderError): FailureReason {
  if (error instanceof ModerationError) return 'moderation';
  if (error instanceof InvalidRequestError) return 'invalid_request';
  if (error instanceof ProviderAuthError || error instanceof InsufficientBalanceError) return 'no_credit';
  if (error instanceof ProviderRateLimitError) return 'provider_busy';
  if (error instanceof ProviderTimeoutError) return 'timeout';
  if (error instanceof OutputRejectedError) return 'output_unavailable';
  if (error instanceof GenerationFailedError) return 'failed';
  if (error instanceof SubmitOutcomeUnknownError) return 'submit_unknown';
  return 'provider_unavailable';
}

/**
 * The provider's stage of a job: the one submit, the result calls (or a pushed result), and
 * the end of a submit whose process died. Bounded by the submit's grace period and
 * `jobTimeoutMs` from the submit.
 */
export class Generation {
  /** Outcomes the provider pushed by webhook, for the job's next step to use instead of a result call. */
  private readonly pushed = new Map<string, Prediction>();

  constructor(private readonly context: JobContext) {}

  async submit(job: Job): Promise<void> {
    const { deps } = this.context;
    // Only from the line: one cancelled there after it was admitted, or taken on meanwhile by another step of
    // this process holding the same job, is not sent (again).
    if (!inLine(job)) return;
    const now = this.context.now();
    const submitting: Job = { ...job, state: 'submitting', admittedAt: now, stage: { since: now, faults: 0 } };
    // Written before the submit, or it could be sent twice; a failed write leaves the job in line, holding its
    // slot. One that loses to a cancel, or to another process's submit, sends nothing.
    await this.context.write(submitting, 'waiting');
    Object.assign(job, submitting);
    this.context.progress.show(job, { stage: 'submitting' }, now);

    try {
      const { id } = await deps.provider.submit(job.request);
      if (job.state !== 'submitting') {
        this.context
          .log(job)
          .error({ predictionId: id }, 'submit answered after its grace period; the job was already failed');
        return;
      }
      Object.assign(job, {
        state: 'generating',
        predictionId: id,
        submittedAt: this.context.now(),
      } satisfies Partial<Job>);
      enterStage(job, this.context.now());
      this.context.log(job).info('submitted');
      deps.observer?.submitted?.(job, this.context.now() - job.createdAt);
      job.nextPollAt = this.nextPollAt(job);
      await this.context.persist(job, 'submitting');
      await this.context.schedule(job, job.nextPollAt).catch((error: unknown) => {
        // The job is recorded as generating; the next start (or, on Redis, its grace-time step) polls it.
        this.context.log(job).error({ err: error }, 'could not schedule the first poll');
      });
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
      deps.observer?.providerError?.(error);
      this.context.log(job).warn({ err: error }, 'submit refused');
      await this.context.conclude(job, { kind: 'failure', reason: failureReasonOf(error) });
    }
  }

  /** When a submit that may be in flight in another process has surely settled. */
  submitSettlesAt(job: Job): number {
    return (job.admittedAt ?? job.createdAt) + this.context.options.submitGraceMs;
  }

  /**
   * A job still `submitting` after the submit's grace period lost its process mid-submit. The
   * submit may or may not have reached the provider, so it is never sent again: it fails.
   */
  async settleUnknownSubmit(job: Job): Promise<void> {
    if (this.context.deps.steps.provider.shared && this.context.now() < this.submitSettlesAt(job)) {
      await this.context.schedule(job, this.submitSettlesAt(job));
      return;
    }
    await this.context.conclude(job, { kind: 'failure', reason: 'submit_unknown' });
  }

  /** Keeps a pushed outcome (a verified webhook callback) for the job's next poll. */
  push(jobId: string, prediction: Prediction): void {
    this.pushed.set(jobId, prediction);
  }

  async poll(job: Job): Promise<void> {
    const { context } = this;
    const now = context.now();
    if (now - (job.submittedAt ?? job.createdAt) > context.options.jobTimeoutMs) {
      return context.conclude(job, { kind: 'failure', reason: 'timeout' });
    }
    const pushed = this.takePushed(job);
    // A pushed outcome is known to have just happened; a polled one happened since the previous check.
    const finishedAfter = pushed ? now : (job.lastPollAt ?? job.submittedAt ?? job.createdAt);
    const prediction = pushed ?? (await this.fetchResult(job));
    if (!prediction) return;

    switch (prediction.status) {
      case 'created':
      case 'processing':
        // Shown first: the next poll comes sooner if the ETA this shows must be replaced before then.
        context.progress.show(job, { stage: prediction.status === 'created' ? 'queued' : 'generating' }, now);
        // Not written back: a pending poll changes nothing a restart or another process needs.
        job.nextPollAt = this.nextPollAt(job);
        await context.schedule(job, job.nextPollAt);
        return;
      case 'completed': {
        this.learnDuration(job, finishedAfter, prediction.inferenceMs);
        const url = prediction.outputs[0];
        if (!url) return context.conclude(job, { kind: 'failure', reason: 'failed' });
        return context.conclude(job, {
          kind: 'video',
          url,
          nsfw: prediction.nsfw[0] ?? false,
          ...(prediction.inferenceMs !== undefined && { inferenceMs: prediction.inferenceMs }),
          generationMs: context.now() - (job.submittedAt ?? job.createdAt),
        });
      }
      case 'failed':
        context.log(job).warn({ err: prediction.cause }, 'generation failed');
        return context.conclude(job, { kind: 'failure', reason: failureReasonOf(prediction.cause) });
    }
  }

  /** One result call. Resolves `undefined` when the call's failure already concluded the job. */
  private async fetchResult(job: Job): Promise<Prediction | undefined> {
    const { deps } = this.context;
    let prediction: Prediction;
    try {
      prediction = await deps.provider.result(job.predictionId ?? '');
    } catch (error) {
      if (error instanceof ProviderError) deps.observer?.providerError?.(error);
      if (error instanceof ProviderError && !error.transient) {
        await this.context.conclude(job, { kind: 'failure', reason: failureReasonOf(error) });
        return undefined;
      }
      throw error;
    } finally {
      job.polls += 1;
      job.lastPollAt = this.context.now();
      deps.observer?.polled?.(job);
    }
    return prediction;
  }

  private takePushed(job: Job): Prediction | undefined {
    const prediction = this.pushed.get(job.id);
    this.pushed.delete(job.id);
    return prediction?.id === job.predictionId ? prediction : undefined;
  }

  /** As planned for finding the video soon, or sooner for the poll that tells the member their ETA has passed. */
  private nextPollAt(job: Job): number {
    const { deps, progress } = this.context;
    const now = this.context.now();
    return progress.stepAt(job, deps.planner.nextPollAt(plannerKey(job), job.submittedAt ?? job.createdAt, now), now);
  }

  /**
   * The video finished somewhere between `finishedAfter` and now; the middle is the best guess.
   * Inference time alone leaves out the provider's queue, so it is only a floor.
   */
  private learnDuration(job: Job, finishedAfter: number, inferenceMs: number | undefined): void {
    const { deps } = this.context;
    const submittedAt = job.submittedAt ?? job.createdAt;
    const finishedAt = (finishedAfter + this.context.now()) / 2;
    deps.planner.learn(plannerKey(job), Math.max(finishedAt - submittedAt, inferenceMs ?? 0));
  }
}

/**
 * Whether the job is still in line, as a step holding it found it. A function, so that the
 * compiler does not carry a state narrowed before an `await` past it.
 */
function inLine(job: Job): boolean {
  return job.state === 'waiting';
}

/** Durations are learned per model, under its provider path (the key timings were always stored under). */
export function plannerKey(job: Job): string {
  return modelOf(job.request).path;
}
