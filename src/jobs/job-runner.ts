import type { Wording } from '../i18n/translator.js';
import type { Logger } from '../logger.js';
import type { Prediction, VideoRequest } from '../provider/video-provider.js';
import { Admission } from './admission.js';
import { Generation, plannerKey } from './generation.js';
import { ImageUpload } from './image-upload.js';
import type { DeliveryRoute, Job, JobOrigin, JobOutcome, JobState } from './job.js';
import { type Actor, type JobAction, mayManage, PROGRESS_ACTIONS } from './job-actions.js';
import {
  enterStage,
  type JobContext,
  type JobRunnerDeps,
  type JobRunnerOptions,
  JobSuperseded,
  type Lane,
  laneOf,
} from './job-context.js';
import type { Saved } from './job-store.js';
import { PastVideos } from './past-videos.js';
import { ProgressDisplay } from './progress-display.js';
import { Settlement } from './settlement.js';

export type { JobRunnerDeps, JobRunnerOptions } from './job-context.js';

/** Longest wait before a faulted step is tried again. */
const MAX_RETRY_DELAY_MS = 120_000;
/** Writes in a row a change may lose to newer records of the same state before it counts as a fault. */
const MAX_REAPPLIED = 5;

/** A `/video` that was accepted: its quota reserved and its record written. */
export interface AcceptedJob {
  /** What the member's reply says at first, when the command answers with it instead of deferring. */
  readonly opening: Wording;
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
      persist: (job) =>
        this.persist(job).catch((error: unknown) =>
          this.log(job).debug({ err: error }, 'hand-off notice not recorded'),
        ),
      learned: (job) => ({ typicalMs: deps.planner.typicalMs(plannerKey(job)), slots: deps.line.slots }),
    });
    this.context = {
      deps,
      options,
      progress: this.progress,
      now: this.now,
      log: (job) => this.log(job),
      persist: (job, from) => this.persist(job, from),
      write: (job, from) => this.write(job, from),
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
      opening: (t) => this.deps.text.render({ kind: 'progress', job, progress: opening, handedOff: false }, t),
      actions: PROGRESS_ACTIONS,
      start: async (shown) => {
        if (shown) this.progress.showing(job, opening);
        // Recorded and paid for: from here on a fault is the job's to retry, not the member's to see.
        // A member's image is fetched and uploaded in the transfer lane first.
        const next = job.state === 'preparing' ? this.context.schedule(job, this.now()) : this.admitAndSubmit(job);
        await next.catch((error: unknown) => this.stepFailed(job, error));
      },
      withdraw: async () => {
        this.log(job).info('interaction expired before it was answered; nothing is made or spent');
        const from = job.state;
        job.state = 'done';
        job.origin.token = '';
        this.active.delete(job.id);
        // Ended first: a job another process has taken on meanwhile is not refunded.
        await this.persist(job, from);
        await this.deps.ledger.refund(job.id);
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
   * finished, and is left alone. A cancel whose write loses to a step that moved the job on (in
   * another process) decides again on the newer record; a job only moves forward, so this ends.
   */
  async cancel(jobId: string, by: Actor): Promise<Cancellation> {
    for (;;) {
      try {
        return await this.cancelOnce(jobId, by);
      } catch (error) {
        if (!(error instanceof JobSuperseded)) throw error;
      }
    }
  }

  private async cancelOnce(jobId: string, by: Actor): Promise<Cancellation> {
    const job = await this.load(jobId);
    if (!job) return { kind: 'refused', why: (await this.deps.jobs.get(jobId)) ? 'finished' : 'unknown_job' };
    if (!mayManage(job, by)) return { kind: 'refused', why: 'not_permitted' };
    // Before the state: a job cancelled at the provider is delivering once its outcome is known.
    if (job.cancelledBy !== undefined) return { kind: 'stopping', job };
    if (job.state === 'delivering') return { kind: 'refused', why: 'finished' };
    if (job.state === 'preparing' || job.state === 'waiting') {
      await this.drop(job, by.userId);
      return { kind: 'dropped', job };
    }
    const from = job.state;
    job.cancelledBy = by.userId;
    // The reply is the cancel's to word from now on: no progress edit may land on top of it.
    await this.progress.settled(job);
    await this.persist(job, from);
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
   * Ends a job still in line, refunded. The job is changed only once its record says done: a step
   * holding it (claiming a slot, writing its submit) then sees that, or, writing first, makes this
   * write lose, so that the cancel decides again. Should the record not be written, the job goes on
   * as it was.
   */
  private async drop(job: Job, by: string): Promise<void> {
    const from = job.state;
    const ended: Job = {
      ...job,
      state: 'done',
      cancelledBy: by,
      outcome: { kind: 'failure', reason: 'cancelled' },
      concludedAt: this.now(),
      deliveredVia: 'reply',
      origin: { ...job.origin, token: '' },
    };
    await this.progress.settled(job);
    await this.write(ended, from);
    Object.assign(job, ended);
    this.active.delete(job.id);
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
        if (job) return this.stepFailed(job, error);
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

  /** After a step threw: one whose write lost to a newer record yields to it; a fault is tried again later. */
  private async stepFailed(job: Job, error: unknown): Promise<void> {
    if (error instanceof JobSuperseded) return this.yieldTo(job, error.newer);
    return this.retryLater(job, error);
  }

  /**
   * Leaves the job to the record that moved it on. Its writer scheduled its next step, but on
   * Redis that schedule finds this step running and leaves the next to it, so it asks again.
   */
  private async yieldTo(job: Job, newer: Job | undefined): Promise<void> {
    this.log(job).info({ state: newer?.state ?? 'gone' }, 'moved on by another write; its step goes on from there');
    if (newer && newer.state !== 'done') await this.context.schedule(newer, this.resumeAt(newer));
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
    try {
      await this.persist(job);
    } catch (persistError) {
      if (persistError instanceof JobSuperseded) return this.yieldTo(job, persistError.newer);
      throw persistError;
    }
    await this.context.schedule(job, this.now() + delayMs).catch((scheduleError: unknown) => {
      // The job stays in the store; the next start picks it up.
      this.log(job).error({ err: scheduleError }, 'could not schedule a retry');
    });
  }

  private async conclude(job: Job, outcome: JobOutcome): Promise<void> {
    // A step that held the job while it was cancelled in line, or while another step concluded it, has nothing to add.
    if (job.state === 'done' || job.state === 'delivering') return;
    const from = job.state;
    job.state = 'delivering';
    job.outcome = outcome;
    job.concludedAt = this.now();
    enterStage(job, job.concludedAt);
    await this.persist(job, from);
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
    await this.persist(job, 'delivering');
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

  /** See {@link JobContext.persist}. */
  private async persist(job: Job, from: JobState = job.state): Promise<void> {
    try {
      await this.write(job, from);
      this.keep(job);
    } catch (error) {
      if (error instanceof JobSuperseded) throw error;
      this.log(job).error({ err: error }, 'could not save the job');
      if (job.state === 'done') throw error;
    }
  }

  /**
   * The compare-and-set of {@link JobContext.persist}, a store fault rejecting. A record that lost
   * the race and is still in `from` had facts added (a cancel, the hand-off notice, a fault
   * counted): they are kept and this change goes over it. One that moved on, or is gone, stands,
   * and becomes this process's copy.
   */
  private async write(job: Job, from: JobState): Promise<void> {
    for (let reapplied = 0; ; reapplied += 1) {
      const read = job.revision;
      job.revision = read + 1;
      let saved: Saved;
      try {
        saved = await this.deps.jobs.save(job);
      } catch (error) {
        // Not known to be written: the next write goes over the record read, or finds this one and goes again.
        job.revision = read;
        throw error;
      }
      if (saved.written) return;
      job.revision = read;
      const { stored } = saved;
      if (!stored || stored.state !== from) {
        if (stored) this.keep(stored);
        else this.active.delete(job.id);
        throw new JobSuperseded(job.id, stored);
      }
      if (reapplied === MAX_REAPPLIED) throw new Error(`job ${job.id} kept changing while it was written`);
      job.revision = stored.revision;
      if (stored.cancelledBy !== undefined) job.cancelledBy ??= stored.cancelledBy;
      if (stored.handedOff) job.handedOff = true;
    }
  }

  /** Makes `job`, as last written or read, this process's copy; forgets it once done. */
  private keep(job: Job): void {
    if (job.state === 'done') this.active.delete(job.id);
    else this.active.set(job.id, job);
  }

  private log(job: Job): Logger {
    return this.deps.logger.child({ jobId: job.id, userId: job.origin.userId, predictionId: job.predictionId });
  }
}
