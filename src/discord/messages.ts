import { type APIEmbed, channelMention, hyperlink, messageLink, TimestampStyles, time, userMention } from 'discord.js';
import type { Translator } from '../i18n/translator.js';
import { type FailureReason, type Job, serverOf } from '../jobs/job.js';
import type { JobAction } from '../jobs/job-actions.js';
import { FINISHED_JOB_RETENTION_MS } from '../jobs/job-store.js';
import type { Eta, JobNotice, JobText, Progress } from '../jobs/notices.js';
import { counts } from '../jobs/settlement.js';
import type { QuotaLimit } from '../quota/ledger.js';
import { CLIP_SECONDS, dollars, modelOf, OUTPUT_RETENTION_MS, qualityOf, sizeLabel } from '../video/catalog.js';

/**
 * What a member sees while their video is made, when it is done, and when it is refused, in the
 * language of the translator each text is rendered with: the catalog's messages, with the values
 * (quoted prompts, live timestamps, mentions) made here.
 */

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
function etaLabel(eta: Eta | undefined, t: Translator): string {
  if (eta === undefined) return '';
  if (eta === 'overdue') return ` · ${t.text('progress.overdue')}`;
  // Rounded up: a time shown is never already past.
  return ` · ${t.text('progress.eta', { ready: time(Math.ceil(eta.at / 1000), TimestampStyles.RelativeTime) })}`;
}

/** The prediction's id once the studio gave it, in the result line's form, so a member or admin can quote it. */
function predictionLabel(job: Job, t: Translator): string {
  return job.predictionId === undefined ? '' : ` · ${t.text('job.id', { id: job.predictionId })}`;
}

function progressLabel(job: Job, progress: Progress, t: Translator): string {
  // Discord shows the time relative to now ("started 35 seconds ago") and keeps it current in
  // the member's client, so the clock runs without an edit every few seconds.
  const started = () => time(Math.floor((job.submittedAt ?? job.createdAt) / 1000), TimestampStyles.RelativeTime);
  const eta = etaLabel(progress.eta, t);
  switch (progress.stage) {
    case 'waiting': {
      const { ahead } = progress;
      return `${ahead === 0 ? t.text('progress.next_up') : t.text('progress.waiting', { count: ahead })}${eta}`;
    }
    case 'submitting':
      return `${t.text('progress.submitting')}${eta}`;
    case 'queued':
      return `${t.text('progress.queued', { sent: started() })}${eta}${predictionLabel(job, t)}`;
    case 'generating':
      return `${t.text('progress.generating', { started: started() })}${eta}${predictionLabel(job, t)}`;
  }
}

/** The member's prompt as a quote, of up to `max` characters; a video from an image alone says so instead. */
function requestQuote(job: Job, t: Translator, max?: number): string {
  return job.request.prompt === undefined ? `> ${t.text('request.from_image')}` : quotePrompt(job.request.prompt, max);
}

function progressText(job: Job, progress: Progress, handedOff: boolean, t: Translator): string {
  // Outside a server with the bot only a DM reaches the member once the reply's token is gone.
  const where = () => (serverOf(job.origin) === null ? 'progress.handed_off_dm' : 'progress.handed_off');
  const handoff = handedOff ? `\n${t.text(where())}` : '';
  return `${requestQuote(job, t)}\n${progressLabel(job, progress, t)}${handoff}`;
}

/** The details line under a finished video, with what it cost the server owner. */
function resultText(job: Job, generationMs: number, t: Translator): string {
  const { request } = job;
  const details = [
    // A video from an image has the image's frame.
    'size' in request
      ? sizeLabel(request.size, t)
      : t.text(qualityOf(request.model) === '480p' ? 'result.from_image' : 'result.from_image_1080p'),
    seedLabel(request.seed, t),
    t.text('result.made_in', { seconds: Math.round(generationMs / 1000) }),
    dollars(modelOf(request).priceCents),
    t.text('job.id', { id: job.predictionId ?? t.text('job.unknown_id') }),
  ];
  return `${requestQuote(job, t)}\n🎬 ${details.join(' · ')}`;
}

function seedLabel(seed: number, t: Translator): string {
  return seed === -1 ? t.text('result.random_seed') : t.text('result.seed', { seed });
}

/**
 * The reply of a cancelled job, naming who cancelled it when it was not the requester. One the
 * studio already had cannot be called back there: the member learns it will not be posted and
 * still counts, so the Cancel button never looks like a refund it is not.
 */
