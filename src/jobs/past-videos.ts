import type { Wording } from '../i18n/translator.js';
import { OutputRejectedError, ProviderError } from '../provider/errors.js';
import { OUTPUT_RETENTION_MS } from '../video/catalog.js';
import { type Job, type JobOrigin, type JobOutcome, serverOf } from './job.js';
import { type JobAction, videoActions } from './job-actions.js';
import type { JobContext } from './job-context.js';
import type { MemberPlace } from './job-store.js';
import type { JobNotice } from './notices.js';
import { downloadCap, nsfwBlocked } from './settlement.js';

type VideoOutcome = Extract<JobOutcome, { kind: 'video' }>;

/** What an id can be: a prediction's (WaveSpeed's are 32 hex digits) or a job's (a snowflake). */
const SHOWABLE_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** A finished job whose outcome is a video. */
export type VideoJob = Job & { outcome: VideoOutcome };

/** What an id given to `/video-show` names, as the member who asked may see it. */
export type Recalled = { kind: 'video'; job: VideoJob } | { kind: 'refused'; notice: ShowRefusal };

type ShowRefusal = Extract<JobNotice, { kind: 'show_refused' }>;

/** How a past video was posted again: its file, its link (too large to upload), or its details once the file is gone. */
export type Shown = 'file' | 'link' | 'gone';

/**
 * Past videos, from their records: found by the id their message shows and posted again with
 * their buttons, the way a delivery posts them (the same upload limit, link and uploader), or
 * listed for their member. Nothing is spent and no record changes.
 */
export class PastVideos {
  constructor(private readonly context: JobContext) {}

  /**
   * The finished video `id` names (its prediction id, or its job id) as `origin` may see it: one
   * made in its server, or in DMs by its member. Any other is unknown, whether or not it exists
   * elsewhere, and so is one whose record has expired.
   */
  async find(id: string, origin: JobOrigin): Promise<Recalled> {
    const { jobs, settings } = this.context.deps;
    const refused = (notice: ShowRefusal): Recalled => ({ kind: 'refused', notice });
    if (!SHOWABLE_ID.test(id)) return refused({ kind: 'show_refused', why: 'unknown' });
    const job = await jobs.get((await jobs.byPrediction(id)) ?? id);
    if (!job || !visibleFrom(job, origin)) return refused({ kind: 'show_refused', why: 'unknown' });
    if (job.state !== 'done') return refused({ kind: 'show_refused', why: 'unfinished' });
    const { outcome } = job;
    // A job withdrawn before anyone saw it has no outcome: nothing was made.
    if (!outcome) return refused({ kind: 'show_refused', why: 'unknown' });
    if (outcome.kind === 'failure') return refused({ kind: 'show_refused', why: 'failed', reason: outcome.reason });
    // Where it is shown now decides, as it did where it was first posted.
    if (outcome.nsfw && nsfwBlocked({ ...job, origin }, await settings.get(serverOf(origin)))) {
      return refused({ kind: 'show_refused', why: 'nsfw_blocked' });
    }
    return { kind: 'video', job: { ...job, outcome } };
  }

  /**
   * Posts `job`'s video again as `origin`'s reply, with the job's buttons: the file while the
   * provider keeps it (the stored link, then a fresh one from the provider should that fail), or
   * its link when it is too large to upload there; past that, its details and where it was first
   * posted. Throws what a delivery would retry (Discord faults).
   */
  async show(job: VideoJob, origin: JobOrigin): Promise<Shown> {
    const { deps } = this.context;
    // The buttons still act on the job; the message is the asking interaction's reply.
    const view: VideoJob = { ...job, origin };
    const actions = videoActions(job, await deps.settings.get(serverOf(origin)));
    const shown = this.kept(job) ? await this.postFile(view, actions) : undefined;
    if (shown) return shown;
    const { generationMs } = job.outcome;
    const content: Wording = (t) => deps.text.render({ kind: 'video_gone', job: view, generationMs }, t);
    await deps.delivery.post(view, { content, actions });
    return 'gone';
  }

  /** The member's latest finished jobs in one place, newest first. */
  recent(place: MemberPlace): Promise<Job[]> {
    return this.context.deps.jobs.recent(place);
  }

  /** Whether the provider still keeps the job's output: it drops it 7 days after it was made. */
  private kept(job: Job): boolean {
    return (job.submittedAt ?? job.createdAt) + OUTPUT_RETENTION_MS > this.context.now();
  }

  /** Fetches and posts the file from the stored link, then from a fresh one; `undefined` when neither can be fetched. */
  private async postFile(view: VideoJob, actions: readonly JobAction[]): Promise<Shown | undefined> {
    const { files } = this.context.deps;
    // The asking interaction's own file: two members may show the same video at once.
    const path = files.pathFor(view.origin.interactionId);
    try {
      let url: string | undefined = view.outcome.url;
      for (const retry of [false, true]) {
        if (retry) url = await this.freshUrl(view);
        if (url === undefined) return undefined;
        try {
          return await this.fetchAndPost(view, url, path, actions);
        } catch (error) {
          if (!(error instanceof ProviderError)) throw error;
          this.context.deps.observer?.providerError?.(error);
          this.context.log(view).info({ err: error, retry }, 'past video could not be fetched');
        }
      }
      return undefined;
    } finally {
      await files
        .discard(view.origin.interactionId)
        .catch((error: unknown) => this.context.log(view).warn({ err: error }, 'could not remove the video file'));
    }
  }

  /** The output's link as the provider now gives it, or `undefined` once it no longer has the video. */
  private async freshUrl(job: Job): Promise<string | undefined> {
    if (job.predictionId === undefined) return undefined;
    try {
      const prediction = await this.context.deps.provider.result(job.predictionId);
      return prediction.status === 'completed' ? prediction.outputs[0] : undefined;
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
      this.context.log(job).info({ err: error }, 'past prediction could not be read');
      return undefined;
    }
  }

  /** Downloads the video within the upload limit and posts it; too large for it, posts its link. */
  private async fetchAndPost(view: VideoJob, url: string, path: string, actions: readonly JobAction[]): Promise<Shown> {
    const { deps, options } = this.context;
    const { generationMs, nsfw } = view.outcome;
    const maxBytes = downloadCap(view.origin, options);
    const link =
      (size: { bytes?: number; limitBytes?: number }): Wording =>
      (t) =>
        deps.text.render({ kind: 'video_link', job: view, generationMs, url, why: 'too_large', ...size }, t);
    let bytes: number;
    try {
      bytes = await deps.provider.download(url, maxBytes, path);
    } catch (error) {
      if (!(error instanceof OutputRejectedError) || error.reason !== 'too_large') throw error;
      const size = { limitBytes: maxBytes, ...(error.declaredBytes !== undefined && { bytes: error.declaredBytes }) };
      await deps.delivery.post(view, { content: link(size), actions });
      return 'link';
    }
    await deps.delivery.post(view, {
      content: (t) => deps.text.render({ kind: 'video', job: view, generationMs }, t),
      linkContent: link({ bytes }),
      file: { name: `${view.predictionId ?? view.id}.mp4`, path, bytes, spoiler: nsfw },
      actions,
    });
    return 'file';
  }
}

/** Whether a member asking from `origin` may see `job`: made in the same server, or in DMs by them. */
function visibleFrom(job: Job, origin: Pick<JobOrigin, 'guildId' | 'userId'>): boolean {
  if (job.origin.guildId !== origin.guildId) return false;
  return origin.guildId !== null || job.origin.userId === origin.userId;
}
