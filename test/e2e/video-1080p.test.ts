import { ComponentType, MessageFlags, PermissionFlagsBits } from 'discord-api-types/v10';
import { afterEach, describe, expect, it } from 'vitest';
import type { RecordedMessage } from '../stand-ins/discord.js';
import { isFinal, type Rig, startRig } from './rig.js';

/**
 * 1080p end to end, on the real discord.js client against the stand-ins: off until an admin turns
 * it on, then made on the 1080p models at their price under a 1080p allowance of its own, offered
 * as a ⬆️ button under 480p videos, and posted as a readable link when the file is too large.
 */

let rig: Rig;
afterEach(async () => rig?.close());

const MiB = 1024 * 1024;
const DAY_S = 24 * 60 * 60;
const OTHER = '300000000000000001';
const MANAGER = PermissionFlagsBits.ManageGuild | PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages;
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(2048, 1)]);

const withVideo = (message: RecordedMessage) => message.attachments.length > 0;
const answered = (message: RecordedMessage) => message.content !== '';
const isRefusal = (message: RecordedMessage) =>
  message.origin === 'interaction' && (message.flags & MessageFlags.Ephemeral) !== 0;

function buttonsOf(message: RecordedMessage): string[] {
  return message.components.flatMap((row) =>
    row.type === ComponentType.ActionRow
      ? row.components.map((button) => ('custom_id' in button ? button.custom_id : ''))
      : [],
  );
}

function usage(userId = rig.discord.userId) {
  return rig.bot.ledger.usage(userId, rig.discord.guildId, Date.now());
}

function ended(jobId: string) {
  return rig.waitForLog(new RegExp(`"jobId":"${jobId}".*"msg":"delivered"`));
}

async function admin1080p(options: { enabled: boolean; user_daily?: number }): Promise<string> {
  const handle = rig.discord.sendCommand({
    name: 'video-admin',
    subcommand: '1080p',
    options,
    memberPermissions: MANAGER,
  });
  return (await handle.waitForMessage(answered)).content;
}

function bodyOf(submit: number) {
  return rig.wavespeed.submits[submit]?.body as Record<string, unknown> | undefined;
}

