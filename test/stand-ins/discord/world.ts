import {
  type APIDMChannel,
  type APIGuildCategoryChannel,
  type APIGuildChannel,
  type APIGuildMember,
  type APIRole,
  type APITextChannel,
  type APIUser,
  ChannelType,
  type GatewayGuildCreateDispatchData,
  type GuildChannelType,
  GuildDefaultMessageNotifications,
  GuildExplicitContentFilter,
  type GuildMemberFlags,
  GuildMFALevel,
  GuildNSFWLevel,
  GuildPremiumTier,
  GuildSystemChannelFlags,
  GuildVerificationLevel,
  Locale,
  PermissionFlagsBits,
  type RoleFlags,
} from 'discord-api-types/v10';
import { SnowflakeFactory } from './ids.js';

/** Files up to 10 MiB, Discord's default upload limit since 2025-01-16. */
export const DEFAULT_ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024;

/** What the bot's managed role grants: enough to reply, embed, attach and read history. */
export const DEFAULT_BOT_PERMISSIONS =
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.SendMessagesInThreads |
  PermissionFlagsBits.EmbedLinks |
  PermissionFlagsBits.AttachFiles |
  PermissionFlagsBits.ReadMessageHistory |
  PermissionFlagsBits.UseExternalEmojis |
  PermissionFlagsBits.AddReactions |
  PermissionFlagsBits.UseApplicationCommands;

/** Every permission bit: what Discord computes for a guild's owner. */
export const ALL_PERMISSIONS = Object.values(PermissionFlagsBits).reduce((all, bit) => all | bit, 0n);

/**
 * What `app_permissions` holds where the bot has no channel of its own: DMs and group DMs
 * between users (Discord documents ATTACH_FILES | EMBED_LINKS | MENTION_EVERYONE), and, as
 * the stand-in assumes for want of a documented figure, guilds the bot is not in.
 */
export const USER_INSTALL_APP_PERMISSIONS =
  PermissionFlagsBits.AttachFiles | PermissionFlagsBits.EmbedLinks | PermissionFlagsBits.MentionEveryone;

/** What an ordinary member may do in a fresh guild (no administrator, no manage-guild). */
export const DEFAULT_MEMBER_PERMISSIONS =
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.SendMessagesInThreads |
  PermissionFlagsBits.EmbedLinks |
  PermissionFlagsBits.AttachFiles |
  PermissionFlagsBits.ReadMessageHistory |
  PermissionFlagsBits.AddReactions |
  PermissionFlagsBits.UseApplicationCommands;

/** A user known to the stand-in. */
export interface StandInUser {
  readonly id: string;
  readonly username: string;
  readonly bot: boolean;
}

/** A channel known to the stand-in: guild channels, DMs it opened, channels named by interactions. */
export interface StandInChannel {
  readonly id: string;
  readonly type: ChannelType;
  readonly name: string | null;
  readonly guildId: string | undefined;
  readonly parentId: string | null;
  readonly nsfw: boolean;
  /** The other end of a DM channel. */
  readonly recipientId: string | undefined;
}

/** A guild as the stand-in serves it: one the bot is in, or {@link World.foreignGuild}. */
export interface StandInGuild {
  readonly id: string;
  readonly name: string;
  readonly ownerId: string;
  readonly botRoleId: string;
  readonly categoryId: string;
  /** The guild's text channel, where interactions happen by default. */
  readonly textChannelId: string;
  readonly memberIds: string[];
}

/**
 * The simulated Discord: who exists, which guilds and channels there are. Pure data plus the
 * payload builders the gateway and REST routes share.
 */
