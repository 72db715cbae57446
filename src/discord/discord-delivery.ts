import { openAsBlob } from 'node:fs';
import { DiscordAPIError, type RateLimitData, RateLimitError, REST, type RESTOptions } from 'discord.js';
import { type APIChannel, type APIMessage, RESTJSONErrorCodes, Routes } from 'discord-api-types/v10';
import { Agent } from 'undici';
import { type Translator, translator, type Wording } from '../i18n/translator.js';
import type { Delivered, Delivery, ResultPost, VideoFile } from '../jobs/delivery.js';
import { type DeliveryRoute, type Job, type JobOrigin, serverOf } from '../jobs/job.js';
import type { JobAction } from '../jobs/job-actions.js';
import type { Logger } from '../logger.js';
import { type JobComponents, jobComponents } from './buttons.js';
import { withDeadline } from './deadline.js';

/** The reply is not used this close to its token's death: an upload can take a while. */
const REPLY_MARGIN_MS = 60_000;
/**
 * Connections the reply edits keep to Discord. Uncapped, a burst of edits opens one per edit
 * in flight (and a TLS handshake each); capped, the rest wait for a free one. Deferrals keep
 * the client's own connections, so they never wait behind a burst of edits and uploads.
 */
const EDIT_CONNECTIONS = 64;
/**
 * Longest rate-limit wait a delivery request sits out. A longer one (Discord asking for
 * minutes on an upload) fails the request instead, so the post throws and the job is tried
 * again later, rather than holding its delivery slot.
 */
export const MAX_RATE_LIMIT_WAIT_MS = 5_000;
/**
 * Deadline of one post on one route, uploads included: @discordjs/rest would otherwise retry
 * a timed-out upload three times (four REST timeouts in all) and repeat short 429s for ever.
 */
const POST_DEADLINE_MS = 180_000;

/** How often the reply edits' REST forgets the rate-limit handlers of tokens no longer in use. */
const HANDLER_SWEEP_MS = 60_000;

/** Errors that mean a route is closed for good, so the next one should be tried. */
const CLOSED: Record<Exclude<DeliveryRoute, 'log'>, ReadonlySet<number>> = {
  reply: new Set([
    RESTJSONErrorCodes.UnknownInteraction,
    RESTJSONErrorCodes.UnknownWebhook,
    RESTJSONErrorCodes.InvalidWebhookToken,
    RESTJSONErrorCodes.UnknownMessage,
  ]),
  channel: new Set([
    RESTJSONErrorCodes.MissingPermissions,
    RESTJSONErrorCodes.MissingAccess,
    RESTJSONErrorCodes.UnknownChannel,
  ]),
  dm: new Set([RESTJSONErrorCodes.CannotSendMessagesToThisUser, RESTJSONErrorCodes.UnknownUser]),
};

const NO_PINGS = { parse: [] } as const;

/** Options of {@link DiscordDelivery}; tests shorten the deadline and set the clock. */
export interface DiscordDeliveryOptions {
  /** Deadline of one post on one route, rate-limit waits and retries included. Default 3 minutes. */
  postDeadlineMs?: number;
  now?: () => number;
}

/** Posts job messages through Discord's REST API, so it works for jobs resumed after a restart too. */
export class DiscordDelivery implements Delivery {
  /**
   * Edits of interaction replies. Discord holds these webhooks to per-token buckets only, not
   * to the bot's global limit, but one @discordjs/rest instance applies its global limit
   * (50 requests a second) to every route it sends; an instance of their own without it keeps
   * a burst of edits from queueing behind that limit, and from holding up channel posts.
   */
  private readonly interactionWebhooks: REST;
  /** Channel and DM posts: the bot's token, and connections apart from the client's deferrals. */
  private readonly messages: REST;
  private readonly postDeadlineMs: number;
  private readonly now: () => number;

