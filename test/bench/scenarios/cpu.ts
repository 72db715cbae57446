/**
 * CPU per job and throughput: a thousand instant jobs from first dispatch to last video, twice.
 * The first wave after start-up pays for V8 compiling the bot's hot paths; the second shows
 * what each job costs a bot that has been running a while.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { DiscordStandIn } from '../../stand-ins/discord.js';
import type { WaveSpeedStandIn } from '../../stand-ins/wavespeed.js';
import type { BotProcess } from '../bot-process.js';
import type { Figure } from '../report.js';
import { firstDispatch, lateAcks, type Scenario, seconds, withLog } from '../scenario.js';
import { onStage } from '../stage.js';
import { max, percentile } from '../stats.js';
import { type Acks, sendVideos, VideoWatch, warmUp } from '../traffic.js';

const JOBS = 1_000;
const OUTPUT_BYTES = 4 * 1024;

/** What one wave of {@link JOBS} cost the bot. */
interface Wave {
  readonly name: string;
  readonly acks: Acks;
  readonly delivered: number;
  readonly cpuMs: { readonly total: number; readonly mainThread: number };
  readonly spanMs: number;
  readonly perJob: { readonly discord: number; readonly replyEdits: number; readonly wavespeed: number };
}

export const cpu: Scenario = {
  id: 'cpu',
  title: `CPU per job and throughput: ${JOBS} instant jobs from ${JOBS} members at once, twice`,
  async run() {
    const result = await onStage(
      { label: 'cpu', deadlineMs: 12 * 60_000, generation: { durationMs: 0, outputBytes: OUTPUT_BYTES } },
      async ({ discord, wavespeed, bot }) => {
        await warmUp(discord, 30_000);
        const first = await wave('first', { discord, wavespeed, bot }, 1);
        // Other members, so no one's daily quota decides the second wave.
        const next = await wave('next', { discord, wavespeed, bot }, JOBS + 1);
        return [first, next];
      },
    );
    return withLog(result, {
      figures: result.value.flatMap(waveFigures),
      notes: result.value.flatMap(waveNotes),
    });
  },
};

async function wave(
  name: string,
  { discord, wavespeed, bot }: { discord: DiscordStandIn; wavespeed: WaveSpeedStandIn; bot: BotProcess },
  firstMember: number,
): Promise<Wave> {
  const discordBefore = discord.requests.length;
  const wavespeedBefore = wavespeedRequests(wavespeed);
  const cpuBefore = await bot.cpuMs();
  const handles = sendVideos(discord, `cpu-${name}`, JOBS, firstMember);
  const watch = new VideoWatch(discord, handles);
  const acks = await watch.acks(60_000);
  const arrivals = await watch.deliveries(5 * 60_000);
  // A job's last store write follows its delivery.
  await sleep(1_000);
  const cpuAfter = await bot.cpuMs();
  const discordRequests = discord.requests.slice(discordBefore);
  return {
    name,
    acks,
    delivered: arrivals.size,
    cpuMs: { total: cpuAfter.total - cpuBefore.total, mainThread: cpuAfter.mainThread - cpuBefore.mainThread },
    spanMs: max([...arrivals.values()]) - firstDispatch(handles),
    perJob: {
      discord: discordRequests.length / JOBS,
      replyEdits: discordRequests.filter((request) => request.method === 'PATCH').length / JOBS,
      wavespeed: (wavespeedRequests(wavespeed) - wavespeedBefore) / JOBS,
    },
  };
}

function waveFigures({ name, delivered, cpuMs, spanMs }: Wave): Figure[] {
  return [
    { label: `CPU per job, ${name} ${JOBS}`, value: cpuMs.total / delivered, unit: 'ms', digits: 2, target: 5 },
    { label: `main-thread CPU per job, ${name} ${JOBS}`, value: cpuMs.mainThread / delivered, unit: 'ms', digits: 2 },
    { label: `throughput, ${name} ${JOBS}`, value: delivered / (spanMs / 1000), unit: 'jobs/s', digits: 1 },
  ];
}

function waveNotes({ name, acks, delivered, cpuMs, spanMs, perJob }: Wave): string[] {
  return [
    `${name} ${JOBS}: ${delivered} videos of ${OUTPUT_BYTES / 1024} KiB delivered ${seconds(spanMs)} after the first dispatch; bot CPU ${seconds(cpuMs.total)} (utime+stime from /proc/<pid>/stat), ${seconds(cpuMs.mainThread)} of it on the main thread, the rest on V8's collector and compiler threads`,
    `${name} ${JOBS}, per job: ${perJob.discord.toFixed(1)} Discord requests (${perJob.replyEdits.toFixed(1)} edits of the reply), ${perJob.wavespeed.toFixed(1)} WaveSpeed requests`,
    `${name} ${JOBS}, ack latency under this burst: p50 ${percentile(acks.latenciesMs, 0.5).toFixed(0)} ms, p99 ${percentile(acks.latenciesMs, 0.99).toFixed(0)} ms, max ${max(acks.latenciesMs).toFixed(0)} ms`,
    ...lateAcks(acks.refused, JOBS),
  ];
}

/** Submits, result calls and downloads the WaveSpeed stand-in has answered so far. */
function wavespeedRequests(wavespeed: WaveSpeedStandIn): number {
  return wavespeed.submits.length + wavespeed.resultCalls.length + wavespeed.downloads.length;
}
