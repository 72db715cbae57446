import {
  type APIApplicationCommandInteractionDataBasicOption,
  type APIApplicationCommandInteractionDataOption,
  type APIAuthorizingIntegrationOwnersMap,
  type APIBaseInteraction,
  type APIButtonComponentWithCustomId,
  type APIChatInputApplicationCommandInteraction,
  type APIInteractionDataResolved,
  type APIInteractionGuildMember,
  type APIMessage,
  type APIMessageComponentButtonInteraction,
  type APIModalSubmission,
  type APIModalSubmitInteraction,
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  ChannelType,
  ComponentType,
  InteractionContextType,
  type InteractionResponseType,
  InteractionType,
  Locale,
} from 'discord-api-types/v10';
import { makeInteractionToken } from './ids.js';
import type { RecordedModal } from './modals.js';
import type { RecordedFile } from './recorder.js';
import type { UserAttachment } from './user-attachments.js';
import {
  DEFAULT_ATTACHMENT_SIZE_LIMIT,
  DEFAULT_BOT_PERMISSIONS,
  type StandInChannel,
  type StandInGuild,
  type StandInUser,
  USER_INSTALL_APP_PERMISSIONS,
  type World,
} from './world.js';

type CommandOption = APIApplicationCommandInteractionDataOption<InteractionType.ApplicationCommand>;
type BasicOption = APIApplicationCommandInteractionDataBasicOption<InteractionType.ApplicationCommand>;
type InteractionChannel = NonNullable<APIChatInputApplicationCommandInteraction['channel']>;

/** The interactions the stand-in dispatches: slash commands, button presses and modal submits. */
export type StandInInteraction =
  | APIChatInputApplicationCommandInteraction
  | APIMessageComponentButtonInteraction
  | APIModalSubmitInteraction;

/** The fields every interaction carries besides its type, data and message. */
type CommonFields = Omit<APIBaseInteraction<InteractionType, never>, 'type' | 'data' | 'message'> &
  Required<Pick<APIBaseInteraction<InteractionType, never>, 'channel' | 'channel_id'>>;

/**
 * Shorthand options: strings, booleans, integers (whole numbers) and numbers. A string that is
 * a key of `resolved.users`, `channels`, `roles` or `attachments` becomes that kind of option.
 */
export type OptionValues = Readonly<Record<string, string | number | boolean>>;

/** Who acts and what Discord tells the app about them; shared by commands, presses and modal submits. */
export interface InteractionActor {
  /** Bytes per file the response may attach (default 10 MiB). */
  readonly attachmentSizeLimit?: number;
  /**
   * Leave `attachment_size_limit` out of the payload, as Discord may: the stand-in still
   * enforces `attachmentSizeLimit` (default 10 MiB, Discord's default limit) on uploads.
   */
  readonly omitAttachmentSizeLimit?: boolean;
  /** The bot's permissions in the channel (default: view, send, embed, attach, history...; fewer where the bot has no channel). */
  readonly appPermissions?: bigint | string;
  readonly memberRoles?: readonly string[];
  /** `member.permissions` (default what {@link World.permissionsOf} says). */
  readonly memberPermissions?: bigint | string;
  /** The member's client language, `locale` (default en-US). */
  readonly locale?: Locale;
  /** `guild_locale` (default the guild's preferred locale, en-US unless set). */
  readonly guildLocale?: Locale;
  /**
   * Gateway session to deliver to: its index in identify order, or `'all'` for every
   * session owning the guild (what Discord does when two copies of a bot run unsharded).
   * Default: the first open session owning the guild.
   */
  readonly connection?: number | 'all';
}

