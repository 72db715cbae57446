import { afterEach, describe, expect, it } from 'vitest';
import type { Fault, SubmitScript } from '../stand-ins/wavespeed.js';
import { freePort, redisSkipReason, startCuttableLink, startRedisServer, stopRedisServer } from '../support/redis.js';
import { isFinal, type Rig, startRig } from './rig.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const delivered = (m: { attachments: readonly unknown[] }) => m.attachments.length > 0;

async function usedToday(rig: Rig): Promise<number> {
  return (await rig.bot.ledger.usage(rig.discord.userId, rig.discord.guildId, Date.now())).userUsed;
}

describe('WaveSpeed faults during polling are ridden out', () => {
  it.each<[string, Fault]>([
    ['429 with Retry-After', { status: 429, retryAfter: '0', times: 2 }],
    ['429 without Retry-After', { status: 429, times: 2 }],
    ['500', { status: 500, times: 2 }],
    ['502', { status: 502, times: 2 }],
    ['503', { status: 503, times: 2 }],
    ['malformed JSON', { malformed: 'not_json', times: 2 }],
    ['an envelope code that is not 200', { envelopeCode: 5003, times: 2 }],
    ['a result call that never answers', { hang: true, times: 1 }],
  ])('delivers the video despite %s on result calls', async (_case, fault) => {
    rig = await startRig({ env: { WAVESPEED_REQUEST_TIMEOUT_MS: '300' } });
    rig.wavespeed.fault('result', fault);
    const handle = rig.discord.sendCommand({ name: 'video', options: { prompt: 'resilient' } });
    await handle.waitForMessage(delivered, { timeoutMs: 15_000 });
    expect(rig.wavespeed.submits).toHaveLength(1);
    expect(await usedToday(rig)).toBe(1);
  });
});

describe('failed generations are explained and refunded', () => {
  it.each<[string, NonNullable<SubmitScript['outcome']>, RegExp]>([
    ['moderation (1200)', { status: 'failed', code: 1200 }, /content filter rejected this prompt/],
    ['an invalid parameter (1401)', { status: 'failed', code: 1401 }, /refused these options/],
    ['an internal error (5000)', { status: 'failed', code: 5000 }, /having trouble right now/],
    ['service unavailable (5003)', { status: 'failed', code: 5003 }, /having trouble right now/],
    ['a provider timeout (5004)', { status: 'failed', code: 5004 }, /took too long/],
    ['a task failure (1403)', { status: 'failed', code: 1403 }, /could not be generated/],
    ['an unknown status', { status: 'undocumented', reported: 'vanished' }, /could not be generated/],
  ])('%s', async (_case, outcome, message) => {
    rig = await startRig();
    rig.wavespeed.nextSubmit({ outcome });
    const handle = rig.discord.sendCommand({ name: 'video', options: { prompt: 'doomed' } });
    const final = await handle.waitForMessage(isFinal);
    expect(final.content).toMatch(message);
    expect(final.content).toContain('did not count');
    expect(await usedToday(rig)).toBe(0);
  });

  it.each<[string, NonNullable<SubmitScript['output']>]>([
    ['404s', { status: 404 }],
    ['is not an MP4', { notMp4: true }],
  ])('refunds when the output URL %s', async (_case, output) => {
    rig = await startRig();
    rig.wavespeed.nextSubmit({ output });
    const handle = rig.discord.sendCommand({ name: 'video', options: { prompt: 'lost output' } });
    const final = await handle.waitForMessage(isFinal);
    expect(final.content).toMatch(/could not be fetched/);
    expect(await usedToday(rig)).toBe(0);
  });
});

describe('submits are never sent twice', () => {
  it('retries a submit refused with 429 and delivers once', async () => {
    rig = await startRig();
    rig.wavespeed.fault('submit', { status: 429, retryAfter: '0' });
    const handle = rig.discord.sendCommand({ name: 'video', options: { prompt: 'busy' } });
    await handle.waitForMessage(delivered);
    expect(rig.wavespeed.submits.filter((s) => s.predictionId)).toHaveLength(1);
  });

  it('does not re-send a submit that timed out, and refunds it', async () => {
    rig = await startRig({ env: { WAVESPEED_REQUEST_TIMEOUT_MS: '300' } });
    rig.wavespeed.fault('submit', { hang: true });
    const handle = rig.discord.sendCommand({ name: 'video', options: { prompt: 'limbo' } });
    const final = await handle.waitForMessage(isFinal);
    expect(final.content).toMatch(/cannot tell whether it started\. It was not sent again/);
    expect(rig.wavespeed.submits).toHaveLength(1);
    expect(await usedToday(rig)).toBe(0);
  });

  it.each([
    [500, /having trouble right now/],
    [401, /tell a server admin/],
  ])('explains a submit answered %i, sends it once and refunds', async (status, message) => {
    rig = await startRig();
    rig.wavespeed.fault('submit', { status });
    const handle = rig.discord.sendCommand({ name: 'video', options: { prompt: 'refused' } });
    expect((await handle.waitForMessage(isFinal)).content).toMatch(message);
    expect(rig.wavespeed.submits).toHaveLength(1);
    expect(await usedToday(rig)).toBe(0);
  });
});

