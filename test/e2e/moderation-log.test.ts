import { ComponentType, MessageFlags, PermissionFlagsBits } from 'discord-api-types/v10';
import { afterEach, describe, expect, it } from 'vitest';
import { quotePrompt } from '../../src/discord/messages.js';
import { jobStoreIn } from '../../src/jobs/job-store.js';
import { VIDEO_MODELS } from '../../src/video/catalog.js';
import { DEFAULT_MEMBER_PERMISSIONS, type OptionValues, type RecordedMessage } from '../stand-ins/discord.js';
import { type Rig, startRig } from './rig.js';

/**
 * The moderation log end to end, on the real client against the stand-ins: /video-admin log
 * picks a channel, every ended job and every filter refusal is posted there without pinging,
 * and its buttons block, unblock and reset a member, for Manage Server only.
 */

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const MANAGER = PermissionFlagsBits.ManageGuild | DEFAULT_MEMBER_PERMISSIONS;
const ADMIN = '600000000000000001';
const NO_PINGS = { everyone: false, users: [], roles: [] };
const answered = (m: RecordedMessage) => m.content !== '';
const delivered = (m: RecordedMessage) => m.attachments.length > 0;

/** Runs `/video-admin <subcommand>` as an admin and returns its private answer. */
async function admin(rig: Rig, subcommand: string, options: OptionValues = {}, channelId?: string) {
  const handle = rig.discord.sendCommand({
    name: 'video-admin',
    subcommand,
    options,
    userId: ADMIN,
    memberPermissions: MANAGER,
    ...(channelId && {
      resolved: { channels: { [channelId]: { id: channelId, type: 0, name: 'mod-log', permissions: '0' } } },
    }),
  });
  const answer = await handle.waitForMessage(answered);
  expect(answer.flags & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
  return answer;
}

/** A new channel made the server's moderation log. */
async function withLog(rig: Rig): Promise<string> {
  const channelId = rig.discord.addTextChannel('mod-log');
  const answer = await admin(rig, 'log', { channel: channelId }, channelId);
  expect(answer.content).toBe(`Every video and refused prompt of this server is now logged in <#${channelId}>.`);
  return channelId;
}

/** The log channel's posts after its greeting, in order. */
function logPosts(rig: Rig, channelId: string): RecordedMessage[] {
  return rig.discord.messages.filter((m) => m.channelId === channelId && !m.content.startsWith('📋'));
}

function logPost(rig: Rig, channelId: string, predicate: (m: RecordedMessage) => boolean) {
  return rig.discord.waitFor(() => logPosts(rig, channelId).find(predicate), { description: 'a log post' });
}

function buttonsOf(message: RecordedMessage): string[] {
  return message.components.flatMap((row) =>
    row.type === ComponentType.ActionRow
      ? row.components.map((button) => ('custom_id' in button ? button.custom_id : ''))
      : [],
  );
}

/** An admin (or whoever `permissions` make them) presses a log post's button; resolves with the private answer. */
async function press(rig: Rig, post: RecordedMessage, action: string, permissions = MANAGER, userId = ADMIN) {
  const handle = rig.discord.pressButton({
    message: post,
    customId: `v1:${action}:${rig.discord.userId}`,
    userId,
    memberPermissions: permissions,
  });
  const answer = await handle.waitForMessage(answered);
  expect(answer.flags & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
  expect(answer.pings).toEqual(NO_PINGS);
  return answer.content;
}

async function videosLeft(rig: Rig): Promise<string> {
  const quota = await rig.discord.sendCommand({ name: 'quota' }).waitForMessage(answered);
  return quota.content.match(/\*\*\d+\*\* of \d+ videos? left today/)?.[0] ?? quota.content;
}

/** Sends `/video` and expects `refusal` as its one private answer, with no job kept. */
async function refused(rig: Rig, refusal: unknown, prompt = 'a lighthouse at night') {
  const handle = rig.discord.sendCommand({ name: 'video', options: { prompt } });
  const answer = await handle.waitForMessage(answered);
  expect(answer.content).toEqual(refusal);
  expect(answer.flags & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
  expect(handle.messages()).toHaveLength(1);
  expect(await jobStoreIn(rig.bot.store).get(handle.id)).toBeUndefined();
}

const BLOCKED =
  "This server's admins have turned off /video for you, so nothing was started or spent. Ask them if you think this is a mistake.";
const UNAVAILABLE = 'Video is unavailable right now, so nothing was started or spent. Please try again later.';

describe('the moderation log', () => {
  it('gets one post for every job that ends, with its fields and buttons, pinging nobody', async () => {
    rig = await startRig();
    const log = await withLog(rig);
    const prompt = 'a paper boat @everyone <@&123> **bold** https://example.com/x';
    await rig.discord.sendCommand({ name: 'video', options: { prompt } }).waitForMessage(delivered);
    const [submit] = rig.wavespeed.submits;
    const video = await logPost(rig, log, (m) => m.content.includes(submit?.predictionId ?? '?'));
    const member = `<@${rig.discord.userId}>`;
    expect(video.content.split('\n')).toEqual([
      `**🎬 Made** · ${member} in <#${rig.discord.channelId}>`,
      quotePrompt(prompt),
      `model \`${VIDEO_MODELS['t2v-plus-480p'].path}\` · prediction \`${submit?.predictionId}\` · cost $0.05 · NSFW no`,
    ]);
    expect(video.allowedMentions).toEqual({ parse: [] });
    expect(video.pings).toEqual(NO_PINGS);
    expect(buttonsOf(video)).toEqual(['block', 'unblock', 'reset'].map((a) => `v1:${a}:${rig?.discord.userId}`));

    // A failed job: refunded, flagged as nothing.
    rig.wavespeed.nextSubmit({ outcome: { status: 'failed', code: 5003, error: 'busy' } });
    const failed = rig.discord.sendCommand({ name: 'video', options: { prompt: 'a storm' } });
    await failed.waitForMessage((m) => m.content.includes('having trouble'));
    const failure = await logPost(rig, log, (m) => m.content.includes('a storm'));
    expect(failure.content).toMatch(/^\*\*🛠️ Studio unavailable\*\* · /);
    expect(failure.content).toContain('cost $0.00 (refunded) · NSFW no video');
    expect(logPosts(rig, log)).toHaveLength(2);
    expect(rig.discord.unexpectedRequests()).toEqual([]);
  });

  it('blocks a member from /video with nothing spent, refuses presses without Manage Server, and unblocks after a restart', async () => {
    rig = await startRig({ env: { QUOTA_USER_DAILY: '3' } });
    const log = await withLog(rig);
    const first = rig.discord.sendCommand({ name: 'video', options: { prompt: 'a kite' } });
    const video = await first.waitForMessage(delivered);
    const post = await logPost(rig, log, (m) => m.content.includes('a kite'));

    // Pressed by a member without Manage Server, or an admin who lost it since: refused, nothing changes.
    const notAllowed = "Only members with the Manage Server permission can use the moderation log's buttons.";
    expect(await press(rig, post, 'block', DEFAULT_MEMBER_PERMISSIONS, '600000000000000003')).toBe(notAllowed);
    rig.discord.setMemberPermissions(ADMIN, DEFAULT_MEMBER_PERMISSIONS);
    const lost = rig.discord.pressButton({ message: post, customId: `v1:block:${rig.discord.userId}`, userId: ADMIN });
    expect((await lost.waitForMessage(answered)).content).toBe(notAllowed);
    expect(await rig.bot.moderation.blocked.list(rig.discord.guildId)).toEqual([]);

    const member = `<@${rig.discord.userId}>`;
    expect(await press(rig, post, 'block')).toBe(
      `🔒 ${member} can no longer use /video here; their videos already in the making finish.`,
    );
    expect(await press(rig, post, 'block')).toBe(`${member} was already blocked from /video.`);
    const action = await logPost(rig, log, (m) => m.content.includes('blocked'));
    expect(action.content).toBe(`🔒 <@${ADMIN}> blocked ${member} from /video.`);
    expect(action.pings).toEqual(NO_PINGS);

    const submits = rig.wavespeed.submits.length;
    await refused(rig, BLOCKED);
    // Reroll and Remix under the earlier video are refused the same way, Remix before its modal opens.
    for (const action of ['reroll', 'remix']) {
      const take = rig.discord.pressButton({ message: video, customId: `v1:${action}:${first.id}` });
      expect((await take.waitForMessage((m) => m.content === BLOCKED)).flags & MessageFlags.Ephemeral).toBeTruthy();
      expect(take.modal()).toBeUndefined();
    }
    expect(rig.wavespeed.submits).toHaveLength(submits);
    expect(await videosLeft(rig)).toBe('**2** of 3 videos left today');
    const show = await admin(rig, 'show');
    expect(show.content).toContain(`**Blocked from /video:** 1 member: ${member}`);

    // The buttons read the store: they work on the same post after a restart.
    await rig.restart();
    expect(await press(rig, post, 'unblock')).toBe(`🔓 ${member} can use /video again.`);
    await logPost(rig, log, (m) => m.content.includes('unblocked'));
    await rig.discord.sendCommand({ name: 'video', options: { prompt: 'free again' } }).waitForMessage(delivered);
    expect(rig.wavespeed.submits).toHaveLength(submits + 1);
  });

  it("resets a member's day from a post, which restores their allowance", async () => {
    rig = await startRig({ env: { QUOTA_USER_DAILY: '1' } });
    const log = await withLog(rig);
    await rig.discord.sendCommand({ name: 'video', options: { prompt: 'the only one' } }).waitForMessage(delivered);
    await refused(rig, expect.stringMatching(/^You have used your 1 video for today/));
    const post = await logPost(rig, log, (m) => m.content.includes('the only one'));

    expect(await press(rig, post, 'reset')).toBe(`🔄 <@${rig.discord.userId}>'s videos for today are back to zero.`);
    await logPost(rig, log, (m) => m.content === `🔄 <@${ADMIN}> reset <@${rig?.discord.userId}>'s videos for today.`);
    expect(await videosLeft(rig)).toBe('**1** of 1 video left today');
    await rig.discord.sendCommand({ name: 'video', options: { prompt: 'one more' } }).waitForMessage(delivered);
  });

  it('shows which filter refused a prompt, which the member is never told', async () => {
    rig = await startRig();
    const log = await withLog(rig);
    const add = rig.discord.sendCommand({
      name: 'video-admin',
      subcommandGroup: 'filter',
      subcommand: 'add',
      options: { kind: 'word', text: 'gore' },
      userId: ADMIN,
      memberPermissions: MANAGER,
    });
    await add.waitForMessage(answered);
    await refused(rig, "That prompt isn't allowed on this server.", 'a GÖRE scene');

    const post = await logPost(rig, log, (m) => m.content.startsWith('🚫'));
    expect(post.content.split('\n')).toEqual([
      `🚫 **Prompt refused by a filter** · <@${rig.discord.userId}> in <#${rig.discord.channelId}>`,
      quotePrompt('a GÖRE scene'),
      `matched the word \`gore\` (added by <@${ADMIN}>) · nothing was spent`,
    ]);
    expect(post.pings).toEqual(NO_PINGS);
    expect(buttonsOf(post)).toContain(`v1:block:${rig.discord.userId}`);
    expect(rig.wavespeed.submits).toEqual([]);
  });

  it('reports a log channel it may not post in once over several jobs, while the videos still arrive', async () => {
    rig = await startRig();
    const log = await withLog(rig);
    rig.discord.denyChannel(log);
    for (const prompt of ['one', 'two', 'three']) {
      await rig.discord.sendCommand({ name: 'video', options: { prompt } }).waitForMessage(delivered);
    }
    await rig.waitForLog(/moderation log channel unusable/);
    await rig.bot.moderation.log.idle(5_000);
    expect(rig.logs.filter((line) => line.includes('moderation log channel unusable'))).toHaveLength(1);
    expect(JSON.parse(rig.logs.find((line) => line.includes('channel unusable')) ?? '{}')).toMatchObject({
      level: 40,
      guildId: rig.discord.guildId,
      channelId: log,
      problem: 'forbidden',
      adminId: ADMIN,
    });
    // The admin who picked the channel hears it once, privately.
    const notes = rig.discord.messages.filter((m) => m.origin === 'dm' && m.content.includes('moderation log'));
    expect(notes).toHaveLength(1);
    expect(notes[0]?.content).toMatch(/^I can't post in the moderation log you picked, <#\d+>: I'm not allowed/);
    expect(logPosts(rig, log)).toEqual([]);
    expect((await admin(rig, 'show')).content).toMatch(
      new RegExp(`\\*\\*Moderation log:\\*\\* ⚠️ <#${log}> is unusable since <t:\\d+:R>: the bot can't post there`),
    );

    // Picked again once fixed, it logs at once.
    rig.discord.allowChannel(log);
    await admin(rig, 'log', { channel: log }, log);
    await rig.discord.sendCommand({ name: 'video', options: { prompt: 'four' } }).waitForMessage(delivered);
    await logPost(rig, log, (m) => m.content.includes('four'));
  });

  it('reports a deleted log channel once, and turns the log off on request', async () => {
    rig = await startRig();
    const log = await withLog(rig);
    rig.discord.deleteChannel(log);
    for (const prompt of ['one', 'two']) {
      await rig.discord.sendCommand({ name: 'video', options: { prompt } }).waitForMessage(delivered);
    }
    await rig.bot.moderation.log.idle(5_000);
    expect(rig.logs.filter((line) => line.includes('"problem":"missing"'))).toHaveLength(1);
    expect((await admin(rig, 'show')).content).toContain('the channel no longer exists');

    expect((await admin(rig, 'log')).content).toBe(`The moderation log is off: nothing more is posted in <#${log}>.`);
    expect((await admin(rig, 'show')).content).toContain('**Moderation log:** off');
    expect((await admin(rig, 'log')).content).toMatch(/^This server has no moderation log to turn off/);
  });
});

describe('the WaveSpeed account', () => {
  it('warns each log once when the balance falls below BALANCE_WARN_USD, and again only after it recovered', async () => {
    rig = await startRig({ env: { BALANCE_WARN_USD: '5' } });
    const log = await withLog(rig);
    const warnings = () => logPosts(rig as Rig, log).filter((m) => m.content.startsWith('⚠️'));
    rig.wavespeed.setBalance(3.2);
    for (let check = 0; check < 3; check++) await rig.bot.moderation.account.check();
    await rig.discord.sendCommand({ name: 'video', options: { prompt: 'still open' } }).waitForMessage(delivered);
    await rig.bot.moderation.log.idle(5_000);
    expect(warnings().map((m) => m.content)).toEqual([
      '⚠️ The WaveSpeed balance is $3.20, below the warning level of $5.00. Top it up at wavespeed.ai before videos stop.',
    ]);
    expect(rig.logs.filter((line) => line.includes('balance below BALANCE_WARN_USD'))).toHaveLength(1);
    expect((await admin(rig, 'show')).content).toContain('**WaveSpeed balance:** $3.20');

    rig.wavespeed.setBalance(20);
    await rig.bot.moderation.account.check();
    rig.wavespeed.setBalance(4);
    await rig.bot.moderation.account.check();
    await rig.bot.moderation.account.check();
    await rig.bot.moderation.log.idle(5_000);
    expect(warnings()).toHaveLength(2);
    // Read at start, by /video-admin show, and here: never once per job.
    expect(rig.wavespeed.balanceCalls).toBeLessThanOrEqual(8);
  });

  it('closes video for members when the key is refused, refunds, says why once, and reopens', async () => {
    rig = await startRig();
    const log = await withLog(rig);
    rig.wavespeed.fault('submit', { status: 401, message: 'Unauthorized' });
    const failed = rig.discord.sendCommand({ name: 'video', options: { prompt: 'a dry account' } });
    await failed.waitForMessage((m) => m.content.includes('credit has run out or its key was refused'));
    await rig.waitForLog(/video closed for members/);
    expect(await videosLeft(rig)).toBe('**5** of 5 videos left today');

    await refused(rig, UNAVAILABLE);
    // Balance checks the key fails too (this one, and /video-admin show's) keep it closed, without a second note.
    rig.wavespeed.fault('balance', { status: 401, times: 2 });
    await rig.bot.moderation.account.check();
    await refused(rig, UNAVAILABLE);
    expect(rig.wavespeed.submits).toHaveLength(1);
    expect(await videosLeft(rig)).toBe('**5** of 5 videos left today');
    expect((await admin(rig, 'show')).content).toContain(
      "**Video for members:** closed: WaveSpeed refused the bot's API key",
    );

    await rig.bot.moderation.account.check();
    await rig.bot.moderation.log.idle(5_000);
    const notes = logPosts(rig, log).filter((m) => /^🔒|^🔓/.test(m.content));
    expect(notes.map((m) => m.content.split(':')[0])).toEqual([
      '🔒 **Video is closed for members**',
      '🔓 **Video is open again**',
    ]);
    expect(notes[0]?.content).toContain("WaveSpeed refused the bot's API key");
    expect(rig.logs.filter((line) => line.includes('video closed for members'))).toHaveLength(1);
    await rig.discord.sendCommand({ name: 'video', options: { prompt: 'open again' } }).waitForMessage(delivered);
  });

  it('closes video when the account cannot pay for one, until a balance check finds credit', async () => {
    rig = await startRig();
    rig.wavespeed.setBalance(0.01);
    await rig.bot.moderation.account.check();
    await refused(rig, UNAVAILABLE);
    rig.wavespeed.setBalance(10);
    await rig.bot.moderation.account.check();
    await rig.discord.sendCommand({ name: 'video', options: { prompt: 'paid for' } }).waitForMessage(delivered);
  });
});
