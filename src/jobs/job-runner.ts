import { channelMention } from 'discord.js';
import type { Config } from '../config.js';
import { allowanceFor, type GuildSettings, type GuildSettingsStore } from '../guilds/guild-settings.js';
import type { Logger } from '../logger.js';
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
import type { Prediction, VideoProvider, VideoRequest } from '../provider/video-provider.js';
import { nextUtcMidnight, type QuotaLedger } from '../quota/ledger.js';
import { UserError } from '../user-error.js';
import type { Delivery, ResultPost } from './delivery.js';
import type { GenerationLine } from './generation-line.js';
import type { DeliveryRoute, FailureReason, Job, JobOrigin, JobOutcome } from './job.js';
import type { JobObserver } from './job-observer.js';
import type { JobStore } from './job-store.js';
import { failureText, type Progress, progressText, quotaRefusalText, resultText } from './messages.js';
import type { PollPlanner } from './poll-planner.js';
import type { StepQueue } from './scheduler.js';
import type { VideoFiles } from './video-files.js';

export interface JobRunnerOptions {
  quota: Config['quota'];
  jobTimeoutMs: number;
  /** First wait before retrying a step that hit a fault; doubles up to two minutes. */
  retryDelayMs: number;
  /** Longer than any submit can take: a job still `submitting` after this lost its process mid-submit. */
  submitGraceMs: number;
  /** How long before the reply token dies the member is told the result will come in the channel. */
  handoffNoticeMs: number;
  /** Largest output ever downloaded (`OUTPUT_MAX_MB`), whatever the interaction's upload limit. */
  outputMaxBytes: number;
}

export interface JobRunnerDeps {
  jobs: JobStore;
  ledger: QuotaLedger;
  provider: VideoProvider;
  delivery: Delivery;
  /** Where outputs are downloaded to before their upload. */
  files: VideoFiles;
  settings: GuildSettingsStore;
  /** Runs job steps: in this process, or shared through Redis. */
  steps: StepQueue;
  /** Where jobs wait for one of the account's generation slots. */
  line: GenerationLine;
  /** Decides when each job is checked next. */
  planner: PollPlanner;
  logger: Logger;
  observer?: JobObserver;
  now?: () => number;
}

/** Delivery is retried this many times (about ten minutes in all) before the result goes to the log. */
const DELIVERY_ATTEMPTS = 8;
/**
 * How often a job in line looks at its place again. A freed slot wakes the jobs it lets in at
 * once; this keeps the member's place current and covers a wake-up lost with its process.
 */
const LINE_CHECK_MS = 10_000;

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
 * Takes a `/video` from reservation to delivery: reserves quota, records the job, waits for
 * a generation slot, submits it once, polls it from one shared scheduler, posts the result
 * and settles the quota.
 * Every transition is written to the job store first, so a restart resumes where it was.
 */
export class JobRunner {
  private readonly active = new Map<string, Job>();
  /** What each job's reply shows now, as far as this process knows. */
  private readonly shownProgress = new Map<string, Progress>();
  private readonly progressInFlight = new Map<string, Promise<void>>();
  private readonly deliveryAttempts = new Map<string, number>();
  /** Outcomes the provider pushed by webhook, for the job's next step to use instead of a result call. */
  private readonly pushed = new Map<string, Prediction>();
  /** Jobs in line for a generation slot, as last heard from the line. */
  private waiting = 0;
  private readonly now: () => number;

  constructor(
    private readonly deps: JobRunnerDeps,
    private readonly options: JobRunnerOptions,
  ) {
    this.now = deps.now ?? Date.now;
  }

  /** Jobs accepted and not yet done in this process. */
  get inFlight(): number {
    return this.active.size;
  }

