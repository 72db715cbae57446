import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { ApplicationIntegrationType, ChannelType, InteractionContextType, MessageFlags } from 'discord-api-types/v10';
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { commands } from '../../commands/index.js';
import { startBot } from '../../src/bot.js';
import type { Job } from '../../src/jobs/job.js';
import { openStore } from '../../src/store/store.js';
import type { RecordedMessage } from '../stand-ins/discord.js';
import { standInEnv } from '../support/stand-in-env.js';
import { type Rig, startRig } from './rig.js';

/**
 * The app installed to a member's account: `/video` and `/quota` in the bot's DM, in DMs and
 * group DMs between users and in servers the bot is not in, where only the interaction (and
 * then a DM) can answer, on one per-member allowance, QUOTA_USER_INSTALL_DAILY.
 */

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const { GuildInstall, UserInstall } = ApplicationIntegrationType;
const delivered = (m: RecordedMessage) => m.attachments.length > 0;
const isRefusal = (m: RecordedMessage) => m.origin === 'interaction' && (m.flags & MessageFlags.Ephemeral) !== 0;
const answered = (m: RecordedMessage) => m.content !== '';

/** The member's count outside servers with the bot (`null`), or in a server's. */
async function usage(rig: Rig, guildId: string | null) {
  return rig.bot.ledger.usage(rig.discord.userId, guildId, Date.now());
}

/** Every request the bot sent to a channel: channel messages and reads, DMs included. */
function channelRequests(rig: Rig) {
  return rig.discord.requests.filter((request) => request.route?.startsWith('/channels/'));
}

