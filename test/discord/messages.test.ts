import { describe, expect, it } from 'vitest';
import { discordText } from '../../src/discord/messages.js';
import { translator } from '../../src/i18n/translator.js';
import type { Job } from '../../src/jobs/job.js';
import type { JobNotice, Progress } from '../../src/jobs/notices.js';

const job = {
  id: 'i1',
  origin: { guildId: '100000000000000001' },
  request: { model: 't2v-plus-480p', prompt: 'a paper boat', size: '480*832', seed: 7 },
  createdAt: Date.UTC(2026, 10, 26, 12),
  submittedAt: Date.UTC(2026, 10, 26, 12, 0, 5),
  predictionId: 'p1',
} as Job;
const url = 'https://cdn.example/p1.mp4';
/** A notice as a member reading US English sees it. */
const render = (notice: JobNotice) => discordText.render(notice, translator('en-US'));

describe('discordText', () => {
  it('shows the time since the prompt was sent as a live Discord timestamp', () => {
    expect(render({ kind: 'progress', job, progress: { stage: 'generating' }, handedOff: true })).toBe(
      '> a paper boat\n🎬 Generating · started <t:1795694405:R> · id `p1`\nThis is taking a while: the video will be posted in this channel when it is ready.',
    );
  });

  it('says the video will come by DM where no channel of the bot’s can take it: DMs and servers without the bot', () => {
    for (const origin of [{ guildId: null }, { guildId: '100000000000000002', foreignGuild: true }]) {
      const elsewhere = { ...job, origin } as Job;
      expect(render({ kind: 'progress', job: elsewhere, progress: { stage: 'generating' }, handedOff: true })).toMatch(
        /\nThis is taking a while: the video will be sent to you by DM when it is ready\.$/,
      );
    }
  });

  it('shows the ETA as a live time, rounded up, or that the job is slower than usual once it ran past it', () => {
    const progress = (progress: Progress) => render({ kind: 'progress', job, progress, handedOff: false });
    const eta = { at: Date.UTC(2026, 10, 26, 12, 0, 45, 200) };
    expect(progress({ stage: 'generating', eta })).toBe(
      '> a paper boat\n🎬 Generating · started <t:1795694405:R> · likely ready <t:1795694446:R> · id `p1`',
    );
    expect(progress({ stage: 'queued', eta: 'overdue' })).toBe(
      '> a paper boat\n⏳ Queued · sent <t:1795694405:R> · taking longer than usual · id `p1`',
    );
    expect(progress({ stage: 'waiting', ahead: 2, eta })).toBe(
      '> a paper boat\n🕒 In line for the studio · 2 videos ahead of yours · likely ready <t:1795694446:R>',
    );
    expect(progress({ stage: 'submitting', eta })).toBe(
      '> a paper boat\n📨 Sending your prompt to the studio… · likely ready <t:1795694446:R>',
    );
    // Before enough jobs are learned, and before the studio gave an id, neither is shown.
    const unsent = { ...job, predictionId: undefined } as unknown as Job;
    expect(render({ kind: 'progress', job: unsent, progress: { stage: 'submitting' }, handedOff: false })).toBe(
      '> a paper boat\n📨 Sending your prompt to the studio…',
    );
  });

  it('words a finished video, and its link when it is too large or the upload was refused', () => {
    const details = '> a paper boat\n🎬 Portrait 480×832 · seed 7 · made in 41 s · $0.05 · id `p1`';
    expect(render({ kind: 'video', job, generationMs: 41_400 })).toBe(details);
    // WaveSpeed keeps it 7 days from the submit.
    const expires = 'It expires <t:1796299205:R>.';
    const MiB = 1024 * 1024;
    const link = (fields: { why: 'too_large' | 'upload_refused'; bytes?: number; limitBytes?: number }) =>
      render({ kind: 'video_link', job, generationMs: 41_400, url, ...fields });
    expect(link({ why: 'too_large', bytes: 42.34 * MiB, limitBytes: 10 * MiB })).toBe(
      `${details}\n📎 The video (42.3 MB, 5 s) is over the 10 MB upload limit here, so here is its link. ${expires}\n${url}`,
    );
    expect(link({ why: 'too_large', limitBytes: 25 * MiB })).toBe(
      `${details}\n📎 The video (5 s) is over the 25 MB upload limit here, so here is its link. ${expires}\n${url}`,
    );
    expect(link({ why: 'too_large', bytes: 20_000 })).toBe(
      `${details}\n📎 The video (20 KB, 5 s) is more than Discord takes here, so here is its link. ${expires}\n${url}`,
    );
    expect(link({ why: 'upload_refused' })).toBe(
      `${details}\n📎 Discord would not take the upload (5 s), so here is the video's link. ${expires}\n${url}`,
    );
  });

  it('words a 1080p refusal: where 1080p is off, and the 1080p allowance, which the daily count includes', () => {
    expect(render({ kind: 'quality_refused', quality: '1080p', inServer: true })).toBe(
      "1080p videos aren't enabled on this server, so nothing was started or spent. Ask a server admin to turn them on with `/video-admin 1080p`, or leave `quality` at 480p.",
    );
    expect(render({ kind: 'quality_refused', quality: '1080p', inServer: false })).toMatch(
      /only in servers whose admins turned them on, so nothing was started or spent/,
    );
    expect(
      render({
        kind: 'quota_refused',
        limit: 'user_daily_1080p',
        max: 2,
        resetsAt: Date.UTC(2026, 10, 27),
      }),
    ).toBe(
      'You have used your 2 1080p videos for today (your 1080p allowance; 1080p videos count toward your daily videos too). You can still make 480p ones, and it resets <t:1795737600:R>.',
    );
  });

  it('shows a video made from an image alone as such, at its own price', () => {
    const image = {
      url: 'https://cdn.test/cat.png',
      type: 'image/png',
      bytes: 10,
      uploadedUrl: 'https://m.test/c.png',
    };
    const fromImage = { ...job, request: { model: 'i2v-plus-480p', image, seed: 7, prompt_expansion: false } } as Job;
    expect(render({ kind: 'video', job: fromImage, generationMs: 41_400 })).toBe(
      '> 🖼️ From your image\n🎬 From an image · seed 7 · made in 41 s · $0.20 · id `p1`',
    );
  });

  it('gives a video that could not be fetched with its link and id', () => {
    expect(render({ kind: 'failure', job, reason: 'output_unavailable', url })).toBe(
      '> a paper boat\n📭 The video was made but could not be fetched from the video service. Please try again. ' +
        `It did not count toward your daily videos.\nIts link, kept by the video service for 7 days: ${url} · id \`p1\``,
    );
  });

  it('words refusals with the reset as a live timestamp and the allowed channels as mentions', () => {
    const resetsAt = Date.UTC(2026, 10, 27);
    expect(render({ kind: 'quota_refused', limit: 'user_daily', max: 1, resetsAt })).toBe(
      'You have used your 1 video for today. Your allowance resets <t:1795737600:R>.',
    );
    expect(render({ kind: 'channel_refused', allowedChannels: ['111', '222'] })).toBe(
      "Videos can't be made in this channel. Try <#111>, <#222>.",
    );
  });
});
