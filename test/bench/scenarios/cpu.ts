/** CPU per job and throughput: a thousand instant jobs, from first dispatch to last video. */
import { setTimeout as sleep } from 'node:timers/promises';
import type { WaveSpeedStandIn } from '../../stand-ins/wavespeed.js';
import { firstDispatch, lateAcks, type Scenario, seconds, withLog } from '../scenario.js';
import { onStage } from '../stage.js';
import { max, percentile } from '../stats.js';
import { sendVideos, VideoWatch, warmUp } from '../traffic.js';

const JOBS = 1_000;
const OUTPUT_BYTES = 4 * 1024;

export const cpu: Scenario = {
  id: 'cpu',
  title: `CPU per job and throughput: ${JOBS} instant jobs from ${JOBS} members at once`,
  async run() {
    const result = await onStage(
      { label: 'cpu', deadlineMs: 8 * 60_000, generation: { durationMs: 0, outputBytes: OUTPUT_BYTES } },
      async ({ discord, wavespeed, bot }) => {
        await warmUp(discord, 30_000);
        const discordBefore = discord.requests.length;
        const wavespeedBefore = wavespeedRequests(wavespeed);
        const cpuBeforeMs = await bot.cpuMs();
        const handles = sendVideos(discord, 'cpu', JOBS);
        const watch = new VideoWatch(discord, handles);
        const acks = await watch.acks(60_000);
        const arrivals = await watch.deliveries(5 * 60_000);
        // A job's last store write follows its delivery.
        await sleep(1_000);
        const cpuMs = (await bot.cpuMs()) - cpuBeforeMs;
        const discordRequests = discord.requests.slice(discordBefore);
        return {
          acks,
          delivered: arrivals.size,
          cpuMs,
          spanMs: max([...arrivals.values()]) - firstDispatch(handles),
          perJob: {
            discord: discordRequests.length / JOBS,
            replyEdits: discordRequests.filter((request) => request.method === 'PATCH').length / JOBS,
            wavespeed: (wavespeedRequests(wavespeed) - wavespeedBefore) / JOBS,
          },
        };
      },
    );
    const { acks, delivered, cpuMs, spanMs, perJob } = result.value;
    return withLog(result, {
      figures: [
        { label: 'CPU per job', value: cpuMs / delivered, unit: 'ms', digits: 2, target: 5 },
        { label: 'throughput', value: delivered / (spanMs / 1000), unit: 'jobs/s', digits: 1 },
      ],
      notes: [
        `${delivered} videos of ${OUTPUT_BYTES / 1024} KiB delivered ${seconds(spanMs)} after the first dispatch; bot CPU ${seconds(cpuMs)} (utime+stime from /proc/<pid>/stat)`,
        `per job: ${perJob.discord.toFixed(1)} Discord requests (${perJob.replyEdits.toFixed(1)} edits of the reply), ${perJob.wavespeed.toFixed(1)} WaveSpeed requests`,
        `ack latency under this burst: p50 ${percentile(acks.latenciesMs, 0.5).toFixed(0)} ms, p99 ${percentile(acks.latenciesMs, 0.99).toFixed(0)} ms, max ${max(acks.latenciesMs).toFixed(0)} ms`,
        ...lateAcks(acks.refused, JOBS),
      ],
    });
  },
};

/** Submits, result calls and downloads the WaveSpeed stand-in has answered so far. */
function wavespeedRequests(wavespeed: WaveSpeedStandIn): number {
  return wavespeed.submits.length + wavespeed.resultCalls.length + wavespeed.downloads.length;
}