  /**
   * Accepts a `/video`. Throws a {@link UserError} when it is refused (channel, quota, store);
   * otherwise resolves once the job is submitted, in line for a generation slot, or its failure posted.
   */
  async accept(origin: JobOrigin, request: VideoRequest, memberRoles: readonly string[]): Promise<void> {
    const settings = await this.guardStore(() => this.deps.settings.get(origin.guildId));
    assertChannelAllowed(settings, origin.channelId);
    await this.reserve(origin, settings, memberRoles);

    const job: Job = {
      id: origin.interactionId,
      origin,
      request,
      state: 'waiting',
      createdAt: this.now(),
      polls: 0,
      revision: 0,
    };
    try {
      await this.deps.jobs.save(job);
      // Should this process die before the job is under way, another process sharing the steps picks it up.
      if (this.deps.steps.shared) await this.deps.steps.schedule(job.id, job.createdAt + this.options.submitGraceMs);
    } catch (error) {
      await this.deps.ledger
        .refund(job.id)
        .catch((refundError: unknown) => this.log(job).error({ err: refundError }, 'refund failed'));
      this.log(job).error({ err: error }, 'could not record the job');
      throw storeUnavailable();
    }
    this.active.set(job.id, job);
    this.reportLoad();
    // Recorded and paid for: from here on a fault is the job's to retry, not the member's to see.
    await this.admit(job).catch((error: unknown) => this.retryLater(job, error));
  }

  /**
   * Submits the job once it holds a generation slot; until then shows the member their place
   * in line and looks again later. A job waiting longer than a job may take is abandoned.
   */
  private async admit(job: Job): Promise<void> {
    if (this.now() - job.createdAt > this.options.jobTimeoutMs) {
      return this.conclude(job, { kind: 'failure', reason: 'timeout' });
    }
    const place = await this.deps.line.claim(job.id, job.createdAt, this.now());
    this.reportLoad(place.waiting);
    if (place.admitted) return this.submit(job);
    this.showProgress(job, { stage: 'waiting', ahead: place.ahead });
    await this.deps.steps.schedule(job.id, this.now() + LINE_CHECK_MS);
  }

  private async submit(job: Job): Promise<void> {
    const submitting: Job = { ...job, state: 'submitting', admittedAt: this.now(), revision: job.revision + 1 };
    // Written before the submit, or it could be sent twice; a failed write leaves the job in line, holding its slot.
    await this.deps.jobs.save(submitting);
    Object.assign(job, submitting);
    this.showProgress(job, { stage: 'submitting' });

    try {
      const { id } = await this.deps.provider.submit(job.request);
      if (job.state !== 'submitting') {
        this.log(job).error({ predictionId: id }, 'submit answered after its grace period; the job was already failed');
        return;
      }
      Object.assign(job, { state: 'generating', predictionId: id, submittedAt: this.now() } satisfies Partial<Job>);
      this.log(job).info('submitted');
      this.deps.observer?.submitted?.(job, this.now() - job.createdAt);
      job.nextPollAt = this.nextPollAt(job);
      await this.persist(job);
      await this.deps.steps.schedule(job.id, job.nextPollAt).catch((error: unknown) => {
        // The job is recorded as generating; the next start (or, on Redis, its grace-time step) polls it.
        this.log(job).error({ err: error }, 'could not schedule the first poll');
      });
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
      this.deps.observer?.providerError?.(error);
      this.log(job).warn({ err: error }, 'submit refused');
      // Posting the failure may hit a Discord or store fault; the job's steps retry it like any delivery.
      await this.conclude(job, { kind: 'failure', reason: failureReasonOf(error) }).catch((deliveryError: unknown) =>
        this.retryLater(job, deliveryError),
      );
    }
  }

  /**
   * Starts running steps and picks up every unfinished job from the store. Returns how many.
   * Safe to run in several processes at once: a step is idempotent, and each one re-reads the job.
   */
  async resume(): Promise<number> {
    await this.deps.steps.start((jobId) => this.step(jobId));
    const jobs = (await this.deps.jobs.unfinished()).sort((a, b) => a.createdAt - b.createdAt);
    for (const job of jobs) {
      await this.restoreSlot(job);
      await this.deps.steps.schedule(job.id, this.resumeAt(job));
    }
    return jobs.length;
  }

  /** Puts the line back as the job records say it was: a line kept in memory starts empty. */
  private async restoreSlot(job: Job): Promise<void> {
    if (job.state === 'submitting' || job.state === 'generating') await this.deps.line.hold(job.id, this.now());
    // Its slot may not have been given back before the process stopped.
    if (job.state === 'delivering') await this.releaseSlot(job);
  }