describe('1080p', () => {
  it('is refused privately while the server has not turned it on, with nothing fetched, submitted or spent', async () => {
    rig = await startRig();
    const fromText = rig.discord.sendCommand({ name: 'video', options: { prompt: 'a harbour', quality: '1080p' } });
    const refusal = await fromText.waitForMessage(isRefusal);
    expect(refusal.content).toBe(
      "1080p videos aren't enabled on this server, so nothing was started or spent. Ask a server admin to turn them on with `/video-admin 1080p`, or leave `quality` at 480p.",
    );
    const image = rig.discord.userAttachment({ filename: 'cat.png', bytes: PNG });
    const fromImage = rig.discord.sendCommand({
      name: 'video',
      options: { prompt: 'the cat yawns', quality: '1080p' },
      attachments: { image },
    });
    expect((await fromImage.waitForMessage(isRefusal)).content).toMatch(/aren't enabled on this server/);

    const show = rig.discord.sendCommand({ name: 'video-admin', subcommand: 'show', memberPermissions: MANAGER });
    expect((await show.waitForMessage(answered)).content).toContain(
      '**1080p videos:** off (when turned on: 1 per member a day, within their daily videos)',
    );
    // Nor is it offered under a 480p video.
    const draft = await rig.discord
      .sendCommand({ name: 'video', options: { prompt: 'a harbour' } })
      .waitForMessage(withVideo);
    expect(buttonsOf(draft).some((id) => id.startsWith('v1:upscale:'))).toBe(false);

    expect(rig.discord.attachmentDownloads).toEqual([]);
    expect(rig.wavespeed.uploads).toEqual([]);
    expect(rig.wavespeed.submits.map((submit) => submit.model)).toEqual(['alibaba/wan-2.2/t2v-plus-480p']);
    expect(await usage()).toMatchObject({ userUsed: 1, userUsed1080p: 0, spentCents: 5 });
  });

  it('once turned on, makes the video on the 1080p model at $0.80, within a 1080p allowance that counts toward the daily videos', async () => {
    rig = await startRig({ env: { QUOTA_USER_DAILY: '3', BUDGET_DAILY_USD: '10' } });
    expect(await admin1080p({ enabled: true, user_daily: 1 })).toContain(
      '**1080p videos:** on ($0.80 each), 1 per member a day, within their daily videos',
    );

    const sharp = rig.discord.sendCommand({
      name: 'video',
      options: { prompt: 'a harbour at dawn', negative_prompt: 'people', size: '480*832', seed: 21, quality: '1080p' },
    });
    const video = await sharp.waitForMessage(withVideo);
    await ended(sharp.id);
    expect(rig.wavespeed.submits[0]).toMatchObject({
      model: 'alibaba/wan-2.2/t2v-plus-1080p',
      body: {
        prompt: 'a harbour at dawn',
        negative_prompt: 'people',
        size: '1080*1920',
        seed: 21,
        duration: 5,
        enable_prompt_expansion: false,
      },
    });
    expect(video.content).toContain('🎬 Portrait 1080×1920 · seed 21 ·');
    expect(video.content).toContain('· $0.80 ·');
    // A 1080p video has nothing sharper to become.
    expect(buttonsOf(video)).toEqual([`v1:reroll:${sharp.id}`, `v1:remix:${sharp.id}`, `v1:delete:${sharp.id}`]);
    expect(await usage()).toMatchObject({ userUsed: 1, userUsed1080p: 1, spentCents: 80 });

    const quota = await rig.discord.sendCommand({ name: 'quota' }).waitForMessage(answered);
    expect(quota.content).toContain('You have **2** of 3 videos left today.');
    expect(quota.content).toContain(
      '1080p: **0** of 1 left today, $0.80 each (they count toward your videos above too).',
    );
    expect(quota.content).toContain('The bot has spent $0.80 of its $10.00 for today.');

    // The allowance is spent: a second 1080p is refused, naming that allowance; 480p still works.
    const again = rig.discord.sendCommand({ name: 'video', options: { prompt: 'another', quality: '1080p' } });
    expect((await again.waitForMessage(isRefusal)).content).toMatch(
      /^You have used your 1 1080p video for today \(your 1080p allowance; 1080p videos count toward your daily videos too\)\. You can still make 480p ones, and it resets <t:\d+:R>\.$/,
    );
    await rig.discord.sendCommand({ name: 'video', options: { prompt: 'a draft' } }).waitForMessage(withVideo);
    expect(rig.wavespeed.submits.map((submit) => submit.model)).toEqual([
      'alibaba/wan-2.2/t2v-plus-1080p',
      'alibaba/wan-2.2/t2v-plus-480p',
    ]);
    expect(await usage()).toMatchObject({ userUsed: 2, userUsed1080p: 1, spentCents: 85 });
  });

  it('offers ⬆️ 1080p under a 480p video: the same take with its seed on the 1080p model, for whoever pressed, once per press', async () => {
    rig = await startRig();
    await admin1080p({ enabled: true, user_daily: 2 });
    const first = rig.discord.sendCommand({
      name: 'video',
      options: { prompt: 'a kite over dunes', negative_prompt: 'text', size: '480*832' },
    });
    const draft = await first.waitForMessage(withVideo);
    expect(buttonsOf(draft)).toEqual([
      `v1:reroll:${first.id}`,
      `v1:remix:${first.id}`,
      `v1:upscale:${first.id}`,
      `v1:delete:${first.id}`,
    ]);

    const press = rig.discord.pressButton({ message: draft, customId: `v1:upscale:${first.id}`, userId: OTHER });
    expect((await press.callback()).flags & MessageFlags.Ephemeral).toBe(0);
    // What the client does with a second INTERACTION_CREATE for the same press.
    const actions = Reflect.get(rig.bot.client, 'actions') as { InteractionCreate: { handle(data: unknown): void } };
    actions.InteractionCreate.handle(press.payload);
    const sharp = await press.waitForMessage(withVideo);
    await ended(press.id);

    expect(rig.wavespeed.submits.map((submit) => submit.model)).toEqual([
      'alibaba/wan-2.2/t2v-plus-480p',
      'alibaba/wan-2.2/t2v-plus-1080p',
    ]);
    expect(bodyOf(1)).toEqual({ ...bodyOf(0), size: '1080*1920' });
    expect(sharp.content).toContain(`Portrait 1080×1920 · seed ${bodyOf(0)?.seed} ·`);
    expect(press.messages()).toHaveLength(1);
    expect(await usage(OTHER)).toMatchObject({ userUsed: 1, userUsed1080p: 1, spentCents: 85 });
    expect(await usage()).toMatchObject({ userUsed: 1, userUsed1080p: 0 });

    // Turned off since: the button left on the video is refused like the option, with nothing spent.
    await admin1080p({ enabled: false });
    const late = rig.discord.pressButton({ message: draft, customId: `v1:upscale:${first.id}` });
    expect((await late.waitForMessage(isRefusal)).content).toMatch(/aren't enabled on this server/);
    expect(rig.wavespeed.submits).toHaveLength(2);
  });

  it('finishes a video made from an image at 1080p from the copy WaveSpeed already has', async () => {
    rig = await startRig();
    await admin1080p({ enabled: true });
    const image = rig.discord.userAttachment({ filename: 'cat.png', bytes: PNG });
    const first = rig.discord.sendCommand({
      name: 'video',
      options: { prompt: 'the cat yawns', seed: 5 },
      attachments: { image },
    });
    const draft = await first.waitForMessage(withVideo);
    rig.discord.setAttachmentServing(image.id, { status: 404 });

    const sharp = await rig.discord
      .pressButton({ message: draft, customId: `v1:upscale:${first.id}` })
      .waitForMessage(withVideo);
    const [upload] = rig.wavespeed.uploads;
    expect(rig.wavespeed.uploads).toHaveLength(1);
    expect(rig.wavespeed.submits[1]).toMatchObject({
      model: 'alibaba/wan-2.2/i2v-plus-1080p',
      body: { image: upload?.downloadUrl, prompt: 'the cat yawns', seed: 5 },
    });
    expect(sharp.content).toContain('From an image at 1080p · seed 5 ·');
  });

  it('posts a 1080p file over the upload limit as a link that says its size, length, the limit and when it expires, with its buttons', async () => {
    rig = await startRig();
    await admin1080p({ enabled: true });
    rig.wavespeed.nextSubmit({ outputBytes: 12.5 * MiB });
    const handle = rig.discord.sendCommand({
      name: 'video',
      options: { prompt: 'a wide canyon', quality: '1080p' },
      attachmentSizeLimit: 10 * MiB,
    });
    const post = await handle.waitForMessage(isFinal);
    const sentAt = Math.floor(Date.now() / 1000);

    expect(post.attachments).toEqual([]);
    const [details, why, link] = post.content.split('\n').slice(1);
    expect(details).toMatch(/^🎬 Landscape 1920×1080 · seed \d+ · made in \d+ s · \$0\.80 · id `[^`]+`$/);
    expect(why).toMatch(
      /^📎 The video \(12\.5 MB, 5 s\) is over the 10 MB upload limit here, so here is its link\. It expires <t:(\d+):R>\.$/,
    );
    const expires = Number(/<t:(\d+):R>/.exec(why ?? '')?.[1]);
    expect(Math.abs(expires - (sentAt + 7 * DAY_S))).toBeLessThan(60);
    expect(link).toMatch(new RegExp(`^${rig.wavespeed.baseUrl}/outputs/\\S+\\.mp4$`));
    expect(buttonsOf(post)).toEqual([`v1:reroll:${handle.id}`, `v1:remix:${handle.id}`, `v1:delete:${handle.id}`]);
    // The link counts as delivered.
    await ended(handle.id);
    expect(await usage()).toMatchObject({ userUsed: 1, userUsed1080p: 1, spentCents: 80 });
  });
});
