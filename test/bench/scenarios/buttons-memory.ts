/**
 * Buttons memory: the bot's RSS and JS heap after 100 and after 1,000 delivered videos, each
 * with its buttons, and once more when every post's own deadline has passed. A button's
 * state is in the store, not in the process; the oldest video's Reroll still works after.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { mb, QUIET_SAMPLES, readCollected, readSettledRss, SETTLE_MS } from '../memory-readings.js';
import { type DeliveredVideo, deliverVideos, pressReroll, rerollsDelivered } from '../presses.js';
import { type Scenario, withLog } from '../scenario.js';
import { onStage, type Stage } from '../stage.js';

const FIRST = 100;
const TOTAL = 1_000;
/** Videos sent at once; each batch is delivered before the next is sent. */
const BATCH = 100;
/**
 * The late reading starts this long after the last video: past the 3-minute deadline each
 * post to Discord carries, so request objects a post's deadline still held would show as
 * the difference (they did until the deadline's timer was cleared with the post, `8107fe9`).
 */
const LATE_MS = 190_000;

/** Plain settled RSS, then RSS and JS heap after a full GC, in KiB. */
interface Reading {
  readonly rssKb: number;
  readonly collected: { rssKb: number; heapKb: number };
  /** Anonymous memory (heaps, SQLite's page cache) within the RSS after the GC, in KiB. */
  readonly anonKb: number;
}

export const buttonsMemory: Scenario = {
  id: 'buttons-memory',
  title: `buttons memory: bot RSS after ${FIRST} and after ${TOTAL.toLocaleString('en')} delivered videos with buttons`,
  async run() {
    const result = await onStage(
      { label: 'buttons-memory', deadlineMs: 9 * 60_000, inspect: true, generation: { durationMs: 0 } },
      async (stage) => {
        const idle = await readSettledRss(stage.bot, QUIET_SAMPLES);
        // Opened now, so the inspector is open for every reading compared below.
        const idleCollected = await readCollected(stage.bot);
        const videos = await deliver(stage, 0, FIRST);
        const first = await read(stage);
        videos.push(...(await deliver(stage, FIRST, TOTAL)));
        const lastDelivered = performance.now();
        const all = await read(stage);
        await sleep(Math.max(0, lastDelivered + LATE_MS - SETTLE_MS - performance.now()));
        const late = await read(stage);
        // The oldest video's button, 900 videos later, still starts a take.
        const [oldest] = videos;
        if (!oldest) throw new Error('no video was delivered');
        await rerollsDelivered(stage.discord, [pressReroll(stage.discord, oldest)], 30_000);
        return { idleKb: idle.kb, idleCollected, first, all, late };
      },
    );
    const { idleKb, idleCollected, first, all, late } = result.value;
    const perVideo = (before: number, after: number) => (after - before) / (TOTAL - FIRST);
    return withLog(result, {
      figures: [
        { label: 'RSS idle', value: idleKb / 1024, unit: 'MB', digits: 1 },
        { label: `RSS after ${FIRST} delivered`, value: first.rssKb / 1024, unit: 'MB', digits: 1 },
        { label: `RSS after ${TOTAL.toLocaleString('en')} delivered`, value: all.rssKb / 1024, unit: 'MB', digits: 1 },
        {
          label: `RSS per delivered video, ${FIRST} → ${TOTAL.toLocaleString('en')}`,
          value: perVideo(first.rssKb, all.rssKb),
          unit: 'KB',
          digits: 2,
        },
        {
          label: 'RSS per delivered video, after a full GC',
          value: perVideo(first.collected.rssKb, all.collected.rssKb),
          unit: 'KB',
          digits: 2,
        },
        {
          label: 'JS heap per delivered video, after a full GC',
          value: perVideo(first.collected.heapKb, all.collected.heapKb),
          unit: 'KB',
          digits: 2,
        },
        {
          label: `RSS per delivered video, ${FIRST} → ${TOTAL.toLocaleString('en')} read ${LATE_MS / 1000} s after the last, after a full GC`,
          value: perVideo(first.collected.rssKb, late.collected.rssKb),
          unit: 'KB',
          digits: 2,
        },
        {
          label: `JS heap per delivered video, ${FIRST} → ${TOTAL.toLocaleString('en')} read ${LATE_MS / 1000} s after the last, after a full GC`,
          value: perVideo(first.collected.heapKb, late.collected.heapKb),
          unit: 'KB',
          digits: 2,
        },
      ],
      notes: [
        `${TOTAL.toLocaleString('en')} /video from as many members, ${BATCH} at once, each batch delivered (instant generations, 4 KiB videos) with its Reroll, Remix and Delete buttons before the next; readings after the first ${FIRST}, after all, and ${LATE_MS / 1000} s after the last was delivered (past each post's 3-minute deadline)`,
        `RSS is a settled reading as in memory (median of ${QUIET_SAMPLES}, after ${SETTLE_MS / 1000} s of quiet), then again after a full GC through the bot's inspector, opened at idle so it is open for both: RSS ${mb(idleKb)} / ${mb(first.rssKb)} / ${mb(all.rssKb)} / ${mb(late.rssKb)}, after a full GC ${mb(idleCollected.rssKb)} / ${mb(first.collected.rssKb)} / ${mb(all.collected.rssKb)} / ${mb(late.collected.rssKb)}, JS heap ${mb(idleCollected.heapKb)} / ${mb(first.collected.heapKb)} / ${mb(all.collected.heapKb)} / ${mb(late.collected.heapKb)} (idle / ${FIRST} / ${TOTAL.toLocaleString('en')} / late); anonymous memory after the GC ${mb(first.anonKb)} / ${mb(all.anonKb)} / ${mb(late.anonKb)} (${FIRST} / ${TOTAL.toLocaleString('en')} / late), of which SQLite's page cache may fill up to its 2,000 KiB (\`cache_size = -2000\`) as the store grows; KB = 1024 bytes`,
        `after the readings, the first member pressed Reroll under the oldest video and got a new take`,
      ],
    });
  },
};

/** Delivers videos from members `from` (inclusive) to `to` (exclusive), {@link BATCH} at a time. */
async function deliver({ discord }: Stage, from: number, to: number): Promise<DeliveredVideo[]> {
  const videos: DeliveredVideo[] = [];
  for (let first = from; first < to; first += BATCH) {
    videos.push(
      ...(await deliverVideos(discord, `buttons-memory-${first}`, Math.min(BATCH, to - first), 1 + first, 60_000)),
    );
  }
  return videos;
}

async function read({ bot }: Stage): Promise<Reading> {
  const { kb } = await readSettledRss(bot, QUIET_SAMPLES);
  const collected = await readCollected(bot);
  return { rssKb: kb, collected, anonKb: (await bot.rssPartsKb()).anon };
}