function cancelledText(job: Job, by: string, atProvider: boolean, t: Translator): string {
  const user = userMention(by);
  const mine = by === job.origin.userId;
  const what = atProvider
    ? mine
      ? t.text('cancelled.at_provider')
      : t.text('cancelled.at_provider_by', { user })
    : mine
      ? t.text('cancelled.in_line')
      : t.text('cancelled.in_line_by', { user });
  return `${requestQuote(job, t)}\n${what}`;
}

const RETENTION_DAYS = Math.round(FINISHED_JOB_RETENTION_MS / (24 * 60 * 60_000));

/** Why a press of a job's button did nothing; only the member who pressed reads it. */
function actionRefusalText(
  action: JobAction,
  why: 'not_permitted' | 'unknown_job' | 'finished',
  t: Translator,
): string {
  switch (why) {
    case 'not_permitted':
      return t.text(
        action === 'cancel' ? 'action_refused.cancel_not_permitted' : 'action_refused.delete_not_permitted',
      );
    case 'unknown_job':
      return t.text('action_refused.unknown_job', { days: RETENTION_DAYS });
    case 'finished':
      return t.text('action_refused.finished');
  }
}

/**
 * Why the job ended without a video. A video that was made but could not be fetched comes
 * with its link and id, since the member may still open it while the provider keeps it.
 */
function failureText(job: Job, reason: FailureReason, t: Translator, url?: string): string {
  const id = job.predictionId ?? t.text('job.unknown_id');
  const link = url ? `\n${t.text('failure.link', { url, id })}` : '';
  return `${requestQuote(job, t)}\n${t.text(`failure.${reason}`)}${link}`;
}

/** A file's size as Discord states upload limits, with the language's decimal mark: "42.3 MB", "10 MB", "20 KB". */
function megabytes(bytes: number, t: Translator): string {
  const mb = bytes / (1024 * 1024);
  if (mb < 1) return `${Math.ceil(bytes / 1024)} KB`;
  return `${new Intl.NumberFormat(t.locale, { maximumFractionDigits: 1, useGrouping: false }).format(mb)} MB`;
}

/**
 * The finished video as its link, with what it is (size, length), why it is not the file (the
 * upload limit it exceeded, or Discord refusing it) and when the link stops working, live.
 */
function linkText(notice: Extract<JobNotice, { kind: 'video_link' }>, t: Translator): string {
  const { job, bytes, limitBytes } = notice;
  const expires = time(
    Math.floor(((job.submittedAt ?? job.createdAt) + OUTPUT_RETENTION_MS) / 1000),
    TimestampStyles.RelativeTime,
  );
  const length = t.text('unit.seconds', { seconds: CLIP_SECONDS });
  const what = bytes === undefined ? length : t.list([megabytes(bytes, t), length]);
  const why =
    notice.why === 'upload_refused'
      ? t.text('video_link.upload_refused', { what })
      : limitBytes === undefined
        ? t.text('video_link.too_large', { what })
        : t.text('video_link.over_limit', { what, limit: megabytes(limitBytes, t) });
  const expiry = t.text('video_link.expires', { expires });
  return `${resultText(job, notice.generationMs, t)}\n${why} ${expiry}\n${notice.url}`;
}

/** Why a reservation was refused, with when the daily count resets. */
function quotaRefusalText(limit: QuotaLimit, max: number, resetsAt: number, t: Translator): string {
  const resets = time(Math.floor(resetsAt / 1000), TimestampStyles.RelativeTime);
  switch (limit) {
    case 'user_concurrent':
      return t.text('quota_refused.user_concurrent', { count: max });
    case 'budget':
      return t.text('quota_refused.budget', { resets });
    default:
      return t.text(`quota_refused.${limit}`, { count: max, resets });
  }
}

