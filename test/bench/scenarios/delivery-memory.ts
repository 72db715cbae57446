/**
 * Delivery memory: the bot's peak RSS while it downloads and posts many videos, or a few
 * large ones, against its RSS idle before; and whether it gives the memory back after. The
 * same batch then runs again on the same bot: memory kept after the first that the second
 * reuses without growing is a plateau, not a leak.
 */

import { setTimeout as sleep } from 'node:timers/promises';
import type { InteractionHandle } from '../../stand-ins/discord.js';
import { describePeak, mb, type Peak, PeakRss, QUIET_SAMPLES, readSettledRss, SETTLE_MS } from '../memory-readings.js';
import { firstDispatch, type Scenario, seconds, withLog } from '../scenario.js';
import { onStage, type Stage, type StageResult } from '../stage.js';
import { max } from '../stats.js';
import { sendVideos, type VideoContext, VideoWatch } from '../traffic.js';

const MIB = 1024 * 1024;

/** One batch of videos delivered by a fresh bot, and what its peak may cost above idle. */
interface Batch {
  readonly name: string;
  readonly label: string;
  readonly jobs: number;
  readonly outputBytes: number;
  /** Where the `/video` come from: the interaction's upload limit. */
  readonly context: VideoContext;
  readonly peakTargetMb: number;
}

const BATCHES: readonly Batch[] = [
  // The default 10 MiB limit: what most servers have.
  { name: '300 × 1 MiB', label: 'delivery-many', jobs: 300, outputBytes: MIB, context: {}, peakTargetMb: 60 },
  {
    name: '20 × 50 MiB, 100 MiB limit',
    label: 'delivery-large',
    jobs: 20,
    outputBytes: 50 * MIB,
    context: { attachmentSizeLimit: 100 * MIB },
    peakTargetMb: 150,
  },
];
/** RSS after delivery, once quiet, may stay this far above idle. */
const SETTLED_TARGET_MB = 20;
/**
 * Set explicitly, at their defaults, so the figures say what they were taken with: four
 * transfers at once, and downloads capped at 100 MiB (the 100 MiB limit's own cap).
 */
const BOT_ENV = { DELIVERY_CONCURRENCY: '4', OUTPUT_MAX_MB: '100' } as const;
/** Every generation takes this long, so the batch reaches its downloads together. */
const GENERATION_MS = 1_000;
const DELIVERY_TIMEOUT_MS = 3 * 60_000;
/**
 * The late reading waits this much longer than the settled one: V8's memory reducer gives
 * back the heap's garbage some 20 s after activity stops, past the settled reading.
 */
const LATE_EXTRA_MS = 20_000;

/** RSS and JS heap after a full GC, and what backs the RSS, in KiB. */
interface Collected {
  readonly rssKb: number;
  readonly heapKb: number;
  /** Memory V8 knows is held outside its heap: Buffers and other ArrayBuffers among it. */
  readonly externalKb: number;
  readonly parts: { anon: number; file: number; shmem: number };
}

/** One run of a batch on the bot. */
interface Round {
  readonly peak: Peak;
  /** Settled RSS after the last video, in KiB. */
  readonly afterKb: number;
  /** First dispatch → last video at Discord. */
  readonly deliveredInMs: number;
}

interface BatchResult {
  readonly idleKb: number;
  readonly first: Round;
  /** The same batch again on the same bot, from new members. */
  readonly second: Round;
  /** Settled RSS once {@link LATE_EXTRA_MS} more have passed after the second round. */
  readonly lateKb: number;
  readonly idleCollected: Collected;
  /** After both rounds and the late reading. */
  readonly afterCollected: Collected;
}

