import { afterEach, describe, expect, it } from 'vitest';
import { isFinal, type Rig, startRig } from './rig.js';

let rig: Rig;
afterEach(async () => rig?.close());

/** The member's videos counted today, as `/quota`'s ledger has them. */
async function usedToday(rig: Rig, userId = rig.discord.userId): Promise<{ userUsed: number; userInFlight: number }> {
  return rig.bot.ledger.usage(userId, rig.discord.guildId, Date.now());
}

describe('deliveries that cannot go through still end', () => {
  it('gives up an output host that answers 503 for ever: the member gets the link and id, refunded', async () => {
    rig = await startRig();
    rig.wavespeed.nextSubmit({ output: { status: 503 } });
    const handle = rig.discord.sendCommand({ name: 'video', options: { prompt: 'behind a broken host' } });
    const final = await handle.waitForMessage(isFinal);
    const [submit] = rig.wavespeed.submits;
    expect(final.content).toContain('made but could not be fetched');
    expect(final.content).toContain(`/outputs/${submit?.predictionId}.mp4`);
    expect(final.content).toContain(`id \`${submit?.predictionId}\``);
    expect(await usedToday(rig)).toMatchObject({ userUsed: 0, userInFlight: 0 });
    // Four attempts, then the plain message: not a retry more.
    expect(rig.wavespeed.downloads.length).toBe(4);
  });

  it('posts in the channel when Discord holds the reply for minutes of 429s, and the video counts', async () => {
    rig = await startRig();
    rig.discord.fault({
      route: '/webhooks/:applicationId/:token/messages/:messageId',
      withFiles: true,
      status: 429,
      retryAfter: 600,
      times: Number.POSITIVE_INFINITY,
    });
    rig.discord.sendCommand({ name: 'video', options: { prompt: 'in a storm of 429s' } });
    const posted = await rig.discord.waitForMessage((m) => m.origin === 'channel');
    expect(posted.attachments).toHaveLength(1);
    expect(posted.content.startsWith(`<@${rig.discord.userId}> `)).toBe(true);
    await rig.waitForLog(/"route":"channel".*"msg":"delivered"/);
    expect(await usedToday(rig)).toMatchObject({ userUsed: 1, userInFlight: 0 });
  });

  it('ends, refunded, when every route Discord offers stays rate-limited', async () => {
    rig = await startRig();
    const held = { status: 429, retryAfter: 600, times: Number.POSITIVE_INFINITY } as const;
    // The reply's edits, channel posts and DMs; the interaction's own answer goes through.
    rig.discord.fault({ ...held, route: /^\/webhooks\//, method: 'PATCH' });
    rig.discord.fault({ ...held, route: /^\/channels\//, method: 'POST' });
    rig.discord.sendCommand({ name: 'video', options: { prompt: 'nowhere to go' } });
    await rig.waitForLog(/"route":"log"/);
    expect(await usedToday(rig)).toMatchObject({ userUsed: 0, userInFlight: 0 });
  });

  it('delivers a fourth member’s video while three outputs trickle in from slow-loris hosts', async () => {
    rig = await startRig({ env: { WAVESPEED_MAX_CONCURRENCY: '4', DELIVERY_CONCURRENCY: '4' } });
    const slow = [];
    for (const n of [1, 2, 3]) {
      rig.wavespeed.nextSubmit({ output: { slowLoris: { afterBytes: 1_000 } } });
      const userId = `30000000000000000${n}`;
      slow.push(rig.discord.sendCommand({ name: 'video', options: { prompt: `slow ${n}` }, userId }));
      await rig.wavespeed.waitForDownloads(n);
    }
    const fourth = rig.discord.sendCommand({ name: 'video', options: { prompt: 'on time' } });
    const video = await fourth.waitForMessage((m) => m.attachments.length > 0);
    expect(video.content).toContain('on time');
    // The three are still downloading: none of them has been given up or posted.
    expect(slow.flatMap((handle) => handle.messages()).filter(isFinal)).toEqual([]);
  });
});
