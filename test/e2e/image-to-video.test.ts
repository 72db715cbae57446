import { createHash } from 'node:crypto';
import { MessageFlags } from 'discord-api-types/v10';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { commands } from '../../commands/index.js';
import { startBot } from '../../src/bot.js';
import type { Job } from '../../src/jobs/job.js';
import { openStore } from '../../src/store/store.js';
import type { RecordedMessage } from '../stand-ins/discord.js';
import { isFinal, type Rig, startRig } from './rig.js';

/** `/video image:` end to end: the member's file is fetched, uploaded to WaveSpeed, and made into a video. */

let rig: Rig;
afterEach(async () => rig?.close());

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** A PNG's bytes as the member's file: the signature, then something to tell it by. */
const CAT_PNG = Buffer.concat([PNG_SIGNATURE, Buffer.from('a cat on a sunny windowsill'.repeat(400))]);
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

const delivered = (m: RecordedMessage) => m.attachments.length > 0;
const privateAnswer = (m: RecordedMessage) => m.origin === 'interaction' && m.content !== '';

async function usage() {
  return rig.bot.ledger.usage(rig.discord.userId, rig.discord.guildId, Date.now());
}

describe('/video from an image', () => {
  it('uploads the member’s exact file, submits its URL to i2v-plus-480p, delivers, and counts $0.20', async () => {
    rig = await startRig({ env: { BUDGET_DAILY_USD: '0.25' } });
    const image = rig.discord.userAttachment({ filename: 'cat.png', bytes: CAT_PNG });
    const handle = rig.discord.sendCommand({
      name: 'video',
      options: { prompt: 'the cat stretches and yawns', seed: 11 },
      attachments: { image },
    });

    const video = await handle.waitForMessage(delivered);
    const [upload] = rig.wavespeed.uploads;
    expect(rig.wavespeed.uploads).toHaveLength(1);
    expect(upload).toMatchObject({ contentType: 'image/png', size: CAT_PNG.length, sha256: sha256(CAT_PNG) });
    expect(upload?.headers.authorization).toBe(`Bearer ${rig.wavespeed.apiKey}`);
    const [submit] = rig.wavespeed.submits;
    expect(rig.wavespeed.submits).toHaveLength(1);
    expect(submit?.model).toBe('alibaba/wan-2.2/i2v-plus-480p');
    // The model gets WaveSpeed's copy, never Discord's expiring link; and no frame size.
    expect(submit?.body).toEqual({
      image: upload?.downloadUrl,
      prompt: 'the cat stretches and yawns',
      seed: 11,
      enable_prompt_expansion: false,
    });
    expect(submit?.image?.upload).toBe(upload);
    // The CDN needs no token, so none was sent there.
    expect(rig.discord.attachmentDownloads).toMatchObject([{ attachmentId: image.id, authorization: false }]);
    expect(video.content).toContain('the cat stretches and yawns');
    expect(video.content).toContain('From an image · seed 11');
    expect(video.content).toContain('$0.20');

    expect((await usage()).spentCents).toBe(20);
    const quota = await rig.discord.sendCommand({ name: 'quota' }).waitForMessage(privateAnswer);
    expect(quota.content).toContain('The bot has spent $0.20 of its $0.25 for today.');
    expect(quota.content).toContain('A video costs $0.05 from text, $0.20 from an image.');

    // The budget counts each video at its model's price: another $0.20 would pass $0.25, $0.05 would not.
    const second = rig.discord.userAttachment({ filename: 'dog.png', bytes: CAT_PNG });
    const over = rig.discord.sendCommand({ name: 'video', options: {}, attachments: { image: second } });
    expect((await over.waitForMessage(privateAnswer)).content).toMatch(/spending limit for today/);
    await rig.discord.sendCommand({ name: 'video', options: { prompt: 'a kite' } }).waitForMessage(delivered);
    expect((await usage()).spentCents).toBe(25);
    expect(rig.wavespeed.uploads).toHaveLength(1);
  });

  it('needs no prompt: the image alone makes the video', async () => {
    rig = await startRig();
    const image = rig.discord.userAttachment({ filename: 'cat.webp', size: 5000 });
    const video = await rig.discord
      .sendCommand({ name: 'video', options: {}, attachments: { image } })
      .waitForMessage(delivered);
    expect(rig.wavespeed.submits[0]?.body).toEqual({
      image: rig.wavespeed.uploads[0]?.downloadUrl,
      // Random, or one the bot picked for the member.
      seed: expect.any(Number),
      enable_prompt_expansion: false,
    });
    expect(video.content).toMatch(/^> 🖼️ From your image\n🎬 From an image · seed /);
  });

  it.each([
    ['a GIF', { filename: 'cat.gif' }, 'The image must be a PNG, JPEG or WebP file.'],
    ['a file declared over 20 MB', { filename: 'huge.png', size: 21 * 1024 * 1024 }, 'The image can be at most 20 MB.'],
  ])('refuses %s privately, before anything is fetched, uploaded or spent', async (_case, spec, message) => {
    rig = await startRig();
    const image = rig.discord.userAttachment(spec);
    const answer = await rig.discord
      .sendCommand({ name: 'video', options: { prompt: 'move' }, attachments: { image } })
      .waitForMessage(privateAnswer);
    expect(answer.flags & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
    expect(answer.content).toBe(message);
    expect(rig.discord.attachmentDownloads).toEqual([]);
    expect(rig.wavespeed.uploads).toEqual([]);
    expect(rig.wavespeed.submits).toEqual([]);
    expect(await usage()).toMatchObject({ userUsed: 0, userInFlight: 0, spentCents: 0 });
  });

  it('refuses a size with an image: the frame comes from the image', async () => {
    rig = await startRig();
    const image = rig.discord.userAttachment({ filename: 'cat.png' });
    const answer = await rig.discord
      .sendCommand({ name: 'video', options: { size: '480*832' }, attachments: { image } })
      .waitForMessage(privateAnswer);
    expect(answer.content).toBe('Size comes from the image; leave size out.');
    expect(rig.discord.attachmentDownloads).toEqual([]);
  });

  it.each([
    [
      'a link Discord no longer serves',
      { filename: 'old.png', serve: { status: 404 } },
      'Your image could not be fetched or passed on to the video service. Please attach it again.',
    ],
    [
      'a file that is not the PNG it claims to be',
      { filename: 'cat.png', contentType: 'image/png', bytes: Buffer.from('GIF89a and then some bytes') },
      "That image can't be used: it must really be a PNG, JPEG or WebP file, of up to 20 MB.",
    ],
    [
      'a file much larger than declared',
      { filename: 'cat.png', size: 300_000, declaredSize: 1000 },
      "That image can't be used: it must really be a PNG, JPEG or WebP file, of up to 20 MB.",
    ],
  ])('refunds %s and tells the member briefly, uploading nothing', async (_case, spec, message) => {
    rig = await startRig({ env: { QUOTA_USER_DAILY: '1' } });
    const image = rig.discord.userAttachment(spec);
    const handle = rig.discord.sendCommand({ name: 'video', options: { prompt: 'move' }, attachments: { image } });
    const final = await handle.waitForMessage(isFinal);
    expect(final.content).toContain(message);
    expect(final.content).toContain('It did not count toward your daily videos.');
    expect(rig.wavespeed.uploads).toEqual([]);
    expect(rig.wavespeed.submits).toEqual([]);
    expect(await usage()).toMatchObject({ userUsed: 0, userInFlight: 0, spentCents: 0 });
    // The refund is real: the member's one video of the day is still there.
    await rig.discord.sendCommand({ name: 'video', options: { prompt: 'a kite' } }).waitForMessage(delivered);
  });

  it('uploads again when WaveSpeed fails the upload with a 5xx, and delivers', async () => {
    rig = await startRig();
    rig.wavespeed.fault('upload', { status: 503, times: 2 });
    const image = rig.discord.userAttachment({ filename: 'cat.png', bytes: CAT_PNG });
    await rig.discord
      .sendCommand({ name: 'video', options: { prompt: 'move' }, attachments: { image } })
      .waitForMessage(delivered);
    expect(rig.wavespeed.uploads.map((upload) => upload.sha256)).toEqual(Array(3).fill(sha256(CAT_PNG)));
    // Fetched from Discord once: the retries send the file already on disk.
    expect(rig.discord.attachmentDownloads).toHaveLength(1);
    expect(rig.wavespeed.submits[0]?.body).toMatchObject({ image: rig.wavespeed.uploads[2]?.downloadUrl });
  });

  it('refunds when WaveSpeed refuses the upload itself', async () => {
    rig = await startRig();
    rig.wavespeed.fault('upload', { status: 400, message: 'unsupported file format' });
    const image = rig.discord.userAttachment({ filename: 'cat.png', bytes: CAT_PNG });
    const final = await rig.discord
      .sendCommand({ name: 'video', options: { prompt: 'move' }, attachments: { image } })
      .waitForMessage(isFinal);
    expect(final.content).toContain("That image can't be used");
    expect(rig.wavespeed.submits).toEqual([]);
    expect(await usage()).toMatchObject({ userUsed: 0, spentCents: 0 });
  });

  it('resumes a job uploaded before a restart from the stored upload, without fetching or uploading again', async () => {
    rig = await startRig({ env: { WAVESPEED_MAX_CONCURRENCY: '1' } });
    // A first video holds the only generation slot past the restart, so the image job waits in line.
    rig.wavespeed.nextSubmit({ durationMs: 2_000 });
    rig.discord.sendCommand({ name: 'video', options: { prompt: 'first in' } });
    await rig.wavespeed.waitForSubmits(1);
    const image = rig.discord.userAttachment({ filename: 'cat.png', bytes: CAT_PNG });
    const handle = rig.discord.sendCommand({
      name: 'video',
      options: { prompt: 'the cat yawns' },
      attachments: { image },
      userId: '300000000000000001',
    });
    await handle.waitForMessage((m) => m.content.includes('In line for the studio'));
    expect(rig.wavespeed.uploads).toHaveLength(1);
    await rig.restart();
    // Discord's link has expired by now: only the stored upload can make this video.
    rig.discord.setAttachmentServing(image.id, { status: 404 });

    await handle.waitForMessage(delivered);
    expect(rig.wavespeed.uploads).toHaveLength(1);
    expect(rig.discord.attachmentDownloads).toHaveLength(1);
    expect(rig.wavespeed.submits[1]?.body).toMatchObject({ image: rig.wavespeed.uploads[0]?.downloadUrl });
  });

  describe('a job whose process stopped while it fetched the image', () => {
    /** Leaves a job preparing in the store: its fetch hangs on a slow link while the bot stops. */
    async function stopWhileFetching(): Promise<{
      imageId: string;
      handle: ReturnType<Rig['discord']['sendCommand']>;
    }> {
      rig = await startRig({ env: { QUOTA_USER_DAILY: '1' } });
      const image = rig.discord.userAttachment({
        filename: 'cat.png',
        bytes: CAT_PNG,
        serve: { slow: { afterBytes: 100 } },
      });
      const handle = rig.discord.sendCommand({ name: 'video', options: { prompt: 'move' }, attachments: { image } });
      // The download is recorded once the bot asked for it; its first 100 bytes go out at once, then nothing.
      await rig.discord.waitFor(() => rig.discord.attachmentDownloads.length > 0);
      await rig.bot.stop(50);
      const store = await openStore(rig.config.store);
      const stored = await store.keyv<Job>('jobs').get(handle.id);
      await store.close();
      expect(stored?.state).toBe('preparing');
      return { imageId: image.id, handle };
    }

    it('fetches and uploads it again on start while Discord’s link still works', async () => {
      const { imageId, handle } = await stopWhileFetching();
      rig.discord.setAttachmentServing(imageId, {});
      rig.bot = await startBot(rig.config, pino({ level: 'silent' }), commands);

      await handle.waitForMessage(delivered);
      expect(rig.wavespeed.uploads.map((upload) => upload.sha256)).toEqual([sha256(CAT_PNG)]);
      expect(rig.wavespeed.submits[0]?.body).toMatchObject({ image: rig.wavespeed.uploads[0]?.downloadUrl });
    });

    it('fails it refunded once the link has expired', async () => {
      const { imageId, handle } = await stopWhileFetching();
      rig.discord.setAttachmentServing(imageId, { status: 404 });
      rig.bot = await startBot(rig.config, pino({ level: 'silent' }), commands);

      const final = await handle.waitForMessage(isFinal);
      expect(final.content).toContain('Your image could not be fetched');
      expect(rig.wavespeed.uploads).toEqual([]);
      expect(rig.wavespeed.submits).toEqual([]);
      expect(await usage()).toMatchObject({ userUsed: 0, userInFlight: 0, spentCents: 0 });
    });
  });
});
