import {
  type APIActionRowComponent,
  type APIButtonComponentWithCustomId,
  ButtonStyle,
  ComponentType,
  channelMention,
  userMention,
} from 'discord.js';
import type { MessageKey } from '../i18n/language.js';
import type { Translator } from '../i18n/translator.js';
import type { Job, JobOrigin, JobOutcome } from '../jobs/job.js';
import type { AccountChange } from '../moderation/account-watch.js';
import type { LogProblem } from '../moderation/log-channels.js';
import { type LogEntry, MEMBER_ACTIONS, type MemberAction } from '../moderation/moderation-log.js';
import type { StoredFilterRule } from '../moderation/prompt-filters-store.js';
import type { VideoRequest } from '../provider/video-provider.js';
import { dollars, modelOf, usd } from '../video/catalog.js';
import { customIdOf } from './buttons.js';
import { literal } from './code-span.js';
import { outcomeLabel, quotePrompt } from './messages.js';

/**
 * What the moderation log reads: each entry as Discord Markdown, with the buttons that act on its
 * member, in the language of the translator it is worded with (the server's).
 */

/** A log post: its text and its buttons. Mentions in it never ping: the poster allows none. */
export interface LogMessage {
  content: string;
  components: APIActionRowComponent<APIButtonComponentWithCustomId>[];
}

const STYLES: Record<MemberAction, APIButtonComponentWithCustomId['style']> = {
  block: ButtonStyle.Danger,
  unblock: ButtonStyle.Secondary,
  reset: ButtonStyle.Secondary,
};

/** The buttons under a post about `memberId`: block, unblock, reset their day. */
function memberButtons(memberId: string, t: Translator): LogMessage['components'] {
  const buttons = MEMBER_ACTIONS.map(
    (action): APIButtonComponentWithCustomId => ({
      type: ComponentType.Button,
      custom_id: customIdOf(action, memberId),
      label: t.text(`log.button.${action}`),
      style: STYLES[action],
    }),
  );
  return [{ type: ComponentType.ActionRow, components: buttons }];
}

/** Where the request came from and who made it, in mentions that the poster keeps from pinging. */
function requester(origin: JobOrigin, t: Translator): string {
  return t.text('log.requester', { user: userMention(origin.userId), channel: channelMention(origin.channelId) });
}

function promptQuote(request: VideoRequest, t: Translator): string {
  return request.prompt === undefined ? `> ${t.text('log.from_image')}` : quotePrompt(request.prompt);
}

/**
 * A job entry's heading: its outcome as `/video-history` words it, or who cancelled it; an ended
 * job without an outcome failed.
 */
function outcomeLine(job: Job, t: Translator): string {
  const outcome: JobOutcome = job.outcome ?? { kind: 'failure', reason: 'failed' };
  if (outcome.kind === 'failure' && outcome.reason === 'cancelled' && job.cancelledBy !== undefined) {
    return t.text('log.cancelled_by', { user: userMention(job.cancelledBy) });
  }
  return `**${outcomeLabel({ ...job, outcome }, t)}**`;
}

function nsfwFlag(job: Job): MessageKey & `log.nsfw.${string}` {
  const { outcome } = job;
  if (outcome?.kind === 'video') return outcome.nsfw ? 'log.nsfw.flagged' : 'log.nsfw.no';
  return outcome?.reason === 'nsfw_blocked' ? 'log.nsfw.flagged' : 'log.nsfw.no_video';
}

function jobText(job: Job, counted: boolean, t: Translator): string {
  const cost = counted ? dollars(modelOf(job.request).priceCents) : t.text('log.refunded', { cost: dollars(0) });
  const details = [
    t.text('log.model', { model: modelOf(job.request).path }),
    t.text('log.prediction', { id: job.predictionId ?? t.text('log.none') }),
    t.text('log.cost', { cost }),
    t.text('log.nsfw', { flag: t.text(nsfwFlag(job)) }),
  ];
  return [
    `${outcomeLine(job, t)} · ${requester(job.origin, t)}`,
    promptQuote(job.request, t),
    details.join(' · '),
  ].join('\n');
}

function promptRefusedText(origin: JobOrigin, request: VideoRequest, rule: StoredFilterRule, t: Translator): string {
  return [
    t.text('log.prompt_refused', { requester: requester(origin, t) }),
    promptQuote(request, t),
    t.text(`log.prompt_refused.${rule.kind}`, { text: literal(rule.text), user: userMention(rule.addedBy) }),
  ].join('\n');
}

function memberActionText(action: MemberAction, memberId: string, by: string, t: Translator): string {
  return t.text(`log.action.${action}`, { by: userMention(by), member: userMention(memberId) });
}

function balanceOf(change: AccountChange, t: Translator): string {
  return change.balanceUsd === undefined ? t.text('log.balance_unknown') : usd(change.balanceUsd);
}

function lowBalanceText(change: AccountChange, t: Translator): string {
  const balance = balanceOf(change, t);
  return change.warnUsd === null
    ? t.text('log.account.low_unset', { balance })
    : t.text('log.account.low', { balance, warn: usd(change.warnUsd) });
}

function accountText(change: AccountChange, t: Translator): string {
  const { from, to } = change;
  if (to === 'key_refused' || to === 'no_credit') {
    return t.text('log.account.closed', { why: t.text(`log.account.closed.${to}`) });
  }
  const reopened = from === 'key_refused' || from === 'no_credit';
  const open = t.text('log.account.open', { balance: balanceOf(change, t) });
  if (to === 'open') return open;
  return reopened ? `${open}\n${lowBalanceText(change, t)}` : lowBalanceText(change, t);
}

/** A log entry as its post, worded by `t`. */
export function logMessage(entry: LogEntry, t: Translator): LogMessage {
  switch (entry.kind) {
    case 'job':
      return {
        content: jobText(entry.job, entry.counted, t),
        components: memberButtons(entry.job.origin.userId, t),
      };
    case 'prompt_refused':
      return {
        content: promptRefusedText(entry.origin, entry.request, entry.rule, t),
        components: memberButtons(entry.origin.userId, t),
      };
    case 'member_action':
      return { content: memberActionText(entry.action, entry.memberId, entry.by, t), components: [] };
    case 'account':
      return { content: accountText(entry.change, t), components: [] };
  }
}

/** The first post in a channel just picked as the log. */
export function greetingText(by: string, t: Translator): string {
  return t.text('log.greeting', { user: userMention(by) });
}

/** The one note the admin who picked a log channel gets when it stops taking posts. */
export function unusableLogText(channelId: string, problem: LogProblem, t: Translator): string {
  const why = t.text(problem === 'missing' ? 'log.problem.missing' : 'log.unusable.forbidden');
  return t.text('log.unusable', { channel: channelMention(channelId), problem: why });
}

/** How `/video-admin show` says a log channel stopped taking posts. */
export function problemLabel(problem: LogProblem | undefined, t: Translator): string {
  return t.text(problem === 'missing' ? 'log.problem.missing' : 'log.problem.forbidden');
}