  private resumeAt(job: Job): number {
    if (job.state !== 'submitting') return job.nextPollAt ?? this.now();
    // Alone, this process knows no submit is in flight; sharing, another process may be mid-submit.
    return this.deps.steps.shared ? this.submitSettlesAt(job) : this.now();
  }

  private submitSettlesAt(job: Job): number {
    return (job.admittedAt ?? job.createdAt) + this.options.submitGraceMs;
  }

  /**
   * Takes a prediction the provider pushed (a verified webhook callback). The job's next step
   * runs at once and uses it, so delivery does not wait for the next poll. Predictions of
   * unknown or finished jobs are ignored: the callback may come twice, or after a poll got there.
   */
  async onPrediction(prediction: Prediction): Promise<void> {
    if (prediction.status === 'created' || prediction.status === 'processing') return;
    const jobId = await this.deps.jobs.byPrediction(prediction.id);
    if (!jobId) return;
    this.pushed.set(jobId, prediction);
    await this.deps.steps.schedule(jobId, this.now());
  }

  /** Stops taking steps and lets running ones finish for up to `graceMs`. Jobs stay in the store. */
  async stop(graceMs: number): Promise<void> {
    await this.deps.steps.stop(graceMs);
  }

  private async reserve(origin: JobOrigin, settings: GuildSettings, memberRoles: readonly string[]): Promise<void> {
    const now = this.now();
    // A reserve that timed out may still land; releasing it keeps the member from being held at their limit.
    const releaseOnFailure = () => this.deps.ledger.refund(origin.interactionId).catch(() => {});
    const outcome = await this.guardStore(
      () =>
        this.deps.ledger.reserve({
          id: origin.interactionId,
          userId: origin.userId,
          guildId: origin.guildId,
          costCents: this.deps.provider.priceCents,
          allowance: allowanceFor(this.options.quota, settings, memberRoles),
          now,
          // Outlives the longest job and its delivery, so only a crashed process's reservations lapse.
          ttlMs: this.options.jobTimeoutMs + 60 * 60_000,
        }),
      releaseOnFailure,
    );
    if (!outcome.ok) {
      this.deps.observer?.refused?.(outcome.limit);
      throw new UserError(`quota.${outcome.limit}`, quotaRefusalText(outcome.limit, outcome.max, nextUtcMidnight(now)));
    }
  }

