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
import { type Translator, translator } from '../src/i18n/translator.js';
import { UserError } from '../src/user-error.js';
import { priceOf } from '../src/video/catalog.js';
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
const PRICE_1080P = priceOf({ fromImage: false, quality: '1080p' });

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
  // The router's preconditions hold it to servers and to members with Manage Server. Answered in the admin's language.
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
  const t = translator(interaction.locale);
  const audit = (change: object) =>
    logger.info({ adminId: interaction.user.id, guildId, subcommand, ...change }, 'settings changed');
  const update = async (change: (current: GuildSettings) => GuildSettings) => {
    const next = await settings.update(guildId, change);
    audit({ settings: next });
    return `${t.text('admin.saved')}\n${describeSettings(next, config.quota, t)}`;
  };
  const now = Date.now();

  switch (subcommand) {
    case 'show': {
      const [current, moderation] = await Promise.all([settings.get(guildId), describeModeration(context, guildId, t)]);
      return [describeSettings(current, config.quota, t), ...moderation].join('\n');
    }
    case 'log':
      return runLogSubcommand(interaction, context, guildId);
    case 'limits': {
      const userDaily = boundedInteger(interaction, 'user_daily');
      const guildDaily = boundedInteger(interaction, 'guild_daily');
      if (userDaily === null && guildDaily === null) throw UserError.of('admin.nothing_to_change');
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
      return t.text('admin.granted', { member: userMention(member.id), count: videos });
    }
    case 'reset': {
      const member = options.getUser('member', true);
      await ledger.resetUser(member.id, guildId, now);
      audit({ memberId: member.id });
      return t.text('admin.reset', { member: userMention(member.id) });
    }
    case '1080p': {
      const enabled = options.getBoolean('enabled', true);
      const userDaily = boundedInteger(interaction, 'user_daily');
      return update((s) => ({ ...s, video1080p: { enabled, userDaily: userDaily ?? s.video1080p.userDaily } }));
    }
    case 'nsfw': {
      const policy = options.getString('policy', true);
      if (!isNsfwPolicy(policy)) throw UserError.of('admin.invalid_policy');
      return update((s) => ({ ...s, nsfw: policy }));
    }
    default:
      throw UserError.of('admin.unknown_subcommand');
  }
}

/** An integer option within its {@link BOUNDS}; a value outside them is refused, naming the option as the admin's client does. */
function boundedInteger(interaction: ChatInputCommandInteraction, name: keyof typeof BOUNDS, required: true): number;
function boundedInteger(interaction: ChatInputCommandInteraction, name: keyof typeof BOUNDS): number | null;
function boundedInteger(interaction: ChatInputCommandInteraction, name: keyof typeof BOUNDS, required = false) {
  const value = interaction.options.getInteger(name, required);
  if (value === null) return null;
  const { min, max } = BOUNDS[name];
  if (!Number.isInteger(value) || value < min || value > max) {
    const path = `video-admin.${interaction.options.getSubcommand()}.${name}`;
    throw new UserError('admin.out_of_range', (t) =>
      t.text('admin.out_of_range', {
        option: t.commandName(path),
        min: min.toLocaleString(t.locale),
        max: max.toLocaleString(t.locale),
      }),
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

function describe1080p({ enabled, userDaily }: GuildSettings['video1080p'], t: Translator): string {
  const allowance = t.text('admin.settings.1080p.allowance', { daily: userDaily });
  return enabled
    ? t.text('admin.settings.1080p.on', { price: PRICE_1080P, allowance })
    : t.text('admin.settings.1080p.off', { allowance });
}

/** The guild's effective settings, in the words of `t`. */
export function describeSettings(settings: GuildSettings, quota: Config['quota'], t: Translator): string {
  const guildDaily = settings.guildDaily === undefined ? quota.guildDaily : settings.guildDaily;
  const { allowedChannels, exemptRoles } = settings;
  const roleAllowances = Object.entries(settings.roleAllowances).map(([role, daily]) =>
    t.text('admin.settings.role_allowance', { role: roleMention(role), daily }),
  );
  const perMember = { count: settings.userDaily ?? quota.userDaily, concurrent: quota.userConcurrent };
  return [
    settings.userDaily === undefined
      ? t.text('admin.settings.per_member_default', perMember)
      : t.text('admin.settings.per_member', perMember),
    guildDaily === null
      ? t.text('admin.settings.whole_server_unlimited')
      : t.text('admin.settings.whole_server', { count: guildDaily }),
    allowedChannels.length
      ? t.text('admin.settings.channels', { channels: t.list(allowedChannels.map(channelMention)) })
      : t.text('admin.settings.channels_everywhere'),
    exemptRoles.length
      ? t.text('admin.settings.exempt_roles', { roles: t.list(exemptRoles.map(roleMention)) })
      : t.text('admin.settings.exempt_roles_none'),
    roleAllowances.length
      ? t.text('admin.settings.role_allowances', { allowances: t.list(roleAllowances) })
      : t.text('admin.settings.role_allowances_none'),
    t.text('admin.settings.nsfw', { policy: t.text(`admin.settings.nsfw.${settings.nsfw}`) }),
    t.text('admin.settings.1080p', { state: describe1080p(settings.video1080p, t) }),
  ].join('\n');
}