export class World {
  readonly snowflakes = new SnowflakeFactory();
  readonly applicationId: string;
  readonly botUser: StandInUser;
  /** Owns the application and every guild. */
  readonly owner: StandInUser;
  /** The member who runs commands unless a test names another. */
  readonly defaultUser: StandInUser;
  /** The guilds the bot is in; READY and GUILD_CREATE list these. */
  readonly guilds: StandInGuild[] = [];
  /**
   * A guild the bot is not in, where members use the app through a user install: the
   * gateway never announces it, and its channels answer 403 / 50001.
   */
  readonly foreignGuild: StandInGuild;
  /** Channels where the bot lacks permission to post (403 / 50013). */
  readonly deniedChannels = new Set<string>();
  /** Channels the bot cannot see at all (a guild it is not in, DMs between users): 403 / 50001. */
  readonly hiddenChannels = new Set<string>();
  /** Users whose DMs are closed to the bot (403 / 50007). */
  readonly closedDmUsers = new Set<string>();
  /** Per-channel or per-guild upload limits for channel messages, in bytes. */
  readonly attachmentLimits = new Map<string, number>();
  readonly #users = new Map<string, StandInUser>();
  readonly #channels = new Map<string, StandInChannel>();
  /** Member permissions set by a test, by `guildId:userId`. */
  readonly #permissions = new Map<string, bigint>();
  readonly #guildLocales = new Map<string, Locale>();
  readonly #joinedAt = new Date().toISOString();

