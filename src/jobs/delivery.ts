import type { Wording } from '../i18n/translator.js';
import type { DeliveryRoute, Job, JobOrigin, PostedMessage } from './job.js';
import type { JobAction } from './job-actions.js';

/** A finished video on disk, ready to upload from there. */
export interface VideoFile {
  name: string;
  /** The downloaded file; its owner (the job runner, through `VideoFiles`) removes it after posting. */
  path: string;
  /** Its size, sent as the upload's length. */
  bytes: number;
  /** Hidden behind a spoiler (NSFW videos where the guild's policy allows them). */
  spoiler: boolean;
}

/**
 * A job's final message. Its texts are worded once its route is known: in the member's language
 * for the reply or a DM, in the server's for a message in its channel.
 */
export interface ResultPost {
  content: Wording;
  file?: VideoFile;
  /** Sent instead when Discord refuses the file as too large; it carries the video's link. */
  linkContent?: Wording;
  /** What the member can do from it; left out, none (a progress message's buttons go with it). */
  actions?: readonly JobAction[];
}

/** Where a result went: the route, and the message it made there (none when it went to the log). */
export interface Delivered {
  route: DeliveryRoute;
  message?: PostedMessage;
}

/**
 * Port to Discord for job messages. Posting goes to the best route still open: the
 * deferred reply while its token lives, else a channel message mentioning the member,
 * else a DM, else the log. Posting the same job twice must not post twice.
 */
export interface Delivery {
  /**
   * Edits the deferred reply while its token lives, `content` worded in the member's language,
   * with `actions` under it (left out, none); resolves whether the edit landed. Failures are the
   * adapter's to log.
   */
  progress(origin: JobOrigin, content: Wording, actions?: readonly JobAction[]): Promise<boolean>;
  /**
   * Posts the result and says where, with the message it made (none for the log). Throws only
   * for faults worth retrying (Discord 5xx, network); a route that is closed for good is skipped.
   */
  post(job: Job, post: ResultPost): Promise<Delivered>;
  /** Whether the deferred reply can still be edited at `now`, with a safety margin. */
  replyOpen(origin: JobOrigin, now: number): boolean;
}
