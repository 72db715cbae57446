import {
  type APIApplicationCommandInteractionDataBasicOption,
  type APIApplicationCommandInteractionDataOption,
  type APIChatInputApplicationCommandDMInteraction,
  type APIChatInputApplicationCommandGuildInteraction,
  type APIChatInputApplicationCommandInteraction,
  type APIInteractionDataResolved,
  type APIInteractionGuildMember,
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  ChannelType,
  InteractionContextType,
  type InteractionResponseType,
  InteractionType,
  Locale,
} from 'discord-api-types/v10';
import { makeInteractionToken } from './ids.js';
import type { RecordedFile } from './recorder.js';
import {
  DEFAULT_ATTACHMENT_SIZE_LIMIT,
  DEFAULT_BOT_PERMISSIONS,
  DEFAULT_MEMBER_PERMISSIONS,
  type StandInChannel,
  type StandInGuild,
  type World,
} from './world.js';

type CommandOption = APIApplicationCommandInteractionDataOption<InteractionType.ApplicationCommand>;
type InteractionChannel = NonNullable<APIChatInputApplicationCommandInteraction['channel']>;
type GuildFields =
  | 'guild_id'
  | 'guild'
  | 'guild_locale'
  | 'channel'
  | 'member'
  | 'authorizing_integration_owners'
  | 'context';
type DmFields = 'channel' | 'user' | 'authorizing_integration_owners' | 'context';
type BasicOption = APIApplicationCommandInteractionDataBasicOption<InteractionType.ApplicationCommand>;

/**
 * Shorthand options: strings, booleans, integers (whole numbers) and numbers. A string that is
 * a key of `resolved.users`, `channels`, `roles` or `attachments` becomes that kind of option.
 */
export type OptionValues = Readonly<Record<string, string | number | boolean>>;

/** What {@link DiscordStandIn.sendCommand} should make a user run. */
export interface SendCommandOptions {
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
  /** Defaults to the id of the registered command of that name, else a stable made-up id. */
  readonly commandId?: string;
  /** The invoking user (default: the stand-in's default member). */
  readonly userId?: string;
  readonly guildId?: string;
  readonly channelId?: string;
  /** Type of the channel the command runs in (default text). */
  readonly channelType?: ChannelType;
  readonly nsfwChannel?: boolean;
  /** Run the command in the bot's DM instead of a guild. */
  readonly dm?: boolean;
  /** Bytes per file the response may attach (default 10 MiB). */
  readonly attachmentSizeLimit?: number;
  /**
   * Leave `attachment_size_limit` out of the payload, as Discord may: the stand-in still
   * enforces `attachmentSizeLimit` (default 10 MiB, Discord's default limit) on uploads.
   */
  readonly omitAttachmentSizeLimit?: boolean;
  /** The bot's permissions in the channel (default: view, send, embed, attach, history...). */
  readonly appPermissions?: bigint | string;
  readonly memberRoles?: readonly string[];
  readonly memberPermissions?: bigint | string;
  readonly locale?: Locale;
  /**
   * Gateway session to deliver to: its index in identify order, or `'all'` for every
   * session owning the guild (what Discord does when two copies of a bot run unsharded).
   * Default: the first open session owning the guild.
   */
  readonly connection?: number | 'all';
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

/** An interaction the stand-in dispatched, with its response state. */
export interface InteractionRecord {
  readonly id: string;
  readonly token: string;
  readonly payload: APIChatInputApplicationCommandInteraction;
  readonly channelId: string;
  readonly guildId: string | undefined;
  readonly userId: string;
  readonly attachmentSizeLimit: number;
  dispatchedAt: number;
  ackDeadline: number;
  tokenExpiresAt: number;
  callback: RecordedCallback | undefined;
  originalId: string | undefined;
  readonly followupIds: string[];
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

