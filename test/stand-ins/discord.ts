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
  type APIMessageComponentButtonInteraction,
  type APIModalSubmitInteraction,
  ChannelType,
  type GatewayChannelUpdateDispatchData,
  GatewayDispatchEvents,
  type Locale,
  MessageFlags,
} from 'discord-api-types/v10';
import { createRequestListener } from './discord/api-server.js';
import { addApplicationRoutes } from './discord/application-routes.js';
import { addChannelRoutes } from './discord/channel-routes.js';
import { CommandRegistry } from './discord/commands.js';
import { pressableButton } from './discord/components.js';
import { type FaultHandle, FaultRegistry, type FaultSpec } from './discord/faults.js';
import { Gateway, type GatewaySessionInfo } from './discord/gateway.js';
import { makeBotToken } from './discord/ids.js';
import { addInteractionRoutes, apiMessage } from './discord/interaction-routes.js';
import {
  type InteractionActor,
  type InteractionRecord,
  InteractionRegistry,
  type RecordedCallback,
  type SendCommandOptions,
  type StandInInteraction,
} from './discord/interactions.js';
import { MessageStore, type RecordedMessage } from './discord/messages.js';
import { modalSubmission, type RecordedModal } from './discord/modals.js';
import { ChangeFeed, type RecordedRequest, type WaitOptions } from './discord/recorder.js';
import { Router } from './discord/router.js';
import type { Services } from './discord/services.js';
import {
  type AttachmentDownload,
  type AttachmentServing,
  type UserAttachment,
  type UserAttachmentSpec,
  UserAttachments,
} from './discord/user-attachments.js';
import { type StandInChannel, type StandInGuild, World } from './discord/world.js';

export type { FaultHandle, FaultSpec } from './discord/faults.js';
export type { GatewaySessionInfo } from './discord/gateway.js';
export { shardOf } from './discord/ids.js';
export type {
  InteractionActor,
  InteractionPlace,
  OptionValues,
  RecordedCallback,
  SendCommandOptions,
  StandInInteraction,
} from './discord/interactions.js';
export type { Pings } from './discord/message-body.js';
export type {
  MessageOrigin,
  MessageRevision,
  MessageState,
  RecordedAttachment,
  RecordedMessage,
} from './discord/messages.js';
export type { ModalTextInput, RecordedModal } from './discord/modals.js';
export type { RecordedFile, RecordedRequest, RequestAuth, WaitOptions } from './discord/recorder.js';
export type {
  AttachmentDownload,
  AttachmentServing,
  UserAttachment,
  UserAttachmentSpec,
} from './discord/user-attachments.js';
export type { StandInGuild } from './discord/world.js';
export {
  ALL_PERMISSIONS,
  DEFAULT_BOT_PERMISSIONS,
  DEFAULT_MEMBER_PERMISSIONS,
  USER_INSTALL_APP_PERMISSIONS,
} from './discord/world.js';

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

/** Which button a member presses, and as whom; see {@link DiscordStandIn.pressButton}. */
export interface PressButtonOptions extends InteractionActor {
  /** The message the button is on, or its id. */
  readonly message: RecordedMessage | string;
  readonly customId: string;
  /** Who presses (default: whoever ran the command the message answers, else the default member). */
  readonly userId?: string;
}

/** How a modal is submitted; the values go by text input custom id (unnamed inputs keep their pre-filled value). */
export type SubmitModalOptions = InteractionActor;

/**
 * One dispatched interaction (a slash command by default, or a button press or modal submit)
 * and what the bot did with it.
 */
export interface InteractionHandle<P extends StandInInteraction = APIChatInputApplicationCommandInteraction> {
  readonly id: string;
  readonly token: string;
  /** The INTERACTION_CREATE payload as sent. */
  readonly payload: P;
  /** Clock reading when it went out on the socket. */
  readonly dispatchedAt: number;
  /** Indexes of the gateway sessions it was sent to. */
  readonly deliveredTo: readonly number[];
  /** Resolves when the initial response (callback) arrives. */
  callback(options?: WaitOptions): Promise<RecordedCallback>;
  /** The `@original` message as it now stands: the reply, or after callback 6 or 7 the pressed message. */
  original(): RecordedMessage | undefined;
  /** The modal the bot opened (callback 9), once it has. */
  modal(): RecordedModal | undefined;
  /**
   * The member fills in and submits that modal: MODAL_SUBMIT with `values` by text input
   * custom id. Throws where Discord's client would not let them (a required input empty, a
   * value too long), before the bot opened one, or once it was submitted.
   */
  submitModal(
    values?: Readonly<Record<string, string>>,
    options?: SubmitModalOptions,
  ): InteractionHandle<APIModalSubmitInteraction>;
  followups(): RecordedMessage[];
  /** The original response (after callback 6 or 7, the pressed message) and the followups, in creation order. */
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
  readonly userAttachments: UserAttachments;
  readonly services: Services;
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
  readonly #messages: MessageStore;
  readonly #userAttachments: UserAttachments;
  readonly #services: Services;
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
    this.#messages = parts.messages;
    this.#userAttachments = parts.userAttachments;
    this.#services = parts.services;
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

