import type { VideoRequest } from '../provider/video-provider.js';

/**
 * Where a job stands. The order is the only order it moves in:
 *
 * - `preparing`: only a job made from a member's image starts here, while the image is fetched
 *   and uploaded to the provider. Nothing was sent for generation and an upload bills nothing,
 *   so a restart simply uploads again, from the member's attachment while its link still works.
 * - `waiting`: in line for one of the account's generation slots (see `GenerationLine`).
 *   Nothing was sent, so a restart simply puts it back in line.
 * - `submitting`: written before the submit is sent. A job found here after a restart may
 *   or may not exist at the provider, so it is failed and refunded, never re-sent.
 * - `generating`: the provider accepted it; `predictionId` is known and is polled.
 * - `delivering`: the outcome is known and being posted. Posting is idempotent (the
 *   original reply is edited in place, channel messages carry a nonce), so a restart
 *   here posts again safely.
 * - `done`: posted and the quota settled. Nothing more happens.
 */
export type JobState = 'preparing' | 'waiting' | 'submitting' | 'generating' | 'delivering' | 'done';

/** Why a job ended without a video, in terms the bot explains to the member. */
export type FailureReason =
  | 'moderation'
  | 'invalid_request'
  | 'provider_busy'
  | 'provider_unavailable'
  | 'no_credit'
  | 'timeout'
  | 'failed'
  | 'submit_unknown'
  | 'output_unavailable'
  | 'nsfw_blocked'
  /** The member's image cannot be used: not the type it claims, too large, or refused by the provider. */
  | 'image_refused'
  /** The member's image could not be fetched (its link expired) or passed on to the provider in time. */
  | 'image_unavailable'
  /** The requester or a moderator cancelled it: refunded in line, counted once the provider had it. */
  | 'cancelled';

export type JobOutcome =
  | {
      kind: 'video';
      url: string;
      nsfw: boolean;
      inferenceMs?: number;
      generationMs: number;
      /** Set once uploading the file failed for good: the member gets the video's link instead. */
      asLink?: true;
    }
  | {
      kind: 'failure';
      reason: FailureReason;
      /** The video's link, when it was made but could not be fetched: the member may still open it. */
      url?: string;
    };

/**
 * The current stage's start and the faults met in it, kept in the record so that a restart
 * neither forgets a stage's deadline nor starts its attempts again. A new stage starts at zero.
 */
export interface JobStage {
  /** Epoch ms. */
  since: number;
  faults: number;
  /** What the latest attempt of a delivery was doing when it faulted. */
  doing?: 'fetch' | 'post';
}

/** The channel a job's result reached. */
export type DeliveryRoute = 'reply' | 'channel' | 'dm' | 'log';

/** Where a job's result message is, for a link back to it: `guildId` `null` for a DM. */
export interface PostedMessage {
  guildId: string | null;
  channelId: string;
  messageId: string;
}

/** Everything needed to answer the member, even from another process or after a restart. */
export interface JobOrigin {
  interactionId: string;
  /** Interaction token; valid until `tokenExpiresAt`. Cleared once the job is done. */
  token: string;
  /** Epoch ms: 15 minutes after the interaction was created. */
  tokenExpiresAt: number;
  applicationId: string;
  /** The server the command ran in, whether the bot is in it or not; `null` in DMs and group DMs. */
  guildId: string | null;
  channelId: string;
  userId: string;
  /** Upload limit for this interaction, in bytes. */
  attachmentSizeLimit: number;
  /** Whether the channel is age-restricted, in a server the bot is in (elsewhere never). */
  channelNsfw: boolean;
  /**
   * The member's client language (a Discord locale), which what only they read is worded in.
   * Records from before it was kept leave it out, and read US English.
   */
  locale?: string;
  /** The server's language, which posts to its channels are worded in; left out in DMs and by older records. */
  guildLocale?: string;
  /**
   * Set when the command ran in a server the bot is not in, reached through the app installed
   * to the member's own account: only the interaction can answer there. Records from before
   * user installs leave it out; they all ran where the bot is.
   */
  foreignGuild?: true;
}

/**
 * The server a job belongs to: its settings, filters and limits apply, and the bot may post in
 * its channels. `null` in DMs, group DMs and servers the bot is not in, where the member's own
 * allowance for the app installed to their account applies, one count across all of them.
 */
export function serverOf(origin: Pick<JobOrigin, 'guildId' | 'foreignGuild'>): string | null {
  return origin.foreignGuild ? null : origin.guildId;
}

/** A `/video` request's durable record. The interaction id is its id. */
export interface Job {
  id: string;
  origin: JobOrigin;
  request: VideoRequest;
  state: JobState;
  /** Epoch ms. */
  createdAt: number;
  /**
   * Bumped on every write, so a process can tell its copy from a newer one another process wrote.
   * A write lands only over the revision its writer read (see `JobStore.save`), so none is lost.
   */
  revision: number;
  predictionId?: string;
  /** Epoch ms when it got a generation slot and its submit began. */
  admittedAt?: number;
  submittedAt?: number;
  /** Result calls made so far. */
  polls: number;
  /** Epoch ms of the latest result call. */
  lastPollAt?: number;
  /** Epoch ms of the next result call. */
  nextPollAt?: number;
  outcome?: JobOutcome;
  /** Epoch ms when the outcome became known. */
  concludedAt?: number;
  stage?: JobStage;
  /** Set once the member was told the result will come as a channel message instead of a reply edit. */
  handedOff?: boolean;
  deliveredVia?: DeliveryRoute;
  /** The message the result was posted as; left out when it went to the log, and by records from before it was kept. */
  deliveredMessage?: PostedMessage;
  /**
   * Who cancelled it (a user id). In line it ended then; at the provider it could not be stopped,
   * so it runs to its end and is settled without being posted.
   */
  cancelledBy?: string;
}
