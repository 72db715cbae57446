/**
 * Delivery lag and result calls: how long a finished video waits before it reaches Discord,
 * and how many result calls the bot spends per job, for jobs of 30-50 s.
 */
import { performance } from 'node:perf_hooks';
import { type Scenario, seconds, withLog } from '../scenario.js';
import { onStage, type Stage } from '../stage.js';
import { max, mean, median, percentile } from '../stats.js';
import { promptOf, sendVideos, VideoWatch } from '../traffic.js';

const JOBS = 30;
/** Run one after the other on the same bot and store, which learns from finished jobs. */
const WAVES = ['fresh store', 'second wave'] as const;
const SHORTEST_MS = 30_000;
const LONGEST_MS = 50_000;
/** About what a five-second 480p clip weighs, so delivery includes a realistic download and upload. */
const OUTPUT_BYTES = 1024 * 1024;
/** The bot's default `WAVESPEED_POLL_INTERVAL_MS`. */
const DEFAULT_POLL_INTERVAL_MS = 5_000;

/** One job: completion at the stand-in → video at Discord, and the result calls it cost. */
interface LagJob {
  readonly durationMs: number;
  readonly lagMs: number;
  readonly resultCalls: number;
}

export const lag: Scenario = {
  id: 'lag',
  title: `delivery lag and result calls: ${WAVES.length} waves of ${JOBS} jobs of ${SHORTEST_MS / 1000}-${LONGEST_MS / 1000} s`,
  async run({ timeScale }) {
    const durationsMs = Array.from(
      { length: JOBS },
      (_, index) => (SHORTEST_MS + ((LONGEST_MS - SHORTEST_MS) * index) / (JOBS - 1)) / timeScale,
    );
    const pollIntervalMs = Math.max(10, Math.round(DEFAULT_POLL_INTERVAL_MS / timeScale));
    const result = await onStage(
      {
        label: 'lag',
        deadlineMs: WAVES.length * max(durationsMs) + 3 * 60_000,
        // The default configuration is what is measured; only a scaled run shortens the interval.
        ...(timeScale !== 1 && { env: { WAVESPEED_POLL_INTERVAL_MS: String(pollIntervalMs) } }),
      },
      async (stage) => {
        const waves: LagJob[][] = [];
        // The second wave runs on what the first taught the bot.
        for (const [index, wave] of WAVES.entries()) waves.push(await runWave(stage, index, wave, durationsMs));
        return waves;
      },
    );
    const waves = result.value.map((jobs, index) => ({ name: WAVES[index] ?? `wave ${index + 1}`, jobs }));
    const polling =
      timeScale === 1
        ? `the bot's default poll interval (WAVESPEED_POLL_INTERVAL_MS unset, ${DEFAULT_POLL_INTERVAL_MS} ms)`
        : `time scale ${timeScale}: durations ${seconds(durationsMs[0] ?? 0)}-${seconds(max(durationsMs))}, WAVESPEED_POLL_INTERVAL_MS=${pollIntervalMs}`;
    return withLog(result, {
      figures: waves.flatMap(({ name, jobs }) => {
        const lagsS = jobs.map((job) => job.lagMs / 1000);
        const calls = jobs.map((job) => job.resultCalls);
        return [
          { label: `${name}: delivery lag median`, value: median(lagsS), unit: 's', digits: 2, target: 1.0 },
          { label: `${name}: delivery lag p95`, value: percentile(lagsS, 0.95), unit: 's', digits: 2 },
          { label: `${name}: result calls per job, mean`, value: mean(calls), unit: 'calls', digits: 1, target: 12 },
          { label: `${name}: result calls per job, max`, value: max(calls), unit: 'calls', digits: 0 },
        ];
      }),
      notes: [
        `each wave: ${JOBS} jobs sent at once, durations evenly spread over ${SHORTEST_MS / 1000}-${LONGEST_MS / 1000} s (mean 40 s), ${OUTPUT_BYTES / 2 ** 20} MiB videos; the second wave starts once the first is delivered, on the same bot and store`,
        polling,
      ],
      samples: Object.fromEntries(
        waves.flatMap(({ name, jobs }) => [
          [`${name}: duration s`, jobs.map((job) => round(job.durationMs / 1000, 2))],
          [`${name}: lag s`, jobs.map((job) => round(job.lagMs / 1000, 3))],
          [`${name}: result calls`, jobs.map((job) => job.resultCalls)],
        ]),
      ),
    });
  },
};

/** Sends one wave of `/video`, whose generations take `durationsMs`, and measures each job. */
async function runWave(
  { discord, wavespeed }: Stage,
  index: number,
  wave: string,
  durationsMs: readonly number[],
): Promise<LagJob[]> {
  const firstSubmit = wavespeed.submits.length;
  // The stand-in scripts submits in arrival order, so this wave's k-th submit runs durationsMs[k].
  for (const durationMs of durationsMs) wavespeed.nextSubmit({ durationMs, outputBytes: OUTPUT_BYTES });
  const epochOffsetMs = Date.now() - performance.now();
  const handles = sendVideos(discord, wave, durationsMs.length, 1 + index * durationsMs.length);
  const watch = new VideoWatch(discord, handles);
  const { refused } = await watch.acks(30_000);
  if (refused > 0) throw new Error(`${wave}: ${refused} of ${handles.length} /video were not acknowledged in time`);
  const arrivals = await watch.deliveries(max(durationsMs) + 2 * 60_000);

  const submits = wavespeed.submits.slice(firstSubmit);
  if (submits.length !== handles.length || submits.some((submit) => submit.predictionId === undefined)) {
    throw new Error(`${wave}: expected ${handles.length} accepted submits, the stand-in saw ${submits.length}`);
  }
  const byPrompt = new Map(submits.map((submit, order) => [promptIn(submit.body), { submit, order }]));
  return handles.map((handle, job) => {
    const submitted = byPrompt.get(promptOf(wave, job));
    const durationMs = submitted && durationsMs[submitted.order];
    const arrivedAt = arrivals.get(handle);
    if (!submitted?.submit.predictionId || durationMs === undefined || arrivedAt === undefined) {
      throw new Error(`${wave}: no submit or no delivery for /video #${job}`);
    }
    // The stand-in starts a generation as it records the submit, so it completes at `at + duration`.
    const completedAt = submitted.submit.at + durationMs;
    return {
      durationMs,
      // Arrival is on the Discord stand-in's performance clock; the submit time is epoch.
      lagMs: epochOffsetMs + arrivedAt - completedAt,
      resultCalls: wavespeed.resultCallsFor(submitted.submit.predictionId),
    };
  });
}

function promptIn(body: unknown): string | undefined {
  return typeof body === 'object' && body !== null && 'prompt' in body && typeof body.prompt === 'string'
    ? body.prompt
    : undefined;
}

function round(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}
