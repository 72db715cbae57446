import {
  ApplicationIntegrationType,
  type ChatInputCommandInteraction,
  channelMention,
  InteractionContextType,
  MessageFlags,
  PermissionFlagsBits,
  roleMention,
  SlashCommandBuilder,
  userMention,
} from 'discord.js';
import type { Command, CommandContext } from '../src/command.js';
import { type Config, DAILY_LIMIT_BOUNDS } from '../src/config.js';
import { guildIdOf } from '../src/discord/preconditions.js';
import { type GuildSettings, NSFW_POLICIES, type NsfwPolicy } from '../src/guilds/guild-settings.js';
import { UserError } from '../src/user-error.js';
import { dollars, modelFor, VIDEO_MODELS } from '../src/video/catalog.js';
import { filterGroup, runFilterSubcommand } from './video-admin/filters.js';
import { describeModeration, logSubcommand, runLogSubcommand } from './video-admin/log.js';
import { logButtons } from './video-admin/log-buttons.js';

/**
 * The integer options and their bounds: Discord shows them in its picker, and the handler checks
 * them again, since a forged interaction skips Discord's checks. Daily limits are held to the
 * environment's bounds; -1 means "none".
 */
const BOUNDS = {
  user_daily: DAILY_LIMIT_BOUNDS.userDaily,
  guild_daily: { min: -1, max: DAILY_LIMIT_BOUNDS.guildDaily.max },
  daily: { min: -1, max: DAILY_LIMIT_BOUNDS.userDaily.max },
  videos: { min: 1, max: 100 },
} as const satisfies Record<string, { min: number; max: number }>;

/** What a 1080p video costs the server owner. */
const PRICE_1080P = dollars(VIDEO_MODELS[modelFor({ fromImage: false, quality: '1080p' })].priceCents);

const data = new SlashCommandBuilder()
  .setName('video-admin')
  .setDescription("Manage this server's video limits, settings, prompt filters and moderation log")
  .setContexts(InteractionContextType.Guild)
  // Only a server's own install: a member's install of the app reaches servers the bot is not in.
  .setIntegrationTypes(ApplicationIntegrationType.GuildInstall)
  .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
  .addSubcommand((sub) => sub.setName('show').setDescription("Show this server's video settings"))
  .addSubcommand((sub) =>
    sub
      .setName('limits')
      .setDescription('Set daily limits')
      .addIntegerOption((o) =>
        o
          .setName('user_daily')
          .setDescription('Videos per member per day')
          .setMinValue(BOUNDS.user_daily.min)
          .setMaxValue(BOUNDS.user_daily.max),
      )
      .addIntegerOption((o) =>
        o
          .setName('guild_daily')
          .setDescription('Videos for the whole server per day; -1 for no limit')
          .setMinValue(BOUNDS.guild_daily.min)
          .setMaxValue(BOUNDS.guild_daily.max),
      ),
  )
  .addSubcommand((sub) =>
    sub
      .setName('channel')
      .setDescription('Allow or stop /video in a channel (none allowed = everywhere)')
      .addChannelOption((o) => o.setName('channel').setDescription('The channel').setRequired(true))
      .addBooleanOption((o) => o.setName('allowed').setDescription('Whether /video works there').setRequired(true)),
  )
  .addSubcommand((sub) =>
    sub
      .setName('exempt-role')
      .setDescription('Exempt a role from the daily limit, or undo it')
      .addRoleOption((o) => o.setName('role').setDescription('The role').setRequired(true))
      .addBooleanOption((o) => o.setName('exempt').setDescription('Whether the role is exempt').setRequired(true)),
  )
  .addSubcommand((sub) =>
    sub
      .setName('role-allowance')
      .setDescription('Give a role its own daily allowance; -1 removes it')
      .addRoleOption((o) => o.setName('role').setDescription('The role').setRequired(true))
      .addIntegerOption((o) =>
        o
          .setName('daily')
          .setDescription('Videos per member per day')
          .setRequired(true)
          .setMinValue(BOUNDS.daily.min)
          .setMaxValue(BOUNDS.daily.max),
      ),
  )
  .addSubcommand((sub) =>
    sub
      .setName('grant')
      .setDescription('Give a member extra videos for today')
      .addUserOption((o) => o.setName('member').setDescription('The member').setRequired(true))
      .addIntegerOption((o) =>
        o
          .setName('videos')
          .setDescription('How many')
          .setRequired(true)
          .setMinValue(BOUNDS.videos.min)
          .setMaxValue(BOUNDS.videos.max),
      ),
  )
  .addSubcommand((sub) =>
    sub
      .setName('reset')
      .setDescription("Clear a member's count and grants for today")
      .addUserOption((o) => o.setName('member').setDescription('The member').setRequired(true)),
  )
  .addSubcommand((sub) =>
    sub
      .setName('nsfw')
      .setDescription('Where videos flagged as NSFW may be posted')
      .addStringOption((o) =>
        o
          .setName('policy')
          .setDescription('Where flagged videos go')
          .setRequired(true)
          .addChoices(
            { name: 'Nowhere', value: 'never' },
            { name: 'Age-restricted channels, as a spoiler', value: 'age-restricted' },
            { name: 'Any channel, as a spoiler', value: 'anywhere' },
          ),
      ),
  )
  .addSubcommand((sub) =>
    sub
      .setName('1080p')
      .setDescription(
        `Allow 1080p videos (${PRICE_1080P} each) in this server, with a daily 1080p allowance per member`,
      )
      .addBooleanOption((o) =>
        o.setName('enabled').setDescription('Whether members may ask for 1080p').setRequired(true),
      )
      .addIntegerOption((o) =>
        o
          .setName('user_daily')
          .setDescription('1080p videos per member per day (they count toward the daily videos too)')
          .setMinValue(BOUNDS.user_daily.min)
          .setMaxValue(BOUNDS.user_daily.max),
      ),
  )
  .addSubcommand(logSubcommand)
  .addSubcommandGroup(filterGroup);