  /** Creates an interaction; its clocks start when {@link markDispatched} is called. */
  create(options: SendCommandOptions): InteractionRecord {
    const world = this.#world;
    const id = world.snowflakes.next();
    const token = makeInteractionToken(id);
    const user = world.user(options.userId ?? world.defaultUser.id);
    const guild = options.dm ? undefined : this.#guildFor(options.guildId);
    const channel = guild ? this.#guildChannel(guild, options) : world.openDm(user.id);
    const attachmentSizeLimit = options.attachmentSizeLimit ?? DEFAULT_ATTACHMENT_SIZE_LIMIT;
    const common = {
      id,
      application_id: world.applicationId,
      type: InteractionType.ApplicationCommand,
      token,
      version: 1,
      data: {
        id:
          options.commandId ??
          this.#registeredCommandId(options.name, guild?.id) ??
          this.#stableCommandId(options.name),
        name: options.name,
        type: ApplicationCommandType.ChatInput,
        options: commandOptions(options),
        ...(options.resolved ? { resolved: options.resolved } : {}),
      },
      app_permissions: String(options.appPermissions ?? DEFAULT_BOT_PERMISSIONS),
      locale: options.locale ?? Locale.EnglishUS,
      entitlements: [],
      attachment_size_limit: attachmentSizeLimit,
      channel_id: channel.id,
    } satisfies Partial<APIChatInputApplicationCommandInteraction>;
    const payload: APIChatInputApplicationCommandInteraction = guild
      ? { ...common, ...this.#inGuild(guild, channel, user.id, options) }
      : { ...common, ...this.#inDm(channel, user.id) };
    // discord-api-types calls the field required, but interactions arrive without it.
    if (options.omitAttachmentSizeLimit) Reflect.deleteProperty(payload, 'attachment_size_limit');

    const record: InteractionRecord = {
      id,
      token,
      payload,
      channelId: channel.id,
      guildId: guild?.id,
      userId: user.id,
      attachmentSizeLimit,
      dispatchedAt: Number.NaN,
      ackDeadline: Number.NaN,
      tokenExpiresAt: Number.NaN,
      callback: undefined,
      originalId: undefined,
      followupIds: [],
    };
    this.#byId.set(id, record);
    this.#byToken.set(token, record);
    return record;
  }

  /** Starts the 3-second and 15-minute clocks; called when the payload goes out on the socket. */
  markDispatched(record: InteractionRecord, at: number): void {
    record.dispatchedAt = at;
    record.ackDeadline = at + this.#timing.ackDeadlineMs;
    record.tokenExpiresAt = at + this.#timing.tokenLifetimeMs;
  }

  /** The fields of a command run in a guild channel. */
  #inGuild(
    guild: StandInGuild,
    channel: StandInChannel,
    userId: string,
    options: SendCommandOptions,
  ): Pick<APIChatInputApplicationCommandGuildInteraction, GuildFields> {
    return {
      guild_id: guild.id,
      guild: { id: guild.id, locale: Locale.EnglishUS, features: [] },
      guild_locale: Locale.EnglishUS,
      // The test picks any channel type, which the per-type union cannot narrow.
      channel: {
        id: channel.id,
        type: channel.type,
        name: channel.name ?? 'channel',
        guild_id: guild.id,
        nsfw: channel.nsfw,
        parent_id: channel.parentId,
      } as InteractionChannel,
      member: this.#member(guild, userId, options),
      authorizing_integration_owners: { [ApplicationIntegrationType.GuildInstall]: guild.id },
      context: InteractionContextType.Guild,
    };
  }

  /** The fields of a command run in the bot's DM. */
  #inDm(channel: StandInChannel, userId: string): Pick<APIChatInputApplicationCommandDMInteraction, DmFields> {
    const user = this.#world.userPayload(this.#world.user(userId));
    return {
      channel: { id: channel.id, type: ChannelType.DM, recipients: [user] },
      user,
      // In the bot's DM the guild-install owner is "0".
      authorizing_integration_owners: { [ApplicationIntegrationType.GuildInstall]: '0' },
      context: InteractionContextType.BotDM,
    };
  }

  #guildFor(guildId: string | undefined): StandInGuild {
    const guild = guildId === undefined ? this.#world.guilds[0] : this.#world.guild(guildId);
    if (!guild) throw new Error(`The Discord stand-in has no guild ${guildId ?? '(none configured)'}`);
    return guild;
  }

  #guildChannel(guild: StandInGuild, options: SendCommandOptions): StandInChannel {
    const id = options.channelId ?? guild.textChannelId;
    const known = this.#world.channel(id);
    if (known && options.channelType === undefined && options.nsfwChannel === undefined) return known;
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

  #member(guild: StandInGuild, userId: string, options: SendCommandOptions): APIInteractionGuildMember {
    if (!guild.memberIds.includes(userId)) guild.memberIds.push(userId);
    return {
      ...this.#world.memberPayload(guild, userId, options.memberRoles ?? []),
      user: this.#world.userPayload(this.#world.user(userId)),
      permissions: String(options.memberPermissions ?? DEFAULT_MEMBER_PERMISSIONS),
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

function commandOptions(options: SendCommandOptions): CommandOption[] {
  const given = options.options ?? [];
  const leaves: CommandOption[] = Array.isArray(given)
    ? [...given]
    : shorthandOptions(given as OptionValues, options.resolved);
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
