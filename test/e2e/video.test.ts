import { InteractionResponseType, MessageFlags } from 'discord-api-types/v10';
import { afterEach, describe, expect, it } from 'vitest';
import type { InteractionHandle, RecordedMessage, RecordedRequest } from '../stand-ins/discord.js';
import { fakeMp4 } from '../stand-ins/wavespeed.js';
import { isFinal, type Rig, startRig } from './rig.js';

let rig: Rig;
afterEach(async () => rig?.close());

/** Makes three videos of `durationMs` at once, for the bot to learn the model's usual duration from. */
async function learnFromThreeJobs(durationMs: number): Promise<RecordedMessage[]> {
  for (let job = 0; job < 3; job += 1) rig.wavespeed.nextSubmit({ durationMs });
  const learning = [0, 1, 2].map((job) =>
    rig.discord.sendCommand({
      name: 'video',
      options: { prompt: `lesson ${job}` },
      userId: `30000000000000001${job}`,
    }),
  );
  return Promise.all(learning.map((handle) => handle.waitForMessage((m) => m.attachments.length > 0)));
}

/** The edits of the interaction's reply that reached Discord: progress and the result. */
function editsOf(handle: InteractionHandle): RecordedRequest[] {
  return rig.discord
    .requestsTo('/webhooks/:applicationId/:token/messages/@original', 'PATCH')
    .filter((request) => request.path.includes(handle.token));
}

