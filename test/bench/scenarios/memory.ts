/** Memory: the bot's RSS idle and with hundreds of jobs in flight, and what a full GC leaves. */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BotProcess } from '../bot-process.js';
import { type Scenario, withLog } from '../scenario.js';
import { onStage } from '../stage.js';
import { median } from '../stats.js';
import { sendVideos, VideoWatch } from '../traffic.js';

const JOBS = 500;
/**
 * Quiet time before each reading. Some seconds after activity stops, V8's memory reducer
 * runs a full GC and gives back the pages start-up garbage held; read before it, idle RSS
 * depended on whether it had run yet (83–96 MB across runs of the same build).
 */
const SETTLE_MS = 10_000;
const SAMPLES = 5;
const SAMPLE_INTERVAL_MS = 1_000;

/** The bot's memory as it stands, then after a forced full garbage collection. */
interface MemoryReading {
  readonly rssKb: number;
  readonly collected: { readonly rssKb: number; readonly heapKb: number };
}

export const memory: Scenario = {
  id: 'memory',
  title: `memory: bot RSS idle and with ${JOBS} jobs in flight`,
  async run() {
    const result = await onStage(
      // Generations outlast the scenario, so every job stays in flight.
      { label: 'memory', deadlineMs: 5 * 60_000, generation: { durationMs: 60 * 60_000 }, inspect: true },
      async ({ discord, wavespeed, bot }) => {
        const idle = await readMemory(bot);
        const watch = new VideoWatch(discord, sendVideos(discord, 'memory', JOBS));
        const { refused } = await watch.acks(60_000);
        if (refused > 0) throw new Error(`${refused} of ${JOBS} /video were not acknowledged in time`);
        await until(
          () => wavespeed.submits.filter((submit) => submit.predictionId).length >= JOBS,
          120_000,
          () => `${wavespeed.submits.length} of ${JOBS} jobs were submitted`,
        );
        return { idle, busy: await readMemory(bot) };
      },
    );
    const { idle, busy } = result.value;
    const perJob = (idleKb: number, busyKb: number) => (busyKb - idleKb) / JOBS;
    return withLog(result, {
      figures: [
        { label: 'RSS idle', value: idle.rssKb / 1024, unit: 'MB', digits: 1, target: 80 },
        { label: `RSS with ${JOBS} jobs in flight`, value: busy.rssKb / 1024, unit: 'MB', digits: 1 },
        { label: 'RSS per job in flight', value: perJob(idle.rssKb, busy.rssKb), unit: 'KB', digits: 1, target: 40 },
        {
          label: 'RSS per job, after a full GC',
          value: perJob(idle.collected.rssKb, busy.collected.rssKb),
          unit: 'KB',
          digits: 1,
        },
        {
          label: 'JS heap per job, after a full GC',
          value: perJob(idle.collected.heapKb, busy.collected.heapKb),
          unit: 'KB',
          digits: 1,
        },
      ],
      notes: [
        `RSS is VmRSS from /proc/<pid>/status, the median of ${SAMPLES} readings ${SAMPLE_INTERVAL_MS / 1000} s apart after ${SETTLE_MS / 1000} s of settling; idle is after login, before any /video; MB = 2^20 bytes`,
        `after a full GC (forced through the bot's inspector, opened only once the plain readings were taken): RSS ${mb(idle.collected.rssKb)} idle, ${mb(busy.collected.rssKb)} busy; JS heap used ${mb(idle.collected.heapKb)} idle, ${mb(busy.collected.heapKb)} busy`,
      ],
    });
  },
};

/** RSS once settled (a median, so one GC cycle does not decide it), then RSS and heap after a full GC. */
async function readMemory(bot: BotProcess): Promise<MemoryReading> {
  await sleep(SETTLE_MS);
  const readings: number[] = [];
  for (let sample = 0; sample < SAMPLES; sample += 1) {
    if (sample > 0) await sleep(SAMPLE_INTERVAL_MS);
    readings.push(await bot.rssKb());
  }
  const heapBytes = await bot.collectGarbage();
  return { rssKb: median(readings), collected: { rssKb: await bot.rssKb(), heapKb: heapBytes / 1024 } };
}

/** Checks `done` every 50 ms until it holds; the WaveSpeed stand-in has no timed wait of its own. */
async function until(done: () => boolean, timeoutMs: number, progress: () => string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() > deadline) throw new Error(`only ${progress()} after ${timeoutMs / 1000} s`);
    await sleep(50);
  }
}

function mb(kb: number): string {
  return `${(kb / 1024).toFixed(1)} MB`;
}
