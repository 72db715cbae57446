import { MessageFlags, PermissionFlagsBits, type RoleFlags } from 'discord-api-types/v10';
import { afterEach, describe, expect, it } from 'vitest';
import {
  freePort,
  ownRedis,
  redisSkipReason,
  startCuttableLink,
  startRedisServer,
  stopRedisServer,
} from '../support/redis.js';
import { isFinal, type Rig, startRig } from './rig.js';

const skipReason = redisSkipReason();
/** How a test needing Redis reads when it is skipped. */
const skipped = skipReason ? ` (skipped: ${skipReason})` : '';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const MANAGER = PermissionFlagsBits.ManageGuild | PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages;
const delivered = (m: { attachments: readonly unknown[] }) => m.attachments.length > 0;
/** A refusal is the whole answer: one private reply to the interaction, never deferred. */
const isRefusal = (m: { origin: string; flags: number }) =>
  m.origin === 'interaction' && (m.flags & MessageFlags.Ephemeral) !== 0;

/** Fires `count` /video at once from one member and waits until every one was answered. */
async function burst(rig: Rig, count: number) {
  const handles = Array.from({ length: count }, (_, i) =>
    rig.discord.sendCommand({ name: 'video', options: { prompt: `burst ${i}` } }),
  );
  const outcomes = await Promise.all(
    handles.map((handle) => handle.waitForMessage((m) => delivered(m) || isRefusal(m), { timeoutMs: 15_000 })),
  );
  return {
    delivered: outcomes.filter(delivered).length,
    refusals: outcomes.filter(isRefusal).map((m) => m.content),
  };
}

describe.each([
  ['SQLite', false],
  ['Redis', true],
])('daily quota under a burst on %s', (_backend, onRedis) => {
  const redis = onRedis ? ownRedis() : undefined;

  it.skipIf(onRedis && skipReason !== undefined)(
    `lets exactly 3 of 20 simultaneous /video through with QUOTA_USER_DAILY=3${onRedis ? skipped : ''}`,
    async () => {
      rig = await startRig({
        env: { QUOTA_USER_DAILY: '3', QUOTA_USER_CONCURRENT: '20', ...(redis && { STORE_URL: redis.url }) },
      });
      const { delivered: count, refusals } = await burst(rig, 20);
      expect(count).toBe(3);
      expect(rig.wavespeed.submits).toHaveLength(3);
      expect(refusals).toHaveLength(17);
      for (const refusal of refusals) expect(refusal).toMatch(/used your 3 videos for today/);
    },
  );
});

