import type { GuildSettings } from '../guilds/guild-settings.js';
import type { Wording } from '../i18n/translator.js';
import { OutputRejectedError, ProviderError } from '../provider/errors.js';
import type { Delivered, ResultPost } from './delivery.js';
import { type DeliveryRoute, type Job, type JobOrigin, type JobOutcome, type JobStage, serverOf } from './job.js';
import { type JobAction, videoActions } from './job-actions.js';
import { enterStage, type JobContext, type JobRunnerOptions } from './job-context.js';

type VideoOutcome = Extract<JobOutcome, { kind: 'video' }>;
type FailureOutcome = Extract<JobOutcome, { kind: 'failure' }>;

/**
 * Faulted attempts a delivery stage may have (with the step retry's doubling waits, a few
 * minutes) before the member is told the plainer way: the link for a video that could not be
 * fetched or uploaded, then the log when not even a message gets through.
 */
export const DELIVERY_ATTEMPTS = 4;
/** However its attempts went, a delivery stage ends this long after it began. */
export const DELIVERY_STAGE_MS = 10 * 60_000;

/**
 * The last stage of a job: fetching the output, posting it, and settling the quota. A video
 * that reached the member counts; one that could not be fetched, or that nobody could be
 * shown, is refunded. Every attempt is bounded, and so is the stage (see {@link DELIVERY_ATTEMPTS}).
 */
export class Settlement {
  constructor(
    private readonly context: JobContext,
    /** Ends the job with the route its result reached. */
    private readonly finish: (job: Job, route: DeliveryRoute) => Promise<void>,
  ) {}

  async deliver(job: Job): Promise<void> {
    const { outcome } = job;
    if (!outcome) throw new Error(`job ${job.id} is delivering without an outcome`);
    await this.context.progress.settled(job);
    if (job.cancelledBy !== undefined) return this.settleCancelled(job, outcome);
    // Records written before stages were kept start their stage at the outcome.
    job.stage ??= { since: job.concludedAt ?? this.context.now(), faults: 0 };
    const { stage } = job;
    if (outcome.kind === 'video' && outcome.nsfw) {
      const settings = await this.context.deps.settings.get(serverOf(job.origin));
      // Decided once: neither the file nor its link may reach this channel.
      if (nsfwBlocked(job, settings)) return this.retell(job, { kind: 'failure', reason: 'nsfw_blocked' });
    }
    if (this.spent(stage)) return this.moveOn(job, outcome);
    if (outcome.kind === 'failure') return this.postFailure(job, outcome);
    if (outcome.asLink) {
      return this.postAndSettle(job, {
        content: this.videoLink(job, outcome, 'upload_refused'),
        actions: await this.actionsFor(job),
      });
    }
    return this.postVideo(job, outcome, stage);
  }

  private spent(stage: JobStage): boolean {
    return stage.faults >= DELIVERY_ATTEMPTS || this.context.now() - stage.since >= DELIVERY_STAGE_MS;
  }

  /** A stage out of attempts or time: the next, plainer way to tell the member, or the log. */
  private async moveOn(job: Job, outcome: JobOutcome): Promise<void> {
    const log = this.context.log(job);
    if (outcome.kind === 'video' && !outcome.asLink) {
      const fetched = job.stage?.doing === 'post';
      log.warn(
        { faults: job.stage?.faults },
        fetched ? 'upload abandoned; posting the link' : 'output fetch abandoned',
      );
      return this.retell(
        job,
        fetched ? { ...outcome, asLink: true } : { kind: 'failure', reason: 'output_unavailable', url: outcome.url },
      );
    }
    log.error({ predictionId: job.predictionId, outcome }, 'delivery abandoned; result logged');
    await this.settle(job, outcome, 'log');
    return this.finish(job, 'log');
  }

  /** Delivers the job again with a new outcome, as a new stage. */
  private async retell(job: Job, outcome: JobOutcome): Promise<void> {
    job.outcome = outcome;
    enterStage(job, this.context.now());
    await this.context.persist(job);
    return this.deliver(job);
  }

  private async postFailure(job: Job, outcome: FailureOutcome): Promise<void> {
    // Settled first: a member told of a failure must find their allowance already back.
    await this.settle(job, outcome, 'reply');
    const route = recorded(
      job,
      await this.context.deps.delivery.post(job, {
        content: (t) => this.context.deps.text.render({ ...outcome, job }, t),
      }),
    );
    return this.finish(job, route);
  }

