import { TimestampStyles, time } from 'discord.js';
import type { QuotaLimit } from '../quota/ledger.js';
import type { FailureReason, Job } from './job.js';

/** What a member sees while their video is made, and when it is done. */

const SIZE_LABELS = { '832*480': 'Landscape 832×480', '480*832': 'Portrait 480×832' } as const;

/** The member's prompt as a quote, shortened to leave room for the rest of the message. */
function quotePrompt(prompt: string, max = 400): string {
  const short = prompt.length > max ? `${prompt.slice(0, max - 1)}…` : prompt;
  return short
    .split('\n')
    .map((line) => `> ${line}`)
    .join('\n');
}

/** Where a job is, as the member's progress message shows it. */
export type Progress =
  | { stage: 'waiting'; ahead: number }
  | { stage: 'submitting' }
  | { stage: 'queued' }
  | { stage: 'generating' };

function progressLabel(job: Job, progress: Progress): string {
  // Discord shows the time relative to now ("started 35 seconds ago") and keeps it current in
  // the member's client, so the clock runs without an edit every few seconds.
  const started = () => time(Math.floor((job.submittedAt ?? job.createdAt) / 1000), TimestampStyles.RelativeTime);
  switch (progress.stage) {
    case 'waiting': {
      const { ahead } = progress;
      const place = ahead === 0 ? 'next up' : `${ahead} video${ahead === 1 ? '' : 's'} ahead of yours`;
      return `🕒 In line for the studio · ${place}`;
    }
    case 'submitting':
      return '📨 Sending your prompt to the studio…';
    case 'queued':
      return `⏳ Queued · sent ${started()}`;
    case 'generating':
      return `🎬 Generating · started ${started()}`;
  }
}

export function progressText(job: Job, progress: Progress, handedOff: boolean): string {
  const handoff = handedOff
    ? '\nThis is taking a while: the video will be posted in this channel when it is ready.'
    : '';
  return `${quotePrompt(job.request.prompt)}\n${progressLabel(job, progress)}${handoff}`;
}

/** The details line under a finished video. */
export function resultText(job: Job, generationMs: number): string {
  const { request } = job;
  const seed = request.seed === -1 ? 'random' : String(request.seed);
  const details = [
    SIZE_LABELS[request.size],
    `seed ${seed}`,
    `made in ${Math.round(generationMs / 1000)} s`,
    `id \`${job.predictionId ?? 'unknown'}\``,
  ];
  return `${quotePrompt(request.prompt)}\n🎬 ${details.join(' · ')}`;
}

const NOT_COUNTED = 'It did not count toward your daily videos.';

const FAILURE_TEXTS: Record<FailureReason, string> = {
  moderation: `🚫 The content filter rejected this prompt. Try describing it differently. ${NOT_COUNTED}`,
  invalid_request: `⚠️ The video service refused these options. Try a different prompt or seed. ${NOT_COUNTED}`,
  provider_busy: `🕐 The video service is overloaded right now. Please try again in a few minutes. ${NOT_COUNTED}`,
  provider_unavailable: `🛠️ The video service is having trouble right now. Please try again later. ${NOT_COUNTED}`,
  no_credit: `💳 The bot's video credit has run out or its key was refused. Please tell a server admin. ${NOT_COUNTED}`,
  timeout: `⌛ The video took too long and was abandoned. Please try again. ${NOT_COUNTED}`,
  failed: `❌ The video could not be generated. Please try again. ${NOT_COUNTED}`,
  submit_unknown: `🔄 The bot lost track of this request while sending it (a restart or a dropped connection), so it cannot tell whether it started. It was not sent again, to avoid paying twice. ${NOT_COUNTED}`,
  output_unavailable: `📭 The video was made but could not be fetched from the video service. Please try again. ${NOT_COUNTED}`,
  nsfw_blocked:
    '🔞 The video service flagged this video as not safe for work, so it is not posted in this channel. It counted toward your daily videos.',
};

export function failureText(job: Job, reason: FailureReason): string {
  return `${quotePrompt(job.request.prompt)}\n${FAILURE_TEXTS[reason]}`;
}

/** Why a reservation was refused, with when the daily count resets. */
export function quotaRefusalText(limit: QuotaLimit, max: number, resetsAt: number): string {
  const resets = time(Math.floor(resetsAt / 1000), TimestampStyles.RelativeTime);
  switch (limit) {
    case 'user_daily':
      return `You have used your ${max} video${max === 1 ? '' : 's'} for today. Your allowance resets ${resets}.`;
    case 'user_concurrent':
      return `You already have ${max} video${max === 1 ? '' : 's'} in the making. Wait for one to finish, then try again.`;
    case 'guild_daily':
      return `This server has used its ${max} videos for today. The allowance resets ${resets}.`;
    case 'budget':
      return `The bot has reached its spending limit for today. It resets ${resets}.`;
  }
}
