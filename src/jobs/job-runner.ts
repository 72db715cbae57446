import { translator } from '../i18n/translator.js';
import type { Logger } from '../logger.js';
import type { Prediction, VideoRequest } from '../provider/video-provider.js';
import { Admission } from './admission.js';
import { Generation, plannerKey } from './generation.js';
import { ImageUpload } from './image-upload.js';
import type { DeliveryRoute, Job, JobOrigin, JobOutcome } from './job.js';
import { type Actor, type JobAction, mayManage, PROGRESS_ACTIONS } from './job-actions.js';
import {
  enterStage,
  type JobContext,
  type JobRunnerDeps,
  type JobRunnerOptions,
  type Lane,
  laneOf,
} from './job-context.js';
import { PastVideos } from './past-videos.js';
import { ProgressDisplay } from './progress-display.js';
import { Settlement } from './settlement.js';

export type { JobRunnerDeps, JobRunnerOptions } from './job-context.js';

/** Longest wait before a faulted step is tried again. */
const MAX_RETRY_DELAY_MS = 120_000;

/** A `/video` that was accepted: its quota reserved and its record written. */
export interface AcceptedJob {
  /** What the member's reply says at first, when the command answers with it instead of deferring. */
  readonly opening: string;
  /** What the member can do from that first message. */
  readonly actions: readonly JobAction[];
  /** Takes the job on: submits it, or puts it in line. `shown`: the reply already says {@link opening}. */
  start(shown: boolean): Promise<void>;
  /** Drops the job before anything was sent, refunded: Discord gave up on the interaction, so the member saw it fail. */
  withdraw(): Promise<void>;
}

/** What a cancel did, for the member's answer. */
export type Cancellation =
  /** It was still in the bot's line: nothing was sent, it ended and was refunded. */
  | { kind: 'dropped'; job: Job }
  /** The provider already had it and cannot stop it: it runs to its end, is not posted, and counts. */
  | { kind: 'stopping'; job: Job }
  /** Nothing changed. */
  | { kind: 'refused'; why: 'not_permitted' | 'unknown_job' | 'finished' };

/**
 * Takes a `/video` from reservation to delivery through three stages: admission (quota, the
 * line for a generation slot), generation (submit once, poll from one shared scheduler) and
 * settlement (fetch, post, commit or refund). Provider calls and deliveries run in lanes of
 * their own (see `StepLanes`). Every transition is written to the job store first, with the
 * stage's start and faults, so a restart resumes where it was and every stage ends.
 */
export class JobRunner {
  private readonly active = new Map<string, Job>();
  /** Jobs in line for a generation slot, as last heard from the line. */
  private waiting = 0;
  private readonly now: () => number;
  private readonly context: JobContext;
  private readonly progress: ProgressDisplay;
  private readonly admission: Admission;
  private readonly imageUpload: ImageUpload;
  private readonly generation: Generation;
  private readonly settlement: Settlement;
  /** Finished videos, found again for `/video-show` and `/video-history`. */
  readonly pastVideos: PastVideos;

  constructor(
    private readonly deps: JobRunnerDeps,
    options: JobRunnerOptions,
  ) {
    this.now = deps.now ?? Date.now;
    this.progress = new ProgressDisplay(deps.delivery, deps.text, {
      handoffNoticeMs: options.handoffNoticeMs,
      persist: (job) => this.persist(job),
      learned: (job) => ({ typicalMs: deps.planner.typicalMs(plannerKey(job)), slots: deps.line.slots }),
    });
    this.context = {
      deps,
      options,
      progress: this.progress,
      now: this.now,
      log: (job) => this.log(job),
      persist: (job) => this.persist(job),
      schedule: (job, at) => this.deps.steps[laneOf(job)].schedule(job.id, at),
      conclude: (job, outcome) => this.conclude(job, outcome),
      reportLoad: (waiting) => this.reportLoad(waiting),
    };
    this.admission = new Admission(this.context);
    this.imageUpload = new ImageUpload(this.context);
    this.generation = new Generation(this.context);
    this.settlement = new Settlement(this.context, (job, route) => this.finish(job, route));
    this.pastVideos = new PastVideos(this.context);
  }

  /** Jobs accepted and not yet done in this process. */
  get inFlight(): number {
    return this.active.size;
  }

