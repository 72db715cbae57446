/**
 * A loopback Discord for end-to-end tests: a real HTTP + WebSocket server on 127.0.0.1 that
 * the real discord.js `Client` logs into (`rest: { api: standIn.apiUrl }`), receives
 * interactions from and answers them against, with every request and message recorded.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import {
  type APIApplicationCommand,
  type APIChatInputApplicationCommandInteraction,
  type GatewayChannelUpdateDispatchData,
  GatewayDispatchEvents,
} from 'discord-api-types/v10';
import { createRequestListener } from './discord/api-server.js';
import { addApplicationRoutes } from './discord/application-routes.js';
import { addChannelRoutes } from './discord/channel-routes.js';
import { CommandRegistry } from './discord/commands.js';
import { type FaultHandle, FaultRegistry, type FaultSpec } from './discord/faults.js';
import { Gateway, type GatewaySessionInfo } from './discord/gateway.js';
import { makeBotToken } from './discord/ids.js';
import { addInteractionRoutes } from './discord/interaction-routes.js';
import {
  type InteractionRecord,
  InteractionRegistry,
  type RecordedCallback,
  type SendCommandOptions,
} from './discord/interactions.js';
import { MessageStore, type RecordedMessage } from './discord/messages.js';
import { ChangeFeed, type RecordedRequest, type WaitOptions } from './discord/recorder.js';
import { Router } from './discord/router.js';
import type { Services } from './discord/services.js';
import { type StandInGuild, World } from './discord/world.js';

export type { FaultHandle, FaultSpec } from './discord/faults.js';
export type { GatewaySessionInfo } from './discord/gateway.js';
export { shardOf } from './discord/ids.js';
export type { OptionValues, RecordedCallback, SendCommandOptions } from './discord/interactions.js';
export type { Pings } from './discord/message-body.js';
export type {
  MessageOrigin,
  MessageRevision,
  MessageState,
  RecordedAttachment,
  RecordedMessage,
} from './discord/messages.js';
export type { RecordedFile, RecordedRequest, RequestAuth, WaitOptions } from './discord/recorder.js';
export type { StandInGuild } from './discord/world.js';

/** Knobs for {@link startDiscordStandIn}; the defaults are Discord's own numbers. */
export interface DiscordStandInOptions {
  /** Window for the initial response (default 3000 ms); later callbacks get 404 / 10062. */
  readonly ackDeadlineMs?: number;
  /** Interaction token lifetime (default 15 minutes); later webhook calls get 401 / 50027. */
  readonly tokenLifetimeMs?: number;
  /** Number of guilds (default 1); with more, ids spread over shards. */
  readonly guilds?: number;
  /** HELLO's heartbeat interval (default 41250 ms, as Discord sends). */
  readonly heartbeatIntervalMs?: number;
  /** `shards` in `/gateway/bot` (default 1). */
  readonly recommendedShards?: number;
  /** `session_start_limit.max_concurrency` (default 16, so shards identify without waiting). */
  readonly maxConcurrency?: number;
  /** Time source for deadlines and recorded timings (default `performance.now()`). */
  readonly clock?: () => number;
}

/** One dispatched slash command and what the bot did with it. */
export interface InteractionHandle {
  readonly id: string;
  readonly token: string;
  /** The INTERACTION_CREATE payload as sent. */
  readonly payload: APIChatInputApplicationCommandInteraction;
  /** Clock reading when it went out on the socket. */
  readonly dispatchedAt: number;
  /** Indexes of the gateway sessions it was sent to. */
  readonly deliveredTo: readonly number[];
  /** Resolves when the initial response (callback) arrives. */
  callback(options?: WaitOptions): Promise<RecordedCallback>;
  /** The `@original` message as it now stands, if there is one. */
  original(): RecordedMessage | undefined;
  followups(): RecordedMessage[];
  /** The original response and the followups, in creation order. */
  messages(): RecordedMessage[];
  /** Resolves with the first of this interaction's messages that satisfies `predicate`. */
  waitForMessage(predicate: (message: RecordedMessage) => boolean, options?: WaitOptions): Promise<RecordedMessage>;
  /** Ends the token's 15 minutes now: later webhook calls get 401 / 50027. */
  expireToken(): void;
  /** Ends the 3-second window now: a callback after this gets 404 / 10062. */
  expireAckDeadline(): void;
}

