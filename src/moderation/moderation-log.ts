import { type Job, type JobOrigin, serverOf } from '../jobs/job.js';
import type { JobObserver } from '../jobs/job-observer.js';
import { counts } from '../jobs/settlement.js';
import type { Logger } from '../logger.js';
import type { VideoRequest } from '../provider/video-provider.js';
import type { AccountChange } from './account-watch.js';
import type { LogChannel, LogProblem } from './log-channels.js';
import type { StoredFilterRule } from './prompt-filters-store.js';

/** What an admin can do to a member from a moderation log post, in the order its buttons show. */
export const MEMBER_ACTIONS = ['block', 'unblock', 'reset'] as const;
export type MemberAction = (typeof MEMBER_ACTIONS)[number];

/** What a server's moderation log is told, as facts; the chat adapter words and posts them. */
export type LogEntry =
  /** A job of the server ended; `counted`: it counts toward the member's videos, so it was paid for. */
  | { kind: 'job'; job: Job; counted: boolean }
  /** A prompt one of the server's filters refused, and which; nothing was spent. */
  | { kind: 'prompt_refused'; origin: JobOrigin; request: VideoRequest; rule: StoredFilterRule }
  /** An admin (`by`) acted on a member from a log post. */
  | { kind: 'member_action'; action: MemberAction; memberId: string; by: string }
  /** The provider account changed in a way the server's admins should hear. */
  | { kind: 'account'; change: AccountChange };

/**
 * Port that posts one entry to a guild's moderation log, when it has one. Resolves once it was
 * posted or given up on; a channel that refuses posts is the adapter's to report, once.
 */
export interface LogPoster {
  post(guildId: string, entry: LogEntry): Promise<void>;
  /**
   * Posts the first note in a channel just picked as the guild's log, and says why it could not be
   * posted (`null`: it was). A problem found here is marked, not reported: the admin who picked
   * the channel is told in their answer.
   */
  greet(guildId: string, channel: LogChannel): Promise<LogProblem | null>;
}

export interface ModerationLogOptions {
  /** Posts in flight at once. Default 2. */
  concurrency?: number;
  /** Entries waiting beyond which new ones are dropped, each with a warning. Default 1,000. */
  backlog?: number;
}

/**
 * The moderation logs, fed from the job engine's facts. Posting is queued in this process and
 * runs beside the jobs, never in their lanes: a job is done before its log post starts, and a
 * slow or failing log channel holds only this queue, which is bounded.
 */
export class ModerationLog implements JobObserver {
  private readonly waiting: Array<{ guildId: string; entry: LogEntry }> = [];
  private running = 0;
  private readonly whenIdle: Array<() => void> = [];
  private readonly concurrency: number;
  private readonly backlog: number;

  constructor(
    private readonly poster: LogPoster,
    private readonly logger: Logger,
    { concurrency = 2, backlog = 1_000 }: ModerationLogOptions = {},
  ) {
    this.concurrency = concurrency;
    this.backlog = backlog;
  }

  /** Queues `entry` for the guild's log and returns at once. */
  post(guildId: string, entry: LogEntry): void {
    if (this.waiting.length >= this.backlog) {
      this.logger.warn({ guildId, entry: entry.kind }, 'moderation log backlog full; entry dropped');
      return;
    }
    this.waiting.push({ guildId, entry });
    this.pump();
  }

  delivered(job: Job): void {
    this.postJob(job);
  }

  failed(job: Job): void {
    this.postJob(job);
  }

  promptRefused(origin: JobOrigin, request: VideoRequest, rule: StoredFilterRule): void {
    const server = serverOf(origin);
    if (server) this.post(server, { kind: 'prompt_refused', origin, request, rule });
  }

  /** Resolves once every queued post has settled, or after `timeoutMs`. */
  idle(timeoutMs: number): Promise<void> {
    if (this.running === 0 && this.waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.whenIdle.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Posts a job to its server's log; a job of no server (DMs, a server without the bot) has none to go to. */
  private postJob(job: Job): void {
    const server = serverOf(job.origin);
    if (!server) return;
    // A copy: the entry waits in the queue, and the record is the runner's.
    const ended = { ...job };
    this.post(server, { kind: 'job', job: ended, counted: counts(ended.outcome, ended.deliveredVia) });
  }

  private pump(): void {
    while (this.running < this.concurrency) {
      const next = this.waiting.shift();
      if (!next) break;
      this.running += 1;
      this.poster
        .post(next.guildId, next.entry)
        .catch((error: unknown) =>
          this.logger.warn({ err: error, guildId: next.guildId, entry: next.entry.kind }, 'moderation log post failed'),
        )
        .finally(() => {
          this.running -= 1;
          this.pump();
          if (this.running === 0 && this.waiting.length === 0) for (const resolve of this.whenIdle.splice(0)) resolve();
        });
    }
  }
}