  /**
   * Accepts a `/video`: reserves its quota and records it. Throws a {@link UserError} when it
   * is refused (channel, quota, store), with nothing spent; otherwise the job waits for `start`.
   */
  async accept(origin: JobOrigin, request: VideoRequest, memberRoles: readonly string[]): Promise<AcceptedJob> {
    const job = await this.admission.accept(origin, request, memberRoles);
    this.active.set(job.id, job);
    this.reportLoad();
    const opening = this.progress.estimated(job, { stage: 'submitting' }, this.now());
    return {
      opening: this.deps.text.render(
        { kind: 'progress', job, progress: opening, handedOff: false },
        translator(job.origin.locale),
      ),
      actions: PROGRESS_ACTIONS,
      start: async (shown) => {
        if (shown) this.progress.showing(job, opening);
        // Recorded and paid for: from here on a fault is the job's to retry, not the member's to see.
        // A member's image is fetched and uploaded in the transfer lane first.
        const next = job.state === 'preparing' ? this.context.schedule(job, this.now()) : this.admitAndSubmit(job);
        await next.catch((error: unknown) => this.retryLater(job, error));
      },
      withdraw: async () => {
        this.log(job).info('interaction expired before it was answered; nothing is made or spent');
        await this.deps.ledger.refund(job.id);
        job.state = 'done';
        job.origin.token = '';
        this.active.delete(job.id);
        await this.persist(job);
        this.reportLoad();
      },
    };
  }

  /**
   * A job's record in whatever state, for the buttons on its messages; `undefined` when it was
   * never made here or its record has expired.
   */
  async find(jobId: string): Promise<Job | undefined> {
    return this.active.get(jobId) ?? (await this.deps.jobs.get(jobId));
  }

  /**
   * Cancels a job for its requester or a moderator. One still in the bot's line (nothing sent)
   * ends at once, refunded. One the provider has cannot be stopped there: it runs to its end and
   * is settled without being posted, counted if a video was made. A job already delivering is
   * finished, and is left alone.
   */
  async cancel(jobId: string, by: Actor): Promise<Cancellation> {
    const job = await this.load(jobId);
    if (!job) return { kind: 'refused', why: (await this.deps.jobs.get(jobId)) ? 'finished' : 'unknown_job' };
    if (!mayManage(job, by)) return { kind: 'refused', why: 'not_permitted' };
    if (job.state === 'delivering') return { kind: 'refused', why: 'finished' };
    if (job.cancelledBy !== undefined) return { kind: 'stopping', job };
    if (job.state === 'preparing' || job.state === 'waiting') {
      await this.drop(job, by.userId);
      return { kind: 'dropped', job };
    }
    job.cancelledBy = by.userId;
    // The reply is the cancel's to word from now on: no progress edit may land on top of it.
    await this.progress.settled(job);
    await this.persist(job);
    this.log(job).info({ by: by.userId }, 'cancelled at the provider; it runs to its end and is not posted');
    return { kind: 'stopping', job };
  }

  /**
   * Starts running steps and picks up every unfinished job from the store. Returns how many.
   * Safe to run in several processes at once: a step is idempotent, and each one re-reads the job.
   */
  async resume(): Promise<number> {
    await this.deps.steps.provider.start(this.stepIn('provider'));
    await this.deps.steps.delivery.start(this.stepIn('delivery'));
    const jobs = (await this.deps.jobs.unfinished()).sort((a, b) => a.createdAt - b.createdAt);
    for (const job of jobs) {
      await this.restoreSlot(job);
      await this.context.schedule(job, this.resumeAt(job));
    }
    return jobs.length;
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
    this.generation.push(jobId, prediction);
    await this.deps.steps.provider.schedule(jobId, this.now());
  }

  /** Stops taking steps and lets running ones finish for up to `graceMs`. Jobs stay in the store. */
  async stop(graceMs: number): Promise<void> {
    await Promise.all([this.deps.steps.provider.stop(graceMs), this.deps.steps.delivery.stop(graceMs)]);
  }

