import { createClient } from '@keyv/redis';
import { createNodeRedisClient, Queue } from 'bullmq';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLedger } from '../../src/quota/create-ledger.js';
import { openStore } from '../../src/store/store.js';
import { type DiscordStandIn, type RecordedMessage, startDiscordStandIn } from '../stand-ins/discord.js';
import { startWaveSpeedStandIn, type WaveSpeedStandIn } from '../stand-ins/wavespeed.js';
import { type BotProcess, startBotProcess } from '../support/bot-process.js';
import { ownRedis, redisSkipReason } from '../support/redis.js';
import { standInEnv } from '../support/stand-in-env.js';

/**
 * Two bot processes share one Redis, as two hosts would: either takes any job's next step, and
 * a process killed mid-job leaves its jobs to the survivor. Every job is still submitted once,
 * delivered once and counted once.
 */

const skipReason = redisSkipReason();
const redis = ownRedis();

let discord: DiscordStandIn;
let wavespeed: WaveSpeedStandIn;
const bots: BotProcess[] = [];

beforeEach(async () => {
  if (skipReason) return;
  // The suite's own server, emptied so that no bot resumes an earlier test's jobs.
  await redis.flush();
  [discord, wavespeed] = await Promise.all([startDiscordStandIn(), startWaveSpeedStandIn()]);
});

afterEach(async () => {
  if (skipReason) return;
  for (const bot of bots.splice(0)) {
    bot.child.kill('SIGKILL');
    await bot.exited();
  }
  await Promise.all([discord.close(), wavespeed.close()]);
});

/** Starts a bot process; gateway sessions are numbered in the order bots start. */
async function startBot(env: Record<string, string> = {}): Promise<BotProcess> {
  const bot = await startBotProcess({
    ...standInEnv(discord, wavespeed),
    WAVESPEED_POLL_INTERVAL_MS: '50',
    WAVESPEED_REQUEST_TIMEOUT_MS: '10000',
    STORE_URL: redis.url,
    // A killed process's step is taken over within about two seconds.
    JOB_STEP_LOCK_MS: '1000',
    QUOTA_USER_CONCURRENT: '10',
    QUOTA_USER_DAILY: '10',
    LOG_LEVEL: 'debug',
    ...env,
  });
  bots.push(bot);
  return bot;
}

async function stop(bot: BotProcess, signal: NodeJS.Signals): Promise<number | null> {
  bot.child.kill(signal);
  return bot.exited();
}

/** What the member's quota ledger says once every bot has stopped. */
async function usage() {
  const store = await openStore({ kind: 'redis', url: redis.url });
  try {
    return await createLedger(store).usage(discord.userId, discord.guildId, Date.now());
  } finally {
    await store.close();
  }
}

/** Resolves once the job waits for its next check as a delayed BullMQ job, between steps. */
async function waitUntilDelayed(jobId: string): Promise<void> {
  const client = createClient({ url: redis.url });
  const queue = new Queue('job-steps', { connection: createNodeRedisClient(client) });
  try {
    await vi.waitFor(async () => expect(await queue.getJobState(`job-${jobId}`)).toBe('delayed'), { interval: 10 });
  } finally {
    await queue.close();
    // BullMQ leaves a connection it was handed open; left so, it would fail once the server stops.
    if (client.isOpen) await client.close();
  }
}

const withVideo = (m: RecordedMessage) => m.attachments.length > 0;
const video = (prompt: string, connection: number) =>
  discord.sendCommand({ name: 'video', options: { prompt }, connection });

describe.skipIf(skipReason !== undefined)(
  `two bot processes on one Redis${skipReason ? ` (skipped: ${skipReason})` : ''}`,
  () => {
    it('delivers the jobs sent to either process, each exactly once', { timeout: 40_000 }, async () => {
      const processes = [await startBot(), await startBot()];
      await discord.waitForConnections(2);
      const handles = [0, 1, 0, 1].map((connection, i) => video(`shared work ${i}`, connection));
      await Promise.all(handles.map((handle) => handle.waitForMessage(withVideo, { timeoutMs: 20_000 })));
      for (const bot of processes) expect(await stop(bot, 'SIGTERM')).toBe(0);

      expect(handles.map((handle) => handle.deliveredTo)).toEqual([[0], [1], [0], [1]]);
      expect(wavespeed.submits).toHaveLength(4);
      for (const handle of handles) {
        expect(handle.messages()).toHaveLength(1);
        expect(handle.original()?.attachments).toHaveLength(1);
      }
      expect(await usage()).toMatchObject({ userUsed: 4, userInFlight: 0 });
    });

    it('finishes a generating job through the survivor when its process is killed', { timeout: 40_000 }, async () => {
      // Checks a second apart, so the job waits between them as a delayed step.
      const first = await startBot({ WAVESPEED_POLL_INTERVAL_MS: '1000' });
      const survivor = await startBot({ WAVESPEED_POLL_INTERVAL_MS: '1000' });
      await discord.waitForConnections(2);
      wavespeed.nextSubmit({ durationMs: 3_000 });
      const handle = video('outlives its process', 0);
      const [submit] = await wavespeed.waitForSubmits(1);
      await wavespeed.waitForResultCalls(1);
      await waitUntilDelayed(handle.id);
      await stop(first, 'SIGKILL');

      await handle.waitForMessage(withVideo, { timeoutMs: 20_000 });
      await survivor.waitForLine(/"msg":"delivered"/);
      expect(await stop(survivor, 'SIGTERM')).toBe(0);

      // Nothing was running in the killed process, so nothing waited for its lock to lapse.
      expect(survivor.lines.some((line) => line.includes('stopped answering mid-step'))).toBe(false);

      expect(wavespeed.submits).toHaveLength(1);
      expect(handle.messages()).toHaveLength(1);
      expect(handle.original()?.content).toContain(submit?.predictionId);
      expect(await usage()).toMatchObject({ userUsed: 1, userInFlight: 0 });
    });

    it('takes over a poll caught in a killed process once its lock lapses', { timeout: 40_000 }, async () => {
      const first = await startBot();
      // The first result check never answers, so the process is killed in the middle of that step.
      wavespeed.fault('result', { hang: true });
      const handle = video('caught mid-step', 0);
      await wavespeed.waitForResultCalls(1);
      const survivor = await startBot();
      await stop(first, 'SIGKILL');

      await survivor.waitForLine(/stopped answering mid-step; the step runs again/, 10_000);
      await handle.waitForMessage(withVideo, { timeoutMs: 20_000 });
      await survivor.waitForLine(/"msg":"delivered"/);
      expect(await stop(survivor, 'SIGTERM')).toBe(0);

      expect(wavespeed.submits).toHaveLength(1);
      expect(handle.messages()).toHaveLength(1);
      expect(await usage()).toMatchObject({ userUsed: 1, userInFlight: 0 });
    });
  },
);