  /** Runs a store operation; when the store fails, runs `release` and refuses with a clear message. */
  private async guardStore<T>(operation: () => Promise<T>, release?: () => Promise<void>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      this.deps.logger.error({ err: error }, 'store unavailable');
      await release?.();
      throw storeUnavailable();
    }
  }

  private async step(jobId: string): Promise<void> {
    let job: Job | undefined;
    try {
      job = await this.load(jobId);
      if (!job) return;
      if (job.state === 'waiting') await this.admit(job);
      else if (job.state === 'submitting') await this.settleUnknownSubmit(job);
      else if (job.state === 'generating') await this.poll(job);
      else if (job.state === 'delivering') await this.deliver(job);
    } catch (error) {
      if (job) await this.retryLater(job, error);
      else this.deps.logger.error({ err: error, jobId }, 'could not load the job; retrying');
      if (!job) await this.deps.steps.schedule(jobId, this.now() + this.options.retryDelayMs).catch(() => {});
    }
  }

  /**
   * The freshest copy of a job: this process's own, unless another process has since moved
   * it on (a step may run anywhere when steps are shared through Redis). While the store is
   * unreachable, this process's copy carries on.
   */
  private async load(jobId: string): Promise<Job | undefined> {
    const mine = this.active.get(jobId);
    // Alone, no one else writes the job, so reading it back on every poll would only cost.
    if (mine && !this.deps.steps.shared) return mine;
    let stored: Job | undefined;
    try {
      stored = await this.deps.jobs.get(jobId);
    } catch (error) {
      if (!mine) throw error;
      return mine;
    }
    const job = mine && (!stored || mine.revision >= stored.revision) ? mine : stored;
    if (job && job.state !== 'done') this.active.set(jobId, job);
    else this.active.delete(jobId);
    return job?.state === 'done' ? undefined : job;
  }

  /**
   * A job still `submitting` after the submit's grace period lost its process mid-submit. The
   * submit may or may not have reached the provider, so it is never sent again: it fails.
   */
  private async settleUnknownSubmit(job: Job): Promise<void> {
    if (this.deps.steps.shared && this.now() < this.submitSettlesAt(job)) {
      await this.deps.steps.schedule(job.id, this.submitSettlesAt(job));
      return;
    }
    await this.conclude(job, { kind: 'failure', reason: 'submit_unknown' });
  }

  private async retryLater(job: Job, error: unknown): Promise<void> {
    const attempts = (this.deliveryAttempts.get(job.id) ?? 0) + 1;
    this.deliveryAttempts.set(job.id, attempts);
    const delayMs = Math.min(this.options.retryDelayMs * 2 ** (attempts - 1), 120_000);
    this.log(job).warn({ err: error, attempts, delayMs }, 'step failed; retrying');
    await this.deps.steps.schedule(job.id, this.now() + delayMs).catch((scheduleError: unknown) => {
      // The job stays in the store; the next start picks it up.
      this.log(job).error({ err: scheduleError }, 'could not schedule a retry');
    });
  }

  private async poll(job: Job): Promise<void> {
    const now = this.now();
    if (now - (job.submittedAt ?? job.createdAt) > this.options.jobTimeoutMs) {
      return this.conclude(job, { kind: 'failure', reason: 'timeout' });
    }
    const pushed = this.takePushed(job);
    // A pushed outcome is known to have just happened; a polled one happened since the previous check.
    const finishedAfter = pushed ? now : (job.lastPollAt ?? job.submittedAt ?? job.createdAt);
    const prediction = pushed ?? (await this.fetchResult(job));
    if (!prediction) return;

    switch (prediction.status) {
      case 'created':
      case 'processing':
        // Not written back: a pending poll changes nothing a restart or another process needs.
        job.nextPollAt = this.nextPollAt(job);
        await this.deps.steps.schedule(job.id, job.nextPollAt);
        this.showProgress(job, { stage: prediction.status === 'created' ? 'queued' : 'generating' });
        return;
      case 'completed': {
        this.learnDuration(job, finishedAfter, prediction.inferenceMs);
        const url = prediction.outputs[0];
        if (!url) return this.conclude(job, { kind: 'failure', reason: 'failed' });
        return this.conclude(job, {
          kind: 'video',
          url,
          nsfw: prediction.nsfw[0] ?? false,
          ...(prediction.inferenceMs !== undefined && { inferenceMs: prediction.inferenceMs }),
          generationMs: this.now() - (job.submittedAt ?? job.createdAt),
        });
      }
      case 'failed':
        this.log(job).warn({ err: prediction.cause }, 'generation failed');
        return this.conclude(job, { kind: 'failure', reason: failureReasonOf(prediction.cause) });
    }
  }

  /** One result call. Resolves `undefined` when the call's failure already concluded the job. */
  private async fetchResult(job: Job): Promise<Prediction | undefined> {
    let prediction: Prediction;
    try {
      prediction = await this.deps.provider.result(job.predictionId ?? '');
    } catch (error) {
      if (error instanceof ProviderError) this.deps.observer?.providerError?.(error);
      if (error instanceof ProviderError && !error.transient) {
        await this.conclude(job, { kind: 'failure', reason: failureReasonOf(error) });
        return undefined;
      }
      throw error;
    } finally {
      job.polls += 1;
      job.lastPollAt = this.now();
      this.deps.observer?.polled?.(job);
    }
    return prediction;
  }

  private takePushed(job: Job): Prediction | undefined {
    const prediction = this.pushed.get(job.id);
    this.pushed.delete(job.id);
    return prediction?.id === job.predictionId ? prediction : undefined;
  }

  private nextPollAt(job: Job): number {
    return this.deps.planner.nextPollAt(this.deps.provider.model, job.submittedAt ?? job.createdAt, this.now());
  }

  /**
   * The video finished somewhere between `finishedAfter` and now; the middle is the best guess.
   * Inference time alone leaves out the provider's queue, so it is only a floor.
   */
  private learnDuration(job: Job, finishedAfter: number, inferenceMs: number | undefined): void {
    const submittedAt = job.submittedAt ?? job.createdAt;
    const finishedAt = (finishedAfter + this.now()) / 2;
    this.deps.planner.learn(this.deps.provider.model, Math.max(finishedAt - submittedAt, inferenceMs ?? 0));
  }

  private async conclude(job: Job, outcome: JobOutcome): Promise<void> {
    job.state = 'delivering';
    job.outcome = outcome;
    job.concludedAt = this.now();
    await this.persist(job);
    await this.releaseSlot(job);
    await this.deliver(job);
  }

  /** Gives the job's generation slot (or place in line) to the next in line, and wakes them. */
  private async releaseSlot(job: Job): Promise<void> {
    try {
      const { next, waiting } = await this.deps.line.release(job.id, this.now());
      this.reportLoad(waiting);
      for (const jobId of next) await this.deps.steps.schedule(jobId, this.now());
    } catch (error) {
      // Those in line look again within seconds; on Redis a slot never given back lapses on its own.
      this.log(job).error({ err: error }, 'could not free the generation slot');
    }
  }

  private async deliver(job: Job): Promise<void> {
    const { outcome } = job;
    if (!outcome) throw new Error(`job ${job.id} is delivering without an outcome`);
    // A late progress edit must not land on top of the result.
    await this.progressInFlight.get(job.id);
    const settings = await this.deps.settings.get(job.origin.guildId);
    const finalOutcome = outcome.kind === 'video' && nsfwBlocked(outcome, job, settings) ? blockedOutcome() : outcome;

    if (finalOutcome.kind === 'failure') {
      // Flagged videos were made and paid for, so they count; every other failure is refunded.
      if (finalOutcome.reason === 'nsfw_blocked') await this.deps.ledger.commit(job.id);
      else await this.deps.ledger.refund(job.id);
      const route = await this.deps.delivery.post(job, { content: failureText(job, finalOutcome.reason) });
      return this.finish(job, route);
    }

    let post: ResultPost;
    try {
      post = await this.videoPost(job, finalOutcome);
    } catch (error) {
      if (error instanceof ProviderError) this.deps.observer?.providerError?.(error);
      if (!(error instanceof OutputRejectedError)) throw error;
      this.log(job).warn({ err: error }, 'output rejected');
      return this.conclude(job, { kind: 'failure', reason: 'output_unavailable' });
    }
    let route: DeliveryRoute;
    try {
      route = await this.deliverWithLimit(job, post);
      // A video nobody could be shown is refunded; one that reached the member counts.
      if (route === 'log') await this.deps.ledger.refund(job.id);
      else await this.deps.ledger.commit(job.id);
    } finally {
      // Posted or not, the file goes: a retry downloads it again rather than keep it on disk.
      await this.deps.files
        .discard(job.id)
        .catch((error: unknown) => this.log(job).warn({ err: error }, 'could not remove the video file'));
    }
    return this.finish(job, route);
  }

  private async deliverWithLimit(job: Job, post: ResultPost) {
    const attempts = this.deliveryAttempts.get(job.id) ?? 0;
    if (attempts >= DELIVERY_ATTEMPTS) {
      this.log(job).error({ predictionId: job.predictionId, output: job.outcome }, 'delivery abandoned; result logged');
      return 'log' as const;
    }
    return this.deps.delivery.post(job, post);
  }

  private async videoPost(job: Job, outcome: Extract<JobOutcome, { kind: 'video' }>): Promise<ResultPost> {
    const content = resultText(job, outcome.generationMs);
    const linkContent = `${content}\n${outcome.url}`;
    const path = this.deps.files.pathFor(job.id);
    const maxBytes = Math.min(job.origin.attachmentSizeLimit, this.options.outputMaxBytes);
    try {
      const bytes = await this.deps.provider.download(outcome.url, maxBytes, path);
      const name = `${job.predictionId ?? job.id}.mp4`;
      return { content, linkContent, file: { name, path, bytes, spoiler: outcome.nsfw } };
    } catch (error) {
      if (error instanceof OutputRejectedError && error.reason === 'too_large') return { content: linkContent };
      throw error;
    }
  }

  private async finish(job: Job, route: Job['deliveredVia'] & string): Promise<void> {
    job.state = 'done';
    job.deliveredVia = route;
    job.origin.token = '';
    this.active.delete(job.id);
    this.shownProgress.delete(job.id);
    this.deliveryAttempts.delete(job.id);
    await this.persist(job);
    this.log(job).info({ route, outcome: job.outcome?.kind }, 'delivered');
    const { outcome } = job;
    if (outcome?.kind === 'failure') this.deps.observer?.failed?.(job, outcome.reason);
    else this.deps.observer?.delivered?.(job, route, this.now() - (job.concludedAt ?? this.now()));
    this.reportLoad();
  }

  /** `waiting` is the line's length when the caller just learned it, else the last one reported. */
  private reportLoad(waiting = this.waiting): void {
    this.waiting = waiting;
    this.deps.observer?.load?.(waiting, this.active.size);
  }

  /**
   * Edits the reply when the job's progress changed, never two edits at once. The clock in it
   * runs in the member's client, so an unchanged stage is not edited again; one whose edit
   * failed or was skipped is tried again at the job's next step.
   */
  private showProgress(job: Job, progress: Progress): void {
    const now = this.now();
    const { delivery } = this.deps;
    // While Discord rate-limits an edit, later ones wait for the next step rather than queue behind it.
    if (!delivery.replyOpen(job.origin, now) || this.progressInFlight.has(job.id)) return;
    const handoff = !job.handedOff && now >= job.origin.tokenExpiresAt - this.options.handoffNoticeMs;
    const shown = this.shownProgress.get(job.id);
    if (!handoff && shown !== undefined && sameProgress(shown, progress)) return;
    if (handoff) {
      job.handedOff = true;
      void this.persist(job);
    }
    this.shownProgress.set(job.id, progress);
    const edit = delivery
      .progress(job.origin, progressText(job, progress, job.handedOff === true))
      .then((landed) => {
        if (!landed && this.shownProgress.get(job.id) === progress) this.shownProgress.delete(job.id);
      })
      .finally(() => this.progressInFlight.delete(job.id));
    this.progressInFlight.set(job.id, edit);
  }

  /** Writes the job; a store fault is logged and the next transition writes again. */
  private async persist(job: Job): Promise<void> {
    job.revision += 1;
    try {
      await this.deps.jobs.save(job);
    } catch (error) {
      this.log(job).error({ err: error }, 'could not save the job');
      if (job.state === 'done') throw error;
    }
  }

  private log(job: Job): Logger {
    return this.deps.logger.child({ jobId: job.id, userId: job.origin.userId, predictionId: job.predictionId });
  }
}

function sameProgress(a: Progress, b: Progress): boolean {
  return a.stage === b.stage && (a.stage !== 'waiting' || b.stage !== 'waiting' || a.ahead === b.ahead);
}

function nsfwBlocked(outcome: { nsfw: boolean }, job: Job, settings: GuildSettings): boolean {
  if (!outcome.nsfw) return false;
  if (settings.nsfw === 'never') return true;
  return settings.nsfw === 'age-restricted' && !job.origin.channelNsfw;
}

function blockedOutcome(): JobOutcome {
  return { kind: 'failure', reason: 'nsfw_blocked' };
}

function assertChannelAllowed(settings: GuildSettings, channelId: string): void {
  const allowed = settings.allowedChannels;
  if (allowed.length === 0 || allowed.includes(channelId)) return;
  throw new UserError(
    'video.channel_not_allowed',
    `Videos can't be made in this channel. Try ${allowed.map(channelMention).join(', ')}.`,
  );
}

function storeUnavailable(): UserError {
  return new UserError(
    'store.unavailable',
    "The bot can't check quotas right now, so nothing was started or spent. Please try again in a minute.",
  );
}