/** Where a command runs and who runs it. */
export interface InteractionPlace extends InteractionActor {
  /** The invoking user (default: the stand-in's default member). */
  readonly userId?: string;
  /** A guild the bot is in, or {@link World.foreignGuild} (then the app is user-installed there). */
  readonly guildId?: string;
  readonly channelId?: string;
  /** Type of the channel the command runs in (default text; DM or group DM in a private channel). */
  readonly channelType?: ChannelType;
  readonly nsfwChannel?: boolean;
  /** Run the command in the bot's DM instead of a guild (`context: InteractionContextType.BotDM`). */
  readonly dm?: boolean;
  /** Guild (0), the bot's DM (1), or a DM or group DM between users (2). Default guild, or bot DM with `dm`. */
  readonly context?: InteractionContextType;
  /**
   * The installations that authorize it, as `authorizing_integration_owners` lists them:
   * default the guild install, except in private channels and guilds the bot is not in,
   * which only a user install reaches.
   */
  readonly installs?: readonly ApplicationIntegrationType[];
}

/** What {@link DiscordStandIn.sendCommand} should make a user run. */
export interface SendCommandOptions extends InteractionPlace {
  /** Command name, e.g. `video`. */
  readonly name: string;
  /** Raw option objects (any shape Discord sends, subcommands included) or shorthand values. */
  readonly options?: readonly CommandOption[] | OptionValues;
  /** Wraps `options` in this subcommand. */
  readonly subcommand?: string;
  /** Wraps the subcommand in this group. */
  readonly subcommandGroup?: string;
  /** `data.resolved`, for user, channel, role and attachment options. */
  readonly resolved?: APIInteractionDataResolved;
  /**
   * Attachment options (type 11) by option name: the value is the attachment's id, and the
   * attachment goes in `data.resolved.attachments`. Make one with {@link DiscordStandIn.userAttachment}.
   */
  readonly attachments?: Readonly<Record<string, UserAttachment>>;
  /** Defaults to the id of the registered command of that name, else a stable made-up id. */
  readonly commandId?: string;
}

/** The interaction callback (initial response) as the stand-in received it. */
export interface RecordedCallback {
  readonly type: InteractionResponseType;
  /** `data.flags`, 0 when absent. */
  readonly flags: number;
  /** The callback's raw `data`. */
  readonly data: unknown;
  readonly files: readonly RecordedFile[];
  /** Clock reading when it arrived. */
  readonly at: number;
  /** Milliseconds between dispatch and arrival. */
  readonly latencyMs: number;
}

/** Where an interaction happened, as resolved from a test's options or from a pressed message. */
export interface ResolvedPlace {
  readonly context: InteractionContextType;
  /** A guild the bot is in, the foreign guild, or none (DMs). */
  readonly guild: StandInGuild | undefined;
  readonly channel: StandInChannel;
  readonly owners: APIAuthorizingIntegrationOwnersMap;
}

/** An interaction the stand-in dispatched, with its response state. */
export interface InteractionRecord<P extends StandInInteraction = StandInInteraction> {
  readonly id: string;
  readonly token: string;
  readonly payload: P;
  /** Names it in timeout messages: `/video`, `button "reroll:1"`, `modal "remix:1"`. */
  readonly label: string;
  readonly place: ResolvedPlace;
  readonly channelId: string;
  readonly guildId: string | undefined;
  readonly userId: string;
  readonly attachmentSizeLimit: number;
  /** For a press, and a modal opened from one: the message the button was on. */
  readonly sourceMessageId: string | undefined;
  /** For a modal submit: the interaction whose callback opened the modal. */
  readonly modalOpenerId: string | undefined;
  dispatchedAt: number;
  ackDeadline: number;
  tokenExpiresAt: number;
  callback: RecordedCallback | undefined;
  /** `@original`: the reply, or after callback 6 or 7 the pressed message. */
  originalId: string | undefined;
  readonly followupIds: string[];
  /** The modal a type-9 callback opened. */
  modal: RecordedModal | undefined;
  /** Whether that modal was submitted (a modal closes once submitted). */
  modalSubmitted: boolean;
}

/** Clock settings the registry stamps on each interaction. */
export interface InteractionTiming {
  readonly ackDeadlineMs: number;
  readonly tokenLifetimeMs: number;
}

/** Builds interactions and finds them again by id or token. */
export class InteractionRegistry {
  readonly #world: World;
  readonly #timing: InteractionTiming;
  readonly #byId = new Map<string, InteractionRecord>();
  readonly #byToken = new Map<string, InteractionRecord>();
  readonly #commandIds = new Map<string, string>();
  readonly #registeredCommandId: (name: string, guildId: string | undefined) => string | undefined;

