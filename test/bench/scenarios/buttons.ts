/** Button ack latency: how fast a burst of Reroll presses gets its answers, measured as `ack` measures `/video`. */
import { setTimeout as sleep } from 'node:timers/promises';
import { deliverVideos, pressReroll, rerollsDelivered } from '../presses.js';
import { dispatchSpread, firstDispatch, lateAcks, type Scenario, seconds, withLog } from '../scenario.js';
import { onStage } from '../stage.js';
import { max, percentile } from '../stats.js';

const BURST = 200;
/** Quiet after the videos are delivered, so the burst does not meet their last settlements. */
const QUIET_MS = 3_000;

export const buttons: Scenario = {
  id: 'buttons',
  title: `button ack latency: ${BURST} members press Reroll under their videos at once`,
  async run() {
    const result = await onStage(
      { label: 'buttons', deadlineMs: 5 * 60_000, generation: { durationMs: 0 } },
      async ({ discord }) => {
        // One /video and one Reroll first, so both code paths are warm.
        const [warm] = await deliverVideos(discord, 'warm-up', 1, 0, 30_000);
        if (warm) await rerollsDelivered(discord, [pressReroll(discord, warm)], 30_000);
        const videos = await deliverVideos(discord, 'buttons', BURST, 1, 120_000);
        await sleep(QUIET_MS);
        const presses = videos.map((video) => pressReroll(discord, video));
        // Let the rerolls run to their videos, so faults the burst causes later show in the log.
        const { latenciesMs, refused, arrivedAt } = await rerollsDelivered(discord, presses, 120_000);
        return {
          latenciesMs,
          refused,
          dispatchMs: dispatchSpread(presses),
          drainMs: max(arrivedAt) - firstDispatch(presses),
        };
      },
    );
    const { latenciesMs, refused, dispatchMs, drainMs } = result.value;
    return withLog(result, {
      figures: [
        { label: 'Reroll ack latency p50', value: percentile(latenciesMs, 0.5), unit: 'ms', digits: 0 },
        { label: 'Reroll ack latency p99', value: percentile(latenciesMs, 0.99), unit: 'ms', digits: 0, target: 250 },
        { label: 'Reroll ack latency max', value: max(latenciesMs), unit: 'ms', digits: 0 },
      ],
      notes: [
        `${BURST} members each ran /video and had it delivered, then, ${QUIET_MS / 1000} s later, all pressed Reroll under their own video at once; the answer is the public reply of the new job (one /video and one Reroll ran first to warm up)`,
        `instant generations, so the rerolls also ran to delivery (${seconds(drainMs)} from first press to last video)`,
        `the stand-in took ${dispatchMs.toFixed(0)} ms to dispatch the burst; it shares the bench process's event loop, so a callback arriving meanwhile is recorded up to that much late`,
        ...lateAcks(refused, BURST),
      ],
    });
  },
};
