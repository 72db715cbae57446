/**
 * Reroll to WaveSpeed: with a generation slot free, how long from a member pressing Reroll
 * under a delivered video to WaveSpeed receiving the new job's submit.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { deliverVideos, pressReroll, rerollsDelivered } from '../presses.js';
import { type Scenario, withLog } from '../scenario.js';
import { onStage } from '../stage.js';
import { max, median, percentile } from '../stats.js';

const PRESSES = 25;
/** Quiet before each press: the previous take is delivered and settled, so its slot is free. */
const GAP_MS = 500;

/** One press: dispatch → callback received, and dispatch → submit received. */
interface Timing {
  readonly ackMs: number;
  readonly submitMs: number;
}

export const reroll: Scenario = {
  id: 'reroll',
  title: `Reroll to WaveSpeed: ${PRESSES} presses one at a time, press to submit`,
  async run() {
    const result = await onStage(
      { label: 'reroll', deadlineMs: 4 * 60_000, generation: { durationMs: 0 } },
      async ({ discord, wavespeed }) => {
        // Member 0's video is the warm-up: its Reroll runs first and is not counted.
        const videos = await deliverVideos(discord, 'reroll', PRESSES + 1, 0, 60_000);
        const timings: Timing[] = [];
        for (const [index, video] of videos.entries()) {
          await sleep(GAP_MS);
          const submitted = wavespeed.submits.length;
          // The Discord stand-in's clock is this process's performance.now(); the submit's, epoch milliseconds.
          const epochOffsetMs = Date.now() - performance.now();
          const press = pressReroll(discord, video);
          const [ackMs] = (await rerollsDelivered(discord, [press], 30_000)).latenciesMs;
          const submits = wavespeed.submits.slice(submitted);
          const [submit] = submits;
          if (submits.length !== 1 || !submit || ackMs === undefined) {
            throw new Error(`Reroll #${index}: expected one acknowledged press and one submit, saw ${submits.length}`);
          }
          if (index > 0) timings.push({ ackMs, submitMs: submit.at - (press.dispatchedAt + epochOffsetMs) });
        }
        return timings;
      },
    );
    const submitMs = result.value.map((timing) => timing.submitMs);
    const ackMs = result.value.map((timing) => timing.ackMs);
    const afterAck = result.value.map((timing) => timing.submitMs - timing.ackMs);
    return withLog(result, {
      figures: [
        { label: 'press → submit at WaveSpeed, median', value: median(submitMs), unit: 'ms', digits: 0, target: 100 },
        { label: 'press → submit at WaveSpeed, p90', value: percentile(submitMs, 0.9), unit: 'ms', digits: 0 },
        { label: 'press → submit at WaveSpeed, max', value: max(submitMs), unit: 'ms', digits: 0 },
        { label: 'press → answer, median', value: median(ackMs), unit: 'ms', digits: 0 },
      ],
      notes: [
        `${PRESSES + 1} members each had a /video delivered; then each in turn pressed Reroll under their own video, ${GAP_MS} ms after the previous take was delivered, so no other job was in flight (the first press warms up and is not counted)`,
        `press = the stand-in dispatching the interaction; submit = the WaveSpeed stand-in receiving the new job's request (its epoch clock, set against the Discord stand-in's at each press, 1 ms resolution); the answer (the new job's public reply) goes first, and the submit a median ${median(afterAck).toFixed(0)} ms after it arrived`,
      ],
      samples: { 'press → submit ms': submitMs, 'press → answer ms': ackMs },
    });
  },
};