export default {
  data: data.toJSON(),
  // The router's preconditions hold it to servers and to members with Manage Server.
  async execute(interaction, context) {
    const guildId = guildIdOf(interaction);
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const reply =
      interaction.options.getSubcommandGroup() === 'filter'
        ? await runFilterSubcommand(interaction, context, guildId)
        : { content: await runSubcommand(interaction, context, guildId) };
    // Mentions, and echoed admin text, never ping.
    await interaction.editReply({ ...reply, allowedMentions: { parse: [] } });
  },
  buttons: logButtons,
} satisfies Command;

async function runSubcommand(
  interaction: ChatInputCommandInteraction,
  context: CommandContext,
  guildId: string,
): Promise<string> {
  const { config, settings, ledger, logger } = context;
  const { options } = interaction;
  const subcommand = options.getSubcommand();
  const audit = (change: object) =>
    logger.info({ adminId: interaction.user.id, guildId, subcommand, ...change }, 'settings changed');
  const update = async (change: (current: GuildSettings) => GuildSettings) => {
    const next = await settings.update(guildId, change);
    audit({ settings: next });
    return `Saved.\n${describeSettings(next, config.quota)}`;
  };
  const now = Date.now();

  switch (subcommand) {
    case 'show': {
      const [current, moderation] = await Promise.all([settings.get(guildId), describeModeration(context, guildId)]);
      return [describeSettings(current, config.quota), ...moderation].join('\n');
    }
    case 'log':
      return runLogSubcommand(interaction, context, guildId);
    case 'limits': {
      const userDaily = boundedInteger(interaction, 'user_daily');
      const guildDaily = boundedInteger(interaction, 'guild_daily');
      if (userDaily === null && guildDaily === null)
        throw new UserError('admin.nothing_to_change', 'Give `user_daily`, `guild_daily` or both.');
      return update((s) => ({
        ...s,
        ...(userDaily !== null && { userDaily }),
        ...(guildDaily !== null && { guildDaily: guildDaily === -1 ? null : guildDaily }),
      }));
    }
    case 'channel': {
      const channel = options.getChannel('channel', true);
      const allowed = options.getBoolean('allowed', true);
      return update((s) => ({ ...s, allowedChannels: toggle(s.allowedChannels, channel.id, allowed) }));
    }
    case 'exempt-role': {
      const role = options.getRole('role', true);
      const exempt = options.getBoolean('exempt', true);
      return update((s) => ({ ...s, exemptRoles: toggle(s.exemptRoles, role.id, exempt) }));
    }
    case 'role-allowance': {
      const role = options.getRole('role', true);
      const daily = boundedInteger(interaction, 'daily', true);
      return update((s) => {
        const { [role.id]: _removed, ...others } = s.roleAllowances;
        return { ...s, roleAllowances: daily === -1 ? others : { ...others, [role.id]: daily } };
      });
    }
    case 'grant': {
      const member = options.getUser('member', true);
      const videos = boundedInteger(interaction, 'videos', true);
      await ledger.grant(member.id, guildId, videos, now);
      audit({ memberId: member.id, videos });
      return `${userMention(member.id)} can make ${videos} more video${videos === 1 ? '' : 's'} today.`;
    }
    case 'reset': {
      const member = options.getUser('member', true);
      await ledger.resetUser(member.id, guildId, now);
      audit({ memberId: member.id });
      return `${userMention(member.id)}'s count for today is back to zero.`;
    }
    case '1080p': {
      const enabled = options.getBoolean('enabled', true);
      const userDaily = boundedInteger(interaction, 'user_daily');
      return update((s) => ({ ...s, video1080p: { enabled, userDaily: userDaily ?? s.video1080p.userDaily } }));
    }
    case 'nsfw': {
      const policy = options.getString('policy', true);
      if (!isNsfwPolicy(policy)) throw new UserError('admin.invalid_policy', 'Pick one of the offered policies.');
      return update((s) => ({ ...s, nsfw: policy }));
    }
    default:
      throw new UserError('admin.unknown_subcommand', 'That subcommand is not known. Try `/video-admin show`.');
  }
}