  /**
   * Ends a job still in line, refunded. It is marked done before anything is awaited, so a step
   * holding it (claiming a slot, writing its submit) sees that and sends nothing; should the
   * record not be written, the job goes on as it was.
   */
  private async drop(job: Job, by: string): Promise<void> {
    const { state, origin } = job;
    Object.assign(job, {
      state: 'done',
      cancelledBy: by,
      outcome: { kind: 'failure', reason: 'cancelled' },
      concludedAt: this.now(),
      deliveredVia: 'reply',
      origin: { ...origin, token: '' },
    } satisfies Partial<Job>);
    this.active.delete(job.id);
    await this.progress.settled(job);
    try {
      await this.persist(job);
    } catch (error) {
      Object.assign(job, { state, origin });
      delete job.cancelledBy;
      delete job.outcome;
      delete job.concludedAt;
      delete job.deliveredVia;
      this.active.set(job.id, job);
      await this.context.schedule(job, this.now());
      throw error;
    }
    this.progress.forget(job);
    await this.deps.ledger.refund(job.id);
    await this.releaseSlot(job);
    this.log(job).info({ by }, 'cancelled in line; refunded');
    this.deps.observer?.failed?.(job, 'cancelled');
    this.reportLoad();
  }

  private async admitAndSubmit(job: Job): Promise<void> {
    if (await this.admission.admit(job)) await this.generation.submit(job);
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
    return this.deps.steps.provider.shared ? this.generation.submitSettlesAt(job) : this.now();
  }

  /** The step of one lane. A job whose state belongs to the other lane is handed over to it. */
  private stepIn(lane: Lane) {
    return async (jobId: string): Promise<void> => {
      let job: Job | undefined;
      try {
        job = await this.load(jobId);
        if (!job) return;
        if (laneOf(job) !== lane) return await this.context.schedule(job, this.now());
        if (job.state === 'preparing') await this.imageUpload.prepare(job);
        else if (job.state === 'waiting') await this.admitAndSubmit(job);
        else if (job.state === 'submitting') await this.generation.settleUnknownSubmit(job);
        else if (job.state === 'generating') await this.generation.poll(job);
        else if (job.state === 'delivering') await this.settlement.deliver(job);
      } catch (error) {
        if (job) return this.retryLater(job, error);
        this.deps.logger.error({ err: error, jobId }, 'could not load the job; retrying');
        await this.deps.steps[lane].schedule(jobId, this.now() + this.context.options.retryDelayMs).catch(() => {});
      }
    };
  }

  /**
   * The freshest copy of a job: this process's own, unless another process has since moved
   * it on (a step may run anywhere when steps are shared through Redis). While the store is
   * unreachable, this process's copy carries on.
   */
  private async load(jobId: string): Promise<Job | undefined> {
    const mine = this.active.get(jobId);
    // Alone, no one else writes the job, so reading it back on every poll would only cost.
    if (mine && !this.deps.steps.provider.shared) return mine;
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
   * Counts the fault against the job's stage, in the record, and tries the step again after a
   * wait that doubles with each fault. Each stage bounds its own faults or time, so this ends.
   */
  private async retryLater(job: Job, error: unknown): Promise<void> {
    job.stage ??= { since: this.now(), faults: 0 };
    const { stage } = job;
    stage.faults += 1;
    const delayMs = Math.min(this.context.options.retryDelayMs * 2 ** (stage.faults - 1), MAX_RETRY_DELAY_MS);
    this.log(job).warn({ err: error, faults: stage.faults, delayMs }, 'step failed; retrying');
    await this.persist(job);
    await this.context.schedule(job, this.now() + delayMs).catch((scheduleError: unknown) => {
      // The job stays in the store; the next start picks it up.
      this.log(job).error({ err: scheduleError }, 'could not schedule a retry');
    });
  }

  private async conclude(job: Job, outcome: JobOutcome): Promise<void> {
    // A step that held the job while it was cancelled in line has nothing left to tell.
    if (job.state === 'done') return;
    job.state = 'delivering';
    job.outcome = outcome;
    job.concludedAt = this.now();
    enterStage(job, job.concludedAt);
    await this.persist(job);
    await this.releaseSlot(job);
    await this.context.schedule(job, this.now());
  }

  /** Gives the job's generation slot (or place in line) to the next in line, and wakes them. */
  private async releaseSlot(job: Job): Promise<void> {
    try {
      const { next, waiting } = await this.deps.line.release(job.id, this.now());
      this.reportLoad(waiting);
      for (const jobId of next) await this.deps.steps.provider.schedule(jobId, this.now());
    } catch (error) {
      // Those in line look again within seconds; on Redis a slot never given back lapses on its own.
      this.log(job).error({ err: error }, 'could not free the generation slot');
    }
  }

  private async finish(job: Job, route: DeliveryRoute): Promise<void> {
    job.state = 'done';
    job.deliveredVia = route;
    job.origin.token = '';
    this.active.delete(job.id);
    this.progress.forget(job);
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
