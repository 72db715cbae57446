import { type APIEmbed, channelMention, hyperlink, messageLink, TimestampStyles, time, userMention } from 'discord.js';
import { type FailureReason, type Job, serverOf } from '../jobs/job.js';
import type { JobAction } from '../jobs/job-actions.js';
import { FINISHED_JOB_RETENTION_MS } from '../jobs/job-store.js';
import type { Eta, JobNotice, JobText, Progress } from '../jobs/notices.js';
import { counts } from '../jobs/settlement.js';
import type { QuotaLimit } from '../quota/ledger.js';
import { CLIP_SECONDS, dollars, modelOf, OUTPUT_RETENTION_MS, qualityOf, sizeLabel } from '../video/catalog.js';

/** What a member sees while their video is made, when it is done, and when it is refused. */

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });
// A link Discord would preview, without the punctuation a sentence puts after it.
const LINK = /https?:\/\/[^\s<>]*[^\s<>.,:;"'!?)\]]/giu;
// Markdown anywhere in a line: escapes, emphasis, spoilers, code, masked links, mentions,
// timestamps and emoji (`<…>`), headings and subtext (`#`, `-#`), quotes, @everyone.
const INLINE_MARKUP = /[\\*_~|`[\]<>#@]/g;
// Markdown only at the start of a line: list items.
const LIST_MARKER = /^(?:[-+]|\d+[.)])/;

/** `text` with every character that Discord would read as Markdown escaped. */
function escapeMarkup(text: string, atLineStart: boolean): string {
  const escaped = text.replace(INLINE_MARKUP, '\\$&');
  return atLineStart
    ? escaped.replace(LIST_MARKER, (marker) => `${marker.slice(0, -1)}\\${marker.slice(-1)}`)
    : escaped;
}

/** `text` cut to at most `max` characters, between graphemes, with `…` where it was cut. */
function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  let kept = '';
  for (const { segment } of graphemes.segment(text)) {
    if (kept.length + segment.length > max - 1) break;
    kept += segment;
  }
  return `${kept}…`;
}

/**
 * The member's prompt as a one-line quote that shows literally: Markdown escaped, links wrapped
 * in `<…>` so Discord previews none of them. At most `max` characters of the prompt are kept,
 * cut between graphemes; escaping at most doubles them, so the quote stays within `2 + 2 × max`.
 */
export function quotePrompt(prompt: string, max = 400): string {
  // One line: a line break in a forged prompt would start a line outside the quote.
  const line = prompt.replace(/[\p{Cc}\u2028\u2029]+/gu, ' ').trim();
  const short = shorten(line, max);
  let quoted = '';
  let from = 0;
  for (const link of short.matchAll(LINK)) {
    quoted += `${escapeMarkup(short.slice(from, link.index), from === 0)}<${link[0]}>`;
    from = link.index + link[0].length;
  }
  return `> ${quoted}${escapeMarkup(short.slice(from), from === 0)}`;
}

/**
 * The ETA after the stage, as a live time ("likely ready in 40 seconds": Discord words the
 * relative time itself); once the job ran past it, only that it is slower than usual.
 */
function etaLabel(eta: Eta | undefined): string {
  if (eta === undefined) return '';
  if (eta === 'overdue') return ' · taking longer than usual';
  // Rounded up: a time shown is never already past.
  return ` · likely ready ${time(Math.ceil(eta.at / 1000), TimestampStyles.RelativeTime)}`;
}

/** The prediction's id once the studio gave it, in the result line's form, so a member or admin can quote it. */
function predictionLabel(job: Job): string {
  return job.predictionId === undefined ? '' : ` · id \`${job.predictionId}\``;
}

function progressLabel(job: Job, progress: Progress): string {
  // Discord shows the time relative to now ("started 35 seconds ago") and keeps it current in
  // the member's client, so the clock runs without an edit every few seconds.
  const started = () => time(Math.floor((job.submittedAt ?? job.createdAt) / 1000), TimestampStyles.RelativeTime);
  switch (progress.stage) {
    case 'waiting': {
      const { ahead } = progress;
      const place = ahead === 0 ? 'next up' : `${ahead} video${ahead === 1 ? '' : 's'} ahead of yours`;
      return `🕒 In line for the studio · ${place}${etaLabel(progress.eta)}`;
    }
    case 'submitting':
      return `📨 Sending your prompt to the studio…${etaLabel(progress.eta)}`;
    case 'queued':
      return `⏳ Queued · sent ${started()}${etaLabel(progress.eta)}${predictionLabel(job)}`;
    case 'generating':
      return `🎬 Generating · started ${started()}${etaLabel(progress.eta)}${predictionLabel(job)}`;
  }
}

/** The member's prompt as a quote; a video from an image alone says so instead. */
function requestQuote(job: Job): string {
  return job.request.prompt === undefined ? '> 🖼️ From your image' : quotePrompt(job.request.prompt);
}

function progressText(job: Job, progress: Progress, handedOff: boolean): string {
  // Outside a server with the bot only a DM reaches the member once the reply's token is gone.
  const where = () => (serverOf(job.origin) === null ? 'sent to you by DM' : 'posted in this channel');
  const handoff = handedOff ? `\nThis is taking a while: the video will be ${where()} when it is ready.` : '';
  return `${requestQuote(job)}\n${progressLabel(job, progress)}${handoff}`;
}

/** The details line under a finished video, with what it cost the server owner. */
function resultText(job: Job, generationMs: number): string {
  const { request } = job;
  const seed = request.seed === -1 ? 'random' : String(request.seed);
  const details = [
    // A video from an image has the image's frame.
    'size' in request
      ? sizeLabel(request.size)
      : `From an image${qualityOf(request.model) === '480p' ? '' : ' at 1080p'}`,
    `seed ${seed}`,
    `made in ${Math.round(generationMs / 1000)} s`,
    dollars(modelOf(request).priceCents),
    `id \`${job.predictionId ?? 'unknown'}\``,
  ];
  return `${requestQuote(job)}\n🎬 ${details.join(' · ')}`;
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
  image_refused: `🖼️ That image can't be used: it must really be a PNG, JPEG or WebP file, of up to 20 MB. ${NOT_COUNTED}`,
  image_unavailable: `🖼️ Your image could not be fetched or passed on to the video service. Please attach it again. ${NOT_COUNTED}`,
  nsfw_blocked:
    '🔞 The video service flagged this video as not safe for work, so it is not posted in this channel. It counted toward your daily videos.',
  cancelled: '✖️ This video was cancelled.',
};

/**
 * The reply of a cancelled job, naming who cancelled it when it was not the requester. One the
 * studio already had cannot be called back there: the member learns it will not be posted and
 * still counts, so the Cancel button never looks like a refund it is not.
 */
function cancelledText(job: Job, by: string, atProvider: boolean): string {
  const who = by === job.origin.userId ? '' : ` by ${userMention(by)}`;
  const what = atProvider
    ? `✖️ Cancelled${who}. The studio had already started this video and can't stop it, so it won't be posted, and it still counts toward today's videos.`
    : `✖️ Cancelled${who} before it reached the studio. Nothing was spent, and it did not count toward today's videos.`;
  return `${requestQuote(job)}\n${what}`;
}

const RETENTION_DAYS = Math.round(FINISHED_JOB_RETENTION_MS / (24 * 60 * 60_000));

/** Why a press of a job's button did nothing; only the member who pressed reads it. */
function actionRefusalText(action: JobAction, why: 'not_permitted' | 'unknown_job' | 'finished'): string {
  switch (why) {
    case 'not_permitted':
      return action === 'cancel'
        ? 'Only the member who asked for this video or a moderator can cancel it.'
        : 'Only the member who made this video or a moderator can delete it.';
    case 'unknown_job':
      return `The bot no longer knows this video (its buttons work for ${RETENTION_DAYS} days), so nothing was done.`;
    case 'finished':
      return 'This video is already finished, so there is nothing left to cancel.';
  }
}

/**
 * Why the job ended without a video. A video that was made but could not be fetched comes
 * with its link and id, since the member may still open it while the provider keeps it.
 */
function failureText(job: Job, reason: FailureReason, url?: string): string {
  const link = url
    ? `\nIts link, kept by the video service for 7 days: ${url} · id \`${job.predictionId ?? 'unknown'}\``
    : '';
  return `${requestQuote(job)}\n${FAILURE_TEXTS[reason]}${link}`;
}

/** A file's size as Discord states upload limits: "42.3 MB", "10 MB", "20 KB". */
function megabytes(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  if (mb < 1) return `${Math.ceil(bytes / 1024)} KB`;
  return `${Number.isInteger(mb) ? mb : mb.toFixed(1)} MB`;
}

/**
 * The finished video as its link, with what it is (size, length), why it is not the file (the
 * upload limit it exceeded, or Discord refusing it) and when the link stops working, live.
 */
function linkText(notice: Extract<JobNotice, { kind: 'video_link' }>): string {
  const { job, bytes, limitBytes } = notice;
  const expires = time(
    Math.floor(((job.submittedAt ?? job.createdAt) + OUTPUT_RETENTION_MS) / 1000),
    TimestampStyles.RelativeTime,
  );
  const what = `${bytes === undefined ? '' : `${megabytes(bytes)}, `}${CLIP_SECONDS} s`;
  const why =
    notice.why === 'upload_refused'
      ? `📎 Discord would not take the upload (${what}), so here is the video's link.`
      : limitBytes === undefined
        ? `📎 The video (${what}) is more than Discord takes here, so here is its link.`
        : `📎 The video (${what}) is over the ${megabytes(limitBytes)} upload limit here, so here is its link.`;
  return `${resultText(job, notice.generationMs)}\n${why} It expires ${expires}.\n${notice.url}`;
}

/** Why a reservation was refused, with when the daily count resets. */
function quotaRefusalText(limit: QuotaLimit, max: number, resetsAt: number): string {
  const resets = time(Math.floor(resetsAt / 1000), TimestampStyles.RelativeTime);
  switch (limit) {
    case 'user_daily':
      return `You have used your ${max} video${max === 1 ? '' : 's'} for today. Your allowance resets ${resets}.`;
    case 'user_daily_1080p':
      return `You have used your ${max} 1080p video${max === 1 ? '' : 's'} for today (your 1080p allowance; 1080p videos count toward your daily videos too). You can still make 480p ones, and it resets ${resets}.`;
    case 'user_concurrent':
      return `You already have ${max} video${max === 1 ? '' : 's'} in the making. Wait for one to finish, then try again.`;
    case 'guild_daily':
      return `This server has used its ${max} videos for today. The allowance resets ${resets}.`;
    case 'budget':
      return `The bot has reached its spending limit for today. It resets ${resets}.`;
  }
}

/** A job's outcome in a few words, for lists: what the failure texts say at length. */
const OUTCOME_LABELS: Record<FailureReason, string> = {
  moderation: '🚫 Refused by the content filter',
  invalid_request: '⚠️ Options refused by the studio',
  provider_busy: '🕐 Studio overloaded',
  provider_unavailable: '🛠️ Studio unavailable',
  no_credit: '💳 Out of video credit',
  timeout: '⌛ Took too long',
  failed: '❌ Failed',
  submit_unknown: '🔄 Lost track while sending',
  output_unavailable: '📭 Made, but could not be fetched',
  image_refused: '🖼️ Image refused',
  image_unavailable: '🖼️ Image could not be fetched',
  nsfw_blocked: '🔞 Flagged as not safe for work, not posted',
  cancelled: '✖️ Cancelled',
};

/** Why `/video-show` posted nothing; only the member who asked reads it. */
function showRefusalText(notice: Extract<JobNotice, { kind: 'show_refused' }>): string {
  switch (notice.why) {
    case 'unknown':
      return `No video with that id was made here in the last ${RETENTION_DAYS} days. Use the id from the video's message (\`id …\`), or see yours with \`/video-history\`.`;
    case 'unfinished':
      return 'That video is still being made: it will be posted when it is ready.';
    case 'failed':
      return `That request ended without a video (${OUTCOME_LABELS[notice.reason].replace(/^\S+ /, '').toLowerCase()}), so there is nothing to show.`;
    case 'nsfw_blocked':
      return 'That video was flagged as not safe for work, and this server keeps such videos out of this channel.';
  }
}

/** The link to the message a job's result was posted as, when it is known. */
function originalLink(job: Job): string | undefined {
  const posted = job.deliveredMessage;
  if (!posted) return undefined;
  return posted.guildId === null
    ? messageLink(posted.channelId, posted.messageId)
    : messageLink(posted.channelId, posted.messageId, posted.guildId);
}

/** A past video whose file the studio no longer keeps: its details, and where it was first posted. */
function goneText(job: Job, generationMs: number): string {
  const link = originalLink(job);
  const where = link ? `It was first posted here: ${link}` : 'Where it was first posted is not known.';
  return `${resultText(job, generationMs)}\n📭 The file is no longer kept: the video service deletes videos 7 days after they are made. ${where}`;
}

/** Words the job engine's notices as Discord Markdown: quoted prompts, live timestamps, channel mentions. */
export const discordText: JobText = {
  render(notice: JobNotice): string {
    switch (notice.kind) {
      case 'progress':
        return progressText(notice.job, notice.progress, notice.handedOff);
      case 'video':
        return resultText(notice.job, notice.generationMs);
      case 'video_link':
        return linkText(notice);
      case 'failure':
        return failureText(notice.job, notice.reason, notice.url);
      case 'quota_refused':
        return quotaRefusalText(notice.limit, notice.max, notice.resetsAt);
      case 'channel_refused':
        return `Videos can't be made in this channel. Try ${notice.allowedChannels.map(channelMention).join(', ')}.`;
      case 'quality_refused':
        return notice.inServer
          ? `${notice.quality} videos aren't enabled on this server, so nothing was started or spent. Ask a server admin to turn them on with \`/video-admin 1080p\`, or leave \`quality\` at 480p.`
          : `${notice.quality} videos are made only in servers whose admins turned them on, so nothing was started or spent. Leave \`quality\` at 480p here.`;
      case 'prompt_refused':
        return "That prompt isn't allowed on this server.";
      case 'studio_closed':
        return 'Video is unavailable right now, so nothing was started or spent. Please try again later.';
      case 'member_blocked':
        return "This server's admins have turned off /video for you, so nothing was started or spent. Ask them if you think this is a mistake.";
      case 'store_unavailable':
        return "The bot can't check quotas right now, so nothing was started or spent. Please try again in a minute.";
      case 'already_accepted':
        return 'This request was already taken; its video is on the way.';
      case 'cancelled':
        return cancelledText(notice.job, notice.by, notice.atProvider);
      case 'action_refused':
        return actionRefusalText(notice.action, notice.why);
      case 'show_refused':
        return showRefusalText(notice);
      case 'video_gone':
        return goneText(notice.job, notice.generationMs);
    }
  },
};

/** Prompts in `/video-history` are cut to this many characters, so ten entries fit one embed. */
const HISTORY_PROMPT_CHARS = 60;
/** A video link longer than this is left out of `/video-history` (WaveSpeed's are about 100). */
const HISTORY_URL_CHARS = 200;

/**
 * `/video-history`: the member's latest jobs here, newest first, as an embed (Discord's 6,000
 * characters, where a message holds 2,000: ten entries of a quoted prompt, details and a link
 * take up to about 510 each). Each is its outcome, then the prompt as a quote, the model's frame
 * and quality, seed, what it cost, when it was asked for, and a link: the original message when
 * known, else the video while the studio keeps it.
 */
export function historyEmbed(jobs: readonly Job[], inServer: boolean, now: number): APIEmbed {
  const where = inServer ? 'in this server' : 'in DMs';
  if (jobs.length === 0) {
    return {
      title: `Your videos ${where}`,
      description: `You have made no videos ${where} in the last ${RETENTION_DAYS} days.`,
    };
  }
  return {
    title: `Your last ${jobs.length === 1 ? 'video' : `${jobs.length} videos`} ${where}`,
    fields: jobs.map((job, n) => ({ name: `${n + 1}. ${outcomeLabel(job)}`, value: historyEntry(job, now) })),
    footer: { text: 'Bring one back with /video-show and its id.' },
  };
}

function outcomeLabel({ outcome, deliveredVia }: Job): string {
  if (outcome?.kind === 'failure') return OUTCOME_LABELS[outcome.reason];
  if (outcome?.kind === 'video') return deliveredVia === 'log' ? '📭 Made, but could not be posted' : '🎬 Made';
  return '⏳ In the making';
}

function historyEntry(job: Job, now: number): string {
  const { request, outcome } = job;
  const quote = request.prompt === undefined ? '> 🖼️ From an image' : quotePrompt(request.prompt, HISTORY_PROMPT_CHARS);
  const details = [
    'size' in request ? sizeLabel(request.size) : 'From an image',
    qualityOf(request.model),
    `seed ${request.seed === -1 ? 'random' : request.seed}`,
    counts(outcome, job.deliveredVia) ? dollars(modelOf(request).priceCents) : 'not counted',
    time(Math.floor(job.createdAt / 1000), TimestampStyles.RelativeTime),
  ];
  const lines = [quote, details.join(' · ')];
  const original = originalLink(job);
  const url = outcome?.url;
  const kept = (job.submittedAt ?? job.createdAt) + OUTPUT_RETENTION_MS > now;
  if (original) lines.push(hyperlink('Original message', original));
  else if (url && kept && url.length <= HISTORY_URL_CHARS && !/[\s()]/.test(url)) {
    lines.push(hyperlink('Video', url));
  }
  if (job.predictionId) lines.push(`id \`${job.predictionId}\``);
  return lines.join('\n');
}
