import type { Translator } from '../i18n/translator.js';
import type { QuotaLimit } from '../quota/ledger.js';
import type { Quality } from '../video/catalog.js';
import type { FailureReason, Job } from './job.js';
import type { JobAction } from './job-actions.js';

/**
 * When a job's video should be ready, learned from recent jobs of its model: `at` (epoch ms, ahead
 * of when it is shown), or `overdue` once the job has run past it.
 */
export type Eta = { at: number } | 'overdue';

/** Where a job is, as the member's progress message shows it; `eta` once enough jobs of its model are known. */
export type Progress = (
  | { stage: 'waiting'; ahead: number }
  | { stage: 'submitting' }
  | { stage: 'queued' }
  | { stage: 'generating' }
) & { eta?: Eta };

/**
 * What the job engine tells a member, as facts; the chat adapter words them ({@link JobText}).
 * The engine holds no wording, so it does not depend on how a chat platform shows a message.
 */
export type JobNotice =
  /** The reply while the video is made; `handedOff`: the result will come as a message of its own (channel or DM) instead. */
  | { kind: 'progress'; job: Job; progress: Progress; handedOff: boolean }
  /** The details line under a finished video that is posted as a file. */
  | { kind: 'video'; job: Job; generationMs: number }
  /**
   * A finished video posted as its link: it is larger than an upload may be (`too_large`),
   * or Discord would not take the upload even after retries (`upload_refused`). With its size
   * in bytes when known, and the upload limit it exceeded when that is what refused it.
   */
  | {
      kind: 'video_link';
      job: Job;
      generationMs: number;
      url: string;
      why: 'too_large' | 'upload_refused';
      bytes?: number;
      limitBytes?: number;
    }
  /** Why the job ended without a video; `url` when one was made but could not be fetched. */
  | { kind: 'failure'; job: Job; reason: FailureReason; url?: string }
  /** A reservation refused by `limit` (at `max`), with when the daily counts reset. */
  | { kind: 'quota_refused'; limit: QuotaLimit; max: number; resetsAt: number }
  /** A job asked for in a channel the guild does not allow; `allowedChannels` are ids. */
  | { kind: 'channel_refused'; allowedChannels: readonly string[] }
  /** A quality the server does not allow (1080p until an admin enables it); outside servers (`inServer` false) none can. */
  | { kind: 'quality_refused'; quality: Quality; inServer: boolean }
  /** A prompt one of the server's filters refused; which one is for the log, never the member. */
  | { kind: 'prompt_refused' }
  /** The studio is closed (the provider refused the bot's key, or its account ran dry); why is for the log. */
  | { kind: 'studio_closed' }
  /** The server's admins blocked the member from making videos. */
  | { kind: 'member_blocked' }
  /** Nothing was started because the store could not be reached. */
  | { kind: 'store_unavailable' }
  /** The same interaction arrived again: its job was already accepted, and no second one is made. */
  | { kind: 'already_accepted' }
  /**
   * The reply of a job its requester or a moderator (`by`) cancelled. In line, nothing was spent;
   * `atProvider`: the provider already had it and cannot be stopped, so it is not posted and counts.
   */
  | { kind: 'cancelled'; job: Job; by: string; atProvider: boolean }
  /**
   * A press of a job's button that did nothing: the member may not (`not_permitted`), the job is
   * not known (never made here, or its record expired), or it is already finished.
   */
  | { kind: 'action_refused'; action: JobAction; why: 'not_permitted' | 'unknown_job' | 'finished' }
  /**
   * `/video-show` has nothing to post: no such video where it was asked (`unknown`: never made
   * there, or its record expired), one still being made, one that ended without a video (with
   * why), or a flagged one the policy keeps out of this channel.
   */
  | { kind: 'show_refused'; why: 'unknown' | 'unfinished' | 'nsfw_blocked' }
  | { kind: 'show_refused'; why: 'failed'; reason: FailureReason }
  /** A past video shown again once the provider no longer keeps its file: its details, and where it was first posted. */
  | { kind: 'video_gone'; job: Job; generationMs: number };

/** Port that words a {@link JobNotice} as the message a member reads, in the language of `t`. */
export interface JobText {
  render(notice: JobNotice, t: Translator): string;
}
