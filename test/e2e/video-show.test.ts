import { type APIEmbed, ComponentType, InteractionResponseType, MessageFlags } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import type { Job } from '../../src/jobs/job.js';
import type { RecordedMessage } from '../stand-ins/discord.js';
import { isFinal, type Rig, startRig } from './rig.js';

/**
 * `/video-show` and `/video-history` on the real discord.js client against the stand-ins: a past
 * video comes back with its buttons from its record (and WaveSpeed while it keeps the file), only
 * where it was made, and a member's latest videos are listed privately. Nothing is spent.
 */

let rig: Rig;
afterEach(async () => rig?.close());

const OTHER = '300000000000000001';
const DAY_MS = 24 * 60 * 60_000;

const withVideo = (message: RecordedMessage) => message.attachments.length > 0;

function buttonsOf(message: RecordedMessage | undefined): string[] {
  return (message?.components ?? []).flatMap((row) =>
    row.type === ComponentType.ActionRow
      ? row.components.map((button) => ('custom_id' in button ? button.custom_id : ''))
      : [],
  );
}

/** A `/video` run to its end; with its prediction id and the message it was posted as. */
async function delivered(options: Record<string, string | number> = { prompt: 'a paper boat' }) {
  const handle = rig.discord.sendCommand({ name: 'video', options });
  const message = await handle.waitForMessage(isFinal);
  await rig.waitForLog(new RegExp(`"jobId":"${handle.id}".*"msg":"delivered"`));
  // Run one at a time, so the latest submit is this job's.
  return { jobId: handle.id, message, predictionId: rig.wavespeed.submits.at(-1)?.predictionId ?? '' };
}

function show(id: string, place: { guildId?: string; dm?: boolean; userId?: string } = {}) {
  return rig.discord.sendCommand({ name: 'video-show', options: { id }, ...place });
}