describe('Discord faults', () => {
  it('keeps rate-limited progress edits from piling up', async () => {
    rig = await startRig({ env: { WAVESPEED_POLL_INTERVAL_MS: '10' } });
    rig.wavespeed.nextSubmit({ durationMs: 600 });
    const limited = rig.discord.fault({
      method: 'PATCH',
      route: '/webhooks/:applicationId/:token/messages/:messageId',
      status: 429,
      retryAfter: 0.3,
      times: 3,
    });
    const handle = rig.discord.sendCommand({ name: 'video', options: { prompt: 'throttled' } });
    await handle.waitForMessage(delivered, { timeoutMs: 10_000 });
    const edits = rig.discord.requestsTo('/webhooks/:applicationId/:token/messages/@original', 'PATCH');
    expect(limited.hits).toBe(3);
    // 60 polls happened; edits stay a handful: stage changes, the result and the 429 retries.
    expect(rig.wavespeed.resultCalls.length).toBeGreaterThan(20);
    expect(edits.length).toBeGreaterThan(limited.hits);
    expect(edits.length).toBeLessThanOrEqual(8);
  });

  it('retries the result after Discord 500s until it lands, posting it once', async () => {
    rig = await startRig();
    rig.discord.fault({
      method: 'PATCH',
      route: '/webhooks/:applicationId/:token/messages/:messageId',
      withFiles: true,
      status: 500,
      times: 6,
    });
    const handle = rig.discord.sendCommand({ name: 'video', options: { prompt: 'flaky discord' } });
    await handle.waitForMessage(delivered, { timeoutMs: 15_000 });
    expect(handle.messages()).toHaveLength(1);
    expect(await usedToday(rig)).toBe(1);
  });

  it('retries posting a failure that Discord refused with 500s, and refunds it', async () => {
    rig = await startRig();
    rig.wavespeed.fault('submit', { status: 500 });
    // discord.js tries each request 4 times: 4 fail the progress edit, 4 the failure's first post.
    rig.discord.fault({
      method: 'PATCH',
      route: '/webhooks/:applicationId/:token/messages/:messageId',
      status: 500,
      times: 8,
    });
    const handle = rig.discord.sendCommand({ name: 'video', options: { prompt: 'doubly unlucky' } });
    const final = await handle.waitForMessage((m) => /having trouble right now/.test(m.content), { timeoutMs: 15_000 });
    expect(handle.messages()).toEqual([final]);
    expect(handle.followups()).toEqual([]);
    expect(rig.wavespeed.submits).toHaveLength(1);
    expect(await usedToday(rig)).toBe(0);
  });

  it('submits nothing when the defer came too late (10062), and keeps serving', async () => {
    rig = await startRig();
    const late = rig.discord.sendCommand({ name: 'video', options: { prompt: 'late' } });
    late.expireAckDeadline();
    await rig.discord.waitForRequest((r) => r.errorCode === 10062);
    const next = rig.discord.sendCommand({ name: 'video', options: { prompt: 'on time' } });
    await next.waitForMessage(delivered);
    expect(rig.wavespeed.submits.map((s) => (s.body as { prompt: string }).prompt)).toEqual(['on time']);
  });

  it('posts in the channel, pinging only the member, once the reply token has expired (50027)', async () => {
    rig = await startRig();
    rig.wavespeed.nextSubmit({ durationMs: 300 });
    const handle = rig.discord.sendCommand({ name: 'video', options: { prompt: 'outlived @everyone' } });
    await rig.wavespeed.waitForSubmits(1);
    handle.expireToken();
    const posted = await rig.discord.waitForMessage((m) => m.origin === 'channel');
    expect(posted.attachments).toHaveLength(1);
    expect(posted.content.startsWith(`<@${rig.discord.userId}> `)).toBe(true);
    expect(posted.pings).toEqual({ everyone: false, users: [rig.discord.userId], roles: [] });
    expect(await usedToday(rig)).toBe(1);
  });

  it('falls back to a DM when the channel is closed to the bot (50013), then to the log', async () => {
    rig = await startRig();
    rig.discord.denyChannel(rig.discord.channelId);
    const dm = rig.discord.sendCommand({ name: 'video', options: { prompt: 'by DM' } });
    await rig.wavespeed.waitForSubmits(1);
    dm.expireToken();
    expect((await rig.discord.waitForMessage((m) => m.origin === 'dm')).attachments).toHaveLength(1);

    rig.discord.closeDms(rig.discord.userId);
    const nowhere = rig.discord.sendCommand({ name: 'video', options: { prompt: 'nowhere' } });
    const [, second] = await rig.wavespeed.waitForSubmits(2);
    nowhere.expireToken();
    const logged = await rig.waitForLog(/no route reached the member/);
    expect(logged).toContain(String(second?.predictionId));
    expect(logged).toContain('/outputs/');
    // The DM'd video counts; the one nobody could be shown is refunded.
    await rig.waitForLog(/"route":"log".*"delivered"/);
    expect(await usedToday(rig)).toBe(1);
  });
});

