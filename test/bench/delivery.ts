/**
 * Waves of 30-50 s jobs and how long each finished video waits before it reaches Discord:
 * what the lag (polling) and webhook scenarios share, so their figures compare.
 */
import { performance } from 'node:perf_hooks';
import { seconds } from './scenario.js';
import type { Stage } from './stage.js';
import { max } from './stats.js';
import { promptOf, sendVideos, VideoWatch } from './traffic.js';

/** Jobs in a wave, all sent at once. */
export const WAVE_JOBS = 30;
export const SHORTEST_MS = 30_000;
export const LONGEST_MS = 50_000;
/** About what a five-second 480p clip weighs, so delivery includes a realistic download and upload. */
export const OUTPUT_BYTES = 1024 * 1024;
/** The bot's default `WAVESPEED_POLL_INTERVAL_MS`. */
const DEFAULT_POLL_INTERVAL_MS = 5_000;

/** One job: completion at the stand-in → video at Discord, and the result calls it cost. */
export interface DeliveredJob {
  readonly durationMs: number;
  readonly lagMs: number;
  readonly resultCalls: number;
}

/** A wave's generation durations, evenly spread over 30-50 s, divided by `timeScale`. */
export function waveDurations(timeScale: number): number[] {
  return Array.from(
    { length: WAVE_JOBS },
    (_, index) => (SHORTEST_MS + ((LONGEST_MS - SHORTEST_MS) * index) / (WAVE_JOBS - 1)) / timeScale,
  );
}

/** What `--time-scale` does to the bot's polling: its poll interval, and the bot env that sets it. */
export function scaledPolling(timeScale: number): { intervalMs: number; env: Record<string, string> } {
  const intervalMs = Math.max(10, Math.round(DEFAULT_POLL_INTERVAL_MS / timeScale));
  // The default configuration is what is measured; only a scaled run shortens the interval.
  return { intervalMs, env: timeScale === 1 ? {} : { WAVESPEED_POLL_INTERVAL_MS: String(intervalMs) } };
}

/** The report's note on the bot's polling and, in a scaled run, the durations. */
export function pollingNote(timeScale: number, durationsMs: readonly number[]): string {
  return timeScale === 1
    ? `the bot's default poll interval (WAVESPEED_POLL_INTERVAL_MS unset, ${DEFAULT_POLL_INTERVAL_MS} ms)`
    : `time scale ${timeScale}: durations ${seconds(durationsMs[0] ?? 0)}-${seconds(max(durationsMs))}, WAVESPEED_POLL_INTERVAL_MS=${scaledPolling(timeScale).intervalMs}`;
}

/**
 * Sends one wave of `/video` from members numbered from `firstMember`, whose generations take
 * `durationsMs` and yield {@link OUTPUT_BYTES} videos, waits for every video and measures each job.
 */
export async function runWave(
  { discord, wavespeed }: Stage,
  wave: string,
  firstMember: number,
  durationsMs: readonly number[],
): Promise<DeliveredJob[]> {
  const firstSubmit = wavespeed.submits.length;
  // The stand-in scripts submits in arrival order, so this wave's k-th submit runs durationsMs[k].
  for (const durationMs of durationsMs) wavespeed.nextSubmit({ durationMs, outputBytes: OUTPUT_BYTES });
  const epochOffsetMs = Date.now() - performance.now();
  const handles = sendVideos(discord, wave, durationsMs.length, firstMember);
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

/** Each job's duration, lag and result calls, for the report's JSON `samples`. */
export function jobSamples(jobs: readonly DeliveredJob[]): Record<string, number[]> {
  return {
    'duration s': jobs.map((job) => round(job.durationMs / 1000, 2)),
    'lag s': jobs.map((job) => round(job.lagMs / 1000, 3)),
    'result calls': jobs.map((job) => job.resultCalls),
  };
}

function promptIn(body: unknown): string | undefined {
  return typeof body === 'object' && body !== null && 'prompt' in body && typeof body.prompt === 'string'
    ? body.prompt
    : undefined;
}

function round(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}