  /**
   * A guild the bot is not in, where members reach the app through a user install: commands
   * there (`guildId: standIn.foreignGuild.id`) carry only the user install, and its channels
   * answer 403 / 50001 Missing Access, so the bot can answer only through the interaction.
   */
  get foreignGuild(): StandInGuild {
    return this.#world.foreignGuild;
  }

  /** Every download of a member's attachment (see {@link userAttachment}), in arrival order. */
  get attachmentDownloads(): readonly AttachmentDownload[] {
    return this.#userAttachments.downloads;
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
    this.#checkConnection(options.connection);
    return this.#dispatch(this.#interactions.create(options), options.connection);
  }

  /**
   * A member presses a button on a message the bot sent: MESSAGE_COMPONENT (type 3) with the
   * message, `data.custom_id`, `component_type: 2` and the member, on the clocks of a slash
   * command. Throws when the message has no such enabled button, was deleted, or is ephemeral
   * and someone other than its recipient presses.
   */
  pressButton(options: PressButtonOptions): InteractionHandle<APIMessageComponentButtonInteraction> {
    this.#checkConnection(options.connection);
    const id = typeof options.message === 'string' ? options.message : options.message.id;
    const message = this.#messages.get(id);
    if (!message || message.deletedAt !== undefined) throw new Error(`No live message ${id} to press a button on`);
    const button = pressableButton(message.components, options.customId, id);
    const source = message.interactionId === undefined ? undefined : this.#interactions.byId(message.interactionId);
    const ephemeral = (message.flags & MessageFlags.Ephemeral) !== 0;
    if (ephemeral && options.userId !== undefined && options.userId !== source?.userId) {
      throw new Error(`Message ${id} is ephemeral: only ${source?.userId ?? 'its recipient'} sees its buttons`);
    }
    const record = this.#interactions.createPress(apiMessage(this.#services, message), button, source, options);
    return this.#dispatch(record, options.connection);
  }

  /**
   * A file a member attaches to a command: pass it in `sendCommand({ attachments: { image } })`.
   * Its bytes are served at its `url` (a signed link on this server, like Discord's CDN),
   * with the faults {@link AttachmentServing} names.
   */
  userAttachment(spec: UserAttachmentSpec): UserAttachment {
    return this.#userAttachments.add(spec);
  }

  /** Changes how later downloads of a member's attachment are answered (a 404 once expired, say). */
  setAttachmentServing(attachmentId: string, serving: AttachmentServing): void {
    this.#userAttachments.setServing(attachmentId, serving);
  }

  /** A member's permissions in a guild (default the first), for later interactions' `member.permissions`. */
  setMemberPermissions(userId: string, permissions: bigint, guildId: string = this.guildId): void {
    this.#world.setPermissions(guildId, userId, permissions);
  }