/** The pieces {@link startDiscordStandIn} wires together. */
interface StandInParts {
  readonly server: Server;
  readonly gateway: Gateway;
  readonly world: World;
  readonly feed: ChangeFeed;
  readonly faults: FaultRegistry;
  readonly interactions: InteractionRegistry;
  readonly commands: CommandRegistry;
  readonly messages: MessageStore;
  readonly requests: RecordedRequest[];
  readonly token: string;
  /** `http://127.0.0.1:PORT` */
  readonly origin: string;
  readonly clock: () => number;
}

/** A running stand-in; see {@link startDiscordStandIn}. */
export class DiscordStandIn {
  /** REST base for discord.js: `new Client({ rest: { api: standIn.apiUrl } })`. */
  readonly apiUrl: string;
  /** The `ws://` URL `/gateway/bot` hands out. */
  readonly gatewayUrl: string;
  /** The bot token the stand-in accepts. */
  readonly token: string;
  readonly applicationId: string;
  readonly botUserId: string;
  /** The first guild, and its text channel: where commands run by default. */
  readonly guildId: string;
  readonly channelId: string;
  /** The member who runs commands unless told otherwise. */
  readonly userId: string;
  /** Owns the application and the guilds. */
  readonly ownerId: string;
  /** Every HTTP request, in arrival order. */
  readonly requests: readonly RecordedRequest[];
  /** Every message the bot created, as it now stands. */
  readonly messages: readonly RecordedMessage[];

  readonly #server: Server;
  readonly #gateway: Gateway;
  readonly #world: World;
  readonly #feed: ChangeFeed;
  readonly #faults: FaultRegistry;
  readonly #interactions: InteractionRegistry;
  readonly #commands: CommandRegistry;
  readonly #clock: () => number;
  #closing: Promise<void> | undefined;

  /** @internal Use {@link startDiscordStandIn}, which listens before constructing. */
  constructor(parts: StandInParts) {
    this.#server = parts.server;
    this.#gateway = parts.gateway;
    this.#world = parts.world;
    this.#feed = parts.feed;
    this.#faults = parts.faults;
    this.#interactions = parts.interactions;
    this.#commands = parts.commands;
    this.#clock = parts.clock;
    this.requests = parts.requests;
    this.messages = parts.messages.all;
    this.token = parts.token;
    this.apiUrl = `${parts.origin}/api`;
    this.gatewayUrl = parts.origin.replace(/^http/, 'ws');
    const { world } = parts;
    const [firstGuild] = world.guilds;
    if (!firstGuild) throw new Error('The Discord stand-in needs at least one guild');
    this.applicationId = world.applicationId;
    this.botUserId = world.botUser.id;
    this.guildId = firstGuild.id;
    this.channelId = firstGuild.textChannelId;
    this.userId = world.defaultUser.id;
    this.ownerId = world.owner.id;
  }

  /** All guilds, first one default. */
  get guilds(): readonly StandInGuild[] {
    return this.#world.guilds;
  }

  /** Gateway sessions in identify order, open or not. */
  get sessions(): readonly GatewaySessionInfo[] {
    return this.#gateway.sessions;
  }

  /** Gateway sessions with a live socket. */
  get connections(): number {
    return this.#gateway.openCount;
  }

  /** Registered commands: global, or a guild's. */
  commands(guildId?: string): readonly APIApplicationCommand[] {
    return this.#commands.list(guildId);
  }

