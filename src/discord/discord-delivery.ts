import { DiscordAPIError, type RawFile, REST } from 'discord.js';
import { type APIChannel, type APIMessage, RESTJSONErrorCodes, Routes } from 'discord-api-types/v10';
import { Agent } from 'undici';
import type { Delivery, ResultPost } from '../jobs/delivery.js';
import type { DeliveryRoute, Job, JobOrigin } from '../jobs/job.js';
import type { Logger } from '../logger.js';

/** The reply is not used this close to its token's death: an upload can take a while. */
const REPLY_MARGIN_MS = 60_000;
/**
 * Connections the reply edits keep to Discord. Uncapped, a burst of edits opens one per edit
 * in flight (and a TLS handshake each); capped, the rest wait for a free one. Deferrals keep
 * the client's own connections, so they never wait behind a burst of edits and uploads.
 */
const EDIT_CONNECTIONS = 64;

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

/** Posts job messages through Discord's REST API, so it works for jobs resumed after a restart too. */
export class DiscordDelivery implements Delivery {
  /**
   * Edits of interaction replies. Discord holds these webhooks to per-token buckets only, not
   * to the bot's global limit, but one @discordjs/rest instance applies its global limit
   * (50 requests a second) to every route it sends; an instance of their own without it keeps
   * a burst of edits from queueing behind that limit, and from holding up channel posts.
   */
  private readonly interactionWebhooks: REST;

  constructor(
    private readonly rest: REST,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.interactionWebhooks = new REST({
      ...rest.options,
      globalRequestsPerSecond: Number.POSITIVE_INFINITY,
      agent: new Agent({ connections: EDIT_CONNECTIONS }),
    });
  }

  replyOpen(origin: JobOrigin, now: number): boolean {
    return origin.token !== '' && now < origin.tokenExpiresAt - REPLY_MARGIN_MS;
  }

  async progress(origin: JobOrigin, content: string): Promise<boolean> {
    try {
      await this.editReply(origin, { content, allowed_mentions: NO_PINGS });
      return true;
    } catch (error) {
      this.logger.debug({ err: error, jobId: origin.interactionId }, 'progress edit failed');
      return false;
    }
  }

  async post(job: Job, post: ResultPost): Promise<DeliveryRoute> {
    for (const route of this.routes(job.origin)) {
      try {
        await this.postVia(route, job, post);
        return route;
      } catch (error) {
        if (!(error instanceof DiscordAPIError) || !CLOSED[route].has(Number(error.code))) throw error;
        this.logger.info({ jobId: job.id, route, err: error }, 'delivery route closed; trying the next');
      }
    }
    this.logger.warn(
      { jobId: job.id, predictionId: job.predictionId, outcome: job.outcome },
      'no route reached the member',
    );
    return 'log';
  }

  private routes(origin: JobOrigin): Array<Exclude<DeliveryRoute, 'log'>> {
    const routes: Array<Exclude<DeliveryRoute, 'log'>> = [];
    if (this.replyOpen(origin, this.now())) routes.push('reply');
    if (origin.guildId) routes.push('channel');
    routes.push('dm');
    return routes;
  }

  /** Posts on one route; when the file is refused as too large, posts the link instead. */
  private async postVia(route: Exclude<DeliveryRoute, 'log'>, job: Job, post: ResultPost): Promise<void> {
    try {
      await this.send(route, job, post.content, post.file && attachment(post.file));
    } catch (error) {
      const tooLarge = error instanceof DiscordAPIError && error.code === RESTJSONErrorCodes.RequestEntityTooLarge;
      if (!tooLarge || !post.file || !post.linkContent) throw error;
      this.logger.info({ jobId: job.id, route }, 'upload refused as too large; posting the link');
      await this.send(route, job, post.linkContent);
    }
  }

  private async send(route: Exclude<DeliveryRoute, 'log'>, job: Job, content: string, file?: RawFile): Promise<void> {
    const files = file ? [file] : [];
    const attachments = files.map((f, id) => ({ id, filename: f.name }));
    const { origin } = job;
    if (route === 'reply') {
      await this.editReply(origin, { content, attachments, allowed_mentions: NO_PINGS }, files);
      return;
    }
    // A nonce makes Discord return the first message if a restart posts the same job again.
    const message = { attachments, nonce: job.id.slice(0, 25), enforce_nonce: true };
    if (route === 'channel') {
      await this.rest.post(Routes.channelMessages(origin.channelId), {
        body: {
          ...message,
          content: `<@${origin.userId}> ${content}`,
          allowed_mentions: { parse: [], users: [origin.userId] },
        },
        files,
      });
      return;
    }
    const dm = (await this.rest.post(Routes.userChannels(), { body: { recipient_id: origin.userId } })) as APIChannel;
    await this.rest.post(Routes.channelMessages(dm.id), {
      body: { ...message, content, allowed_mentions: NO_PINGS },
      files,
    });
  }

  private async editReply(origin: JobOrigin, body: object, files: RawFile[] = []): Promise<APIMessage> {
    const route = Routes.webhookMessage(origin.applicationId, origin.token, '@original');
    return (await this.interactionWebhooks.patch(route, { body, files, auth: false })) as APIMessage;
  }
}

function attachment(file: { name: string; data: Buffer; spoiler: boolean }): RawFile {
  return { name: file.spoiler ? `SPOILER_${file.name}` : file.name, data: file.data, contentType: 'video/mp4' };
}