  constructor(
    world: World,
    timing: InteractionTiming,
    registeredCommandId: (name: string, guildId: string | undefined) => string | undefined,
  ) {
    this.#world = world;
    this.#timing = timing;
    this.#registeredCommandId = registeredCommandId;
  }

  byId(id: string): InteractionRecord | undefined {
    return this.#byId.get(id);
  }

  byToken(token: string): InteractionRecord | undefined {
    return this.#byToken.get(token);
  }

  /** Creates a slash command interaction; its clocks start when {@link markDispatched} is called. */
  create(options: SendCommandOptions): InteractionRecord<APIChatInputApplicationCommandInteraction> {
    const user = this.#world.user(options.userId ?? this.#world.defaultUser.id);
    const place = this.#commandPlace(user, options);
    const resolved = withAttachments(options.resolved, options.attachments);
    const payload: APIChatInputApplicationCommandInteraction = {
      ...this.#common(place, user, options),
      type: InteractionType.ApplicationCommand,
      data: {
        id:
          options.commandId ??
          this.#registeredCommandId(options.name, place.guild?.id) ??
          this.#stableCommandId(options.name),
        name: options.name,
        type: ApplicationCommandType.ChatInput,
        options: commandOptions(options, resolved),
        ...(resolved ? { resolved } : {}),
      },
    };
    return this.#store(payload, `/${options.name}`, place, user, options, {});
  }