  private async postVideo(job: Job, outcome: VideoOutcome, stage: JobStage): Promise<void> {
    const { deps, options } = this.context;
    const content: Wording = (t) => deps.text.render({ kind: 'video', job, generationMs: outcome.generationMs }, t);
    const path = deps.files.pathFor(job.id);
    const maxBytes = downloadCap(job.origin, options);
    let bytes: number;
    stage.doing = 'fetch';
    try {
      bytes = await deps.provider.download(outcome.url, maxBytes, path);
    } catch (error) {
      if (error instanceof ProviderError) deps.observer?.providerError?.(error);
      if (!(error instanceof OutputRejectedError)) throw error;
      if (error.reason === 'too_large') {
        const size = { limitBytes: maxBytes, ...(error.declaredBytes !== undefined && { bytes: error.declaredBytes }) };
        return this.postAndSettle(job, {
          content: this.videoLink(job, outcome, 'too_large', size),
          actions: await this.actionsFor(job),
        });
      }
      this.context.log(job).warn({ err: error }, 'output rejected');
      return this.retell(job, { kind: 'failure', reason: 'output_unavailable' });
    }
    stage.doing = 'post';
    // Posted instead should Discord refuse the file as too large after all: its limit here is not known then.
    const linkContent = this.videoLink(job, outcome, 'too_large', { bytes });
    const name = `${job.predictionId ?? job.id}.mp4`;
    let route: DeliveryRoute;
    try {
      route = recorded(
        job,
        await deps.delivery.post(job, {
          content,
          linkContent,
          file: { name, path, bytes, spoiler: outcome.nsfw },
          actions: await this.actionsFor(job),
        }),
      );
      await this.settle(job, job.outcome, route);
    } finally {
      // Posted or not, the file goes before the job ends: a retry downloads it again.
      await deps.files
        .discard(job.id)
        .catch((error: unknown) => this.context.log(job).warn({ err: error }, 'could not remove the video file'));
    }
    return this.finish(job, route);
  }

  /**
   * A job cancelled once the provider had it is not posted: its reply already says it was
   * cancelled. A video that was made counts, since it was paid for; one that failed is refunded.
   */
  private async settleCancelled(job: Job, outcome: JobOutcome): Promise<void> {
    const { ledger } = this.context.deps;
    if (outcome.kind === 'video') await ledger.commit(job.id);
    else await ledger.refund(job.id);
    this.context.log(job).info({ outcome: outcome.kind, url: outcome.url }, 'cancelled at the provider; not posted');
    job.outcome = { kind: 'failure', reason: 'cancelled', ...(outcome.url !== undefined && { url: outcome.url }) };
    return this.finish(job, 'reply');
  }

  /** The buttons under the job's video, as its server's settings now allow. */
  private async actionsFor(job: Job): Promise<readonly JobAction[]> {
    return videoActions(job, await this.context.deps.settings.get(serverOf(job.origin)));
  }

  /** The finished video as its link, and why it is not the file. */
  private videoLink(
    job: Job,
    outcome: VideoOutcome,
    why: 'too_large' | 'upload_refused',
    size: { bytes?: number; limitBytes?: number } = {},
  ): Wording {
    const { generationMs, url } = outcome;
    return (t) => this.context.deps.text.render({ kind: 'video_link', job, generationMs, url, why, ...size }, t);
  }

  /** Posts a video (or its link) and settles the quota by where it went, before the job ends. */
  private async postAndSettle(job: Job, post: ResultPost): Promise<void> {
    const route = recorded(job, await this.context.deps.delivery.post(job, post));
    await this.settle(job, job.outcome, route);
    return this.finish(job, route);
  }

  /**
   * Commits or refunds the reservation; both are idempotent, and the first one stands. A video
   * counts when it reached the member, a flagged one kept out of the channel too (it was made
   * and paid for); every other failure is refunded.
   */
  private async settle(job: Job, outcome: JobOutcome | undefined, route: DeliveryRoute): Promise<void> {
    if (counts(outcome, route)) await this.context.deps.ledger.commit(job.id);
    else await this.context.deps.ledger.refund(job.id);
  }
}

/**
 * Whether a job with this outcome, posted by `route`, counts toward the member's videos: a video
 * that reached them, one flagged and kept out of the channel, and one made after a cancel at the
 * provider (its outcome keeps the video's link) were made and paid for; the rest are refunded.
 */
export function counts(outcome: JobOutcome | undefined, route: DeliveryRoute | undefined): boolean {
  if (outcome?.kind === 'video') return route !== undefined && route !== 'log';
  return outcome?.reason === 'nsfw_blocked' || (outcome?.reason === 'cancelled' && outcome.url !== undefined);
}

/** Keeps where the result was posted in the job's record, for links back to it; returns the route. */
function recorded(job: Job, { route, message }: Delivered): DeliveryRoute {
  if (message) job.deliveredMessage = message;
  return route;
}

/**
 * The largest output downloaded for an upload from `origin`: its interaction's upload limit,
 * within `OUTPUT_MAX_MB`; a larger video goes as its link.
 */
export function downloadCap(origin: JobOrigin, options: Pick<JobRunnerOptions, 'outputMaxBytes'>): number {
  return Math.min(origin.attachmentSizeLimit, options.outputMaxBytes);
}

/** Whether the guild's policy keeps a flagged video out of the job's channel. */
export function nsfwBlocked(job: Job, settings: GuildSettings): boolean {
  if (settings.nsfw === 'never') return true;
  return settings.nsfw === 'age-restricted' && !job.origin.channelNsfw;
}
