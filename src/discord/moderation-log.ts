import { DiscordAPIError, REST } from 'discord.js';
import { type APIChannel, RESTJSONErrorCodes, Routes } from 'discord-api-types/v10';
import { translator } from '../i18n/translator.js';
import type { Logger } from '../logger.js';
import type { LogChannel, LogChannels, LogProblem } from '../moderation/log-channels.js';
import type { LogEntry, LogPoster } from '../moderation/moderation-log.js';
import { withDeadline } from './deadline.js';
import { MAX_RATE_LIMIT_WAIT_MS } from './discord-delivery.js';
import { greetingText, type LogMessage, logMessage, unusableLogText } from './moderation-log-text.js';

/** What Discord answers for a log channel the bot cannot use, and what it means. */
const PROBLEMS: ReadonlyMap<number, LogProblem> = new Map([
  [RESTJSONErrorCodes.MissingPermissions, 'forbidden'],
  [RESTJSONErrorCodes.MissingAccess, 'forbidden'],
  [RESTJSONErrorCodes.UnknownChannel, 'missing'],
]);

const NO_PINGS = { parse: [] } as const;

export interface DiscordLogPosterOptions {
  /** Deadline of one post, rate-limit waits and retries included. Default 30 s. */
  postDeadlineMs?: number;
  /**
   * How often a channel marked unusable is tried again. Each refused post counts toward Discord's
   * limit on invalid requests, so a broken log is not tried on every job. Default 10 minutes.
   */
  unusableRetryMs?: number;
  now?: () => number;
}

/**
 * Posts moderation log entries to each guild's log channel through Discord's REST API, in the
 * language the log was picked in (the server's then). Posts ping nobody. A channel the bot may
 * not post in, or that was deleted, is reported once (a log line, and a DM to the admin who
 * picked it), then tried again now and then until a post lands.
 */
export class DiscordLogPoster implements LogPoster {
  private readonly rest: REST;
  private readonly postDeadlineMs: number;
  private readonly unusableRetryMs: number;
  private readonly now: () => number;
  /** Guilds whose unusable log is next tried at, in this process. */
  private readonly retryAt = new Map<string, number>();

  /**
   * @param rest - the client's REST, whose options (API URL) the poster's own instance shares
   * @param token - the bot token
   */
  constructor(
    rest: REST,
    token: string,
    private readonly channels: LogChannels,
    private readonly logger: Logger,
    options: DiscordLogPosterOptions = {},
  ) {
    this.postDeadlineMs = options.postDeadlineMs ?? 30_000;
    this.unusableRetryMs = options.unusableRetryMs ?? 10 * 60_000;
    this.now = options.now ?? Date.now;
    // A log post waits out no long rate limit: it is given up, and the job it tells of is long done.
    this.rest = new REST({
      ...rest.options,
      timeout: this.postDeadlineMs,
      retries: 1,
      rejectOnRateLimit: (limit) => limit.retryAfter > MAX_RATE_LIMIT_WAIT_MS,
    }).setToken(token);
  }

  async post(guildId: string, entry: LogEntry): Promise<void> {
    const status = await this.channels.status(guildId);
    if (!status) return;
    const { channel, unusable } = status;
    if (unusable && this.now() < (this.retryAt.get(guildId) ?? 0)) {
      this.logger.debug({ guildId, entry: entry.kind }, 'entry not posted: the moderation log channel is unusable');
      return;
    }
    // A job's entry posted again (a retried request) is not posted twice.
    const nonce = entry.kind === 'job' ? `log${entry.job.id}`.slice(0, 25) : undefined;
    const problem = await this.send(channel.channelId, logMessage(entry, translator(channel.locale)), nonce);
    if (problem) return this.report(guildId, channel, problem);
    this.retryAt.delete(guildId);
    if (unusable && (await this.channels.markUsable(guildId, channel.channelId))) {
      this.logger.info({ guildId, channelId: channel.channelId }, 'moderation log channel usable again');
    }
  }

  async greet(guildId: string, { channelId, setBy, locale }: LogChannel): Promise<LogProblem | null> {
    const problem = await this.send(channelId, { content: greetingText(setBy, translator(locale)), components: [] });
    if (problem) await this.channels.markUnusable(guildId, channelId, problem);
    else this.retryAt.delete(guildId);
    return problem;
  }

  /** Posts `message`; resolves with what makes the channel unusable, or throws any other failure. */
  private async send(channelId: string, message: LogMessage, nonce?: string): Promise<LogProblem | null> {
    try {
      await withDeadline(this.postDeadlineMs, (signal) =>
        this.rest.post(Routes.channelMessages(channelId), {
          body: { ...message, allowed_mentions: NO_PINGS, ...(nonce && { nonce, enforce_nonce: true }) },
          signal,
        }),
      );
      return null;
    } catch (error) {
      const problem = error instanceof DiscordAPIError ? PROBLEMS.get(Number(error.code)) : undefined;
      if (!problem) throw error;
      return problem;
    }
  }

  /** Marks the channel unusable; the process whose mark landed logs it and tells the admin who picked it. */
  private async report(guildId: string, channel: LogChannel, problem: LogProblem): Promise<void> {
    this.retryAt.set(guildId, this.now() + this.unusableRetryMs);
    if (!(await this.channels.markUnusable(guildId, channel.channelId, problem))) return;
    const fields = { guildId, channelId: channel.channelId, problem, adminId: channel.setBy };
    this.logger.warn(fields, 'moderation log channel unusable; entries are not posted until it is fixed');
    try {
      await withDeadline(this.postDeadlineMs, async (signal) => {
        const dm = (await this.rest.post(Routes.userChannels(), {
          body: { recipient_id: channel.setBy },
          signal,
        })) as APIChannel;
        await this.rest.post(Routes.channelMessages(dm.id), {
          body: {
            content: unusableLogText(channel.channelId, problem, translator(channel.locale)),
            allowed_mentions: NO_PINGS,
          },
          signal,
        });
      });
    } catch (error) {
      this.logger.info({ ...fields, err: error }, 'could not tell the admin who picked the moderation log');
    }
  }
}