export const deliveryMemory: Scenario = {
  id: 'delivery-memory',
  title: `delivery memory: peak RSS while delivering ${BATCHES.map((batch) => batch.name).join(', then ')}`,
  async run() {
    const results: StageResult<BatchResult>[] = [];
    for (const batch of BATCHES) {
      results.push(
        await onStage(
          {
            label: batch.label,
            deadlineMs: 2 * DELIVERY_TIMEOUT_MS + 3 * 60_000,
            env: BOT_ENV,
            inspect: true,
            generation: { durationMs: GENERATION_MS, outputBytes: batch.outputBytes },
          },
          (stage) => deliverBatch(stage, batch),
        ),
      );
    }
    const measured = BATCHES.map((batch, index) => ({ batch, result: results[index]?.value }));
    return withLog(results, {
      figures: measured.flatMap(({ batch, result }) => {
        if (!result) return [];
        const { idleKb, first, second } = result;
        const aboveIdle = (kb: number) => (kb - idleKb) / 1024;
        return [
          { label: `${batch.name}: RSS idle`, value: idleKb / 1024, unit: 'MB', digits: 1 },
          {
            label: `${batch.name}: peak RSS above idle`,
            value: aboveIdle(first.peak.kb),
            unit: 'MB',
            digits: 1,
            target: batch.peakTargetMb,
          },
          {
            label: `${batch.name}: RSS after, above idle`,
            value: aboveIdle(first.afterKb),
            unit: 'MB',
            digits: 1,
            target: SETTLED_TARGET_MB,
          },
          {
            label: `${batch.name}, again on the same bot: peak RSS above idle`,
            value: aboveIdle(second.peak.kb),
            unit: 'MB',
            digits: 1,
          },
          {
            label: `${batch.name}, again on the same bot: RSS after, above idle`,
            value: aboveIdle(second.afterKb),
            unit: 'MB',
            digits: 1,
          },
          {
            label: `${batch.name}, again on the same bot: RSS ${(SETTLE_MS + LATE_EXTRA_MS) / 1000} s after, above idle`,
            value: aboveIdle(result.lateKb),
            unit: 'MB',
            digits: 1,
          },
          {
            label: `${batch.name}: RSS after both rounds and a full GC, above idle's`,
            value: (result.afterCollected.rssKb - result.idleCollected.rssKb) / 1024,
            unit: 'MB',
            digits: 1,
          },
          {
            label: `${batch.name}: JS heap after both rounds and a full GC, above idle's`,
            value: (result.afterCollected.heapKb - result.idleCollected.heapKb) / 1024,
            unit: 'MB',
            digits: 1,
          },
        ];
      }),
      notes: [
        `each batch on a fresh bot with ${Object.entries(BOT_ENV)
          .map(([name, value]) => `${name}=${value}`)
          .join(
            ' ',
          )}: every /video sent at once from its own member, generations of ${GENERATION_MS / 1000} s; idle and after are settled readings as in memory (median of ${QUIET_SAMPLES}, after ${SETTLE_MS / 1000} s of quiet), the peak runs from the first /video to the last video at Discord; then the same batch again from new members on the same bot, read the same way and once more ${LATE_EXTRA_MS / 1000} s later`,
        ...measured.flatMap(({ batch, result }) =>
          result
            ? [
                ...[result.first, result.second].map(
                  (round, index) =>
                    `${batch.name}${index === 0 ? '' : ', again'}: idle ${mb(result.idleKb)}, peak ${mb(round.peak.kb)}, after ${mb(round.afterKb)}; all ${batch.jobs} delivered as attachments ${seconds(round.deliveredInMs)} after the first /video; ${describePeak(round.peak)}`,
                ),
                `${batch.name}, after both rounds and a full GC (through the bot's inspector, opened after the idle readings): RSS ${mb(result.idleCollected.rssKb)} idle (${describeParts(result.idleCollected.parts)}), ${mb(result.afterCollected.rssKb)} after (${describeParts(result.afterCollected.parts)}); JS heap used ${mb(result.idleCollected.heapKb)} idle, ${mb(result.afterCollected.heapKb)} after; external (Buffers and the like) ${mb(result.idleCollected.externalKb)} idle, ${mb(result.afterCollected.externalKb)} after`,
              ]
            : [],
        ),
      ],
      samples: Object.fromEntries(
        measured.flatMap(({ batch, result }) =>
          result
            ? [
                [`${batch.name}: RSS MB every 100 ms`, result.first.peak.readings.map((kb) => round(kb / 1024))],
                [
                  `${batch.name}, again: RSS MB every 100 ms`,
                  result.second.peak.readings.map((kb) => round(kb / 1024)),
                ],
              ]
            : [],
        ),
      ),
    });
  },
};

async function deliverBatch(stage: Stage, batch: Batch): Promise<BatchResult> {
  const idle = await readSettledRss(stage.bot, QUIET_SAMPLES);
  const idleCollected = await collect(stage);
  const first = await deliverRound(stage, batch, batch.label, 1);
  const second = await deliverRound(stage, batch, `${batch.label}-again`, 1 + batch.jobs);
  await sleep(LATE_EXTRA_MS);
  const late = await readSettledRss(stage.bot, QUIET_SAMPLES);
  return { idleKb: idle.kb, first, second, lateKb: late.kb, idleCollected, afterCollected: await collect(stage) };
}

/** Sends the batch from members `firstMember` on, waits for every video, and reads RSS once settled. */
async function deliverRound(stage: Stage, batch: Batch, label: string, firstMember: number): Promise<Round> {
  const { bot, discord } = stage;
  const peakRss = await PeakRss.start(bot);
  const handles = sendVideos(discord, label, batch.jobs, firstMember, batch.context);
  const watch = new VideoWatch(discord, handles);
  const { refused } = await watch.acks(60_000);
  if (refused > 0) throw new Error(`${refused} of ${batch.jobs} /video were not acknowledged in time`);
  const arrivals = await watch.deliveries(DELIVERY_TIMEOUT_MS);
  const peak = await peakRss.stop();
  checkWhole(stage, handles, batch.outputBytes);
  const after = await readSettledRss(bot, QUIET_SAMPLES);
  return { peak, afterKb: after.kb, deliveredInMs: max([...arrivals.values()]) - firstDispatch(handles) };
}

/** A full GC through the bot's inspector, then RSS and its parts: what the bot still holds, garbage aside. */
async function collect({ bot }: Stage): Promise<Collected> {
  const heapBytes = await bot.collectGarbage();
  const { external } = await bot.memoryUsage();
  return {
    rssKb: await bot.rssKb(),
    heapKb: heapBytes / 1024,
    externalKb: external / 1024,
    parts: await bot.rssPartsKb(),
  };
}

/** `anon 40.1 MB, file 30.2 MB, shmem 0.0 MB` */
function describeParts({ anon, file, shmem }: Collected['parts']): string {
  return `anon ${mb(anon)}, file ${mb(file)}, shmem ${mb(shmem)}`;
}

/** Every reply carries the whole video: a link or a short file would not have cost the memory measured. */
function checkWhole({ discord }: Stage, handles: readonly InteractionHandle[], bytes: number): void {
  const ids = new Set(handles.map((handle) => handle.id));
  const short = discord.messages.filter(
    (message) =>
      message.interactionId !== undefined &&
      ids.has(message.interactionId) &&
      message.origin === 'interaction' &&
      message.attachments[0]?.size !== bytes,
  );
  if (short.length > 0) throw new Error(`${short.length} replies do not carry the whole ${mb(bytes / 1024)} video`);
}

function round(value: number): number {
  return Number(value.toFixed(1));
}
