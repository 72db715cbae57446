import type Keyv from 'keyv';
import { type Config, DAILY_LIMIT_BOUNDS } from '../config.js';
import type { Allowance } from '../quota/ledger.js';

/**
 * Where a video the provider flagged as NSFW may be posted:
 * `never`; `age-restricted` channels only (as a spoiler; the default); or `anywhere` (as a spoiler).
 */
export type NsfwPolicy = 'never' | 'age-restricted' | 'anywhere';
export const NSFW_POLICIES = ['never', 'age-restricted', 'anywhere'] as const satisfies readonly NsfwPolicy[];

/** What a server's admins changed with `/video-admin`. Unset fields fall back to the bot's config. */
export interface GuildSettings {
  /** Videos per member per day. */
  userDaily?: number;
  /** Videos per guild per day; `null` lifts the bot-wide default. */
  guildDaily?: number | null;
  /** Channels where `/video` works; empty means everywhere. */
  allowedChannels: string[];
  /** Roles whose members have no daily limit. */
  exemptRoles: string[];
  /** Daily allowance by role; a member gets the most generous of their roles'. */
  roleAllowances: Record<string, number>;
  nsfw: NsfwPolicy;
  /** 1080p videos: off until an admin enables them, and how many one member may make a day. */
  video1080p: Video1080pSettings;
}

/** Whether a server allows 1080p videos, and each member's daily 1080p allowance (kept while off). */
export interface Video1080pSettings {
  enabled: boolean;
  userDaily: number;
}

export const DEFAULT_GUILD_SETTINGS: GuildSettings = {
  allowedChannels: [],
  exemptRoles: [],
  roleAllowances: {},
  nsfw: 'age-restricted',
  video1080p: { enabled: false, userDaily: 1 },
};

/** Guild settings in Keyv. Admin changes are rare and whole-record, so last write wins. */
export class GuildSettingsStore {
  constructor(private readonly keyv: Keyv<GuildSettings>) {}

  async get(guildId: string | null): Promise<GuildSettings> {
    if (!guildId) return DEFAULT_GUILD_SETTINGS;
    return heldToBounds({ ...DEFAULT_GUILD_SETTINGS, ...(await this.keyv.get(guildId)) });
  }

  /** Applies `change` to the guild's settings and returns the result. */
  async update(guildId: string, change: (settings: GuildSettings) => GuildSettings): Promise<GuildSettings> {
    const next = change(await this.get(guildId));
    await this.keyv.set(guildId, next);
    return next;
  }
}

const within = (value: number, { min, max }: { min: number; max: number }) =>
  Number.isInteger(value) && value >= min && value <= max;

/**
 * `settings` without the limits outside the environment's bounds, which fall back to the bot's
 * defaults: `/video-admin` checks them before saving, but a forged command once did not.
 */
function heldToBounds({ userDaily, guildDaily, roleAllowances, video1080p, ...rest }: GuildSettings): GuildSettings {
  return {
    ...rest,
    video1080p:
      typeof video1080p.enabled === 'boolean' && within(video1080p.userDaily, DAILY_LIMIT_BOUNDS.userDaily)
        ? video1080p
        : DEFAULT_GUILD_SETTINGS.video1080p,
    ...(userDaily !== undefined && within(userDaily, DAILY_LIMIT_BOUNDS.userDaily) && { userDaily }),
    ...(guildDaily !== undefined &&
      (guildDaily === null || within(guildDaily, DAILY_LIMIT_BOUNDS.guildDaily)) && { guildDaily }),
    roleAllowances: Object.fromEntries(
      Object.entries(roleAllowances).filter(([, daily]) => within(daily, DAILY_LIMIT_BOUNDS.userDaily)),
    ),
  };
}

/**
 * The limits that apply to one member, from the bot's config, their guild's settings and their
 * roles. With no server (`settings` null: DMs, group DMs, servers the bot is not in) they are the
 * member's own, for the app installed to their account: one daily count wherever they use it,
 * and the bot-wide spend cap.
 */
export function allowanceFor(
  quota: Config['quota'],
  settings: GuildSettings | null,
  memberRoles: readonly string[],
): Allowance {
  if (settings === null) {
    const { userInstallDaily, userConcurrent, budgetDailyCents } = quota;
    // 1080p is a server's choice, and no server chose it here.
    return { userDaily: userInstallDaily, userConcurrent, guildDaily: null, budgetDailyCents, userDaily1080p: 0 };
  }
  const exempt = memberRoles.some((role) => settings.exemptRoles.includes(role));
  const roleDaily = memberRoles
    .map((role) => settings.roleAllowances[role])
    .filter((daily): daily is number => daily !== undefined);
  const userDaily = roleDaily.length > 0 ? Math.max(...roleDaily) : (settings.userDaily ?? quota.userDaily);
  return {
    userDaily: exempt ? null : userDaily,
    userConcurrent: quota.userConcurrent,
    guildDaily: settings.guildDaily === undefined ? quota.guildDaily : settings.guildDaily,
    budgetDailyCents: quota.budgetDailyCents,
    // The allowance holds exempt members too: exemption lifts the daily limit, not 1080p's price.
    userDaily1080p: settings.video1080p.enabled ? settings.video1080p.userDaily : 0,
  };
}