/** The private answer a refused `/video-show` got. */
async function refusal(handle: ReturnType<typeof show>): Promise<string> {
  const callback = await handle.callback();
  expect(callback.type).toBe(InteractionResponseType.ChannelMessageWithSource);
  expect(callback.flags & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
  return handle.original()?.content ?? '';
}

function jumpUrl(message: RecordedMessage): string {
  return `https://discord.com/channels/${message.guildId}/${message.channelId}/${message.id}`;
}

function usage(userId = rig.discord.userId) {
  return rig.bot.ledger.usage(userId, rig.discord.guildId, Date.now());
}

describe('/video-show', () => {
  it('posts a delivered video again by its prediction id, publicly, with buttons that still work, and spends nothing', async () => {
    rig = await startRig();
    const { jobId, message, predictionId } = await delivered({ prompt: 'a paper boat', seed: 4242 });
    expect(message.content).toContain(`id \`${predictionId}\``);
    const before = { results: rig.wavespeed.resultCallsFor(predictionId), usage: await usage() };

    const again = show(` \`${predictionId}\` `, { userId: OTHER });
    const callback = await again.callback();
    expect(callback.type).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
    expect(callback.flags & MessageFlags.Ephemeral).toBe(0);
    const repost = await again.waitForMessage(withVideo);

    expect(repost.id).not.toBe(message.id);
    expect(repost.content).toContain('seed 4242');
    expect(repost.content).toContain(`id \`${predictionId}\``);
    expect(repost.attachments[0]).toMatchObject({
      filename: `${predictionId}.mp4`,
      sha256: message.attachments[0]?.sha256,
    });
    expect(buttonsOf(repost)).toEqual([`v1:reroll:${jobId}`, `v1:remix:${jobId}`, `v1:delete:${jobId}`]);
    // The stored link still worked: WaveSpeed was not asked again, and nothing was made or counted.
    expect(rig.wavespeed.resultCallsFor(predictionId)).toBe(before.results);
    expect(rig.wavespeed.submits).toHaveLength(1);
    expect(await usage()).toEqual(before.usage);
    expect(await usage(OTHER)).toMatchObject({ userUsed: 0, userInFlight: 0 });

    const remix = rig.discord.pressButton({ message: repost, customId: `v1:remix:${jobId}`, userId: OTHER });
    expect((await remix.callback()).type).toBe(InteractionResponseType.Modal);
    expect(remix.modal()?.textInputs[0]?.value).toBe('a paper boat');

    // The job id is taken too.
    await show(jobId).waitForMessage(withVideo);
    expect(rig.discord.unexpectedRequests()).toEqual([]);
  });

  it("answers another server's id, or a guild video asked for from a DM, exactly as an id never made", async () => {
    rig = await startRig({ discord: { guilds: 2 } });
    const { predictionId } = await delivered();
    const downloads = rig.wavespeed.downloads.length;
    const never = await refusal(show('0123456789abcdef0123456789abcdef'));

    expect(never).toMatch(/No video with that id was made here/);
    expect(await refusal(show(predictionId, { guildId: rig.discord.guilds[1]?.id ?? '' }))).toBe(never);
    expect(await refusal(show(predictionId, { dm: true }))).toBe(never);
    expect(await refusal(show('not an id!'))).toBe(never);
    expect(rig.wavespeed.downloads).toHaveLength(downloads);
  });

  it('fetches the video afresh from WaveSpeed when its stored link fails', async () => {
    rig = await startRig();
    const { predictionId } = await delivered();
    const results = rig.wavespeed.resultCallsFor(predictionId);
    rig.wavespeed.fault('output', { status: 404 });

    await show(predictionId).waitForMessage(withVideo);
    expect(rig.wavespeed.resultCallsFor(predictionId)).toBe(results + 1);
  });

  it('once WaveSpeed no longer keeps the file, posts its details, its buttons and a link to the original message', async () => {
    rig = await startRig();
    const { jobId, message, predictionId } = await delivered({ prompt: 'an old boat', seed: 7 });
    rig.wavespeed.forget(predictionId);

    const again = show(predictionId);
    const gone = await again.waitForMessage(isFinal);
    expect(gone.attachments).toEqual([]);
    expect(gone.content).toContain('seed 7');
    expect(gone.content).toContain('The file is no longer kept');
    expect(gone.content).toContain(jumpUrl(message));
    expect(buttonsOf(gone)).toEqual([`v1:reroll:${jobId}`, `v1:remix:${jobId}`, `v1:delete:${jobId}`]);

    // Past WaveSpeed's 7 days, the bot does not even ask.
    const jobs = rig.bot.store.keyv<Job>('jobs');
    const record = (await jobs.get(jobId)) as Job;
    await jobs.set(jobId, { ...record, submittedAt: Date.now() - 8 * DAY_MS });
    const [downloads, results] = [rig.wavespeed.downloads.length, rig.wavespeed.resultCallsFor(predictionId)];
    const later = await show(predictionId).waitForMessage(isFinal);
    expect(later.content).toContain(jumpUrl(message));
    expect(rig.wavespeed.downloads).toHaveLength(downloads);
    expect(rig.wavespeed.resultCallsFor(predictionId)).toBe(results);
  });

  it('answers privately for a video still being made and for one that failed', async () => {
    rig = await startRig();
    rig.wavespeed.nextSubmit({ outcome: { status: 'failed', code: 1200 } });
    const { predictionId: refused } = await delivered({ prompt: 'refused' });
    expect(await refusal(show(refused))).toMatch(/ended without a video \(refused by the content filter\)/);

    rig.wavespeed.nextSubmit({ durationMs: 60_000 });
    const slow = rig.discord.sendCommand({ name: 'video', options: { prompt: 'slow' } });
    const [, submit] = await rig.wavespeed.waitForSubmits(2);
    await rig.discord.waitFor(() => slow.original()?.content.includes(submit?.predictionId ?? '-'));
    expect(await refusal(show(submit?.predictionId ?? ''))).toMatch(/still being made/);
  });
});

describe('/video-history', () => {
  it('privately lists the last 10 videos of the member here, newest first, with seeds, costs, outcomes and links', async () => {
    rig = await startRig({ env: { QUOTA_USER_DAILY: '20' } });
    const posted: RecordedMessage[] = [];
    for (let n = 1; n <= 10; n++) posted.push((await delivered({ prompt: `take ${n}`, seed: n })).message);
    rig.wavespeed.nextSubmit({ outcome: { status: 'failed', code: 1200 } });
    const { predictionId: refused } = await delivered({ prompt: 'take 11 <@everyone> **loud**', seed: 11 });
    await rig.discord.sendCommand({ name: 'video', options: { prompt: 'someone else' }, userId: OTHER }).callback();

    const history = rig.discord.sendCommand({ name: 'video-history' });
    const callback = await history.callback();
    expect(callback.flags & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
    const reply = await history.waitForMessage((message) => message.embeds.length > 0);
    const [embed] = reply.embeds as APIEmbed[];
    const fields = embed?.fields ?? [];

    expect(fields).toHaveLength(10);
    expect(fields.map((field) => /seed (\d+)/.exec(field.value)?.[1])).toEqual([
      '11',
      '10',
      '9',
      '8',
      '7',
      '6',
      '5',
      '4',
      '3',
      '2',
    ]);
    expect(fields[0]?.name).toBe('1. 🚫 Refused by the content filter');
    expect(fields[0]?.value).toContain('> take 11 \\<\\@everyone\\> \\*\\*loud\\*\\*');
    expect(fields[0]?.value).toContain('not counted');
    expect(fields[0]?.value).toContain(`id \`${refused}\``);
    expect(fields[1]?.name).toBe('2. 🎬 Made');
    expect(fields[1]?.value).toMatch(/Landscape 832×480 · 480p · seed 10 · \$0\.05 · <t:\d+:R>/);
    expect(fields[1]?.value).toContain(`[Original message](${jumpUrl(posted[9] as RecordedMessage)})`);
    expect(JSON.stringify(embed)).not.toContain('someone else');
    expect(reply.pings).toEqual(expect.objectContaining({ everyone: false }));

    const dm = rig.discord.sendCommand({ name: 'video-history', dm: true });
    const empty = await dm.waitForMessage((message) => message.embeds.length > 0);
    expect(empty.embeds[0]?.description).toMatch(/no videos in DMs/);
  });
});