/** An integer option within its {@link BOUNDS}; a value outside them is refused, naming them. */
function boundedInteger(interaction: ChatInputCommandInteraction, name: keyof typeof BOUNDS, required: true): number;
function boundedInteger(interaction: ChatInputCommandInteraction, name: keyof typeof BOUNDS): number | null;
function boundedInteger(interaction: ChatInputCommandInteraction, name: keyof typeof BOUNDS, required = false) {
  const value = interaction.options.getInteger(name, required);
  if (value === null) return null;
  const { min, max } = BOUNDS[name];
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new UserError(
      'admin.out_of_range',
      `\`${name}\` must be a whole number from ${min.toLocaleString('en-US')} to ${max.toLocaleString('en-US')}.`,
    );
  }
  return value;
}

function isNsfwPolicy(value: string): value is NsfwPolicy {
  return (NSFW_POLICIES as readonly string[]).includes(value);
}

function toggle(ids: readonly string[], id: string, present: boolean): string[] {
  const others = ids.filter((existing) => existing !== id);
  return present ? [...others, id] : others;
}

const NSFW_LABELS: Record<NsfwPolicy, string> = {
  never: 'never posted',
  'age-restricted': 'posted as spoilers in age-restricted channels only',
  anywhere: 'posted as spoilers in any channel',
};

function describe1080p({ enabled, userDaily }: GuildSettings['video1080p']): string {
  const allowance = `${userDaily} per member a day, within their daily videos`;
  return enabled ? `on (${PRICE_1080P} each), ${allowance}` : `off (when turned on: ${allowance})`;
}

/** The guild's effective settings, in words. */
export function describeSettings(settings: GuildSettings, quota: Config['quota']): string {
  const guildDaily = settings.guildDaily === undefined ? quota.guildDaily : settings.guildDaily;
  const roleAllowances = Object.entries(settings.roleAllowances);
  return [
    `**Per member:** ${settings.userDaily ?? quota.userDaily} videos a day${settings.userDaily === undefined ? ' (bot default)' : ''}, ${quota.userConcurrent} at once`,
    `**Whole server:** ${guildDaily === null ? 'no daily limit' : `${guildDaily} videos a day`}`,
    `**Channels:** ${settings.allowedChannels.length ? settings.allowedChannels.map(channelMention).join(', ') : 'everywhere'}`,
    `**Exempt roles:** ${settings.exemptRoles.length ? settings.exemptRoles.map(roleMention).join(', ') : 'none'}`,
    `**Role allowances:** ${roleAllowances.length ? roleAllowances.map(([role, daily]) => `${roleMention(role)} ${daily}/day`).join(', ') : 'none'}`,
    `**NSFW-flagged videos:** ${NSFW_LABELS[settings.nsfw]}`,
    `**1080p videos:** ${describe1080p(settings.video1080p)}`,
  ].join('\n');
}