  /**
   * Sets a guild's preferred locale, as an admin would: later interactions carry it as
   * `guild_locale`, and GUILD_UPDATE tells the sessions that see the guild.
   */
  setGuildLocale(guildId: string, locale: Locale): void {
    this.#world.setGuildLocale(guildId, locale);
    const guild = this.#world.guild(guildId);
    if (!guild) return;
    const payload = this.#world.guildCreatePayload(guild);
    for (const index of this.#gateway.owners(guildId)) {
      this.#gateway.dispatch(index, GatewayDispatchEvents.GuildUpdate, payload);
    }
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

  /**
   * Adds a text channel to a guild (default the first), as an admin would, and returns its id:
   * CHANNEL_CREATE goes to the sessions that see the guild.
   */
  addTextChannel(name: string, guildId: string = this.guildId): string {
    const guild = this.#world.guild(guildId);
    if (!guild) throw new Error(`The Discord stand-in has no guild ${guildId}`);
    const channel = this.#world.ensureChannel({
      id: this.#world.snowflakes.next(),
      type: ChannelType.GuildText,
      name,
      guildId,
      parentId: guild.categoryId,
      nsfw: false,
      recipientId: undefined,
    });
    this.#dispatchChannel(GatewayDispatchEvents.ChannelCreate, channel);
    return channel.id;
  }

  /** Deletes a guild channel: later requests naming it get 404 / 10003, and CHANNEL_DELETE goes out. */
  deleteChannel(channelId: string): void {
    this.#dispatchChannel(GatewayDispatchEvents.ChannelDelete, this.#world.removeChannel(channelId));
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
    this.#userAttachments.close();
    await this.#gateway.close();
    // Keep-alive sockets from discord.js's HTTP agent would otherwise hold the server open.
    this.#server.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.#server.close((error) => (error ? reject(error) : resolve())));
  }

  /** Tells the sessions that see a guild channel's guild that it was created or deleted. */
  #dispatchChannel(
    event: GatewayDispatchEvents.ChannelCreate | GatewayDispatchEvents.ChannelDelete,
    channel: StandInChannel,
  ): void {
    if (channel.guildId === undefined) throw new Error('Only guild channels are created and deleted here');
    // Create, update and delete carry the same channel object.
    const payload = {
      ...this.#world.channelPayload(channel),
      guild_id: channel.guildId,
    } as GatewayChannelUpdateDispatchData;
    for (const index of this.#gateway.owners(channel.guildId)) this.#gateway.dispatch(index, event, payload);
  }

  #checkConnection(connection: number | 'all' | undefined): void {
    if (typeof connection === 'number' && !this.sessions[connection]) {
      throw new Error(`No gateway session #${connection}; there are ${this.sessions.length}`);
    }
  }

  /** Sends INTERACTION_CREATE to the sessions that receive its guild (DMs: shard 0) and starts its clocks. */
  #dispatch<P extends StandInInteraction>(
    record: InteractionRecord<P>,
    connection: number | 'all' | undefined,
  ): InteractionHandle<P> {
    const owners = this.#gateway.owners(record.guildId);
    const targets = connection === 'all' ? owners : [connection ?? owners[0]];
    const deliveredTo = targets.filter((index): index is number => index !== undefined);
    if (deliveredTo.length === 0) {
      throw new Error(
        `No open gateway session receives guild ${record.guildId ?? '(DM)'}; await standIn.waitForConnections(1) first`,
      );
    }
    this.#interactions.markDispatched(record, this.#clock());
    for (const index of deliveredTo) {
      this.#gateway.dispatch(index, GatewayDispatchEvents.InteractionCreate, record.payload);
    }
    return this.#handle(record, deliveredTo);
  }

  #submitModal(
    opener: InteractionRecord,
    values: Readonly<Record<string, string>>,
    options: SubmitModalOptions,
  ): InteractionHandle<APIModalSubmitInteraction> {
    if (!opener.modal) throw new Error(`The bot opened no modal for ${opener.label}`);
    if (opener.modalSubmitted) throw new Error(`The modal for ${opener.label} was already submitted`);
    this.#checkConnection(options.connection);
    const data = modalSubmission(opener.modal, values);
    const source = opener.sourceMessageId === undefined ? undefined : this.#messages.get(opener.sourceMessageId);
    const message = source && source.deletedAt === undefined ? apiMessage(this.#services, source) : undefined;
    const record = this.#interactions.createModalSubmit(opener, data, message, options);
    opener.modalSubmitted = true;
    return this.#dispatch(record, options.connection);
  }

  #handle<P extends StandInInteraction>(
    record: InteractionRecord<P>,
    deliveredTo: readonly number[],
  ): InteractionHandle<P> {
    const ownMessages = (): RecordedMessage[] => {
      const own = this.messages.filter((message) => message.interactionId === record.id);
      // After callback 6 or 7, `@original` is the pressed message, which another interaction made.
      const pressed = own.some((message) => message.id === record.originalId)
        ? undefined
        : this.messages.find((message) => message.id === record.originalId);
      return pressed ? [pressed, ...own] : own;
    };
    return {
      id: record.id,
      token: record.token,
      payload: record.payload,
      dispatchedAt: record.dispatchedAt,
      deliveredTo,
      callback: (options) =>
        this.waitFor(() => record.callback, {
          description: `the callback for ${record.label}`,
          ...options,
        }),
      original: () =>
        record.originalId === undefined ? undefined : this.messages.find((m) => m.id === record.originalId),
      followups: () => ownMessages().filter((message) => message.origin === 'followup'),
      messages: ownMessages,
      waitForMessage: (predicate, options) =>
        this.waitFor(() => ownMessages().find(predicate), {
          description: `a matching message for ${record.label}`,
          ...options,
        }),
      modal: () => record.modal,
      submitModal: (values = {}, options = {}) => this.#submitModal(record, values, options),
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
 *
 * // Members press the buttons the bot sent, fill in its modals and attach files:
 * const press = standIn.pressButton({ message: interaction.original()!, customId: 'reroll:job-1' });
 * const remix = press.submitModal({ prompt: 'a dog' }); // once the bot answered the press with a modal
 * const image = standIn.userAttachment({ filename: 'cat.png', size: 4096 });
 * standIn.sendCommand({ name: 'video', attachments: { image }, locale: Locale.Japanese });
 * standIn.sendCommand({ name: 'video', guildId: standIn.foreignGuild.id }); // user install, bot not there
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
  const userAttachments = new UserAttachments(world.snowflakes, feed, () => origin, world.applicationId);
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

  const server = createServer(
    createRequestListener({ router, faults, messages, userAttachments, feed, requests, token, clock }),
  );
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
    userAttachments,
    services,
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
