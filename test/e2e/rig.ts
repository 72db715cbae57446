import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { commands } from '../../commands/index.js';
import { type Bot, startBot } from '../../src/bot.js';
import { type Config, parseConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import {
  type DiscordStandIn,
  type DiscordStandInOptions,
  type RecordedMessage,
  startDiscordStandIn,
} from '../stand-ins/discord.js';
import { startWaveSpeedStandIn, type WaveSpeedStandIn, type WaveSpeedStandInOptions } from '../stand-ins/wavespeed.js';
import { standInEnv } from '../support/stand-in-env.js';

/** The real bot, wired as `npm start` wires it, between the two loopback stand-ins. */
export interface Rig {
  discord: DiscordStandIn;
  wavespeed: WaveSpeedStandIn;
  bot: Bot;
  config: Config;
  /** Every log line the bot wrote, at debug level. */
  logs: string[];
  /** Resolves with the first log line (already written or still to come) matching `pattern`. */
  waitForLog(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Stops the bot gracefully and starts a new one on the same store and stand-ins. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export interface RigOptions {
  /** Environment on top of the rig's own (stand-in URLs, a fresh SQLite file, fast polling). */
  env?: Record<string, string>;
  discord?: DiscordStandInOptions;
  wavespeed?: WaveSpeedStandInOptions;
}

export async function startRig(options: RigOptions = {}): Promise<Rig> {
  const dir = mkdtempSync(join(tmpdir(), 'wan-bot-e2e-'));
  const discord = await startDiscordStandIn(options.discord);
  const wavespeed = await startWaveSpeedStandIn(options.wavespeed);
  const config = parseConfig({
    ...standInEnv(discord, wavespeed),
    WAVESPEED_POLL_INTERVAL_MS: '20',
    JOB_RETRY_DELAY_MS: '50',
    STORE_URL: `sqlite://${join(dir, 'bot.sqlite')}`,
    LOG_LEVEL: 'debug',
    ...options.env,
  });
  const logs: string[] = [];
  const logged = new EventEmitter();
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logs.push(String(chunk));
      logged.emit('line', String(chunk));
      done();
    },
  });
  const logger = createLogger({ ...config, secrets: [config.discord.token, config.wavespeed.apiKey] }, sink);
  const rig: Rig = {
    discord,
    wavespeed,
    config,
    logs,
    waitForLog(pattern, timeoutMs = 5_000) {
      const seen = logs.find((line) => pattern.test(line));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          logged.off('line', listener);
          reject(new Error(`no log line matched ${pattern} within ${timeoutMs} ms`));
        }, timeoutMs);
        const listener = (line: string) => {
          if (!pattern.test(line)) return;
          clearTimeout(timer);
          logged.off('line', listener);
          resolve(line);
        };
        logged.on('line', listener);
      });
    },
    bot: await startBot(config, logger, commands),
    async restart() {
      await rig.bot.stop();
      rig.bot = await startBot(config, logger, commands);
    },
    async close() {
      await rig.bot.stop();
      await Promise.all([discord.close(), wavespeed.close()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return rig;
}

/** Progress edits say which stage the job is at; the final message never does. */
export function isFinal(message: RecordedMessage): boolean {
  return (
    message.content !== '' &&
    !/In line for the studio|Sending your prompt|Queued · sent|Generating · started/.test(message.content)
  );
}
