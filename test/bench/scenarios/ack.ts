/** Ack latency: how fast a burst of `/video` gets its deferred replies. */
import { dispatchSpread, firstDispatch, lateAcks, type Scenario, seconds, withLog } from '../scenario.js';
import { onStage } from '../stage.js';
import { max, percentile } from '../stats.js';
import { sendVideos, VideoWatch, warmUp } from '../traffic.js';

const BURST = 200;

export const ack: Scenario = {
  id: 'ack',
  title: `ack latency: ${BURST} /video from ${BURST} members at once`,
  async run() {
    const result = await onStage(
      { label: 'ack', deadlineMs: 4 * 60_000, generation: { durationMs: 0 } },
      async ({ discord }) => {
        await warmUp(discord, 30_000);
        const handles = sendVideos(discord, 'ack', BURST);
        const watch = new VideoWatch(discord, handles);
        const acks = await watch.acks(30_000);
        // Let the burst run to the end, so faults it causes later show in the log.
        const arrivals = await watch.deliveries(120_000);
        return {
          acks,
          dispatchMs: dispatchSpread(handles),
          drainMs: max([...arrivals.values()]) - firstDispatch(handles),
        };
      },
    );
    const { acks, dispatchMs, drainMs } = result.value;
    return withLog(result, {
      figures: [
        { label: 'ack latency p50', value: percentile(acks.latenciesMs, 0.5), unit: 'ms', digits: 0 },
        { label: 'ack latency p99', value: percentile(acks.latenciesMs, 0.99), unit: 'ms', digits: 0, target: 150 },
        { label: 'ack latency max', value: max(acks.latenciesMs), unit: 'ms', digits: 0 },
      ],
      notes: [
        `after one warm-up /video; instant generations, so the burst also ran to delivery (${seconds(drainMs)} from first dispatch to last video)`,
        `the stand-in took ${dispatchMs.toFixed(0)} ms to dispatch the burst; it shares the bench process's event loop, so a callback arriving meanwhile is recorded up to that much late`,
        ...lateAcks(acks.refused, BURST),
      ],
    });
  },
};
