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
import type { AccountCondition, AccountReport } from '../../src/moderation/account-watch.js';
import type { BlockedMember } from '../../src/moderation/blocked-members.js';
import { UserError } from '../../src/user-error.js';

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

/** Runs `/video-admin log` for `guildId`; the answer says whether the bot can post there. */
export async function runLogSubcommand(
  interaction: ChatInputCommandInteraction,
  { moderation, logger }: CommandContext,
  guildId: string,
): Promise<string> {
  const adminId = interaction.user.id;
  const channel = interaction.options.getChannel('channel');
  const audit = (channelId: string | null) =>
    logger.info({ adminId, guildId, subcommand: 'log', channelId }, 'moderation log changed');
  if (!channel) {
    const was = await moderation.logChannels.clear(guildId);
    if (!was) return 'This server has no moderation log to turn off. Pick a channel with `/video-admin log channel:`.';
    audit(null);
    return `The moderation log is off: nothing more is posted in ${channelMention(was.channelId)}.`;
  }
  // Discord's picker offers only these; a forged interaction may name any channel.
  if (!(LOG_CHANNEL_TYPES as readonly ChannelType[]).includes(channel.type)) {
    throw new UserError('admin.log_channel_type', 'Pick a text or announcement channel for the log.');
  }
  await moderation.logChannels.set(guildId, channel.id, adminId);
  audit(channel.id);
  const problem = await moderation.poster.greet(guildId, channel.id, adminId).catch((error: unknown) => {
    logger.warn({ err: error, guildId, channelId: channel.id }, 'could not post the first moderation log note');
    return undefined;
  });
  const there = channelMention(channel.id);
  if (problem === null) return `Every video and refused prompt of this server is now logged in ${there}.`;
  if (problem === undefined)
    return `Saved. Discord did not take a first note in ${there} just now; the next entries will try again.`;
  return `Saved, but ${problemLabel(problem)}: ${there}. Give the bot View Channel and Send Messages there, then pick it again.`;
}

/** The moderation lines of `/video-admin show`: the log, blocked members, and the WaveSpeed account, read now. */
export async function describeModeration({ moderation }: CommandContext, guildId: string): Promise<string[]> {
  const [status, blocked, account] = await Promise.all([
    moderation.logChannels.status(guildId),
    moderation.blocked.list(guildId),
    moderation.account.check(),
  ]);
  let log = 'off (pick a channel with `/video-admin log`)';
  if (status?.unusable) {
    const since = time(Math.floor((status.unusable.since ?? Date.now()) / 1000), TimestampStyles.RelativeTime);
    log = `⚠️ ${channelMention(status.channel.channelId)} is unusable since ${since}: ${problemLabel(status.unusable.problem)}. Fix it, then pick it again with \`/video-admin log\`.`;
  } else if (status) {
    log = `${channelMention(status.channel.channelId)} (picked by ${userMention(status.channel.setBy)})`;
  }
  return [
    `**Moderation log:** ${log}`,
    `**Blocked from /video:** ${describeBlocked(blocked)}`,
    `**WaveSpeed balance:** ${describeBalance(account)}`,
    `**Video for members:** ${CONDITIONS[account.state?.state ?? 'open']}`,
  ];
}

function describeBlocked(blocked: readonly BlockedMember[]): string {
  if (blocked.length === 0) return 'nobody';
  const named = blocked.slice(0, BLOCKED_SHOWN).map(({ userId }) => userMention(userId));
  const more = blocked.length > BLOCKED_SHOWN ? ` and ${blocked.length - BLOCKED_SHOWN} more` : '';
  return `${blocked.length} member${blocked.length === 1 ? '' : 's'}: ${named.join(', ')}${more}`;
}

function describeBalance({ state, read }: AccountReport): string {
  if (state?.state === 'key_refused' && !read) return 'unknown: WaveSpeed refused the API key';
  if (state?.balanceUsd === undefined) return 'unknown: WaveSpeed did not answer';
  const balance = `$${state.balanceUsd.toFixed(2)}`;
  if (read) return balance;
  const when =
    state.checkedAt === undefined ? '' : ` ${time(Math.floor(state.checkedAt / 1000), TimestampStyles.RelativeTime)}`;
  return `${balance} when last read${when} (WaveSpeed did not answer now)`;
}

const CONDITIONS: Record<AccountCondition, string> = {
  open: 'open',
  low: 'open; the balance is below the warning level (`BALANCE_WARN_USD`)',
  key_refused:
    "closed: WaveSpeed refused the bot's API key, so members are told video is unavailable. It reopens once a balance check succeeds.",
  no_credit:
    "closed: the WaveSpeed account can't pay for a video, so members are told video is unavailable. It reopens once a balance check finds credit.",
};
