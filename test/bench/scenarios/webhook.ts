/**
 * Delivery lag in webhook mode: the lag scenario's wave, with WaveSpeed calling the bot back
 * when each generation ends instead of the bot finding out by polling.
 */

import type { WebhookCallRecord } from '../../stand-ins/wavespeed.js';
import { freePort } from '../../support/redis.js';
import {
  jobSamples,
  LONGEST_MS,
  OUTPUT_BYTES,
  pollingNote,
  runWave,
  SHORTEST_MS,
  scaledPolling,
  WAVE_JOBS,
  waveDurations,
} from '../delivery.js';
import { type Scenario, withLog } from '../scenario.js';
import { onStage } from '../stage.js';
import { max, mean, median, percentile } from '../stats.js';

/** Served by the bot's ops listener, as a reverse proxy would forward the public webhook URL to it. */
const CALLBACK_PATH = '/wavespeed/callback';

export const webhook: Scenario = {
  id: 'webhook',
  title: `delivery lag in webhook mode: ${WAVE_JOBS} jobs of ${SHORTEST_MS / 1000}-${LONGEST_MS / 1000} s, called back`,
  async run({ timeScale }) {
    const durationsMs = waveDurations(timeScale);
    const port = await freePort();
    const callbackUrl = `http://127.0.0.1:${port}${CALLBACK_PATH}`;
    const result = await onStage(
      {
        label: 'webhook',
        deadlineMs: max(durationsMs) + 3 * 60_000,
        env: {
          METRICS_PORT: String(port),
          WAVESPEED_WEBHOOK_URL: callbackUrl,
          ...scaledPolling(timeScale).env,
        },
      },
      async (stage) => {
        const jobs = await runWave(stage, 'webhook', 1, durationsMs);
        // A callback is recorded once the bot answers it, which may come just after its video.
        const callbacks = await stage.wavespeed.waitForWebhookCalls(jobs.length);
        return { jobs, callbacks: [...callbacks] };
      },
    );
    const { jobs, callbacks } = result.value;
    const lagsMs = jobs.map((job) => job.lagMs);
    const calls = jobs.map((job) => job.resultCalls);
    return withLog(result, {
      figures: [
        { label: 'delivery lag median', value: median(lagsMs), unit: 'ms', digits: 0, target: 200 },
        { label: 'delivery lag p95', value: percentile(lagsMs, 0.95), unit: 'ms', digits: 0 },
        { label: 'delivery lag max', value: max(lagsMs), unit: 'ms', digits: 0 },
        { label: 'result calls per job, mean', value: mean(calls), unit: 'calls', digits: 1 },
        { label: 'result calls per job, max', value: max(calls), unit: 'calls', digits: 0 },
      ],
      notes: [
        `${WAVE_JOBS} jobs sent at once, durations evenly spread over ${SHORTEST_MS / 1000}-${LONGEST_MS / 1000} s (mean 40 s), ${OUTPUT_BYTES / 2 ** 20} MiB videos, as in lag's first wave`,
        `WAVESPEED_WEBHOOK_URL=${callbackUrl} (the bot's ops listener, METRICS_PORT=${port}); result calls are the bot's reconciling polls, for callbacks that get lost`,
        pollingNote(timeScale, durationsMs),
        describeCallbacks(callbacks),
      ],
      samples: jobSamples(jobs),
    });
  },
};

/** Whether the bot took every callback; a video whose callback it refused waited for a reconciling poll. */
function describeCallbacks(callbacks: readonly WebhookCallRecord[]): string {
  const refused = callbacks.filter((callback) => callback.status === undefined || callback.status >= 300);
  if (refused.length === 0) return `the bot accepted all ${callbacks.length} callbacks`;
  const answers = new Set(refused.map((callback) => callback.error ?? `HTTP ${callback.status}`));
  return `the bot did not accept ${refused.length} of ${callbacks.length} callbacks (${[...answers].join(', ')}): those videos waited for a reconciling poll`;
}