  /**
   * A member presses a button on a message: MESSAGE_COMPONENT with the message, the button's
   * custom id and the member. The place is the message's (a reply keeps its command's context
   * and installs, so a user-installed reply stays user-installed); the presser defaults to
   * whoever ran that command, else the default member.
   */
  createPress(
    message: APIMessage,
    button: APIButtonComponentWithCustomId,
    source: InteractionRecord | undefined,
    actor: InteractionActor & { readonly userId?: string },
  ): InteractionRecord<APIMessageComponentButtonInteraction> {
    const user = this.#world.user(
      actor.userId ?? source?.userId ?? this.#pressedDmUser(message) ?? this.#world.defaultUser.id,
    );
    const place = source?.place ?? this.#messagePlace(message);
    // The requester pressing keeps the language their command came in.
    const locale = actor.locale ?? (source?.userId === user.id ? source.payload.locale : undefined);
    const payload: APIMessageComponentButtonInteraction = {
      ...this.#common(place, user, { ...actor, ...(locale && { locale }) }),
      type: InteractionType.MessageComponent,
      message,
      data: {
        custom_id: button.custom_id,
        component_type: ComponentType.Button,
        ...(button.id !== undefined && { id: button.id }),
      },
    };
    return this.#store(payload, `button "${button.custom_id}"`, place, user, actor, { sourceMessageId: message.id });
  }

  /** The member who saw a modal submits it: MODAL_SUBMIT in the same place, with the opener's message if any. */
  createModalSubmit(
    opener: InteractionRecord,
    data: APIModalSubmission,
    message: APIMessage | undefined,
    actor: InteractionActor,
  ): InteractionRecord<APIModalSubmitInteraction> {
    const user = this.#world.user(opener.userId);
    const payload: APIModalSubmitInteraction = {
      ...this.#common(opener.place, user, { locale: opener.payload.locale, ...actor }),
      type: InteractionType.ModalSubmit,
      data,
      ...(message && { message }),
    };
    return this.#store(payload, `modal "${data.custom_id}"`, opener.place, user, actor, {
      sourceMessageId: message?.id,
      modalOpenerId: opener.id,
    });
  }

  /** Starts the 3-second and 15-minute clocks; called when the payload goes out on the socket. */
  markDispatched(record: InteractionRecord, at: number): void {
    record.dispatchedAt = at;
    record.ackDeadline = at + this.#timing.ackDeadlineMs;
    record.tokenExpiresAt = at + this.#timing.tokenLifetimeMs;
  }

  #store<P extends StandInInteraction>(
    payload: P,
    label: string,
    place: ResolvedPlace,
    user: StandInUser,
    actor: InteractionActor,
    links: { readonly sourceMessageId?: string | undefined; readonly modalOpenerId?: string },
  ): InteractionRecord<P> {
    // discord-api-types calls the field required, but interactions arrive without it.
    if (actor.omitAttachmentSizeLimit) Reflect.deleteProperty(payload, 'attachment_size_limit');
    const record: InteractionRecord<P> = {
      id: payload.id,
      token: payload.token,
      payload,
      label,
      place,
      channelId: place.channel.id,
      guildId: place.guild?.id,
      userId: user.id,
      attachmentSizeLimit: actor.attachmentSizeLimit ?? DEFAULT_ATTACHMENT_SIZE_LIMIT,
      sourceMessageId: links.sourceMessageId,
      modalOpenerId: links.modalOpenerId,
      dispatchedAt: Number.NaN,
      ackDeadline: Number.NaN,
      tokenExpiresAt: Number.NaN,
      callback: undefined,
      originalId: undefined,
      followupIds: [],
      modal: undefined,
      modalSubmitted: false,
    };
    this.#byId.set(record.id, record);
    this.#byToken.set(record.token, record);
    return record;
  }

  /** The fields every interaction type shares: ids, token, place, who, permissions, locales. */
  #common(place: ResolvedPlace, user: StandInUser, actor: InteractionActor): CommonFields {
    const world = this.#world;
    const id = world.snowflakes.next();
    const { guild, channel, context, owners } = place;
    const botSeesChannel = !world.hiddenChannels.has(channel.id);
    const common: Omit<CommonFields, 'channel'> = {
      id,
      application_id: world.applicationId,
      token: makeInteractionToken(id),
      version: 1,
      app_permissions: String(
        actor.appPermissions ?? (botSeesChannel ? DEFAULT_BOT_PERMISSIONS : USER_INSTALL_APP_PERMISSIONS),
      ),
      locale: actor.locale ?? Locale.EnglishUS,
      entitlements: [],
      attachment_size_limit: actor.attachmentSizeLimit ?? DEFAULT_ATTACHMENT_SIZE_LIMIT,
      channel_id: channel.id,
      authorizing_integration_owners: owners,
      context,
    };
    if (!guild) {
      const userPayload = world.userPayload(user);
      const recipients = [userPayload];
      if (channel.recipientId !== undefined && channel.recipientId !== user.id) {
        recipients.push(world.userPayload(world.user(channel.recipientId)));
      }
      const dmChannel = {
        id: channel.id,
        type: channel.type,
        recipients,
        ...(channel.name !== null && { name: channel.name }),
      };
      return { ...common, channel: dmChannel as InteractionChannel, user: userPayload };
    }
    const guildLocale = actor.guildLocale ?? world.guildLocale(guild.id);
    return {
      ...common,
      guild_id: guild.id,
      guild: { id: guild.id, locale: guildLocale, features: [] },
      guild_locale: guildLocale,
      // The test picks any channel type, which the per-type union cannot narrow.
      channel: {
        id: channel.id,
        type: channel.type,
        name: channel.name ?? 'channel',
        guild_id: guild.id,
        nsfw: channel.nsfw,
        parent_id: channel.parentId,
      } as InteractionChannel,
      member: this.#member(guild, user.id, actor),
    };
  }

  /** Where a command runs: a guild (the bot's or the foreign one), the bot's DM, or a private channel. */
  #commandPlace(user: StandInUser, options: SendCommandOptions): ResolvedPlace {
    const world = this.#world;
    const context = options.context ?? (options.dm ? InteractionContextType.BotDM : InteractionContextType.Guild);
    if (context === InteractionContextType.Guild) {
      const guild = this.#guildFor(options.guildId);
      const foreign = guild === world.foreignGuild;
      const installs = options.installs ?? [
        foreign ? ApplicationIntegrationType.UserInstall : ApplicationIntegrationType.GuildInstall,
      ];
      if (foreign && installs.includes(ApplicationIntegrationType.GuildInstall)) {
        throw new Error('The bot is not in the foreign guild, so no guild install authorizes a command there');
      }
      return {
        context,
        guild,
        channel: this.#guildChannel(guild, options),
        owners: ownersOf(installs, context, guild, user),
      };
    }
    if (context === InteractionContextType.BotDM) {
      const installs = options.installs ?? [ApplicationIntegrationType.GuildInstall];
      return {
        context,
        guild: undefined,
        channel: world.openDm(user.id),
        owners: ownersOf(installs, context, undefined, user),
      };
    }
    const installs = options.installs ?? [ApplicationIntegrationType.UserInstall];
    if (installs.includes(ApplicationIntegrationType.GuildInstall)) {
      throw new Error('Only a user install reaches DMs and group DMs between users');
    }
    return {
      context,
      guild: undefined,
      channel: this.#privateChannel(user, options),
      owners: ownersOf(installs, context, undefined, user),
    };
  }

  /** The place of a message the bot posted itself (not an interaction reply): its channel, with the guild install. */
  #messagePlace(message: APIMessage): ResolvedPlace {
    const channel = this.#world.channel(message.channel_id);
    if (!channel) throw new Error(`The Discord stand-in has no channel ${message.channel_id}`);
    const guild = channel.guildId === undefined ? undefined : this.#world.guild(channel.guildId);
    const context = guild ? InteractionContextType.Guild : InteractionContextType.BotDM;
    return { context, guild, channel, owners: { [ApplicationIntegrationType.GuildInstall]: guild?.id ?? '0' } };
  }

  /** In the bot's DM only its recipient can press anything. */
  #pressedDmUser(message: APIMessage): string | undefined {
    return this.#world.channel(message.channel_id)?.recipientId;
  }

  #guildFor(guildId: string | undefined): StandInGuild {
    const world = this.#world;
    const guild =
      guildId === undefined
        ? world.guilds[0]
        : guildId === world.foreignGuild.id
          ? world.foreignGuild
          : world.guild(guildId);
    if (!guild) throw new Error(`The Discord stand-in has no guild ${guildId ?? '(none configured)'}`);
    return guild;
  }

  #guildChannel(guild: StandInGuild, options: InteractionPlace): StandInChannel {
    const id = options.channelId ?? guild.textChannelId;
    const known = this.#world.channel(id);
    if (known && options.channelType === undefined && options.nsfwChannel === undefined) return known;
    if (guild === this.#world.foreignGuild) this.#world.hiddenChannels.add(id);
    return this.#world.ensureChannel({
      id,
      type: options.channelType ?? known?.type ?? ChannelType.GuildText,
      name: known?.name ?? 'channel',
      guildId: guild.id,
      parentId: known?.parentId ?? guild.categoryId,
      nsfw: options.nsfwChannel ?? known?.nsfw ?? false,
      recipientId: undefined,
    });
  }

  /** A DM between the user and someone else, or a group DM: a channel the bot cannot see. */
  #privateChannel(user: StandInUser, options: InteractionPlace): StandInChannel {
    const world = this.#world;
    const known = options.channelId === undefined ? undefined : world.channel(options.channelId);
    if (known) return known;
    const type = options.channelType ?? ChannelType.DM;
    if (type !== ChannelType.DM && type !== ChannelType.GroupDM) {
      throw new Error(`A private channel is a DM or a group DM, not channel type ${type}`);
    }
    const channel = world.ensureChannel({
      id: options.channelId ?? world.snowflakes.next(),
      type,
      name: type === ChannelType.GroupDM ? 'group chat' : null,
      guildId: undefined,
      parentId: null,
      nsfw: false,
      // The other member of the conversation, never the bot.
      recipientId: user.id === world.owner.id ? world.defaultUser.id : world.owner.id,
    });
    world.hiddenChannels.add(channel.id);
    return channel;
  }

  #member(guild: StandInGuild, userId: string, actor: InteractionActor): APIInteractionGuildMember {
    if (!guild.memberIds.includes(userId)) guild.memberIds.push(userId);
    return {
      ...this.#world.memberPayload(guild, userId, actor.memberRoles ?? []),
      user: this.#world.userPayload(this.#world.user(userId)),
      permissions: String(actor.memberPermissions ?? this.#world.permissionsOf(guild, userId)),
    };
  }

  #stableCommandId(name: string): string {
    const known = this.#commandIds.get(name);
    if (known) return known;
    const id = this.#world.snowflakes.next();
    this.#commandIds.set(name, id);
    return id;
  }
}