  /**
   * Makes a user run a slash command: dispatches INTERACTION_CREATE to the session owning
   * the guild (see {@link SendCommandOptions.connection}) and starts its clocks.
   */
  sendCommand(options: SendCommandOptions): InteractionHandle {
    if (typeof options.connection === 'number' && !this.sessions[options.connection]) {
      throw new Error(`No gateway session #${options.connection}; there are ${this.sessions.length}`);
    }
    const guildId = options.dm ? undefined : (options.guildId ?? this.guildId);
    const owners = this.#gateway.owners(guildId);
    const targets = options.connection === 'all' ? owners : [options.connection ?? owners[0]];
    const deliveredTo = targets.filter((index): index is number => index !== undefined);
    if (deliveredTo.length === 0) {
      throw new Error(
        `No open gateway session receives guild ${guildId ?? '(DM)'}; await standIn.waitForConnections(1) first`,
      );
    }
    const record = this.#interactions.create(options);
    this.#interactions.markDispatched(record, this.#clock());
    for (const index of deliveredTo) {
      this.#gateway.dispatch(index, GatewayDispatchEvents.InteractionCreate, record.payload);
    }
    return this.#handle(record, deliveredTo);
  }

  /** Resolves once `count` gateway sessions are open. */
  async waitForConnections(count: number, options?: WaitOptions): Promise<void> {
    await this.waitFor(() => this.connections >= count, {
      description: `${count} gateway connection(s)`,
      ...options,
    });
  }

  /**
   * Resolves with the first truthy value of `check`, which runs now and after every recorded
   * change (request, message, callback, gateway session). Never sleep in tests; wait on this.
   */
  waitFor<T>(check: () => T | false | null | undefined, options?: WaitOptions): Promise<T> {
    return this.#feed.waitFor(check, options);
  }

  /** Resolves with the first message (as it now stands) that satisfies `predicate`. */
  waitForMessage(predicate: (message: RecordedMessage) => boolean, options?: WaitOptions): Promise<RecordedMessage> {
    return this.waitFor(() => this.messages.find(predicate), { description: 'a matching message', ...options });
  }

  /** Resolves with the first recorded request that satisfies `predicate`. */
  waitForRequest(predicate: (request: RecordedRequest) => boolean, options?: WaitOptions): Promise<RecordedRequest> {
    return this.waitFor(() => this.requests.find(predicate), { description: 'a matching request', ...options });
  }

  /** Requests to a route template (e.g. `/channels/:channelId/messages`), optionally one method. */
  requestsTo(route: string, method?: string): RecordedRequest[] {
    return this.requests.filter((request) => request.route === route && (!method || request.method === method));
  }

  /** Requests no simulated route handled (404 / 405): assert this is empty. */
  unexpectedRequests(): RecordedRequest[] {
    return this.requests.filter((request) => request.route === null);
  }

  /** Makes matching requests fail; see {@link FaultSpec}. */
  fault(spec: FaultSpec): FaultHandle {
    return this.#faults.add(spec);
  }

  /** Channel messages there now get 403 / 50013 Missing Permissions. */
  denyChannel(channelId: string): void {
    this.#world.deniedChannels.add(channelId);
  }

  allowChannel(channelId: string): void {
    this.#world.deniedChannels.delete(channelId);
  }

  /**
   * Makes a channel age-restricted (or not) the way an admin would: the channel changes and
   * CHANNEL_UPDATE goes to the sessions that see its guild, ahead of any later interaction.
   */
  setChannelNsfw(channelId: string, nsfw: boolean): void {
    const channel = this.#world.updateChannel(channelId, { nsfw });
    if (channel.guildId === undefined) throw new Error('Only guild channels can be age-restricted');
    const payload = {
      ...this.#world.channelPayload(channel),
      guild_id: channel.guildId,
    } as GatewayChannelUpdateDispatchData;
    for (const index of this.#gateway.owners(channel.guildId)) {
      this.#gateway.dispatch(index, GatewayDispatchEvents.ChannelUpdate, payload);
    }
  }

  /** Messages to this user's DM now get 403 / 50007. */
  closeDms(userId: string): void {
    this.#world.closedDmUsers.add(userId);
  }

  /** Upload limit for channel messages in a channel or a whole guild (default 10 MiB). */
  setAttachmentSizeLimit(channelOrGuildId: string, bytes: number): void {
    this.#world.attachmentLimits.set(channelOrGuildId, bytes);
  }

  /** Sends op 7 Reconnect to a session (default the first), so its client resumes. */
  requestReconnect(connection = 0): void {
    this.#gateway.requestReconnect(connection);
  }

