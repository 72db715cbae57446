/**
 * One scenario's world: fresh Discord and WaveSpeed stand-ins in this process, and a fresh
 * bot process with its own SQLite file between them, torn down whatever happens.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type DiscordStandIn, startDiscordStandIn } from '../stand-ins/discord.js';
import { type SubmitScript, startWaveSpeedStandIn, type WaveSpeedStandIn } from '../stand-ins/wavespeed.js';
import { standInEnv } from '../support/stand-in-env.js';
import type { LogEntry } from './bot-log.js';
import { BotProcess, type StopStatus } from './bot-process.js';

/** What a scenario runs against. */
export interface Stage {
  readonly discord: DiscordStandIn;
  readonly wavespeed: WaveSpeedStandIn;
  readonly bot: BotProcess;
}

export interface StageOptions {
  /** Names the scenario in failure messages. */
  readonly label: string;
  /** The bot's login and the scenario must end within this (teardown is bounded on its own). */
  readonly deadlineMs: number;
  /** Bot environment on top of the stage's own (stand-in URLs, store, `LOG_LEVEL=warn`). */
  readonly env?: Readonly<Record<string, string>>;
  /** What every unscripted generation does. */
  readonly generation?: SubmitScript;
  /** Let {@link BotProcess.collectGarbage} open the bot's inspector. */
  readonly inspect?: boolean;
}

/** What a scenario returned, with what the bot logged meanwhile and how it stopped. */
export interface StageResult<T> {
  readonly value: T;
  readonly log: LogEntry[];
  /** Anything odd about the bot's shutdown; empty when it exited cleanly on SIGTERM. */
  readonly shutdown: string[];
}

/** A scenario that could not finish; its message says why and ends with the bot's last lines. */
export class ScenarioError extends Error {
  override name = 'ScenarioError';
}

const LOGIN_TIMEOUT_MS = 30_000;
/** The bot's own stop waits up to 5 s for running steps; this leaves room for the rest. */
const STOP_GRACE_MS = 15_000;
/** Time for the bot to finish its start-up (ready, resume) after its gateway session opens. */
const SETTLE_MS = 3_000;

/** Runs `scenario` on a fresh stage and tears it down. Throws {@link ScenarioError} if it cannot finish. */
export async function onStage<T>(
  options: StageOptions,
  scenario: (stage: Stage) => Promise<T>,
): Promise<StageResult<T>> {
  const dir = mkdtempSync(join(tmpdir(), `wan-bot-bench-${options.label}-`));
  let discord: DiscordStandIn | undefined;
  let wavespeed: WaveSpeedStandIn | undefined;
  let bot: BotProcess | undefined;
  try {
    discord = await startDiscordStandIn();
    wavespeed = await startWaveSpeedStandIn({ defaults: options.generation ?? {} });
    bot = await BotProcess.start({
      cwd: dir,
      inspect: options.inspect ?? false,
      env: {
        ...standInEnv(discord, wavespeed),
        STORE_URL: `sqlite://${join(dir, 'bot.sqlite')}`,
        LOG_LEVEL: 'warn',
        // A high-tier account: the bench measures the bot, so no job waits in line for a generation slot.
        WAVESPEED_MAX_CONCURRENCY: '1000',
        ...options.env,
      },
    });
    const stage: Stage = { discord, wavespeed, bot };
    const value = await raceExitAndDeadline(bot, options, async () => {
      await stage.discord.waitForConnections(1, { timeoutMs: LOGIN_TIMEOUT_MS, description: 'the bot to log in' });
      await sleep(SETTLE_MS);
      return scenario(stage);
    });
    const shutdown = describeShutdown(await bot.stop(STOP_GRACE_MS));
    return { value, log: bot.log.entries, shutdown };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const tail = bot ? `\nLast lines from the bot:\n${bot.log.tail.join('\n') || '(none)'}` : '';
    throw new ScenarioError(`${options.label}: ${reason}${tail}`, { cause: error });
  } finally {
    await bot?.stop(STOP_GRACE_MS);
    await Promise.all([discord?.close(), wavespeed?.close()]);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs `work`, failing early if the bot dies or the deadline passes. */
async function raceExitAndDeadline<T>(bot: BotProcess, options: StageOptions, work: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<{ kind: 'deadline' }>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'deadline' }), options.deadlineMs);
  });
  try {
    const outcome = await Promise.race([
      work().then((value) => ({ kind: 'done' as const, value })),
      bot.exited.then((status) => ({ kind: 'exited' as const, status })),
      deadline,
    ]);
    if (outcome.kind === 'done') return outcome.value;
    if (outcome.kind === 'exited') {
      throw new Error(`the bot exited unexpectedly (code ${outcome.status.code}, signal ${outcome.status.signal})`);
    }
    throw new Error(`did not finish within ${options.deadlineMs / 1000} s`);
  } finally {
    clearTimeout(timer);
  }
}

function describeShutdown(status: StopStatus): string[] {
  if (status.killed) return [`the bot did not exit within ${STOP_GRACE_MS / 1000} s of SIGTERM and was killed`];
  if (status.code !== 0) return [`the bot exited with code ${status.code} (signal ${status.signal}) on SIGTERM`];
  return [];
}
