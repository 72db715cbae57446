import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type DiscordStandIn, type RecordedMessage, startDiscordStandIn } from '../stand-ins/discord.js';
import { startWaveSpeedStandIn, type WaveSpeedStandIn } from '../stand-ins/wavespeed.js';
import { type BotProcess, startBotProcess } from '../support/bot-process.js';
import { standInEnv } from '../support/stand-in-env.js';

/** A bot process whose SQLite store goes away under it stops, loudly, and never serves beside another. */

let discord: DiscordStandIn;
let wavespeed: WaveSpeedStandIn;
let dir: string;
let path: string;
const bots: BotProcess[] = [];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wan-bot-store-loss-'));
  path = join(dir, 'store', 'bot.sqlite');
  [discord, wavespeed] = await Promise.all([startDiscordStandIn(), startWaveSpeedStandIn()]);
});

afterEach(async () => {
  for (const bot of bots.splice(0)) {
    bot.child.kill('SIGCONT');
    bot.child.kill('SIGKILL');
    await bot.exited();
  }
  await Promise.all([discord.close(), wavespeed.close()]);
  rmSync(dir, { recursive: true, force: true });
});

/** Starts a bot on the test's store; a refused one rejects with its exit code and last lines. */
async function startBot(): Promise<BotProcess> {
  const bot = await startBotProcess({
    ...standInEnv(discord, wavespeed),
    WAVESPEED_POLL_INTERVAL_MS: '50',
    STORE_URL: `sqlite://${path}`,
  });
  bots.push(bot);
  return bot;
}

/** The fatal line a bot logs when it gives up its store. */
const STORE_LOST_LINE = /"level":60.*"msg":"store lost"/;

const withVideo = (m: RecordedMessage) => m.attachments.length > 0;

describe('a bot whose SQLite store is removed while it runs', () => {
  it('logs a fatal line naming STORE_URL and exits non-zero, and a bot started meanwhile does not serve beside it', async () => {
    const first = await startBot();
    const events: string[] = [];
    const firstExit = first.exited().then((code) => {
      events.push('first exited');
      return code;
    });

    rmSync(join(dir, 'store'), { recursive: true, force: true });
    // An operator or a script starts another bot on the same setting at once: it finds a fresh
    // directory, lock file and all.
    const second = await startBot();
    events.push('second logged in');

    expect(await firstExit).toBe(1);
    const fatal = JSON.parse(await first.waitForLine(STORE_LOST_LINE)) as { err: { message: string } };
    expect(fatal.err.message).toMatch(/^STORE_URL: /);
    expect(fatal.err.message).toContain(path);
    expect(events).toEqual(['first exited', 'second logged in']);

    // Only the second is left to serve: one submit, one video.
    const handle = discord.sendCommand({ name: 'video', options: { prompt: 'after the loss' } });
    await handle.waitForMessage(withVideo, { timeoutMs: 10_000 });
    expect(wavespeed.submits).toHaveLength(1);
    expect(handle.messages()).toHaveLength(1);
    expect(second.child.exitCode).toBeNull();
  });
});

describe('a second bot on a store whose lock file was deleted', () => {
  it('is refused, naming STORE_URL, while the first runs; the first then reports its store lost and exits', async () => {
    const first = await startBot();
    // Paused, the first cannot notice its lock file going: the second's claim alone must hold it off.
    first.child.kill('SIGSTOP');
    rmSync(`${path}.lock`);

    await expect(startBot()).rejects.toThrow(
      /bot exited \(1\)[\s\S]*STORE_URL: another bot process is using .*\(pid \d+, running since .*; its lock file .* was deleted\)/,
    );

    first.child.kill('SIGCONT');
    expect(await first.exited()).toBe(1);
    const fatal = JSON.parse(await first.waitForLine(STORE_LOST_LINE)) as { err: { message: string } };
    expect(fatal.err.message).toContain(`STORE_URL: ${path}.lock was deleted or replaced`);
  });
});