describe('/video end to end', () => {
  it('answers at once, submits exactly the member’s options and posts the MP4 as an attachment', async () => {
    rig = await startRig();
    rig.wavespeed.nextSubmit({ durationMs: 100, outputBytes: 50_000 });
    const handle = rig.discord.sendCommand({
      name: 'video',
      options: { prompt: 'a paper boat on a rainy street', negative_prompt: 'people', size: '480*832', seed: 42 },
    });

    // Admitted within the moment: the reply itself is the first progress, with no deferral before it.
    const callback = await handle.callback();
    expect(callback.type).toBe(InteractionResponseType.ChannelMessageWithSource);
    expect(callback.flags & MessageFlags.Ephemeral).toBe(0);

    const final = await handle.waitForMessage((m) => m.attachments.length > 0);
    const [submit] = rig.wavespeed.submits;
    expect(rig.wavespeed.submits).toHaveLength(1);
    expect(submit?.body).toEqual({
      prompt: 'a paper boat on a rainy street',
      negative_prompt: 'people',
      size: '480*832',
      duration: 5,
      enable_prompt_expansion: false,
      seed: 42,
    });
    expect(final.attachments[0]?.contentType).toBe('video/mp4');
    expect(Buffer.from(final.attachments[0]?.bytes ?? [])).toEqual(fakeMp4(50_000));
    expect(final.content).toContain('a paper boat on a rainy street');
    expect(final.content).toContain('Portrait 480×832');
    expect(final.content).toContain('seed 42');
    expect(final.content).toContain(submit?.predictionId);
    expect(rig.discord.unexpectedRequests()).toEqual([]);
  });

  it('shows progress while the video is generating', async () => {
    rig = await startRig();
    rig.wavespeed.nextSubmit({ durationMs: 300 });
    const handle = rig.discord.sendCommand({ name: 'video', options: { prompt: 'fireflies' } });
    const final = await handle.waitForMessage((m) => m.attachments.length > 0);
    const states = final.history.map((revision) => revision.content);
    expect(states.some((content) => content.includes('📨 Sending your prompt'))).toBe(true);
    expect(states.some((content) => /(Generating · started|Queued · sent) <t:\d+:R>/.test(content))).toBe(true);
  });

  it('shows the prediction id once the studio gives it, and an ETA once three jobs of the model are known', async () => {
    rig = await startRig();
    // Three jobs to learn from, none with an ETA: nothing was known when they ran.
    const lessons = await learnFromThreeJobs(400);
    const lessonStates = lessons.flatMap((message) => message.history.map((revision) => revision.content));
    expect(lessonStates.some((content) => /Generating · started <t:\d+:R> · id `[^`]+`$/.test(content))).toBe(true);
    expect(lessonStates.some((content) => content.includes('likely ready'))).toBe(false);

    rig.wavespeed.nextSubmit({ durationMs: 1_500 });
    const handle = rig.discord.sendCommand({ name: 'video', options: { prompt: 'learned' } });
    const final = await handle.waitForMessage((m) => m.attachments.length > 0);
    const submit = rig.wavespeed.submits[3];
    const generating = final.history
      .map((revision) =>
        /Generating · started <t:\d+:R> · likely ready <t:(\d+):R> · id `([^`]+)`/.exec(revision.content),
      )
      .find((match) => match !== null);
    expect(generating?.[2]).toBe(submit?.predictionId);
    // About the 400 ms the others took after its submit, rounded up to the second.
    const etaSeconds = Number(generating?.[1]);
    expect(etaSeconds).toBeGreaterThanOrEqual(Math.ceil(((submit?.at ?? 0) + 400) / 1000) - 1);
    expect(etaSeconds).toBeLessThanOrEqual(Math.ceil(((submit?.at ?? 0) + 1_500) / 1000));
  });

  it('tells a member whose job runs well past its ETA that it takes longer, in one edit, and an on-time one nothing', async () => {
    rig = await startRig();
    await learnFromThreeJobs(400);
    // About 0.4 s is usual, so 1.5 s is well past the ETA and its grace of a fifth of that.
    rig.wavespeed.nextSubmit({ durationMs: 1_500 });
    const late = rig.discord.sendCommand({ name: 'video', options: { prompt: 'late' }, userId: '300000000000000020' });
    const lateVideo = await late.waitForMessage((m) => m.attachments.length > 0);
    const progress = lateVideo.history.filter((revision) => revision.attachments.length === 0);
    expect(progress.at(-2)?.content).toMatch(/Generating · started <t:\d+:R> · likely ready <t:\d+:R> · id `[^`]+`$/);
    expect(progress.at(-1)?.content).toMatch(/Generating · started <t:\d+:R> · taking longer than usual · id `[^`]+`$/);
    // Its stage, the one edit saying it is late, the video.
    expect(editsOf(late)).toHaveLength(3);

    rig.wavespeed.nextSubmit({ durationMs: 300 });
    const onTime = rig.discord.sendCommand({
      name: 'video',
      options: { prompt: 'on time' },
      userId: '300000000000000021',
    });
    const onTimeVideo = await onTime.waitForMessage((m) => m.attachments.length > 0);
    expect(onTimeVideo.history.some((revision) => revision.content.includes('likely ready'))).toBe(true);
    expect(onTimeVideo.history.some((revision) => revision.content.includes('taking longer'))).toBe(false);
    // Its stage, when a poll saw it generating, and the video.
    expect(editsOf(onTime).length).toBeLessThanOrEqual(2);
  });

  it('keeps a video beyond the account’s generation slots in line, shows its place and submits it when one frees', async () => {
    rig = await startRig({ env: { WAVESPEED_MAX_CONCURRENCY: '1' } });
    rig.wavespeed.nextSubmit({ durationMs: 500 });
    const first = rig.discord.sendCommand({ name: 'video', options: { prompt: 'first in' } });
    await rig.wavespeed.waitForSubmits(1);
    const second = rig.discord.sendCommand({
      name: 'video',
      options: { prompt: 'second in' },
      userId: '300000000000000001',
    });

    await second.waitForMessage((m) => m.content.includes('🕒 In line for the studio · next up'));
    expect(rig.wavespeed.submits).toHaveLength(1);
    await first.waitForMessage((m) => m.attachments.length > 0);
    const secondVideo = await second.waitForMessage((m) => m.attachments.length > 0);

    const [firstSubmit, secondSubmit] = rig.wavespeed.submits;
    expect(rig.wavespeed.submits).toHaveLength(2);
    // Never two generations at once: the second went out only once the first's 500 ms were over.
    expect(secondSubmit?.at).toBeGreaterThanOrEqual((firstSubmit?.at ?? Number.POSITIVE_INFINITY) + 500);
    expect(secondVideo.content).toContain(secondSubmit?.predictionId);
  });

  it('tells a member at the daily limit when it resets, and submits nothing', async () => {
    rig = await startRig({ env: { QUOTA_USER_DAILY: '1' } });
    const first = rig.discord.sendCommand({ name: 'video', options: { prompt: 'first' } });
    await first.waitForMessage((m) => m.attachments.length > 0);

    const second = rig.discord.sendCommand({ name: 'video', options: { prompt: 'second' } });
    const refusal = await second.waitForMessage((m) => m.origin === 'interaction');
    expect(refusal.flags & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
    expect(refusal.content).toMatch(/used your 1 video for today.*resets <t:\d+:R>/);
    // One private message is the whole answer: no deferral, followup or delete.
    expect((await second.callback()).type).toBe(InteractionResponseType.ChannelMessageWithSource);
    expect(second.followups()).toEqual([]);
    expect(rig.wavespeed.submits).toHaveLength(1);
  });

  it('refunds the quota when the provider fails, and says why in the member’s terms', async () => {
    rig = await startRig({ env: { QUOTA_USER_DAILY: '1' } });
    rig.wavespeed.nextSubmit({ outcome: { status: 'failed', code: 1200, error: 'flagged' } });
    const failed = rig.discord.sendCommand({ name: 'video', options: { prompt: 'something the filter dislikes' } });
    const message = await failed.waitForMessage(isFinal);
    expect(message.content).toContain('content filter rejected this prompt');
    expect(message.content).toContain('did not count');

    const retry = rig.discord.sendCommand({ name: 'video', options: { prompt: 'something gentler' } });
    await retry.waitForMessage((m) => m.attachments.length > 0);
    expect(rig.wavespeed.submits).toHaveLength(2);
  });

  it('posts a link when the video is larger than the upload limit', async () => {
    rig = await startRig();
    rig.wavespeed.nextSubmit({ outputBytes: 20_000 });
    const handle = rig.discord.sendCommand({ name: 'video', options: { prompt: 'big' }, attachmentSizeLimit: 10_000 });
    const final = await handle.waitForMessage(isFinal);
    expect(final.attachments).toEqual([]);
    expect(final.content).toMatch(new RegExp(`${rig.wavespeed.baseUrl}/outputs/\\S+\\.mp4`));
  });

  it('falls back to the link when Discord refuses the upload as too large', async () => {
    rig = await startRig();
    rig.wavespeed.nextSubmit({ outputBytes: 20_000 });
    rig.discord.fault({
      method: 'PATCH',
      route: '/webhooks/:applicationId/:token/messages/:messageId',
      status: 413,
      code: 40005,
      withFiles: true,
    });
    const handle = rig.discord.sendCommand({ name: 'video', options: { prompt: 'big' } });
    const final = await handle.waitForMessage(isFinal);
    expect(final.attachments).toEqual([]);
    expect(final.content).toContain('/outputs/');
  });

  it('echoes a prompt with @everyone and role mentions without pinging anyone', async () => {
    rig = await startRig();
    rig.wavespeed.nextSubmit({ outcome: { status: 'failed', code: 1200 } });
    const prompt = '@everyone @here <@&123456789012345678> <@123456789012345679> dance';
    // One refusal and one video, one after the other so each gets the outcome scripted for it.
    await rig.discord.sendCommand({ name: 'video', options: { prompt } }).waitForMessage(isFinal);
    await rig.discord
      .sendCommand({ name: 'video', options: { prompt } })
      .waitForMessage((m) => m.attachments.length > 0);
    const echoes = rig.discord.messages.filter((m) => m.content.includes('@everyone'));
    expect(echoes.length).toBeGreaterThanOrEqual(2);
    for (const message of echoes) {
      for (const revision of message.history) {
        expect(revision.pings).toEqual({ everyone: false, users: [], roles: [] });
      }
    }
  });

  it.each([
    ['a forged seed', { prompt: 'x', seed: 2_147_483_648 }, /seed must be between -1/],
    ['a blank prompt', { prompt: '   ' }, /Describe the video/],
    ['an unknown size', { prompt: 'x', size: '1920*1080' }, /offered sizes/],
  ])('refuses %s privately and submits nothing', async (_case, options, message) => {
    rig = await startRig({ env: { QUOTA_USER_DAILY: '1' } });
    const handle = rig.discord.sendCommand({ name: 'video', options });
    const refusal = await handle.waitForMessage((m) => m.origin === 'interaction');
    expect(refusal.content).toMatch(message);
    expect(refusal.flags & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
    expect(handle.followups()).toEqual([]);

    // Nothing was spent: the one video of the day is still there.
    const valid = rig.discord.sendCommand({ name: 'video', options: { prompt: 'valid' } });
    await valid.waitForMessage((m) => m.attachments.length > 0);
    expect(rig.wavespeed.submits).toHaveLength(1);
  });
});
