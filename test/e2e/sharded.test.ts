import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { type DiscordStandIn, type RecordedMessage, shardOf, startDiscordStandIn } from '../stand-ins/discord.js';
import { startWaveSpeedStandIn, type WaveSpeedStandIn } from '../stand-ins/wavespeed.js';
import { freePort, ownRedis, redisSkipReason } from '../support/redis.js';
import { standInEnv } from '../support/stand-in-env.js';

/** `npm run start:sharded` as an operator runs it: the launcher and its shard processes. */

const LAUNCHER = fileURLToPath(new URL('../../src/sharded.ts', import.meta.url));
const skipReason = redisSkipReason();

interface Launcher {
  readonly child: ChildProcess;
  /** Every line the launcher and its shards printed, stdout and stderr. */
  readonly lines: string[];
  readonly exited: Promise<number | null>;
}

const cleanups: Array<() => Promise<void> | void> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Runs the launcher with exactly `env` (plus PATH) in a process group of its own, so a failed test can end its shards too. */
function launch(env: Record<string, string>): Launcher {
  const child = spawn(process.execPath, ['--import', 'tsx', LAUNCHER], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const lines: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    if (stream) createInterface({ input: stream }).on('line', (line) => lines.push(line));
  }
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  cleanups.push(async () => {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      process.kill(-child.pid, 'SIGKILL');
      await exited;
    }
  });
  return { child, lines, exited };
}

describe('npm run start:sharded', () => {
  const required = { DISCORD_TOKEN: 'bot-token', WAVESPEED_API_KEY: 'ws-key' };

  it('refuses a SQLite store in one line naming STORE_URL, and starts no shard', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wan-bot-sharded-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const launcher = launch({ ...required, SHARD_COUNT: '2', STORE_URL: `sqlite://${join(dir, 'bot.sqlite')}` });

    expect(await launcher.exited).toBe(1);
    expect(launcher.lines).toEqual([expect.stringMatching(/^STORE_URL: start:sharded needs redis:\/\//)]);
  });

  it('refuses to guess the shard count, naming SHARD_COUNT', async () => {
    // Only parsed: the launcher refuses before connecting, and nothing listens there.
    const launcher = launch({ ...required, STORE_URL: `redis://127.0.0.1:${await freePort()}` });

    expect(await launcher.exited).toBe(1);
    expect(launcher.lines).toEqual([expect.stringMatching(/^SHARD_COUNT: start:sharded needs a shard count/)]);
  });

  describe.skipIf(skipReason !== undefined)(`on Redis${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
    const redis = ownRedis();
    let discord: DiscordStandIn;
    let wavespeed: WaveSpeedStandIn;

    it('runs two shards, serves /video on the second and stops both on SIGTERM', { timeout: 60_000 }, async () => {
      [discord, wavespeed] = await Promise.all([
        startDiscordStandIn({ guilds: 2, recommendedShards: 2 }),
        startWaveSpeedStandIn(),
      ]);
      cleanups.push(() => Promise.all([discord.close(), wavespeed.close()]).then(() => {}));
      const launcher = launch({
        ...standInEnv(discord, wavespeed),
        WAVESPEED_POLL_INTERVAL_MS: '50',
        STORE_URL: redis.url,
        SHARD_COUNT: '2',
      });

      // discord.js spaces shard starts by 5.5 s, Discord's identify limit.
      await discord.waitForConnections(2, { timeoutMs: 30_000 });
      expect(discord.sessions.map((session) => session.shard)).toEqual([
        [0, 2],
        [1, 2],
      ]);
      const guild = discord.guilds.find((candidate) => shardOf(candidate.id, 2) === 1);
      if (!guild) throw new Error('expected a guild on shard 1');
      const handle = discord.sendCommand({ name: 'video', guildId: guild.id, options: { prompt: 'from shard 1' } });
      expect(handle.deliveredTo).toEqual([1]);
      await handle.waitForMessage((m: RecordedMessage) => m.attachments.length > 0, { timeoutMs: 15_000 });

      launcher.child.kill('SIGTERM');
      expect(await launcher.exited).toBe(0);
      expect(launcher.lines.filter((line) => line.includes('"msg":"shutting down"'))).toHaveLength(2);
      expect(launcher.lines.some((line) => line.includes('"msg":"shards stopped"'))).toBe(true);
    });
  });
});
