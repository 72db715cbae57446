/**
 * Reading the bot's memory from `/proc`: settled RSS, as the memory scenarios read it, and
 * the peak while something runs.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { BotProcess } from './bot-process.js';
import { max, median } from './stats.js';

/**
 * Quiet time before each settled reading. Some seconds after activity stops, V8's memory
 * reducer runs a full GC and gives back the pages start-up garbage held; read before it,
 * idle RSS depended on whether it had run yet (83–96 MB across runs of the same build).
 */
export const SETTLE_MS = 10_000;
/** Idle, and after activity, the heap is not sawing; a few readings do. */
export const QUIET_SAMPLES = 5;
export const SAMPLE_INTERVAL_MS = 1_000;
/** How often {@link PeakRss} reads VmRSS: the figure is VmHWM, these show its course. */
const PEAK_SAMPLE_INTERVAL_MS = 100;

/** RSS in KiB once settled: the median of `samples` readings, and the readings themselves. */
export async function readSettledRss(bot: BotProcess, samples: number): Promise<{ kb: number; readings: number[] }> {
  await sleep(SETTLE_MS);
  const readings: number[] = [];
  for (let sample = 0; sample < samples; sample += 1) {
    if (sample > 0) await sleep(SAMPLE_INTERVAL_MS);
    readings.push(await bot.rssKb());
  }
  return { kb: median(readings), readings };
}

/** RSS and JS heap in KiB after a full garbage collection, forced through the bot's inspector. */
export async function readCollected(bot: BotProcess): Promise<{ rssKb: number; heapKb: number }> {
  const heapBytes = await bot.collectGarbage();
  return { rssKb: await bot.rssKb(), heapKb: heapBytes / 1024 };
}

/** What {@link PeakRss.stop} found. */
export interface Peak {
  /** KiB: VmHWM since the start, or the highest reading when VmHWM could not be reset. */
  readonly kb: number;
  /** Whether VmHWM was reset at the start, so start-up cannot be the peak. */
  readonly exact: boolean;
  /** VmRSS in KiB every 100 ms meanwhile. */
  readonly readings: readonly number[];
}

/**
 * The bot's peak RSS over a stretch of work: VmHWM, reset at the start, so no short spike
 * between readings is missed; VmRSS every 100 ms beside it, for the course of the peak.
 */
export class PeakRss {
  readonly #bot: BotProcess;
  readonly #exact: boolean;
  readonly #readings: number[] = [];
  readonly #timer: NodeJS.Timeout;

  private constructor(bot: BotProcess, exact: boolean) {
    this.#bot = bot;
    this.#exact = exact;
    this.#timer = setInterval(() => {
      // A reading that fails (the bot stopping) is simply missing; the VmHWM read reports a dead bot.
      bot.rssKb().then(
        (kb) => this.#readings.push(kb),
        () => {},
      );
    }, PEAK_SAMPLE_INTERVAL_MS);
  }

  static async start(bot: BotProcess): Promise<PeakRss> {
    return new PeakRss(bot, await bot.resetPeakRss());
  }

  async stop(): Promise<Peak> {
    clearInterval(this.#timer);
    const readings = [...this.#readings];
    // Unreset, VmHWM may be start-up's peak: only the readings then say what this stretch reached.
    const hwm = this.#exact ? await this.#bot.peakRssKb() : 0;
    return { kb: Math.max(hwm, ...readings), exact: this.#exact, readings };
  }
}

/** The peak's note: how it was taken, and its readings' range. */
export function describePeak(peak: Peak): string {
  const how = peak.exact
    ? 'VmHWM, reset through /proc/<pid>/clear_refs just before'
    : 'VmHWM could not be reset, so it may be start-up: the peak is the highest VmRSS reading';
  return `${how}; VmRSS read every ${PEAK_SAMPLE_INTERVAL_MS} ms meanwhile (${peak.readings.length} readings, highest ${peak.readings.length > 0 ? mb(max(peak.readings)) : 'none'})`;
}

/** KiB as MB (2^20 bytes), one decimal. */
export function mb(kb: number): string {
  return `${(kb / 1024).toFixed(1)} MB`;
}
