import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLedger } from '../../src/quota/create-ledger.js';
import { openStore } from '../../src/store/store.js';
import { type DiscordStandIn, type RecordedMessage, startDiscordStandIn } from '../stand-ins/discord.js';
import { startWaveSpeedStandIn, type WaveSpeedStandIn } from '../stand-ins/wavespeed.js';
import { type BotProcess, startBotProcess } from '../support/bot-process.js';
import { standInEnv } from '../support/stand-in-env.js';

/** Jobs survive the bot process dying: every accepted job is delivered exactly once. */

let discord: DiscordStandIn;
let wavespeed: WaveSpeedStandIn;
let dir: string;
const bots: BotProcess[] = [];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wan-bot-restart-'));
  [discord, wavespeed] = await Promise.all([startDiscordStandIn(), startWaveSpeedStandIn()]);
});

afterEach(async () => {
  for (const bot of bots.splice(0)) {
    bot.child.kill('SIGKILL');
    await bot.exited();
  }
  await Promise.all([discord.close(), wavespeed.close()]);
  rmSync(dir, { recursive: true, force: true });
});

async function startBot(env: Record<string, string> = {}): Promise<BotProcess> {
  const bot = await startBotProcess({
    ...standInEnv(discord, wavespeed),
    WAVESPEED_POLL_INTERVAL_MS: '50',
    WAVESPEED_REQUEST_TIMEOUT_MS: '1000',
    STORE_URL: `sqlite://${join(dir, 'bot.sqlite')}`,
    LOG_LEVEL: 'debug',
    ...env,
  });
  bots.push(bot);
  return bot;
}

async function kill(bot: BotProcess): Promise<void> {
  bot.child.kill('SIGKILL');
  await bot.exited();
}

/** What the member's quota ledger says once every bot has stopped. */
async function usage() {
  const store = await openStore({ kind: 'sqlite', path: join(dir, 'bot.sqlite') });
  try {
    return await createLedger(store).usage(discord.userId, discord.guildId, Date.now());
  } finally {
    await store.close();
  }
}

const withVideo = (m: RecordedMessage) => m.attachments.length > 0;