  /**
   * @param rest - the client's REST, whose options (API URL, timeout) delivery's own instances share
   * @param token - the bot token, for channel and DM posts
   */
  constructor(
    rest: REST,
    token: string,
    private readonly logger: Logger,
    options: DiscordDeliveryOptions = {},
  ) {
    this.postDeadlineMs = options.postDeadlineMs ?? POST_DEADLINE_MS;
    this.now = options.now ?? Date.now;
    const shared = {
      ...rest.options,
      rejectOnRateLimit: rejectingLongWaits(rest.options.rejectOnRateLimit),
      // Uploads and edits never take the connections the client keeps for deferrals.
      agent: new Agent({ connections: EDIT_CONNECTIONS }),
    };
    this.interactionWebhooks = new REST({
      ...shared,
      globalRequestsPerSecond: Number.POSITIVE_INFINITY,
      // Each interaction token gets a rate-limit handler of its own, used for 15 minutes at most;
      // swept hourly (the default), a busy server's deliveries would keep an hour's worth in memory.
      handlerSweepInterval: HANDLER_SWEEP_MS,
    });
    this.messages = new REST(shared).setToken(token);
  }

  replyOpen(origin: JobOrigin, now: number): boolean {
    return origin.token !== '' && now < origin.tokenExpiresAt - REPLY_MARGIN_MS;
  }

  async progress(origin: JobOrigin, content: Wording, actions: readonly JobAction[] = []): Promise<boolean> {
    try {
      const t = translator(origin.locale);
      // The interaction id is the job's; only the member's reply shows its buttons this way.
      const components = jobComponents(origin.interactionId, actions, t);
      await this.editReply(origin, { content: content(t), components, allowed_mentions: NO_PINGS });
      return true;
    } catch (error) {
      this.logger.debug({ err: error, jobId: origin.interactionId }, 'progress edit failed');
      return false;
    }
  }

  async post(job: Job, post: ResultPost): Promise<Delivered> {
    // A route Discord holds for long is closed for now: the next one may reach the member sooner.
    let held: RateLimitError | undefined;
    for (const route of this.routes(job.origin)) {
      try {
        const message = await this.postVia(route, job, post);
        // A DM's link has no server; the reply and a channel message are in the job's.
        const guildId = route === 'dm' ? null : job.origin.guildId;
        return { route, message: { guildId, channelId: message.channel_id, messageId: message.id } };
      } catch (error) {
        if (error instanceof RateLimitError) {
          held = error;
          this.logger.info(
            { jobId: job.id, route, retryAfter: error.retryAfter },
            'delivery route rate-limited; trying the next',
          );
          continue;
        }
        if (!(error instanceof DiscordAPIError) || !CLOSED[route].has(Number(error.code))) throw error;
        this.logger.info({ jobId: job.id, route, err: error }, 'delivery route closed; trying the next');
      }
    }
    // Every open route was only held: the job tries again later rather than give up.
    if (held) throw held;
    this.logger.warn(
      { jobId: job.id, predictionId: job.predictionId, outcome: job.outcome },
      'no route reached the member',
    );
    return { route: 'log' };
  }

  private routes(origin: JobOrigin): Array<Exclude<DeliveryRoute, 'log'>> {
    const routes: Array<Exclude<DeliveryRoute, 'log'>> = [];
    if (this.replyOpen(origin, this.now())) routes.push('reply');
    // Outside a server with the bot (group DMs, servers reached by a member's own install) a channel message could only fail.
    if (serverOf(origin) !== null) routes.push('channel');
    routes.push('dm');
    return routes;
  }

  /**
   * Posts on one route, worded for whoever reads it there; when the file is refused as too large,
   * posts the link instead.
   */
  private async postVia(route: Exclude<DeliveryRoute, 'log'>, job: Job, post: ResultPost): Promise<APIMessage> {
    const t = readerOf(route, job.origin);
    // The same buttons under the file and under its link; none replaces the progress's Cancel on the reply.
    const components = jobComponents(job.id, post.actions ?? [], t);
    try {
      return await this.send(route, job, post.content(t), components, post.file);
    } catch (error) {
      const tooLarge = error instanceof DiscordAPIError && error.code === RESTJSONErrorCodes.RequestEntityTooLarge;
      if (!tooLarge || !post.file || !post.linkContent) throw error;
      this.logger.info({ jobId: job.id, route }, 'upload refused as too large; posting the link');
      return await this.send(route, job, post.linkContent(t), components);
    }
  }