/**
 * `authorizing_integration_owners`: the guild install maps to the guild's id (`"0"` in the
 * bot's DM), the user install to the authorizing user.
 */
function ownersOf(
  installs: readonly ApplicationIntegrationType[],
  context: InteractionContextType,
  guild: StandInGuild | undefined,
  user: StandInUser,
): APIAuthorizingIntegrationOwnersMap {
  if (installs.length === 0) throw new Error('An interaction needs at least one install that authorizes it');
  const owners: APIAuthorizingIntegrationOwnersMap = {};
  if (installs.includes(ApplicationIntegrationType.GuildInstall)) {
    owners[ApplicationIntegrationType.GuildInstall] =
      context === InteractionContextType.Guild ? (guild?.id ?? '0') : '0';
  }
  if (installs.includes(ApplicationIntegrationType.UserInstall))
    owners[ApplicationIntegrationType.UserInstall] = user.id;
  return owners;
}

function withAttachments(
  resolved: APIInteractionDataResolved | undefined,
  attachments: Readonly<Record<string, UserAttachment>> | undefined,
): APIInteractionDataResolved | undefined {
  if (!attachments) return resolved;
  const byId = Object.fromEntries(Object.values(attachments).map((attachment) => [attachment.id, attachment.payload]));
  return { ...resolved, attachments: { ...resolved?.attachments, ...byId } };
}