  /** Closes every socket and the server; pending waits reject. Safe to call twice. */
  close(): Promise<void> {
    this.#closing ??= this.#shutDown();
    return this.#closing;
  }

  async #shutDown(): Promise<void> {
    this.#feed.close();
    await this.#gateway.close();
    // Keep-alive sockets from discord.js's HTTP agent would otherwise hold the server open.
    this.#server.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.#server.close((error) => (error ? reject(error) : resolve())));
  }

  #handle(record: InteractionRecord, deliveredTo: readonly number[]): InteractionHandle {
    const ownMessages = (): RecordedMessage[] => this.messages.filter((message) => message.interactionId === record.id);
    return {
      id: record.id,
      token: record.token,
      payload: record.payload,
      dispatchedAt: record.dispatchedAt,
      deliveredTo,
      callback: (options) =>
        this.waitFor(() => record.callback, {
          description: `the callback for /${record.payload.data.name}`,
          ...options,
        }),
      original: () =>
        record.originalId === undefined ? undefined : this.messages.find((m) => m.id === record.originalId),
      followups: () => ownMessages().filter((message) => message.origin === 'followup'),
      messages: ownMessages,
      waitForMessage: (predicate, options) =>
        this.waitFor(() => ownMessages().find(predicate), {
          description: `a matching message for /${record.payload.data.name}`,
          ...options,
        }),
      expireToken: () => {
        record.tokenExpiresAt = Number.NEGATIVE_INFINITY;
      },
      expireAckDeadline: () => {
        record.ackDeadline = Number.NEGATIVE_INFINITY;
      },
    };
  }
}

/**
 * Starts a stand-in on a free loopback port.
 *
 * @example
 * const standIn = await startDiscordStandIn();
 * const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: standIn.apiUrl } });
 * await client.login(standIn.token);
 * const interaction = standIn.sendCommand({ name: 'video', options: { prompt: 'a cat' } });
 * expect((await interaction.callback()).type).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
 * await client.destroy();
 * await standIn.close();
 */
export async function startDiscordStandIn(options: DiscordStandInOptions = {}): Promise<DiscordStandIn> {
  const clock = options.clock ?? (() => performance.now());
  const world = new World(options.guilds ?? 1);
  const token = makeBotToken(world.botUser.id);
  const requests: RecordedRequest[] = [];
  const feed = new ChangeFeed(() => describeRequests(requests));
  let origin = '';
  const messages = new MessageStore(world, feed, clock, () => origin);
  const commands = new CommandRegistry(world.applicationId, world.snowflakes);
  const interactions = new InteractionRegistry(
    world,
    { ackDeadlineMs: options.ackDeadlineMs ?? 3000, tokenLifetimeMs: options.tokenLifetimeMs ?? 15 * 60_000 },
    (name, guildId) => commands.idFor(name, guildId),
  );
  const faults = new FaultRegistry();
  const router = new Router();
  const services: Services = {
    world,
    messages,
    interactions,
    commands,
    feed,
    gatewayUrl: () => origin.replace(/^http/, 'ws'),
    recommendedShards: options.recommendedShards ?? 1,
    maxConcurrency: options.maxConcurrency ?? 16,
  };
  addInteractionRoutes(router, services);
  addChannelRoutes(router, services);
  addApplicationRoutes(router, services);

  const server = createServer(createRequestListener({ router, faults, messages, feed, requests, token, clock }));
  const gateway = new Gateway(server, {
    token,
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41_250,
    world,
    feed,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  gateway.url = services.gatewayUrl();
  return new DiscordStandIn({
    server,
    gateway,
    world,
    feed,
    faults,
    interactions,
    commands,
    messages,
    requests,
    token,
    origin,
    clock,
  });
}

/** The last few requests, for timeout messages: usually enough to see what went wrong. */
function describeRequests(requests: readonly RecordedRequest[]): string {
  if (requests.length === 0) return 'No requests were recorded.';
  const lines = requests
    .slice(-8)
    .map((request) => `${request.method} ${request.route ?? request.path} → ${request.status}`);
  return `Last requests: ${lines.join('; ')}`;
}
