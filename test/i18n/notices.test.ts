import { describe, expect, it } from 'vitest';
import { discordText, historyEmbed } from '../../src/discord/messages.js';
import { logMessage } from '../../src/discord/moderation-log-text.js';
import { LANGUAGES } from '../../src/i18n/languages.js';
import { translator } from '../../src/i18n/translator.js';
import type { FailureReason, Job } from '../../src/jobs/job.js';
import type { JobAction } from '../../src/jobs/job-actions.js';
import type { JobNotice } from '../../src/jobs/notices.js';
import type { AccountCondition } from '../../src/moderation/account-watch.js';
import type { LogEntry } from '../../src/moderation/moderation-log.js';
import type { QuotaLimit } from '../../src/quota/ledger.js';
import { testOrigin } from '../support/job-origin.js';

/**
 * Every text the bot words from the engine's facts, in every language: each kind of notice and
 * log entry, each of their variants, with nothing of the catalog's `{placeholders}` left over.
 */

const NOW = Date.UTC(2026, 10, 26, 12);
const origin = testOrigin({ token: 't', tokenExpiresAt: NOW + 15 * 60_000 });
const job: Job = {
  id: origin.interactionId,
  origin,
  request: { model: 't2v-plus-480p', prompt: 'a paper boat', size: '832*480', seed: 7, prompt_expansion: false },
  state: 'done',
  createdAt: NOW,
  submittedAt: NOW + 5_000,
  predictionId: 'p1',
  revision: 3,
  polls: 2,
};
const image = { url: 'https://cdn.example/cat.png', type: 'image/png', bytes: 4096 } as const;
const fromImage: Job = { ...job, request: { model: 'i2v-plus-480p', image, seed: -1, prompt_expansion: false } };
const sharpFromImage: Job = {
  ...job,
  request: { model: 'i2v-plus-1080p', image, prompt: 'it wakes', seed: -1, prompt_expansion: false },
};

const REASONS = Object.keys({
  moderation: 1,
  invalid_request: 1,
  provider_busy: 1,
  provider_unavailable: 1,
  no_credit: 1,
  timeout: 1,
  failed: 1,
  submit_unknown: 1,
  output_unavailable: 1,
  nsfw_blocked: 1,
  image_refused: 1,
  image_unavailable: 1,
  cancelled: 1,
} satisfies Record<FailureReason, 1>) as FailureReason[];
const LIMITS = Object.keys({
  user_daily: 1,
  user_daily_1080p: 1,
  user_concurrent: 1,
  guild_daily: 1,
  budget: 1,
} satisfies Record<QuotaLimit, 1>) as QuotaLimit[];
const ACTIONS = Object.keys({ reroll: 1, remix: 1, upscale: 1, delete: 1, cancel: 1 } satisfies Record<
  JobAction,
  1
>) as JobAction[];
const CONDITIONS = Object.keys({ open: 1, low: 1, key_refused: 1, no_credit: 1 } satisfies Record<
  AccountCondition,
  1
>) as AccountCondition[];

/** Samples of every notice, by kind: a kind the engine adds without one here is a type error. */
const NOTICES: { [Kind in JobNotice['kind']]: Extract<JobNotice, { kind: Kind }>[] } = {
  progress: [
    { kind: 'progress', job, progress: { stage: 'waiting', ahead: 0 }, handedOff: false },
    { kind: 'progress', job, progress: { stage: 'waiting', ahead: 3, eta: { at: NOW + 60_000 } }, handedOff: false },
    { kind: 'progress', job: fromImage, progress: { stage: 'submitting' }, handedOff: false },
    { kind: 'progress', job, progress: { stage: 'queued', eta: 'overdue' }, handedOff: true },
    {
      kind: 'progress',
      job: { ...job, origin: { ...origin, guildId: null } },
      progress: { stage: 'generating' },
      handedOff: true,
    },
  ],
  video: [
    { kind: 'video', job, generationMs: 41_400 },
    { kind: 'video', job: fromImage, generationMs: 41_400 },
    { kind: 'video', job: sharpFromImage, generationMs: 41_400 },
  ],
  video_link: [
    { kind: 'video_link', job, generationMs: 1, url: 'https://cdn.example/p1.mp4', why: 'upload_refused' },
    {
      kind: 'video_link',
      job,
      generationMs: 1,
      url: 'https://cdn.example/p1.mp4',
      why: 'too_large',
      bytes: 44_000_000,
    },
    { kind: 'video_link', job, generationMs: 1, url: 'https://x/p1.mp4', why: 'too_large', limitBytes: 10_485_760 },
  ],
  failure: [
    ...REASONS.map((reason) => ({ kind: 'failure' as const, job, reason })),
    { kind: 'failure', job, reason: 'output_unavailable', url: 'https://cdn.example/p1.mp4' },
  ],
  quota_refused: LIMITS.flatMap((limit) =>
    [1, 5].map((max) => ({ kind: 'quota_refused' as const, limit, max, resetsAt: NOW + 3_600_000 })),
  ),
  channel_refused: [{ kind: 'channel_refused', allowedChannels: ['111', '222'] }],
  quality_refused: [true, false].map((inServer) => ({
    kind: 'quality_refused' as const,
    quality: '1080p' as const,
    inServer,
  })),
  prompt_refused: [{ kind: 'prompt_refused' }],
  studio_closed: [{ kind: 'studio_closed' }],
  member_blocked: [{ kind: 'member_blocked' }],
  store_unavailable: [{ kind: 'store_unavailable' }],
  already_accepted: [{ kind: 'already_accepted' }],
  cancelled: [true, false].flatMap((atProvider) =>
    [origin.userId, '6000000000000000001'].map((by) => ({ kind: 'cancelled' as const, job, by, atProvider })),
  ),
  action_refused: ACTIONS.flatMap((action) =>
    (['not_permitted', 'unknown_job', 'finished'] as const).map((why) => ({
      kind: 'action_refused' as const,
      action,
      why,
    })),
  ),
  show_refused: [
    ...(['unknown', 'unfinished', 'nsfw_blocked'] as const).map((why) => ({ kind: 'show_refused' as const, why })),
    ...REASONS.map((reason) => ({ kind: 'show_refused' as const, why: 'failed' as const, reason })),
  ],
  video_gone: [
    { kind: 'video_gone', job, generationMs: 41_400 },
    {
      kind: 'video_gone',
      job: { ...job, deliveredMessage: { guildId: null, channelId: '1', messageId: '2' } },
      generationMs: 1,
    },
  ],
};

