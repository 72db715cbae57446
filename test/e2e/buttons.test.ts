import {
  type APIActionRowComponent,
  type APIButtonComponentWithCustomId,
  ButtonStyle,
  ComponentType,
  InteractionResponseType,
  MessageFlags,
  PermissionFlagsBits,
  Routes,
} from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import type { Job } from '../../src/jobs/job.js';
import { openStore } from '../../src/store/store.js';
import type { RecordedMessage } from '../stand-ins/discord.js';
import { isFinal, type Rig, startRig } from './rig.js';

/**
 * The buttons under /video's messages, on the real discord.js client against the stand-ins:
 * Reroll and Remix make new jobs for whoever pressed, Delete and Cancel act on the pressed
 * message, and every press is answered once, within Discord's window, across restarts.
 */

let rig: Rig;
afterEach(async () => rig?.close());

const OTHER = '300000000000000001';
const ANOTHER = '300000000000000002';
const MODERATOR = '300000000000000009';
const HIGHEST_SEED = 2_147_483_647;

const withVideo = (message: RecordedMessage) => message.attachments.length > 0;

/** The custom ids of a message's buttons, in order. */
function buttonsOf(message: Pick<RecordedMessage, 'components'> | undefined): string[] {
  return (message?.components ?? []).flatMap((row) =>
    row.type === ComponentType.ActionRow
      ? row.components.map((button) => ('custom_id' in button ? button.custom_id : ''))
      : [],
  );
}

/** A member's figures for today in the stand-in's guild. */
function usage(userId: string) {
  return rig.bot.ledger.usage(userId, rig.discord.guildId, Date.now());
}

/** Resolves once a job has ended: posted (or not), its quota settled. */
function ended(jobId: string) {
  return rig.waitForLog(new RegExp(`"jobId":"${jobId}".*"msg":"delivered"`));
}

/** A `/video` run to its delivered reply. */
async function delivered(options: Record<string, string | number> = { prompt: 'a paper boat' }, userId?: string) {
  const handle = rig.discord.sendCommand({ name: 'video', options, ...(userId && { userId }) });
  const message = await handle.waitForMessage(withVideo);
  await ended(handle.id);
  return { handle, message, jobId: handle.id };
}

function press(message: RecordedMessage, action: string, jobId: string, userId?: string) {
  return rig.discord.pressButton({ message, customId: `v1:${action}:${jobId}`, ...(userId && { userId }) });
}

function bodyOf(submit: number) {
  return rig.wavespeed.submits[submit]?.body as Record<string, unknown> | undefined;
}

describe('the buttons under a video', () => {
  it('puts Reroll, Remix and Delete under a finished video, Cancel under its progress, and keeps a take reproducible with its seed', async () => {
    rig = await startRig();
    rig.wavespeed.nextSubmit({ durationMs: 200 });
    const { handle, message, jobId } = await delivered();

    const [opening] = message.history;
    expect(buttonsOf(opening)).toEqual([`v1:cancel:${jobId}`]);
    expect(buttonsOf(message)).toEqual([`v1:reroll:${jobId}`, `v1:remix:${jobId}`, `v1:delete:${jobId}`]);
    const row = message.components[0] as APIActionRowComponent<APIButtonComponentWithCustomId>;
    expect(row.components.map(({ label, emoji, style }) => [emoji?.name, label, style])).toEqual([
      ['🔄', 'Reroll', ButtonStyle.Secondary],
      ['✏️', 'Remix', ButtonStyle.Secondary],
      ['🗑️', 'Delete', ButtonStyle.Danger],
    ]);

    // Left random, the seed was picked by the bot, sent, and shown.
    const seed = bodyOf(0)?.seed as number;
    expect(Number.isInteger(seed) && seed >= 0 && seed <= HIGHEST_SEED).toBe(true);
    expect(message.content).toContain(`seed ${seed} ·`);
    expect(handle.messages()).toHaveLength(1);
    expect(rig.discord.unexpectedRequests()).toEqual([]);
  });

  it('puts the buttons on a too-large video’s link and on the channel post when the reply is gone', async () => {
    rig = await startRig();
    rig.wavespeed.nextSubmit({ outputBytes: 20_000 });
    const big = rig.discord.sendCommand({ name: 'video', options: { prompt: 'big' }, attachmentSizeLimit: 10_000 });
    const link = await big.waitForMessage(isFinal);
    expect(link.attachments).toEqual([]);
    expect(buttonsOf(link)).toEqual([`v1:reroll:${big.id}`, `v1:remix:${big.id}`, `v1:delete:${big.id}`]);

    rig.wavespeed.nextSubmit({ durationMs: 300 });
    const late = rig.discord.sendCommand({ name: 'video', options: { prompt: 'late' } });
    await late.callback();
    late.expireToken();
    const post = await rig.discord.waitForMessage((m) => m.origin === 'channel' && withVideo(m));
    expect(post.content).toContain(`<@${rig.discord.userId}>`);
    expect(buttonsOf(post)).toEqual([`v1:reroll:${late.id}`, `v1:remix:${late.id}`, `v1:delete:${late.id}`]);
  });
});