/** Why `/video-show` posted nothing; only the member who asked reads it. */
function showRefusalText(notice: Extract<JobNotice, { kind: 'show_refused' }>, t: Translator): string {
  switch (notice.why) {
    case 'unknown':
      return t.text('show_refused.unknown', { days: RETENTION_DAYS });
    case 'unfinished':
      return t.text('show_refused.unfinished');
    case 'failed': {
      // The list's label as words in a sentence: without its emoji, lower case where the language has it.
      const label = t.text(`outcome.${notice.reason}`).replace(/^\S+ /, '');
      const outcome = `${label.charAt(0).toLocaleLowerCase(t.locale)}${label.slice(1)}`;
      return t.text('show_refused.failed', { outcome });
    }
    case 'nsfw_blocked':
      return t.text('show_refused.nsfw_blocked');
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
function goneText(job: Job, generationMs: number, t: Translator): string {
  const link = originalLink(job);
  const where = link ? t.text('video_gone.posted_at', { link }) : t.text('video_gone.posted_unknown');
  return `${resultText(job, generationMs, t)}\n${t.text('video_gone.file_gone')} ${where}`;
}

/** Words the job engine's notices as Discord Markdown: quoted prompts, live timestamps, channel mentions. */
export const discordText: JobText = {
  render(notice: JobNotice, t: Translator): string {
    switch (notice.kind) {
      case 'progress':
        return progressText(notice.job, notice.progress, notice.handedOff, t);
      case 'video':
        return resultText(notice.job, notice.generationMs, t);
      case 'video_link':
        return linkText(notice, t);
      case 'failure':
        return failureText(notice.job, notice.reason, t, notice.url);
      case 'quota_refused':
        return quotaRefusalText(notice.limit, notice.max, notice.resetsAt, t);
      case 'channel_refused':
        return t.text('channel_refused', { channels: t.list(notice.allowedChannels.map(channelMention)) });
      case 'quality_refused':
        return t.text(notice.inServer ? 'quality_refused.in_server' : 'quality_refused.outside_servers', {
          quality: notice.quality,
        });
      case 'prompt_refused':
      case 'studio_closed':
      case 'member_blocked':
      case 'store_unavailable':
      case 'already_accepted':
        return t.text(notice.kind);
      case 'cancelled':
        return cancelledText(notice.job, notice.by, notice.atProvider, t);
      case 'action_refused':
        return actionRefusalText(notice.action, notice.why, t);
      case 'show_refused':
        return showRefusalText(notice, t);
      case 'video_gone':
        return goneText(notice.job, notice.generationMs, t);
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
export function historyEmbed(jobs: readonly Job[], inServer: boolean, now: number, t: Translator): APIEmbed {
  const where = inServer ? 'server' : 'dms';
  if (jobs.length === 0) {
    return {
      title: t.text(`history.title.${where}`),
      description: t.text(`history.none.${where}`, { days: RETENTION_DAYS }),
    };
  }
  return {
    title: t.text(`history.latest.${where}`, { count: jobs.length }),
    fields: jobs.map((job, n) => ({ name: `${n + 1}. ${outcomeLabel(job, t)}`, value: historyEntry(job, now, t) })),
    footer: { text: t.text('history.footer') },
  };
}

/**
 * A job's outcome in a few words: `/video-history` lists it, the moderation log heads its entry
 * with it, `/video-show` quotes it. A video that reached no member says so; no outcome yet is in
 * the making.
 */
export function outcomeLabel({ outcome, deliveredVia }: Pick<Job, 'outcome' | 'deliveredVia'>, t: Translator): string {
  if (outcome?.kind === 'failure') return t.text(`outcome.${outcome.reason}`);
  if (outcome?.kind === 'video') return t.text(deliveredVia === 'log' ? 'outcome.made_not_posted' : 'outcome.made');
  return t.text('outcome.in_the_making');
}

function historyEntry(job: Job, now: number, t: Translator): string {
  const { request, outcome } = job;
  const details = [
    'size' in request ? sizeLabel(request.size, t) : t.text('result.from_image'),
    qualityOf(request.model),
    seedLabel(request.seed, t),
    counts(outcome, job.deliveredVia) ? dollars(modelOf(request).priceCents) : t.text('history.not_counted'),
    time(Math.floor(job.createdAt / 1000), TimestampStyles.RelativeTime),
  ];
  const lines = [requestQuote(job, t, HISTORY_PROMPT_CHARS), details.join(' · ')];
  const original = originalLink(job);
  const url = outcome?.url;
  const kept = (job.submittedAt ?? job.createdAt) + OUTPUT_RETENTION_MS > now;
  if (original) lines.push(hyperlink(t.text('history.original'), original));
  else if (url && kept && url.length <= HISTORY_URL_CHARS && !/[\s()]/.test(url)) {
    lines.push(hyperlink(t.text('history.video'), url));
  }
  if (job.predictionId) lines.push(t.text('job.id', { id: job.predictionId }));
  return lines.join('\n');
}