function commandOptions(
  options: SendCommandOptions,
  resolved: APIInteractionDataResolved | undefined,
): CommandOption[] {
  const given = options.options ?? [];
  const attached = Object.entries(options.attachments ?? {}).map(
    ([name, attachment]): BasicOption => ({
      name,
      type: ApplicationCommandOptionType.Attachment,
      value: attachment.id,
    }),
  );
  const leaves: CommandOption[] = [
    ...(Array.isArray(given) ? given : shorthandOptions(given as OptionValues, resolved)),
    ...attached,
  ];
  if (options.subcommand === undefined) return leaves;
  const subcommand: CommandOption = {
    type: ApplicationCommandOptionType.Subcommand,
    name: options.subcommand,
    options: leaves as BasicOption[],
  };
  if (options.subcommandGroup === undefined) return [subcommand];
  return [{ type: ApplicationCommandOptionType.SubcommandGroup, name: options.subcommandGroup, options: [subcommand] }];
}

function shorthandOptions(values: OptionValues, resolved: APIInteractionDataResolved | undefined): BasicOption[] {
  return Object.entries(values).map(([name, value]): BasicOption => {
    if (typeof value === 'string') return { name, type: stringOptionType(value, resolved), value };
    if (typeof value === 'boolean') return { name, type: ApplicationCommandOptionType.Boolean, value };
    return Number.isInteger(value)
      ? { name, type: ApplicationCommandOptionType.Integer, value }
      : { name, type: ApplicationCommandOptionType.Number, value };
  });
}

/** The option type of a shorthand string: what `resolved` says the id is, else a plain string. */
function stringOptionType(
  value: string,
  resolved: APIInteractionDataResolved | undefined,
):
  | ApplicationCommandOptionType.String
  | ApplicationCommandOptionType.User
  | ApplicationCommandOptionType.Channel
  | ApplicationCommandOptionType.Role
  | ApplicationCommandOptionType.Attachment {
  if (resolved?.users?.[value]) return ApplicationCommandOptionType.User;
  if (resolved?.channels?.[value]) return ApplicationCommandOptionType.Channel;
  if (resolved?.roles?.[value]) return ApplicationCommandOptionType.Role;
  if (resolved?.attachments?.[value]) return ApplicationCommandOptionType.Attachment;
  return ApplicationCommandOptionType.String;
}
