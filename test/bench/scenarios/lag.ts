/**
 * Delivery lag and result calls: how long a finished video waits before it reaches Discord,
 * and how many result calls the bot spends per job, for jobs of 30-50 s.
 */
import {
  type DeliveredJob,
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

/**
 * Run one after the other on the same bot and store, which learns from finished jobs. A fresh
 * store polls by WaveSpeed's 5-s guidance until it knows 3 jobs, so only a learned bot is held
 * to issue 13's half second.
 */
const WAVES = [
  { name: 'fresh store', lagTargetS: 1.0 },
  { name: 'second wave', lagTargetS: 0.5 },
] as const;

export const lag: Scenario = {
  id: 'lag',
  title: `delivery lag and result calls: ${WAVES.length} waves of ${WAVE_JOBS} jobs of ${SHORTEST_MS / 1000}-${LONGEST_MS / 1000} s`,
  async run({ timeScale }) {
    const durationsMs = waveDurations(timeScale);
    const result = await onStage(
      {
        label: 'lag',
        deadlineMs: WAVES.length * max(durationsMs) + 3 * 60_000,
        env: scaledPolling(timeScale).env,
      },
      async (stage) => {
        const waves: Array<{ jobs: DeliveredJob[]; discordRequests: number }> = [];
        // The second wave runs on what the first taught the bot.
        for (const [index, wave] of WAVES.entries()) {
          const before = stage.discord.requests.length;
          const jobs = await runWave(stage, wave.name, 1 + index * WAVE_JOBS, durationsMs);
          waves.push({ jobs, discordRequests: stage.discord.requests.length - before });
        }
        return waves;
      },
    );
    const waves = result.value.map((wave, index) => ({
      ...(WAVES[index] ?? { name: `wave ${index + 1}`, lagTargetS: 1.0 }),
      ...wave,
    }));
    return withLog(result, {
      figures: waves.flatMap(({ name, lagTargetS, jobs, discordRequests }) => {
        const lagsS = jobs.map((job) => job.lagMs / 1000);
        const calls = jobs.map((job) => job.resultCalls);
        return [
          { label: `${name}: delivery lag median`, value: median(lagsS), unit: 's', digits: 2, target: lagTargetS },
          { label: `${name}: delivery lag p95`, value: percentile(lagsS, 0.95), unit: 's', digits: 2 },
          { label: `${name}: result calls per job, mean`, value: mean(calls), unit: 'calls', digits: 1, target: 12 },
          { label: `${name}: result calls per job, max`, value: max(calls), unit: 'calls', digits: 0 },
          {
            label: `${name}: Discord requests per job`,
            value: discordRequests / jobs.length,
            unit: 'requests',
            digits: 1,
          },
        ];
      }),
      notes: [
        `each wave: ${WAVE_JOBS} jobs sent at once, durations evenly spread over ${SHORTEST_MS / 1000}-${LONGEST_MS / 1000} s (mean 40 s), ${OUTPUT_BYTES / 2 ** 20} MiB videos; the second wave starts once the first is delivered, on the same bot and store`,
        pollingNote(timeScale, durationsMs),
      ],
      samples: Object.fromEntries(
        waves.flatMap(({ name, jobs }) =>
          Object.entries(jobSamples(jobs)).map(([sample, values]) => [`${name}: ${sample}`, values]),
        ),
      ),
    });
  },
};