describe('the app installed to a member’s account', () => {
  it('counts DMs, group DMs and servers without the bot against one QUOTA_USER_INSTALL_DAILY, and refuses past it', async () => {
    rig = await startRig({ env: { QUOTA_USER_INSTALL_DAILY: '2', QUOTA_USER_DAILY: '5' } });
    const { discord } = rig;

    const dm = discord.sendCommand({
      name: 'video',
      dm: true,
      installs: [UserInstall],
      options: { prompt: 'in a DM' },
    });
    const dmVideo = await dm.waitForMessage(delivered);
    const group = discord.sendCommand({
      name: 'video',
      context: InteractionContextType.PrivateChannel,
      channelType: ChannelType.GroupDM,
      options: { prompt: 'in a group DM' },
    });
    const groupVideo = await group.waitForMessage(delivered);
    // Each answered in place, by the interaction: the bot is no member of a group DM.
    expect(dmVideo).toMatchObject({ origin: 'interaction', channelId: dm.payload.channel_id });
    expect(groupVideo).toMatchObject({ origin: 'interaction', channelId: group.payload.channel_id });
    const started = rig;
    // Settled just after the post.
    await vi.waitFor(async () => expect(await usage(started, null)).toMatchObject({ userUsed: 2, userInFlight: 0 }));

    const foreign = discord.sendCommand({
      name: 'video',
      guildId: discord.foreignGuild.id,
      options: { prompt: 'a third, elsewhere' },
    });
    expect((await foreign.waitForMessage(isRefusal)).content).toMatch(/^You have used your 2 videos for today\./);
    expect(rig.wavespeed.submits).toHaveLength(2);

    // In the bot's own server its allowance applies, though the member installed the app to their account too.
    const inServer = discord.sendCommand({
      name: 'video',
      installs: [GuildInstall, UserInstall],
      options: { prompt: 'in the server' },
    });
    expect((await inServer.waitForMessage(delivered)).channelId).toBe(discord.channelId);
    expect(await usage(rig, discord.guildId)).toMatchObject({ userUsed: 1 });
    expect(await usage(rig, null)).toMatchObject({ userUsed: 2 });
    expect(channelRequests(rig)).toEqual([]);
  });

  it('holds DMs to the bot-wide spend cap that servers spend from too', async () => {
    // One text video costs $0.05: the server's video leaves nothing for the DM.
    rig = await startRig({ env: { BUDGET_DAILY_USD: '0.05' } });
    const { discord } = rig;
    await discord.sendCommand({ name: 'video', options: { prompt: 'in the server' } }).waitForMessage(delivered);
    const dm = discord.sendCommand({
      name: 'video',
      dm: true,
      installs: [UserInstall],
      options: { prompt: 'in a DM' },
    });
    expect((await dm.waitForMessage(isRefusal)).content).toMatch(/^The bot has reached its spending limit for today\./);
    expect(rig.wavespeed.submits).toHaveLength(1);
  });

  it('shows /quota in a DM with the member’s own allowance, and in the server with the server’s', async () => {
    rig = await startRig({ env: { QUOTA_USER_INSTALL_DAILY: '2', QUOTA_USER_DAILY: '5' } });
    const { discord } = rig;
    await discord
      .sendCommand({ name: 'video', dm: true, installs: [UserInstall], options: { prompt: 'in a DM' } })
      .waitForMessage(delivered);

    const inDm = await discord
      .sendCommand({ name: 'quota', dm: true, installs: [UserInstall] })
      .waitForMessage(answered);
    expect(inDm.content).toMatch(/^You have \*\*1\*\* of 2 videos left today\./);
    expect(inDm.content).toContain('Your DMs, group DMs and servers without the bot share this allowance.');
    expect(inDm.flags & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);

    const inServer = await discord.sendCommand({ name: 'quota' }).waitForMessage(answered);
    expect(inServer.content).toMatch(/^You have \*\*5\*\* of 5 videos left today\./);
    expect(inServer.content).not.toContain('share this allowance');
  });

  it('delivers in a server without the bot by the interaction, never trying the channel it cannot see', async () => {
    rig = await startRig({ env: { QUOTA_USER_INSTALL_DAILY: '2' } });
    const { discord } = rig;
    const { foreignGuild } = discord;
    const handle = discord.sendCommand({ name: 'video', guildId: foreignGuild.id, options: { prompt: 'a heron' } });

    const video = await handle.waitForMessage(delivered);
    expect(video).toMatchObject({ origin: 'interaction', channelId: foreignGuild.textChannelId });
    expect(video.content).toContain('a heron');
    expect(handle.followups()).toEqual([]);
    expect(channelRequests(rig)).toEqual([]);
    await rig.waitForLog(/"route":"reply".*"msg":"delivered"/);
    expect(await usage(rig, null)).toMatchObject({ userUsed: 1, userInFlight: 0 });
    expect(await usage(rig, foreignGuild.id)).toMatchObject({ userUsed: 0 });
  });

  it('rerolls in a server without the bot on the member’s own allowance, answered by the press', async () => {
    rig = await startRig({ env: { QUOTA_USER_INSTALL_DAILY: '2' } });
    const { discord } = rig;
    const first = discord.sendCommand({
      name: 'video',
      guildId: discord.foreignGuild.id,
      options: { prompt: 'again' },
    });
    const video = await first.waitForMessage(delivered);

    const press = discord.pressButton({ message: video, customId: `v1:reroll:${first.id}` });
    expect((await press.waitForMessage(delivered)).origin).toBe('interaction');
    const started = rig;
    await vi.waitFor(async () => expect(await usage(started, null)).toMatchObject({ userUsed: 2, userInFlight: 0 }));
    expect(channelRequests(rig)).toEqual([]);
  });

  it('DMs the video once the token is past, after a restart, from what the record kept', async () => {
    rig = await startRig();
    const { discord, wavespeed } = rig;
    const { foreignGuild } = discord;
    wavespeed.nextSubmit({ durationMs: 1_500 });
    const handle = discord.sendCommand({ name: 'video', guildId: foreignGuild.id, options: { prompt: 'outlived' } });
    await wavespeed.waitForSubmits(1);
    await rig.bot.stop();

    // Fifteen minutes pass while the bot is down: the record's clock and Discord's both say the token is dead.
    const store = await openStore(rig.config.store);
    const jobs = store.keyv<Job>('jobs');
    const job = await jobs.get(handle.id);
    if (!job) throw new Error('the job was not recorded');
    expect(job.origin).toMatchObject({ guildId: foreignGuild.id, foreignGuild: true });
    await jobs.set(job.id, { ...job, origin: { ...job.origin, tokenExpiresAt: Date.now() - 1 } });
    await store.close();
    handle.expireToken();
    const before = discord.requests.length;

    rig.bot = await startBot(rig.config, pino({ level: 'silent' }), commands);
    const dm = await discord.waitForMessage((m) => m.origin === 'dm' && delivered(m), { timeoutMs: 10_000 });
    expect(dm.content).toContain('outlived');
    const since = discord.requests.slice(before);
    expect(since.find((request) => request.route === '/users/@me/channels')?.body).toEqual({
      recipient_id: discord.userId,
    });
    // Neither the dead token nor the server's channel was tried: the DM was the first and only post.
    expect(since.filter((request) => request.route?.startsWith('/webhooks/'))).toEqual([]);
    expect(channelRequests(rig).filter((request) => request.path.includes(foreignGuild.textChannelId))).toEqual([]);
    expect(since.filter((request) => request.status >= 400)).toEqual([]);
    const restarted = rig;
    await vi.waitFor(async () => expect(await usage(restarted, null)).toMatchObject({ userUsed: 1, userInFlight: 0 }));
  });
});

describe('deploy-commands', () => {
  const script = fileURLToPath(new URL('../../src/deploy-commands.ts', import.meta.url));
  let child: ChildProcess | undefined;
  afterEach(() => {
    if (child?.exitCode === null) child.kill('SIGKILL');
  });

  it('registers /video and /quota for both installs and every context, and /video-admin for servers only', async () => {
    rig = await startRig();
    const { discord, wavespeed } = rig;
    // Global commands: the ones a user install reaches.
    child = spawn(process.execPath, ['--import', 'tsx', script], {
      env: { PATH: process.env.PATH ?? '', ...standInEnv(discord, wavespeed) },
      stdio: 'ignore',
    });
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);

    const registered = Object.fromEntries(discord.commands().map((command) => [command.name, command]));
    for (const name of ['video', 'quota']) {
      expect(registered[name]).toMatchObject({ integration_types: [GuildInstall, UserInstall], contexts: [0, 1, 2] });
    }
    expect(registered['video-admin']).toMatchObject({
      integration_types: [GuildInstall],
      contexts: [InteractionContextType.Guild],
    });
  });
});