  constructor(guildCount: number) {
    this.applicationId = this.snowflakes.next();
    // Older applications have a bot user id that differs from the application id; keeping
    // them apart catches code that mixes the two up.
    this.botUser = this.#addUser({ id: this.snowflakes.next(), username: 'stand-in-bot', bot: true });
    this.owner = this.#addUser({ id: this.snowflakes.next(), username: 'guild-owner', bot: false });
    this.defaultUser = this.#addUser({ id: this.snowflakes.next(), username: 'member', bot: false });
    // Guild ids one millisecond apart land on consecutive shards: (id >> 22) % shardCount.
    const firstAt = Date.now() - 60_000;
    for (let index = 0; index < guildCount; index++) {
      const name = index === 0 ? 'Stand-in Guild' : `Stand-in Guild ${index + 1}`;
      this.guilds.push(this.#addGuild(name, firstAt + index, true));
    }
    this.foreignGuild = this.#addGuild('Guild Without The Bot', firstAt + guildCount, false);
    for (const id of [this.foreignGuild.categoryId, this.foreignGuild.textChannelId]) this.hiddenChannels.add(id);
  }

  /** The user with this id, made up on first sight (as if they had just joined Discord). */
  user(id: string): StandInUser {
    return this.#users.get(id) ?? this.#addUser({ id, username: `user-${id.slice(-4)}`, bot: false });
  }

  /** A user the stand-in has already seen. */
  knownUser(id: string): StandInUser | undefined {
    return this.#users.get(id);
  }

  channel(id: string): StandInChannel | undefined {
    return this.#channels.get(id);
  }

  /** A guild the bot is in. */
  guild(id: string): StandInGuild | undefined {
    return this.guilds.find((guild) => guild.id === id);
  }

  /**
   * A member's permissions in a guild as Discord computes them for `member.permissions`:
   * what a test set, else everything for the owner, else an ordinary member's.
   */
  permissionsOf(guild: StandInGuild, userId: string): bigint {
    const set = this.#permissions.get(`${guild.id}:${userId}`);
    if (set !== undefined) return set;
    return userId === guild.ownerId ? ALL_PERMISSIONS : DEFAULT_MEMBER_PERMISSIONS;
  }

  setPermissions(guildId: string, userId: string, permissions: bigint): void {
    this.#permissions.set(`${guildId}:${userId}`, permissions);
  }

  /** The guild's preferred locale (default en-US): `guild_locale`, and `preferred_locale` in GUILD_CREATE. */
  guildLocale(guildId: string): Locale {
    return this.#guildLocales.get(guildId) ?? Locale.EnglishUS;
  }

  setGuildLocale(guildId: string, locale: Locale): void {
    this.#guildLocales.set(guildId, locale);
  }

  /** Bytes per file a channel message may attach: the channel's limit, else its guild's, else 10 MiB. */
  attachmentLimitFor(channelId: string): number {
    const guildId = this.#channels.get(channelId)?.guildId;
    return (
      this.attachmentLimits.get(channelId) ??
      (guildId === undefined ? undefined : this.attachmentLimits.get(guildId)) ??
      DEFAULT_ATTACHMENT_SIZE_LIMIT
    );
  }

  /** Registers a channel an interaction names that the guild did not list (a thread, say). */
  ensureChannel(channel: StandInChannel): StandInChannel {
    const known = this.#channels.get(channel.id);
    if (known) return known;
    this.#channels.set(channel.id, channel);
    return channel;
  }

  /** Changes a known channel, as an admin editing it would. */
  updateChannel(id: string, change: Partial<Pick<StandInChannel, 'nsfw' | 'name'>>): StandInChannel {
    const known = this.#channels.get(id);
    if (!known) throw new Error(`The Discord stand-in has no channel ${id}`);
    const updated = { ...known, ...change };
    this.#channels.set(id, updated);
    return updated;
  }

  /** Forgets a channel, as deleting it would: routes naming it answer 404 / 10003. */
  removeChannel(id: string): StandInChannel {
    const known = this.#channels.get(id);
    if (!known) throw new Error(`The Discord stand-in has no channel ${id}`);
    this.#channels.delete(id);
    return known;
  }

  /** The DM channel with a user, opened on first use like `POST /users/@me/channels`. */
  openDm(userId: string): StandInChannel {
    for (const channel of this.#channels.values()) {
      if (channel.type === ChannelType.DM && channel.recipientId === userId) return channel;
    }
    this.user(userId);
    return this.ensureChannel({
      id: this.snowflakes.next(),
      type: ChannelType.DM,
      name: null,
      guildId: undefined,
      parentId: null,
      nsfw: false,
      recipientId: userId,
    });
  }

  userPayload(user: StandInUser): APIUser {
    return {
      id: user.id,
      username: user.username,
      discriminator: '0',
      global_name: user.bot ? null : user.username,
      avatar: null,
      ...(user.bot ? { bot: true } : {}),
    };
  }

  memberPayload(guild: StandInGuild, userId: string, roles: readonly string[] = []): APIGuildMember {
    return {
      user: this.userPayload(this.user(userId)),
      nick: null,
      avatar: null,
      roles: userId === this.botUser.id ? [guild.botRoleId] : [...roles],
      joined_at: this.#joinedAt,
      premium_since: null,
      deaf: false,
      mute: false,
      // No flag set; the enums have no zero member, hence the casts.
      flags: 0 as GuildMemberFlags,
      pending: false,
      communication_disabled_until: null,
    };
  }

  /** A channel object as `GET /channels/{id}` returns it. */
  channelPayload(channel: StandInChannel): APIDMChannel | APIGuildChannel<GuildChannelType> {
    if (channel.type === ChannelType.DM) {
      const recipient = this.user(channel.recipientId ?? this.defaultUser.id);
      return {
        id: channel.id,
        type: ChannelType.DM,
        name: null,
        recipients: [this.userPayload(recipient)],
        last_message_id: null,
      };
    }
    return {
      id: channel.id,
      type: channel.type as GuildChannelType,
      name: channel.name ?? 'channel',
      ...(channel.guildId ? { guild_id: channel.guildId } : {}),
      parent_id: channel.parentId,
      nsfw: channel.nsfw,
      permission_overwrites: [],
    };
  }

  /** The GUILD_CREATE payload: enough for discord.js to cache the guild, its channels, roles and members. */
  guildCreatePayload(guild: StandInGuild): GatewayGuildCreateDispatchData {
    const category: APIGuildCategoryChannel = {
      id: guild.categoryId,
      type: ChannelType.GuildCategory,
      name: 'Text Channels',
      position: 0,
      permission_overwrites: [],
      nsfw: false,
      parent_id: null,
    };
    const text: APITextChannel = {
      id: guild.textChannelId,
      type: ChannelType.GuildText,
      name: 'general',
      position: 0,
      permission_overwrites: [],
      nsfw: this.#channels.get(guild.textChannelId)?.nsfw ?? false,
      parent_id: guild.categoryId,
      topic: null,
      last_message_id: null,
      rate_limit_per_user: 0,
    };
    return {
      id: guild.id,
      name: guild.name,
      icon: null,
      splash: null,
      discovery_splash: null,
      banner: null,
      description: null,
      owner_id: guild.ownerId,
      afk_channel_id: null,
      afk_timeout: 300,
      verification_level: GuildVerificationLevel.Low,
      default_message_notifications: GuildDefaultMessageNotifications.OnlyMentions,
      explicit_content_filter: GuildExplicitContentFilter.AllMembers,
      roles: this.#rolesOf(guild),
      emojis: [],
      stickers: [],
      features: [],
      mfa_level: GuildMFALevel.None,
      application_id: null,
      system_channel_id: guild.textChannelId,
      system_channel_flags: GuildSystemChannelFlags.SuppressJoinNotificationReplies,
      rules_channel_id: null,
      vanity_url_code: null,
      premium_tier: GuildPremiumTier.None,
      premium_subscription_count: 0,
      preferred_locale: this.guildLocale(guild.id),
      public_updates_channel_id: null,
      nsfw_level: GuildNSFWLevel.Default,
      premium_progress_bar_enabled: false,
      hub_type: null,
      safety_alerts_channel_id: null,
      incidents_data: null,
      max_members: 500_000,
      max_video_channel_users: 25,
      joined_at: this.#joinedAt,
      large: false,
      unavailable: false,
      member_count: guild.memberIds.length,
      voice_states: [],
      members: guild.memberIds.map((id) => this.memberPayload(guild, id)),
      channels: [category, text],
      threads: [],
      presences: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
    };
  }

  #rolesOf(guild: StandInGuild): APIRole[] {
    const role = (id: string, name: string, position: number, permissions: bigint, managed: boolean): APIRole => ({
      id,
      name,
      color: 0,
      colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
      hoist: false,
      position,
      permissions: permissions.toString(),
      managed,
      mentionable: false,
      flags: 0 as RoleFlags,
      ...(managed ? { tags: { bot_id: this.botUser.id } } : {}),
    });
    return [
      // The @everyone role shares the guild's id.
      role(guild.id, '@everyone', 0, DEFAULT_MEMBER_PERMISSIONS, false),
      role(guild.botRoleId, this.botUser.username, 1, DEFAULT_BOT_PERMISSIONS, true),
    ];
  }

  #addUser(user: StandInUser): StandInUser {
    this.#users.set(user.id, user);
    return user;
  }

  #addGuild(name: string, createdAt: number, withBot: boolean): StandInGuild {
    const guild: StandInGuild = {
      id: this.snowflakes.next(createdAt),
      name,
      ownerId: this.owner.id,
      botRoleId: this.snowflakes.next(),
      categoryId: this.snowflakes.next(),
      textChannelId: this.snowflakes.next(),
      memberIds: [...(withBot ? [this.botUser.id] : []), this.owner.id, this.defaultUser.id],
    };
    const inGuild = { guildId: guild.id, nsfw: false, recipientId: undefined };
    this.ensureChannel({
      ...inGuild,
      id: guild.categoryId,
      type: ChannelType.GuildCategory,
      name: 'Text Channels',
      parentId: null,
    });
    this.ensureChannel({
      ...inGuild,
      id: guild.textChannelId,
      type: ChannelType.GuildText,
      name: 'general',
      parentId: guild.categoryId,
    });
    return guild;
  }
}