describe('NSFW-flagged videos follow the guild policy', () => {
  it('does not post a flagged video in an ordinary channel, and says why', async () => {
    rig = await startRig();
    rig.wavespeed.nextSubmit({ outcome: { status: 'completed', nsfw: true } });
    const handle = rig.discord.sendCommand({ name: 'video', options: { prompt: 'flagged' } });
    const final = await handle.waitForMessage(isFinal);
    expect(final.attachments).toEqual([]);
    expect(final.content).toMatch(/flagged this video as not safe for work/);
    expect(await usedToday(rig)).toBe(1);
  });

  it('posts a flagged video as a spoiler in an age-restricted channel', async () => {
    rig = await startRig();
    rig.wavespeed.nextSubmit({ outcome: { status: 'completed', nsfw: true } });
    rig.discord.setChannelNsfw(rig.discord.channelId, true);
    const handle = rig.discord.sendCommand({ name: 'video', options: { prompt: 'flagged' } });
    const final = await handle.waitForMessage(delivered);
    expect(final.attachments[0]?.filename).toMatch(/^SPOILER_/);
  });
});

describe('logs', () => {
  it('never contain the bot token, the API key or an interaction token, even at debug level', async () => {
    rig = await startRig();
    const handle = rig.discord.sendCommand({ name: 'video', options: { prompt: 'secretive' } });
    await rig.wavespeed.waitForSubmits(1);
    handle.expireToken();
    await rig.discord.waitForMessage((m) => m.origin === 'channel');
    await rig.waitForLog(/"delivered"/);
    const logs = rig.logs.join('');
    expect(logs).toContain('delivered');
    expect(logs).toMatch(/webhooks\/\d+\/\[redacted\]/);
    for (const secret of [rig.discord.token, rig.wavespeed.apiKey, handle.token]) expect(logs).not.toContain(secret);
  });
});

const skipReason = redisSkipReason();

describe.skipIf(skipReason !== undefined)(`store faults${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  it('pauses job steps while Redis is unreachable and resumes them when it returns, losing nothing', async () => {
    const port = await freePort();
    const redis = await startRedisServer(port);
    const link = await startCuttableLink(port);
    try {
      rig = await startRig({ env: { STORE_URL: `redis://127.0.0.1:${link.port}` } });
      rig.wavespeed.nextSubmit({ durationMs: 300 });
      const handle = rig.discord.sendCommand({ name: 'video', options: { prompt: 'store outage' } });
      // Cut once the job is polling: its steps wait in Redis, out of every process's reach.
      await rig.wavespeed.waitForResultCalls(1);
      await link.cut();
      await rig.waitForLog(/"msg":"job step queue error"/);
      expect(handle.messages().filter(delivered)).toHaveLength(0);

      await link.restore();
      await handle.waitForMessage(delivered, { timeoutMs: 10_000 });
      await rig.waitForLog(/"msg":"delivered"/);
      expect(handle.messages()).toHaveLength(1);
      expect(await usedToday(rig)).toBe(1);
    } finally {
      await rig?.close();
      rig = undefined;
      await link.close();
      await stopRedisServer(redis);
    }
  });
});