describe('🔄 Reroll', () => {
  it('makes a new job with the same options and a new seed, answered as a new message to the member who pressed, on their quota', async () => {
    rig = await startRig();
    const { message, jobId } = await delivered({ prompt: 'a paper boat', negative_prompt: 'people', size: '480*832' });

    const reroll = press(message, 'reroll', jobId, OTHER);
    const callback = await reroll.callback();
    expect(callback.type).toBe(InteractionResponseType.ChannelMessageWithSource);
    expect(callback.flags & MessageFlags.Ephemeral).toBe(0);
    const take = await reroll.waitForMessage(withVideo);

    expect(take.id).not.toBe(message.id);
    expect(message).toMatchObject({ deletedAt: undefined, attachments: [expect.anything()] });
    const [first, second] = [bodyOf(0), bodyOf(1)];
    expect(rig.wavespeed.submits).toHaveLength(2);
    expect({ ...second, seed: undefined }).toEqual({ ...first, seed: undefined });
    expect(second?.seed).not.toBe(first?.seed);
    expect(take.content).toContain(`seed ${second?.seed} ·`);
    expect(buttonsOf(take)).toEqual([`v1:reroll:${reroll.id}`, `v1:remix:${reroll.id}`, `v1:delete:${reroll.id}`]);
    await ended(reroll.id);
    expect(await usage(OTHER)).toMatchObject({ userUsed: 1, userInFlight: 0 });
    expect(await usage(rig.discord.userId)).toMatchObject({ userUsed: 1 });
  });

  it('makes one job for each accepted press: a double press with one video left today is one take and the usual refusal', async () => {
    rig = await startRig({ env: { QUOTA_USER_DAILY: '2' } });
    const { message, jobId } = await delivered();

    const presses = [press(message, 'reroll', jobId), press(message, 'reroll', jobId)];
    const callbacks = await Promise.all(presses.map((one) => one.callback()));
    const refused = presses.filter((_, n) => (callbacks[n]?.flags ?? 0) & MessageFlags.Ephemeral);
    const accepted = presses.filter((one) => !refused.includes(one));
    expect(accepted).toHaveLength(1);
    expect(refused[0]?.original()?.content).toMatch(/used your 2 videos for today.*resets <t:\d+:R>/);
    await accepted[0]?.waitForMessage(withVideo);
    await ended(accepted[0]?.id ?? '');

    expect(rig.wavespeed.submits).toHaveLength(2);
    expect(await usage(rig.discord.userId)).toMatchObject({ userUsed: 2, userInFlight: 0 });
  });

  it('gives two members pressing at once a job each, under their own quota', async () => {
    rig = await startRig({ env: { QUOTA_USER_DAILY: '1' } });
    const { message, jobId } = await delivered();

    const [one, two] = [press(message, 'reroll', jobId, OTHER), press(message, 'reroll', jobId, ANOTHER)];
    await Promise.all([one.waitForMessage(withVideo), two.waitForMessage(withVideo)]);
    expect(rig.wavespeed.submits).toHaveLength(3);
    expect(await usage(OTHER)).toMatchObject({ userUsed: 1 });
    expect(await usage(ANOTHER)).toMatchObject({ userUsed: 1 });

    const again = press(message, 'reroll', jobId, OTHER);
    expect((await again.callback()).flags & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
    expect(again.original()?.content).toMatch(/used your 1 video for today/);
    expect(rig.wavespeed.submits).toHaveLength(3);
  });

  it('makes no second job of a press the gateway delivers twice', async () => {
    rig = await startRig();
    const { message, jobId } = await delivered();
    const reroll = press(message, 'reroll', jobId, OTHER);
    await reroll.callback();
    // What the client does with a second INTERACTION_CREATE for the same press.
    const actions = Reflect.get(rig.bot.client, 'actions') as { InteractionCreate: { handle(data: unknown): void } };
    actions.InteractionCreate.handle(reroll.payload);
    await rig.waitForLog(/"refusal":"job.already_accepted"/);
    await reroll.waitForMessage(withVideo);
    await ended(reroll.id);

    expect(rig.wavespeed.submits).toHaveLength(2);
    expect(reroll.messages()).toHaveLength(1);
    expect(await usage(OTHER)).toMatchObject({ userUsed: 1, userInFlight: 0 });
  });

  it('rerolls and remixes a video made from an image with the copy WaveSpeed already has, uploading nothing again', async () => {
    rig = await startRig();
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(2048, 1)]);
    const image = rig.discord.userAttachment({ filename: 'cat.png', bytes: png });
    const first = rig.discord.sendCommand({
      name: 'video',
      options: { prompt: 'the cat yawns' },
      attachments: { image },
    });
    const video = await first.waitForMessage(withVideo);
    // Discord's link has expired since: nothing may fetch it again.
    rig.discord.setAttachmentServing(image.id, { status: 404 });

    await press(video, 'reroll', first.id).waitForMessage(withVideo);
    const remix = press(video, 'remix', first.id);
    await remix.callback();
    expect(remix.modal()?.textInputs[0]).toMatchObject({ customId: 'prompt', value: 'the cat yawns', required: false });
    await remix.submitModal({ prompt: 'the cat stretches' }).waitForMessage(withVideo);

    const [upload] = rig.wavespeed.uploads;
    expect(rig.wavespeed.uploads).toHaveLength(1);
    expect(rig.wavespeed.submits.map((submit) => [submit.model, (submit.body as { image: string }).image])).toEqual(
      Array(3).fill(['alibaba/wan-2.2/i2v-plus-480p', upload?.downloadUrl]),
    );
    expect(bodyOf(2)?.prompt).toBe('the cat stretches');
  });

  it('still works after the bot restarts, as do the other buttons', async () => {
    rig = await startRig();
    const { message, jobId } = await delivered({ prompt: 'before the restart' });
    await rig.restart();

    const reroll = press(message, 'reroll', jobId);
    await reroll.waitForMessage(withVideo);
    expect(bodyOf(1)?.prompt).toBe('before the restart');

    const remix = press(message, 'remix', jobId);
    await remix.callback();
    expect(remix.modal()?.textInputs[0]?.value).toBe('before the restart');

    await press(message, 'delete', jobId).callback();
    await rig.discord.waitFor(() => message.deletedAt !== undefined);
  });

  it('starts a take pressed in a DM in the video’s server, as the first take was', async () => {
    rig = await startRig();
    rig.discord.denyChannel(rig.discord.channelId);
    rig.wavespeed.nextSubmit({ durationMs: 300 });
    const first = rig.discord.sendCommand({ name: 'video', options: { prompt: 'by mail' } });
    await first.callback();
    first.expireToken();
    const dm = await rig.discord.waitForMessage((m) => m.origin === 'dm' && withVideo(m));
    expect(buttonsOf(dm)).toEqual([`v1:reroll:${first.id}`, `v1:remix:${first.id}`, `v1:delete:${first.id}`]);

    const reroll = press(dm, 'reroll', first.id);
    await reroll.waitForMessage(withVideo);
    await ended(reroll.id);
    expect(await usage(rig.discord.userId)).toMatchObject({ userUsed: 2, userInFlight: 0 });
  });
});