describe('quota limits through the bot', () => {
  it('tells a member with videos in the making to wait (QUOTA_USER_CONCURRENT)', async () => {
    rig = await startRig({ env: { QUOTA_USER_CONCURRENT: '1' } });
    rig.wavespeed.setDefaults({ durationMs: 2_000 });
    const first = rig.discord.sendCommand({ name: 'video', options: { prompt: 'slow' } });
    await rig.wavespeed.waitForSubmits(1);
    const second = rig.discord.sendCommand({ name: 'video', options: { prompt: 'impatient' } });
    const refusal = await second.waitForMessage(isRefusal);
    expect(refusal.content).toMatch(/already have 1 video in the making/);
    await first.waitForMessage(delivered);
    expect(rig.wavespeed.submits).toHaveLength(1);
  });

  it('stops a guild at QUOTA_GUILD_DAILY across members', async () => {
    rig = await startRig({ env: { QUOTA_GUILD_DAILY: '1' } });
    await rig.discord.sendCommand({ name: 'video', options: { prompt: 'one' } }).waitForMessage(delivered);
    const other = rig.discord.sendCommand({ name: 'video', options: { prompt: 'two' }, userId: '300000000000000001' });
    const refusal = await other.waitForMessage(isRefusal);
    expect(refusal.content).toMatch(/This server has used its 1 video for today/);
  });

  it('stops every guild at the bot-wide BUDGET_DAILY_USD', async () => {
    rig = await startRig({ env: { BUDGET_DAILY_USD: '0.05' } });
    await rig.discord.sendCommand({ name: 'video', options: { prompt: 'paid' } }).waitForMessage(delivered);
    const over = rig.discord.sendCommand({ name: 'video', options: { prompt: 'over' }, userId: '300000000000000002' });
    expect((await over.waitForMessage(isRefusal)).content).toMatch(/spending limit for today/);
  });

  it('/quota privately shows what is left, what is running and when it resets', async () => {
    rig = await startRig({ env: { QUOTA_USER_DAILY: '3', QUOTA_GUILD_DAILY: '10' } });
    await rig.discord.sendCommand({ name: 'video', options: { prompt: 'one' } }).waitForMessage(delivered);
    const quota = rig.discord.sendCommand({ name: 'quota' });
    expect((await quota.callback()).flags & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
    const answer = await quota.waitForMessage((m) => m.content !== '');
    expect(answer.content).toContain('You have **2** of 3 videos left today.');
    expect(answer.content).toContain('In the making: 0 of 3 at once.');
    expect(answer.content).toContain('This server has 9 of 10 videos left today.');
    expect(answer.content).toMatch(/reset <t:\d+:R>/);
  });

  it.skipIf(skipReason !== undefined)(
    `fails closed when the store is unreachable: a clear message, no submit, no crash, and recovers${skipped}`,
    async () => {
      const port = await freePort();
      const redis = await startRedisServer(port);
      // The store goes away behind a cut link (a network partition); the server keeps its data.
      const link = await startCuttableLink(port);
      try {
        rig = await startRig({ env: { STORE_URL: `redis://127.0.0.1:${link.port}` } });
        await link.cut();

        const refused = rig.discord.sendCommand({ name: 'video', options: { prompt: 'while down' } });
        const refusal = await refused.waitForMessage(isRefusal);
        expect(refusal.content).toMatch(/can't check quotas right now, so nothing was started or spent/);
        expect(rig.wavespeed.submits).toHaveLength(0);

        // The client reconnects in the background; once it has, /video works again.
        await link.restore();
        await expect
          .poll(
            async () => {
              const attempt = rig?.discord.sendCommand({ name: 'video', options: { prompt: 'after' } });
              const message = await attempt?.waitForMessage((m) => delivered(m) || isRefusal(m));
              return message && delivered(message);
            },
            { timeout: 10_000, interval: 200 },
          )
          .toBe(true);
      } finally {
        await rig?.close();
        rig = undefined;
        await link.close();
        await stopRedisServer(redis);
      }
    },
  );
});

describe('/video-admin', () => {
  const admin = { memberPermissions: MANAGER };

  it('refuses members without Manage Server, even if Discord let them run it', async () => {
    rig = await startRig();
    const handle = rig.discord.sendCommand({ name: 'video-admin', subcommand: 'show' });
    const refusal = await handle.waitForMessage((m) => m.content !== '');
    expect(refusal.content).toMatch(/need the Manage Server permission/);
    expect(refusal.flags & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
  });

  it('changes the daily limit at once and logs who changed it', async () => {
    rig = await startRig({ env: { QUOTA_USER_DAILY: '5' } });
    const set = rig.discord.sendCommand({
      name: 'video-admin',
      subcommand: 'limits',
      options: { user_daily: 1 },
      ...admin,
    });
    expect((await set.waitForMessage((m) => m.content !== '')).content).toMatch(/Per member:\*\* 1 video a day/);
    expect(rig.logs.join('')).toMatch(new RegExp(`"adminId":"${rig.discord.userId}".*"settings changed"`));

    await rig.discord.sendCommand({ name: 'video', options: { prompt: 'one' } }).waitForMessage(delivered);
    const refused = rig.discord.sendCommand({ name: 'video', options: { prompt: 'two' } });
    expect((await refused.waitForMessage(isRefusal)).content).toMatch(/used your 1 video for today/);
  });

  it('limits /video to allowed channels', async () => {
    rig = await startRig();
    const allowedChannel = '400000000000000001';
    const set = rig.discord.sendCommand({
      name: 'video-admin',
      subcommand: 'channel',
      options: { channel: allowedChannel, allowed: true },
      resolved: {
        channels: { [allowedChannel]: { id: allowedChannel, type: 0, name: 'videos', permissions: '0' } },
      },
      ...admin,
    });
    expect((await set.waitForMessage((m) => m.content !== '')).content).toContain(`<#${allowedChannel}>`);

    const elsewhere = rig.discord.sendCommand({ name: 'video', options: { prompt: 'here?' } });
    expect((await elsewhere.waitForMessage(isRefusal)).content).toBe(
      `Videos can't be made in this channel. Try <#${allowedChannel}>.`,
    );
    const there = rig.discord.sendCommand({ name: 'video', options: { prompt: 'there' }, channelId: allowedChannel });
    await there.waitForMessage(delivered);
    expect(rig.wavespeed.submits).toHaveLength(1);
  });

  it('grants extra videos for today and resets a member', async () => {
    rig = await startRig({ env: { QUOTA_USER_DAILY: '1' } });
    const member = rig.discord.userId;
    const resolvedMember = {
      users: { [member]: { id: member, username: 'member', discriminator: '0', avatar: null, global_name: null } },
    };
    await rig.discord.sendCommand({ name: 'video', options: { prompt: 'one' } }).waitForMessage(delivered);

    const grant = rig.discord.sendCommand({
      name: 'video-admin',
      subcommand: 'grant',
      options: { member, videos: 1 },
      resolved: resolvedMember,
      ...admin,
    });
    expect((await grant.waitForMessage((m) => m.content !== '')).content).toContain('can make 1 more video today');
    await rig.discord.sendCommand({ name: 'video', options: { prompt: 'granted' } }).waitForMessage(delivered);
    const spent = rig.discord.sendCommand({ name: 'video', options: { prompt: 'spent' } });
    await spent.waitForMessage(isRefusal);

    const reset = rig.discord.sendCommand({
      name: 'video-admin',
      subcommand: 'reset',
      options: { member },
      resolved: resolvedMember,
      ...admin,
    });
    await reset.waitForMessage((m) => m.content !== '');
    await rig.discord.sendCommand({ name: 'video', options: { prompt: 'after reset' } }).waitForMessage(delivered);
    expect(rig.wavespeed.submits).toHaveLength(3);
  });

  it('exempts a role from the daily limit', async () => {
    rig = await startRig({ env: { QUOTA_USER_DAILY: '0' } });
    const role = '500000000000000001';
    const set = rig.discord.sendCommand({
      name: 'video-admin',
      subcommand: 'exempt-role',
      options: { role, exempt: true },
      resolved: {
        roles: {
          [role]: {
            id: role,
            name: 'Patrons',
            color: 0,
            colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
            hoist: false,
            position: 1,
            permissions: '0',
            managed: false,
            mentionable: false,
            flags: 0 as RoleFlags,
          },
        },
      },
      ...admin,
    });
    await set.waitForMessage((m) => m.content !== '');
    const patron = rig.discord.sendCommand({ name: 'video', options: { prompt: 'patron' }, memberRoles: [role] });
    await patron.waitForMessage(delivered);
    const member = rig.discord.sendCommand({ name: 'video', options: { prompt: 'member' } });
    expect((await member.waitForMessage(isRefusal)).content).toMatch(/used your 0 videos/);
    const final = await patron.waitForMessage(isFinal);
    expect(final.attachments).toHaveLength(1);
  });
});
