/**
 * Memory: the bot's RSS idle and with hundreds of jobs in flight, what a full GC leaves, and
 * what a burst of the same jobs all at once leaves behind.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { InteractionHandle } from '../../stand-ins/discord.js';
import { mb, QUIET_SAMPLES, readCollected, readSettledRss, SAMPLE_INTERVAL_MS, SETTLE_MS } from '../memory-readings.js';
import { type Scenario, withLog } from '../scenario.js';
import { onStage, type Stage } from '../stage.js';
import { sendVideos, VideoWatch } from '../traffic.js';

const JOBS = 500;
/**
 * How fast the jobs of the steady reading arrive: a busy server's pace, which does not leave
 * the heap of one instant's burst in the reading (the burst has a figure of its own).
 */
const ARRIVALS_PER_SECOND = 50;
/**
 * Readings 1 s apart, of which the median counts. With jobs polling, the heap saws between
 * collections about ten seconds apart: twenty readings span two of them.
 */
const STEADY_SAMPLES = 20;
/** Generations outlast the scenario, so every job stays in flight. */
const STAGE = { deadlineMs: 5 * 60_000, generation: { durationMs: 60 * 60_000 } };

export const memory: Scenario = {
  id: 'memory',
  title: `memory: bot RSS idle and with ${JOBS} jobs in flight`,
  async run() {
    const steady = await onStage({ ...STAGE, label: 'memory', inspect: true }, async (stage) => {
      const idle = await readSettledRss(stage.bot, QUIET_SAMPLES);
      const idleCollected = await readCollected(stage.bot);
      await arrive(stage, () => arriving(stage, JOBS));
      const busy = await readSettledRss(stage.bot, STEADY_SAMPLES);
      return { idle, idleCollected, busy, busyCollected: await readCollected(stage.bot) };
    });
    const burst = await onStage({ ...STAGE, label: 'memory-burst' }, async (stage) => {
      const idle = await readSettledRss(stage.bot, QUIET_SAMPLES);
      await arrive(stage, () => sendVideos(stage.discord, 'memory', JOBS));
      return { idle, busy: await readSettledRss(stage.bot, QUIET_SAMPLES) };
    });

    const { idle, idleCollected, busy, busyCollected } = steady.value;
    const perJob = (idleKb: number, busyKb: number) => (busyKb - idleKb) / JOBS;
    return withLog([steady, burst], {
      figures: [
        { label: 'RSS idle', value: idle.kb / 1024, unit: 'MB', digits: 1, target: 80 },
        { label: `RSS with ${JOBS} jobs in flight`, value: busy.kb / 1024, unit: 'MB', digits: 1 },
        { label: 'RSS per job in flight', value: perJob(idle.kb, busy.kb), unit: 'KB', digits: 1, target: 40 },
        {
          label: 'RSS per job, after a full GC',
          value: perJob(idleCollected.rssKb, busyCollected.rssKb),
          unit: 'KB',
          digits: 1,
        },
        {
          label: 'JS heap per job, after a full GC',
          value: perJob(idleCollected.heapKb, busyCollected.heapKb),
          unit: 'KB',
          digits: 1,
        },
        {
          label: `RSS per job, 10 s after ${JOBS} at once`,
          value: perJob(burst.value.idle.kb, burst.value.busy.kb),
          unit: 'KB',
          digits: 1,
        },
      ],
      notes: [
        `RSS is VmRSS from /proc/<pid>/status, the median of readings ${SAMPLE_INTERVAL_MS / 1000} s apart after ${SETTLE_MS / 1000} s of settling: ${QUIET_SAMPLES} idle (after login, before any /video), ${STEADY_SAMPLES} with the jobs in flight; MB = 2^20 bytes`,
        `in flight: ${JOBS} /video at ${ARRIVALS_PER_SECOND} a second, each polled at WaveSpeed's 5-s guidance; RSS over the ${STEADY_SAMPLES} readings ${range(busy.readings)}`,
        `after a full GC (forced through the bot's inspector, opened only once the plain readings were taken): RSS ${mb(idleCollected.rssKb)} idle, ${mb(busyCollected.rssKb)} busy; JS heap used ${mb(idleCollected.heapKb)} idle, ${mb(busyCollected.heapKb)} busy`,
        `at once: a second bot, ${JOBS} /video in one instant; RSS ${mb(burst.value.idle.kb)} idle, ${mb(burst.value.busy.kb)} 10 s after the last was submitted, while V8 still holds the burst's heap pages`,
      ],
    });
  },
};

/** Sends the jobs, checks every one was acknowledged and submitted, then lets the bot settle. */
async function arrive({ discord, wavespeed }: Stage, send: () => InteractionHandle[] | Promise<InteractionHandle[]>) {
  const watch = new VideoWatch(discord, await send());
  const { refused } = await watch.acks(60_000);
  if (refused > 0) throw new Error(`${refused} of ${JOBS} /video were not acknowledged in time`);
  await until(
    () => wavespeed.submits.filter((submit) => submit.predictionId).length >= JOBS,
    120_000,
    () => `${wavespeed.submits.length} of ${JOBS} jobs were submitted`,
  );
}

/** `count` /video, `ARRIVALS_PER_SECOND` at a time, a second apart. */
async function arriving({ discord }: Stage, count: number): Promise<InteractionHandle[]> {
  const handles: InteractionHandle[] = [];
  for (let first = 0; first < count; first += ARRIVALS_PER_SECOND) {
    if (first > 0) await sleep(1_000);
    handles.push(...sendVideos(discord, 'memory', Math.min(ARRIVALS_PER_SECOND, count - first), 1 + first));
  }
  return handles;
}

/** Checks `done` every 50 ms until it holds; the WaveSpeed stand-in has no timed wait of its own. */
async function until(done: () => boolean, timeoutMs: number, progress: () => string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() > deadline) throw new Error(`only ${progress()} after ${timeoutMs / 1000} s`);
    await sleep(50);
  }
}

function range(readingsKb: readonly number[]): string {
  return `${mb(Math.min(...readingsKb))} to ${mb(Math.max(...readingsKb))}`;
}