describe('a bot killed with SIGKILL', () => {
  it('resumes a generating job after a restart: one submit, one delivery, quota counted once', async () => {
    const first = await startBot();
    wavespeed.nextSubmit({ durationMs: 1_500 });
    const handle = discord.sendCommand({ name: 'video', options: { prompt: 'survives a crash' } });
    const [submit] = await wavespeed.waitForSubmits(1);
    await wavespeed.waitForResultCalls(1);
    await kill(first);

    const second = await startBot();
    await second.waitForLine(/"resumed":1/);
    await handle.waitForMessage(withVideo, { timeoutMs: 10_000 });
    await second.waitForLine(/"msg":"delivered"/);
    await kill(second);

    expect(wavespeed.submits).toHaveLength(1);
    expect(handle.messages()).toHaveLength(1);
    expect(handle.original()?.content).toContain(submit?.predictionId);
    expect(await usage()).toMatchObject({ userUsed: 1, userInFlight: 0 });
  });

  it('keeps a job waiting in line through a restart, and submits it only once a slot frees', async () => {
    const oneSlot = { WAVESPEED_MAX_CONCURRENCY: '1' };
    const first = await startBot(oneSlot);
    wavespeed.nextSubmit({ durationMs: 1_500 });
    const generating = discord.sendCommand({ name: 'video', options: { prompt: 'at the studio' } });
    await wavespeed.waitForSubmits(1);
    const waiting = discord.sendCommand({
      name: 'video',
      options: { prompt: 'in line' },
      userId: '300000000000000001',
    });
    await waiting.waitForMessage((m) => m.content.includes('In line for the studio'));
    await kill(first);

    const second = await startBot(oneSlot);
    await second.waitForLine(/"resumed":2/);
    await generating.waitForMessage(withVideo, { timeoutMs: 10_000 });
    await waiting.waitForMessage(withVideo, { timeoutMs: 10_000 });
    await kill(second);

    const [atStudio, fromLine] = wavespeed.submits;
    expect(wavespeed.submits).toHaveLength(2);
    expect(fromLine?.at).toBeGreaterThanOrEqual((atStudio?.at ?? Number.POSITIVE_INFINITY) + 1_500);
    expect(waiting.messages()).toHaveLength(1);
  });

  it('does not post twice when killed between posting the video and recording it', async () => {
    const first = await startBot();
    const handle = discord.sendCommand({ name: 'video', options: { prompt: 'posted at the last moment' } });
    // Killed the instant Discord has the video, before the bot hears back or records anything.
    await discord.waitFor(() => handle.messages().find(withVideo) && first.child.kill('SIGKILL'));
    await first.exited();

    const second = await startBot();
    await second.waitForLine(/"msg":"delivered"/);
    await kill(second);

    expect(wavespeed.submits).toHaveLength(1);
    expect(handle.messages()).toHaveLength(1);
    expect(handle.original()?.attachments).toHaveLength(1);
    expect(await usage()).toMatchObject({ userUsed: 1, userInFlight: 0 });
  });

  it('does not post a channel message twice when killed right after it (the nonce holds)', async () => {
    const first = await startBot();
    wavespeed.nextSubmit({ durationMs: 300 });
    const handle = discord.sendCommand({ name: 'video', options: { prompt: 'to the channel' } });
    await wavespeed.waitForSubmits(1);
    handle.expireToken();
    await discord.waitFor(() => discord.messages.find((m) => m.origin === 'channel') && first.child.kill('SIGKILL'));
    await first.exited();

    const second = await startBot();
    await second.waitForLine(/"msg":"delivered"/);
    await kill(second);

    expect(discord.messages.filter((m) => m.origin === 'channel')).toHaveLength(1);
    expect(await usage()).toMatchObject({ userUsed: 1, userInFlight: 0 });
  });

  it('fails and refunds a job caught mid-submit, and never sends it again', async () => {
    const first = await startBot();
    wavespeed.fault('submit', { hang: true });
    const handle = discord.sendCommand({ name: 'video', options: { prompt: 'in limbo' } });
    await wavespeed.waitForSubmits(1);
    await kill(first);
    wavespeed.clearFaults();

    const second = await startBot();
    const final = await handle.waitForMessage((m) => /lost track of this request/.test(m.content));
    await second.waitForLine(/"msg":"delivered"/);
    await kill(second);

    expect(final.content).toContain('It was not sent again');
    expect(wavespeed.submits).toHaveLength(1);
    expect(await usage()).toMatchObject({ userUsed: 0, userInFlight: 0 });
  });
});

describe('a bot stopped with SIGTERM', () => {
  it('exits cleanly within seconds and the next process delivers the job', async () => {
    const first = await startBot();
    wavespeed.nextSubmit({ durationMs: 1_500 });
    const handle = discord.sendCommand({ name: 'video', options: { prompt: 'redeployed' } });
    await wavespeed.waitForResultCalls(1);
    first.child.kill('SIGTERM');
    expect(await first.exited()).toBe(0);
    expect(first.lines.some((line) => line.includes('"msg":"shutting down"'))).toBe(true);

    const second = await startBot();
    await handle.waitForMessage(withVideo, { timeoutMs: 10_000 });
    await kill(second);
    expect(wavespeed.submits).toHaveLength(1);
  });
});

describe('a second bot on the same SQLite file', () => {
  it('is refused at start, naming STORE_URL, while the first keeps serving', async () => {
    await startBot();

    // startBot waits for the login, so it reports the second process's exit and last lines.
    await expect(startBot()).rejects.toThrow(/bot exited \(1\)[\s\S]*STORE_URL: another bot process is using/);

    const handle = discord.sendCommand({ name: 'video', options: { prompt: 'still here' } });
    await handle.waitForMessage(withVideo, { timeoutMs: 10_000 });
    expect(wavespeed.submits).toHaveLength(1);
  });
});