  private async send(
    route: Exclude<DeliveryRoute, 'log'>,
    job: Job,
    content: string,
    components: JobComponents,
    file?: VideoFile,
  ): Promise<APIMessage> {
    const attachments = file ? [{ id: 0, filename: fileName(file) }] : [];
    const { origin } = job;
    return withDeadline(this.postDeadlineMs, async (signal) => {
      if (route === 'reply') {
        return this.editReply(origin, { content, attachments, components, allowed_mentions: NO_PINGS }, file, signal);
      }
      // A nonce makes Discord return the first message if a restart posts the same job again.
      const message = { attachments, components, nonce: job.id.slice(0, 25), enforce_nonce: true };
      if (route === 'channel') {
        const body = {
          ...message,
          content: `<@${origin.userId}> ${content}`,
          allowed_mentions: { parse: [], users: [origin.userId] },
        };
        return (await this.messages.post(Routes.channelMessages(origin.channelId), {
          ...(await requestBody(body, file)),
          signal,
        })) as APIMessage;
      }
      const dm = (await this.messages.post(Routes.userChannels(), {
        body: { recipient_id: origin.userId },
        signal,
      })) as APIChannel;
      const body = { ...message, content, allowed_mentions: NO_PINGS };
      return (await this.messages.post(Routes.channelMessages(dm.id), {
        ...(await requestBody(body, file)),
        signal,
      })) as APIMessage;
    });
  }

  private async editReply(
    origin: JobOrigin,
    body: object,
    file?: VideoFile,
    signal?: AbortSignal,
  ): Promise<APIMessage> {
    const route = Routes.webhookMessage(origin.applicationId, origin.token, '@original');
    return (await this.interactionWebhooks.patch(route, {
      ...(await requestBody(body, file)),
      auth: false,
      ...(signal && { signal }),
    })) as APIMessage;
  }
}

/**
 * The language a post reads in where it lands: a message in the server's channel is the
 * server's, though it mentions the member; the reply and a DM are only the member's.
 */
function readerOf(route: Exclude<DeliveryRoute, 'log'>, origin: JobOrigin): Translator {
  return translator(route === 'channel' ? origin.guildLocale : origin.locale);
}

function fileName(file: VideoFile): string {
  return file.spoiler ? `SPOILER_${file.name}` : file.name;
}

/**
 * The request's body: plain JSON, or with a file, the multipart form @discordjs/rest would
 * build (`payload_json` and `files[0]`) but with the file read from disk as it is sent.
 * @discordjs/rest's own files must be buffers, and it copies them once more into a Blob;
 * a file-backed Blob in the global FormData (the class @discordjs/rest passes through
 * untouched) is streamed by undici with its length known in advance, and read again from
 * disk should the request be retried.
 */
async function requestBody(body: object, file?: VideoFile): Promise<{ body: unknown; passThroughBody?: true }> {
  if (!file) return { body };
  const form = new FormData();
  form.append('payload_json', JSON.stringify(body));
  form.append('files[0]', await openAsBlob(file.path, { type: 'video/mp4' }), fileName(file));
  return { body: form, passThroughBody: true };
}

/**
 * Fails a request rather than wait out a rate limit longer than {@link MAX_RATE_LIMIT_WAIT_MS},
 * after whatever rule the client's REST itself was given.
 */
function rejectingLongWaits(inherited: RESTOptions['rejectOnRateLimit']) {
  return async (limit: RateLimitData): Promise<boolean> => {
    if (typeof inherited === 'function' && (await inherited(limit))) return true;
    if (Array.isArray(inherited) && inherited.some((route) => limit.route.startsWith(route.toLowerCase()))) return true;
    return limit.retryAfter > MAX_RATE_LIMIT_WAIT_MS;
  };
}
