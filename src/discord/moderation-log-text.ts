import {
  type APIActionRowComponent,
  type APIButtonComponentWithCustomId,
  ButtonStyle,
  ComponentType,
  channelMention,
  userMention,
} from 'discord.js';
import type { FailureReason, Job, JobOrigin } from '../jobs/job.js';
import type { AccountChange, AccountCondition } from '../moderation/account-watch.js';
import type { LogProblem } from '../moderation/log-channels.js';
import type { LogEntry, MemberAction } from '../moderation/moderation-log.js';
import type { StoredFilterRule } from '../moderation/prompt-filters-store.js';
import type { VideoRequest } from '../provider/video-provider.js';
import { dollars, modelOf } from '../video/catalog.js';
import { customIdOf } from './buttons.js';
import { literal } from './code-span.js';
import { quotePrompt } from './messages.js';

/** What the moderation log reads: each entry as Discord Markdown, with the buttons that act on its member. */

/** A log post: its text and its buttons. Mentions in it never ping: the poster allows none. */
export interface LogMessage {
  content: string;
  components: APIActionRowComponent<APIButtonComponentWithCustomId>[];
}

const BUTTONS: Record<MemberAction, { label: string; style: APIButtonComponentWithCustomId['style'] }> = {
  block: { label: 'Block from /video', style: ButtonStyle.Danger },
  unblock: { label: 'Unblock', style: ButtonStyle.Secondary },
  reset: { label: 'Reset today', style: ButtonStyle.Secondary },
};

/** The buttons under a post about `memberId`: block, unblock, reset their day. */
function memberButtons(memberId: string): LogMessage['components'] {
  const buttons = (Object.keys(BUTTONS) as MemberAction[]).map(
    (action): APIButtonComponentWithCustomId => ({
      type: ComponentType.Button,
      custom_id: customIdOf(action, memberId),
      label: BUTTONS[action].label,
      style: BUTTONS[action].style,
    }),
  );
  return [{ type: ComponentType.ActionRow, components: buttons }];
}

const FAILURES: Record<FailureReason, string> = {
  moderation: "❌ **Refused by WaveSpeed's content filter**",
  invalid_request: '❌ **Options refused by WaveSpeed**',
  provider_busy: '❌ **WaveSpeed was overloaded**',
  provider_unavailable: '❌ **WaveSpeed was unavailable**',
  no_credit: '❌ **WaveSpeed refused the key or the credit ran out**',
  timeout: '⌛ **Took too long; abandoned**',
  failed: '❌ **Generation failed**',
  submit_unknown: '❌ **Lost track while sending; not sent again**',
  output_unavailable: '📭 **Made, but could not be fetched**',
  nsfw_blocked: '🔞 **Flagged NSFW; kept out of the channel**',
  image_refused: '🖼️ **Image refused**',
  image_unavailable: '🖼️ **Image could not be fetched**',
  cancelled: '✖️ **Cancelled**',
};

/** Where the request came from and who made it, in mentions that the poster keeps from pinging. */
function requester(origin: JobOrigin): string {
  return `${userMention(origin.userId)} in ${channelMention(origin.channelId)}`;
}

function promptQuote(request: VideoRequest): string {
  return request.prompt === undefined ? '> 🖼️ From an image, no prompt' : quotePrompt(request.prompt);
}

function outcomeLine(job: Job): string {
  const { outcome } = job;
  if (outcome?.kind === 'video') {
    return job.deliveredVia === 'log' ? '📭 **Made, but no route reached the member**' : '🎬 **Video posted**';
  }
  const reason = outcome?.reason ?? 'failed';
  const by = reason === 'cancelled' && job.cancelledBy !== undefined ? ` by ${userMention(job.cancelledBy)}` : '';
  return `${FAILURES[reason]}${by}`;
}

function nsfwFlag(job: Job): string {
  const { outcome } = job;
  if (outcome?.kind === 'video') return outcome.nsfw ? 'flagged' : 'no';
  return outcome?.reason === 'nsfw_blocked' ? 'flagged' : 'no video';
}