const rule = { kind: 'word' as const, text: 'heron', addedBy: '7000000000000000001', addedAt: NOW };
const LOG_ENTRIES: { [Kind in LogEntry['kind']]: Extract<LogEntry, { kind: Kind }>[] } = {
  job: [
    { kind: 'job', job: { ...job, outcome: { kind: 'video', url: 'u', generationMs: 1, nsfw: false } }, counted: true },
    {
      kind: 'job',
      job: { ...job, deliveredVia: 'log', outcome: { kind: 'video', url: 'u', generationMs: 1, nsfw: true } },
      counted: true,
    },
    ...REASONS.map((reason) => ({
      kind: 'job' as const,
      job: { ...fromImage, outcome: { kind: 'failure' as const, reason } },
      counted: false,
    })),
    {
      kind: 'job',
      job: { ...job, cancelledBy: '6000000000000000001', outcome: { kind: 'failure', reason: 'cancelled' } },
      counted: true,
    },
  ],
  prompt_refused: [
    { kind: 'prompt_refused', origin, request: job.request, rule },
    { kind: 'prompt_refused', origin, request: fromImage.request, rule: { ...rule, kind: 'pattern', text: 'her.n' } },
  ],
  member_action: (['block', 'unblock', 'reset'] as const).map((action) => ({
    kind: 'member_action' as const,
    action,
    memberId: origin.userId,
    by: '6000000000000000001',
  })),
  account: CONDITIONS.flatMap((to) =>
    CONDITIONS.filter((from) => from !== to).flatMap((from) =>
      [
        { from, to, balanceUsd: 1.5, warnUsd: 5 },
        { from, to, warnUsd: null },
      ].map((change) => ({ kind: 'account' as const, change })),
    ),
  ),
};

const LEFT_OVER = /\{[a-z_]+\}/;
const languages = LANGUAGES.map((language) => [language.locale, language.discordLocales[0]] as const);
const english = translator('en-US');

describe.each(languages)('the %s wording of the engine’s facts', (_, discordLocale) => {
  const t = translator(discordLocale);

  it.each(Object.entries(NOTICES))('renders every %s notice filled in, and in its own words', (_kind, notices) => {
    for (const notice of notices as JobNotice[]) {
      const text = discordText.render(notice, t);
      expect(text, JSON.stringify(notice)).not.toMatch(LEFT_OVER);
      expect(text, JSON.stringify(notice)).not.toBe(discordText.render(notice, english));
    }
  });

  it.each(Object.entries(LOG_ENTRIES))(
    'writes every %s log entry filled in, and in its own words',
    (_kind, entries) => {
      for (const entry of entries as LogEntry[]) {
        const post = logMessage(entry, t);
        expect(post.content, JSON.stringify(entry)).not.toMatch(LEFT_OVER);
        expect(post.content, JSON.stringify(entry)).not.toBe(logMessage(entry, english).content);
        expect(JSON.stringify(post.components)).not.toMatch(LEFT_OVER);
      }
    },
  );

  it('titles and fills /video-history, empty or not, in and out of servers', () => {
    for (const inServer of [true, false]) {
      for (const jobs of [
        [],
        [job, { ...fromImage, outcome: { kind: 'failure' as const, reason: 'timeout' as const } }],
      ]) {
        const embed = JSON.stringify(historyEmbed(jobs, inServer, NOW, t));
        expect(embed).not.toMatch(LEFT_OVER);
        expect(embed).not.toBe(JSON.stringify(historyEmbed(jobs, inServer, NOW, english)));
      }
    }
  });
});

describe('the US English wording of the engine’s facts', () => {
  it('fills every notice and log entry', () => {
    for (const notice of Object.values(NOTICES).flat() as JobNotice[]) {
      expect(discordText.render(notice, english)).not.toMatch(LEFT_OVER);
    }
    for (const entry of Object.values(LOG_ENTRIES).flat() as LogEntry[]) {
      expect(logMessage(entry, english).content).not.toMatch(LEFT_OVER);
    }
  });
});
