import {
  ChannelType,
  type ChatInputCommandInteraction,
  channelMention,
  type SlashCommandSubcommandBuilder,
  TimestampStyles,
  time,
  userMention,
} from 'discord.js';
import type { CommandContext } from '../../src/command.js';
import { problemLabel } from '../../src/discord/moderation-log-text.js';
import { type Translator, translator } from '../../src/i18n/translator.js';
import type { AccountCondition, AccountReport } from '../../src/moderation/account-watch.js';
import type { BlockedMember } from '../../src/moderation/blocked-members.js';
import { UserError } from '../../src/user-error.js';
import { usd } from '../../src/video/catalog.js';

/** Channels a log can be: text and announcement channels. */
const LOG_CHANNEL_TYPES = [ChannelType.GuildText, ChannelType.GuildAnnouncement] as const;
/** Blocked members `/video-admin show` names; past these it counts. */
const BLOCKED_SHOWN = 10;

/** `/video-admin log [channel]`: picks the moderation log channel, or turns the log off. */
export function logSubcommand(sub: SlashCommandSubcommandBuilder): SlashCommandSubcommandBuilder {
  return sub
    .setName('log')
    .setDescription('Pick the channel where every video and refused prompt is logged; leave it out to stop')
    .addChannelOption((o) =>
      o
        .setName('channel')
        .setDescription('The moderation log channel; leave out to turn the log off')
        .addChannelTypes(...LOG_CHANNEL_TYPES),
    );
}

/**
 * Runs `/video-admin log` for `guildId`; the answer, in the admin's language, says whether the
 * bot can post there. The log posts in the server's language.
 */
export async function runLogSubcommand(
  interaction: ChatInputCommandInteraction,
  { moderation, logger }: CommandContext,
  guildId: string,
): Promise<string> {
  const adminId = interaction.user.id;
  const channel = interaction.options.getChannel('channel');
  const t = translator(interaction.locale);
  const audit = (channelId: string | null) =>
    logger.info({ adminId, guildId, subcommand: 'log', channelId }, 'moderation log changed');
  if (!channel) {
    const was = await moderation.logChannels.clear(guildId);
    if (!was) return t.text('log.none_to_turn_off');
    audit(null);
    return t.text('log.turned_off', { channel: channelMention(was.channelId) });
  }
  // Discord's picker offers only these; a forged interaction may name any channel.
  if (!(LOG_CHANNEL_TYPES as readonly ChannelType[]).includes(channel.type)) {
    throw UserError.of('log.channel_type');
  }
  const picked = await moderation.logChannels.set(guildId, channel.id, adminId, interaction.guildLocale ?? undefined);
  audit(channel.id);
  const problem = await moderation.poster.greet(guildId, picked).catch((error: unknown) => {
    logger.warn({ err: error, guildId, channelId: channel.id }, 'could not post the first moderation log note');
    return undefined;
  });
  const there = channelMention(channel.id);
  if (problem === null) return t.text('log.on', { channel: there });
  if (problem === undefined) return t.text('log.saved_unconfirmed', { channel: there });
  return t.text('log.saved_unusable', { problem: problemLabel(problem, t), channel: there });
}

/** The moderation lines of `/video-admin show`: the log, blocked members, and the WaveSpeed account, read now. */
export async function describeModeration(
  { moderation }: CommandContext,
  guildId: string,
  t: Translator,
): Promise<string[]> {
  const [status, blocked, account] = await Promise.all([
    moderation.logChannels.status(guildId),
    moderation.blocked.list(guildId),
    moderation.account.check(),
  ]);
  let log = t.text('admin.settings.log.off');
  if (status?.unusable) {
    const since = time(Math.floor((status.unusable.since ?? Date.now()) / 1000), TimestampStyles.RelativeTime);
    const problem = problemLabel(status.unusable.problem, t);
    log = t.text('admin.settings.log.unusable', { channel: channelMention(status.channel.channelId), since, problem });
  } else if (status) {
    const { channelId, setBy } = status.channel;
    log = t.text('admin.settings.log.on', { channel: channelMention(channelId), user: userMention(setBy) });
  }
  const condition: AccountCondition = account.state?.state ?? 'open';
  return [
    t.text('admin.settings.log', { log }),
    t.text('admin.settings.blocked', { blocked: describeBlocked(blocked, t) }),
    t.text('admin.settings.balance', { balance: describeBalance(account, t) }),
    t.text('admin.settings.video', { condition: t.text(`admin.settings.video.${condition}`) }),
  ];
}

function describeBlocked(blocked: readonly BlockedMember[], t: Translator): string {
  if (blocked.length === 0) return t.text('admin.settings.blocked.none');
  const named = t.list(blocked.slice(0, BLOCKED_SHOWN).map(({ userId }) => userMention(userId)));
  const more = blocked.length - BLOCKED_SHOWN;
  const members = more > 0 ? t.text('admin.settings.blocked.more', { members: named, more }) : named;
  return t.text('admin.settings.blocked.members', { count: blocked.length, members });
}

function describeBalance({ state, read }: AccountReport, t: Translator): string {
  if (state?.state === 'key_refused' && !read) return t.text('admin.settings.balance.key_refused');
  if (state?.balanceUsd === undefined) return t.text('admin.settings.balance.unknown');
  const balance = usd(state.balanceUsd);
  if (read) return balance;
  if (state.checkedAt === undefined) return t.text('admin.settings.balance.stale_undated', { balance });
  const when = time(Math.floor(state.checkedAt / 1000), TimestampStyles.RelativeTime);
  return t.text('admin.settings.balance.stale', { balance, when });
}