function jobText(job: Job, counted: boolean): string {
  const cost = counted ? dollars(modelOf(job.request).priceCents) : '$0.00 (refunded)';
  const details = [
    `model \`${modelOf(job.request).path}\``,
    `prediction \`${job.predictionId ?? 'none'}\``,
    `cost ${cost}`,
    `NSFW ${nsfwFlag(job)}`,
  ];
  return [`${outcomeLine(job)} · ${requester(job.origin)}`, promptQuote(job.request), details.join(' · ')].join('\n');
}

function promptRefusedText(origin: JobOrigin, request: VideoRequest, rule: StoredFilterRule): string {
  return [
    `🚫 **Prompt refused by a filter** · ${requester(origin)}`,
    promptQuote(request),
    `matched the ${rule.kind} ${literal(rule.text)} (added by ${userMention(rule.addedBy)}) · nothing was spent`,
  ].join('\n');
}

function memberActionText(action: MemberAction, memberId: string, by: string): string {
  const member = userMention(memberId);
  switch (action) {
    case 'block':
      return `🔒 ${userMention(by)} blocked ${member} from /video.`;
    case 'unblock':
      return `🔓 ${userMention(by)} unblocked ${member}: /video works for them again.`;
    case 'reset':
      return `🔄 ${userMention(by)} reset ${member}'s videos for today.`;
  }
}

const CLOSED_WHY: Record<Extract<AccountCondition, 'key_refused' | 'no_credit'>, string> = {
  key_refused: "WaveSpeed refused the bot's API key. The bot's operator should check `WAVESPEED_API_KEY`.",
  no_credit: "the WaveSpeed account can't pay for a video. The bot's operator should top it up at wavespeed.ai.",
};

function balanceOf(change: AccountChange): string {
  return change.balanceUsd === undefined ? 'unknown' : `$${change.balanceUsd.toFixed(2)}`;
}

function lowBalanceText(change: AccountChange): string {
  const level = change.warnUsd === null ? '' : `, below the warning level of $${change.warnUsd.toFixed(2)}`;
  return `⚠️ The WaveSpeed balance is ${balanceOf(change)}${level}. Top it up at wavespeed.ai before videos stop.`;
}

function accountText(change: AccountChange): string {
  const { from, to } = change;
  if (to === 'key_refused' || to === 'no_credit') {
    return `🔒 **Video is closed for members**: ${CLOSED_WHY[to]} Members are told video is unavailable, and nothing is spent. It reopens by itself once a balance check succeeds.`;
  }
  const reopened = from === 'key_refused' || from === 'no_credit';
  const open = `🔓 **Video is open again**: WaveSpeed answered a balance check (${balanceOf(change)}).`;
  if (to === 'open') return open;
  return reopened ? `${open}\n${lowBalanceText(change)}` : lowBalanceText(change);
}

/** A log entry as its post. */
export function logMessage(entry: LogEntry): LogMessage {
  switch (entry.kind) {
    case 'job':
      return { content: jobText(entry.job, entry.counted), components: memberButtons(entry.job.origin.userId) };
    case 'prompt_refused':
      return {
        content: promptRefusedText(entry.origin, entry.request, entry.rule),
        components: memberButtons(entry.origin.userId),
      };
    case 'member_action':
      return { content: memberActionText(entry.action, entry.memberId, entry.by), components: [] };
    case 'account':
      return { content: accountText(entry.change), components: [] };
  }
}

/** The first post in a channel just picked as the log. */
export function greetingText(by: string): string {
  return `📋 This channel is now the moderation log for /video, picked by ${userMention(by)}. Every video made in this server, and every prompt a filter refuses, is posted here, with buttons to block the member or reset their day.`;
}

const PROBLEMS: Record<LogProblem, string> = {
  forbidden: "I'm not allowed to post there (I need View Channel and Send Messages in it)",
  missing: 'the channel no longer exists',
};

/** The one note the admin who picked a log channel gets when it stops taking posts. */
export function unusableLogText(channelId: string, problem: LogProblem): string {
  return `I can't post in the moderation log you picked, ${channelMention(channelId)}: ${PROBLEMS[problem]}. Nothing is logged until that is fixed; \`/video-admin show\` says how it stands. Fix it, or pick another channel with \`/video-admin log\`.`;
}

/** How `/video-admin show` says a log channel stopped taking posts. */
export function problemLabel(problem: LogProblem | undefined): string {
  return problem === 'missing' ? 'the channel no longer exists' : "the bot can't post there";
}