describe('✏️ Remix', () => {
  it('opens a modal with the prompt, negative prompt and seed, and starts a job with what the member changed', async () => {
    rig = await startRig();
    const { message, jobId } = await delivered({
      prompt: 'a red kite over dunes',
      negative_prompt: 'text',
      size: '480*832',
      seed: 77,
    });

    const remix = press(message, 'remix', jobId, OTHER);
    expect((await remix.callback()).type).toBe(InteractionResponseType.Modal);
    expect(remix.modal()).toMatchObject({
      customId: `v1:remix:${jobId}`,
      textInputs: [
        { customId: 'prompt', value: 'a red kite over dunes', required: true },
        { customId: 'negative_prompt', value: 'text', required: false },
        { customId: 'seed', value: '77', required: false },
      ],
    });

    const submitted = remix.submitModal({ prompt: 'a blue kite over dunes' });
    expect((await submitted.callback()).flags & MessageFlags.Ephemeral).toBe(0);
    await submitted.waitForMessage(withVideo);
    await ended(submitted.id);
    expect(bodyOf(1)).toEqual({ ...bodyOf(0), prompt: 'a blue kite over dunes' });
    expect(bodyOf(1)?.seed).toBe(77);
    expect(await usage(OTHER)).toMatchObject({ userUsed: 1, userInFlight: 0 });
  });

  it('refuses what /video would refuse, privately, with nothing spent', async () => {
    rig = await startRig();
    const { message, jobId } = await delivered();
    const attempts: [Record<string, string>, RegExp][] = [
      [{ seed: 'abc' }, /^The seed must be a whole number\.$/],
      [{ seed: '2147483648' }, /seed must be between -1 \(random\) and 2147483647/],
      [{ prompt: '  \u200b ' }, /Describe the video you want/],
    ];
    for (const [values, refusal] of attempts) {
      const remix = press(message, 'remix', jobId);
      await remix.callback();
      const submitted = remix.submitModal(values);
      const callback = await submitted.callback();
      expect(callback.flags & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
      expect(submitted.original()?.content).toMatch(refusal);
    }
    expect(rig.wavespeed.submits).toHaveLength(1);
    expect(await usage(rig.discord.userId)).toMatchObject({ userUsed: 1, userInFlight: 0 });
  });

  it('pre-fills the seed the bot picked, and picks a new one when the member clears it', async () => {
    rig = await startRig();
    const { message, jobId } = await delivered();
    const remix = press(message, 'remix', jobId);
    await remix.callback();
    expect(remix.modal()?.textInputs[2]).toMatchObject({ customId: 'seed', value: String(bodyOf(0)?.seed) });

    const submitted = remix.submitModal({ seed: '' });
    await submitted.waitForMessage(withVideo);
    expect(bodyOf(1)?.seed).not.toBe(bodyOf(0)?.seed);
  });
});

describe('a job stored before the bot picked seeds', () => {
  it('resumes with the seed left to WaveSpeed, shows it as random, and leaves Remix’s seed blank', async () => {
    rig = await startRig({ env: { WAVESPEED_MAX_CONCURRENCY: '1' } });
    // The first video holds the only slot past the restart, so the second is still in line then.
    rig.wavespeed.nextSubmit({ durationMs: 1_500 });
    rig.discord.sendCommand({ name: 'video', options: { prompt: 'first in' } });
    await rig.wavespeed.waitForSubmits(1);
    const older = rig.discord.sendCommand({ name: 'video', options: { prompt: 'older' }, userId: OTHER });
    await older.waitForMessage((m) => m.content.includes('In line for the studio'));
    await rig.bot.stop();
    const store = await openStore(rig.config.store);
    const jobs = store.keyv<Job>('jobs');
    const stored = await jobs.get(older.id);
    if (!stored) throw new Error('the second video was not recorded');
    await jobs.set(older.id, { ...stored, request: { ...stored.request, seed: -1 } });
    await store.close();

    await rig.restart();
    const video = await older.waitForMessage(withVideo);
    expect(bodyOf(1)?.seed).toBe(-1);
    expect(video.content).toContain('seed random ·');
    const remix = press(video, 'remix', older.id);
    await remix.callback();
    expect(remix.modal()?.textInputs[2]).toMatchObject({ customId: 'seed', value: undefined });
  });
});

describe('🗑️ Delete', () => {
  it('deletes the video for its requester and for a member with Manage Messages, and privately refuses anyone else', async () => {
    rig = await startRig();
    const mine = await delivered({ prompt: 'mine' });
    const theirs = await delivered({ prompt: 'theirs' }, OTHER);

    const stranger = press(mine.message, 'delete', mine.jobId, ANOTHER);
    const refusal = await stranger.callback();
    expect(refusal.flags & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
    expect(stranger.original()?.content).toBe('Only the member who made this video or a moderator can delete it.');
    expect(mine.message.deletedAt).toBeUndefined();

    const own = press(mine.message, 'delete', mine.jobId);
    expect((await own.callback()).type).toBe(InteractionResponseType.DeferredMessageUpdate);
    await rig.discord.waitFor(() => mine.message.deletedAt !== undefined);

    rig.discord.setMemberPermissions(MODERATOR, PermissionFlagsBits.ViewChannel | PermissionFlagsBits.ManageMessages);
    await press(theirs.message, 'delete', theirs.jobId, MODERATOR).callback();
    await rig.discord.waitFor(() => theirs.message.deletedAt !== undefined);
    await rig.waitForLog(new RegExp(`"by":"${MODERATOR}".*"msg":"video deleted"`));
  });
});

describe('✖️ Cancel', () => {
  it('drops a video still in line, refunded, and says nothing was spent', async () => {
    rig = await startRig({ env: { WAVESPEED_MAX_CONCURRENCY: '1' } });
    rig.wavespeed.nextSubmit({ durationMs: 800 });
    const first = rig.discord.sendCommand({ name: 'video', options: { prompt: 'at the studio' } });
    await rig.wavespeed.waitForSubmits(1);
    const waiting = rig.discord.sendCommand({ name: 'video', options: { prompt: 'in line' }, userId: OTHER });
    const inLine = await waiting.waitForMessage((m) => m.content.includes('In line for the studio'));
    expect(buttonsOf(inLine)).toEqual([`v1:cancel:${waiting.id}`]);

    const stranger = press(inLine, 'cancel', waiting.id, ANOTHER);
    await stranger.callback();
    expect(stranger.original()?.content).toBe('Only the member who asked for this video or a moderator can cancel it.');

    const cancel = press(inLine, 'cancel', waiting.id);
    expect((await cancel.callback()).type).toBe(InteractionResponseType.DeferredMessageUpdate);
    await rig.discord.waitFor(() => inLine.content.includes('Cancelled'));
    expect(inLine.content).toMatch(/> in line\n✖️ Cancelled before it reached the studio\. Nothing was spent/);
    expect(inLine.components).toEqual([]);
    expect(await usage(OTHER)).toMatchObject({ userUsed: 0, userInFlight: 0 });

    await first.waitForMessage(withVideo);
    // The next job takes the freed slot; the cancelled one never went.
    await rig.discord.sendCommand({ name: 'video', options: { prompt: 'after' } }).waitForMessage(withVideo);
    expect(rig.wavespeed.submits.map((submit) => (submit.body as { prompt: string }).prompt)).toEqual([
      'at the studio',
      'after',
    ]);
    expect(waiting.messages()).toEqual([inLine]);
    expect(inLine.content).toContain('Cancelled');
  });

  it('says a video the studio already has cannot be stopped there: it is not posted and it counts', async () => {
    rig = await startRig();
    rig.wavespeed.nextSubmit({ durationMs: 1_000 });
    const handle = rig.discord.sendCommand({ name: 'video', options: { prompt: 'too late to stop' } });
    await rig.wavespeed.waitForSubmits(1);
    const reply = await handle.waitForMessage((m) => buttonsOf(m).includes(`v1:cancel:${handle.id}`));

    await press(reply, 'cancel', handle.id).callback();
    await rig.discord.waitFor(() => reply.content.includes('Cancelled'));
    expect(reply.content).toContain("can't stop it, so it won't be posted, and it still counts toward today's videos");
    expect(reply.components).toEqual([]);

    await rig.waitForLog(/cancelled at the provider; not posted/);
    await ended(handle.id);
    expect(handle.messages()).toEqual([reply]);
    expect(reply.attachments).toEqual([]);
    expect(reply.content).toContain('Cancelled');
    expect(await usage(rig.discord.userId)).toMatchObject({ userUsed: 1, userInFlight: 0 });
  });

  it('answers a Cancel left on a reply whose video went to the channel privately, and keeps the reply', async () => {
    rig = await startRig();
    rig.wavespeed.nextSubmit({ durationMs: 200 });
    const handle = rig.discord.sendCommand({ name: 'video', options: { prompt: 'handed off' } });
    await handle.callback();
    handle.expireToken();
    await rig.discord.waitForMessage((m) => m.origin === 'channel' && withVideo(m));
    await ended(handle.id);
    const reply = handle.original();
    if (!reply) throw new Error('expected the reply');
    expect(buttonsOf(reply)).toEqual([`v1:cancel:${handle.id}`]);

    const cancel = press(reply, 'cancel', handle.id);
    const answer = await cancel.waitForMessage((m) => m.origin === 'followup');
    expect(answer).toMatchObject({
      flags: MessageFlags.Ephemeral,
      content: 'This video is already finished, so there is nothing left to cancel.',
    });
    expect(reply.deletedAt).toBeUndefined();
    expect(await usage(rig.discord.userId)).toMatchObject({ userUsed: 1 });
  });
});

describe('a button the bot does not know', () => {
  it('answers briefly and privately, and changes nothing', async () => {
    rig = await startRig();
    const forged = ['v1:reroll:1234567890123456789', 'v1:delete:1234567890123456789', 'v1:explode:1', 'v9:reroll:1'];
    const posted = (await rig.bot.client.rest.post(Routes.channelMessages(rig.discord.channelId), {
      body: {
        content: 'not a video',
        components: [
          {
            type: ComponentType.ActionRow,
            components: forged.map((customId) => ({
              type: ComponentType.Button,
              style: ButtonStyle.Secondary,
              label: customId,
              custom_id: customId,
            })),
          },
        ],
      },
    })) as { id: string };
    const message = rig.discord.messages.find((m) => m.id === posted.id);
    if (!message) throw new Error('expected the posted message');

    const answers: string[] = [];
    for (const customId of forged) {
      const handle = rig.discord.pressButton({ message, customId });
      expect((await handle.callback()).flags & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
      answers.push(handle.original()?.content ?? '');
    }
    expect(answers).toEqual([
      'The bot no longer knows this video (its buttons work for 30 days), so nothing was done.',
      'The bot no longer knows this video (its buttons work for 30 days), so nothing was done.',
      'This no longer does anything here.',
      'This no longer does anything here.',
    ]);
    expect(message).toMatchObject({ content: 'not a video', deletedAt: undefined });
    expect(rig.wavespeed.submits).toEqual([]);
  });
});
