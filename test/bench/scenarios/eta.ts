/**
 * ETA: how close the progress message's "likely ready" time comes to when the video really
 * arrives, for jobs of one model whose durations vary, arriving about as fast as a few
 * generation slots serve them, so that a line comes and goes.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RecordedMessage } from '../../stand-ins/discord.js';
import { LONGEST_MS, OUTPUT_BYTES, SHORTEST_MS } from '../delivery.js';
import { type Scenario, withLog } from '../scenario.js';
import { onStage } from '../stage.js';
import { median } from '../stats.js';
import { memberId, promptOf, VideoWatch } from '../traffic.js';

const JOBS = 32;
/** Jobs before this one only teach the bot; the figures are over the rest. */
const MEASURED_FROM = 10;
const SLOTS = 4;
/** A job every 10 s against 4 slots of 40 s on average: what they serve, so a line comes and goes. */
const EVERY_MS = 10_000;
/** What counts as right, as a share of the member's whole wait (from `/video` to the video). */
const TOLERANCE = 0.2;
const ETA = /likely ready <t:(\d+):R>/;
const OVERDUE = 'taking longer than usual';
/** A progress state's ETA, either way it is worded: two states that differ only there were one edit for the ETA alone. */
const ETA_PART = / · (likely ready <t:\d+:R>|taking longer than usual)/;
/** An ETA must stand this long to count as read: the opening reply of a job that joins the line is replaced at once. */
const READABLE_MS = 1_000;

/** Durations evenly spread over 30-50 s, in a scrambled but fixed order (13 is prime to 32). */
function durations(): number[] {
  return Array.from(
    { length: JOBS },
    (_, index) => SHORTEST_MS + ((LONGEST_MS - SHORTEST_MS) * ((index * 13) % JOBS)) / (JOBS - 1),
  );
}

/** What one job's member read, and when their video came (stand-in clock, ms). */
interface ShownJob {
  readonly requestedAt: number;
  readonly arrivedAt: number;
  /** Each progress state that carried an ETA and stood long enough to be read, and the time it said (stand-in clock). */
  readonly etas: ReadonlyArray<{ shownAt: number; readyAt: number }>;
  /** The last progress state said the job was taking longer than usual. */
  readonly endedOverdue: boolean;
  /** Edits of the reply (each a Discord request): progress and the video. */
  readonly edits: number;
  /** Of those, the ones that changed the ETA alone (to say the job takes longer). */
  readonly etaOnlyEdits: number;
  /** Longest the reply showed an ETA already past (ms): the client read "… ago" meanwhile. */
  readonly passedMs: number;
  readonly waitedInLine: boolean;
}

/** The job's progress states, oldest first, up to the one before its video. */
function progressStates(message: RecordedMessage): Array<{ content: string; at: number }> {
  return message.history.filter((revision) => revision.attachments.length === 0 && revision.content !== '');
}

function shownJob(message: RecordedMessage, requestedAt: number, arrivedAt: number, epochOffsetMs: number): ShownJob {
  const states = progressStates(message);
  let passedMs = 0;
  const etas = states.flatMap(({ content, at }, index) => {
    const match = ETA.exec(content);
    const until = states[index + 1]?.at ?? arrivedAt;
    if (!match) return [];
    const readyAt = Number(match[1]) * 1000 - epochOffsetMs;
    passedMs = Math.max(passedMs, until - Math.max(readyAt, at));
    return until - at >= READABLE_MS ? [{ shownAt: at, readyAt }] : [];
  });
  const withoutEta = states.map(({ content }) => content.replace(ETA_PART, ''));
  return {
    requestedAt,
    arrivedAt,
    etas,
    endedOverdue: states.at(-1)?.content.includes(OVERDUE) ?? false,
    edits: message.history.length,
    etaOnlyEdits: withoutEta.filter((content, index) => index > 0 && content === withoutEta[index - 1]).length,
    passedMs,
    waitedInLine: states.some(({ content }) => content.includes('In line for the studio')),
  };
}

/**
 * How far off the job's first or last ETA was, as a share of the member's wait: negative when
 * the video came later, `NaN` when none was shown.
 */
function errorOf(job: ShownJob, which: 'first' | 'last'): number {
  const shown = which === 'first' ? job.etas[0] : job.etas.at(-1);
  return shown ? (shown.readyAt - job.arrivedAt) / (job.arrivedAt - job.requestedAt) : Number.NaN;
}

/** Share of `errors` within the tolerance; a job that showed no ETA is not. */
function withinTolerance(errors: readonly number[]): number {
  return errors.filter((error) => Math.abs(error) <= TOLERANCE).length / errors.length;
}

/** The median size of `errors`, a job that showed no ETA counting as infinitely off. */
function medianMiss(errors: readonly number[]): number {
  return median(errors.map((error) => (Number.isNaN(error) ? Number.POSITIVE_INFINITY : Math.abs(error))));
}

function percent(share: number): number {
  return 100 * share;
}

function perJob(jobs: readonly ShownJob[], count: (job: ShownJob) => number): number {
  return jobs.reduce((sum, job) => sum + count(job), 0) / jobs.length;
}

export const eta: Scenario = {
  id: 'eta',
  title: `ETA on the progress message: ${JOBS} jobs of ${SHORTEST_MS / 1000}-${LONGEST_MS / 1000} s, one every ${EVERY_MS / 1000} s, ${SLOTS} generation slots`,
  async run() {
    const durationsMs = durations();
    const result = await onStage(
      {
        label: 'eta',
        deadlineMs: JOBS * EVERY_MS + JOBS * LONGEST_MS + 3 * 60_000,
        // The default poll interval: what members see is what is measured.
        env: { WAVESPEED_MAX_CONCURRENCY: String(SLOTS) },
      },
      async ({ discord, wavespeed }) => {
        // The line is first come first served, so the k-th submit is the k-th /video.
        for (const durationMs of durationsMs) wavespeed.nextSubmit({ durationMs, outputBytes: OUTPUT_BYTES });
        const epochOffsetMs = Date.now() - performance.now();
        const handles = [];
        for (let index = 0; index < JOBS; index += 1) {
          handles.push(
            discord.sendCommand({
              name: 'video',
              userId: memberId(index + 1),
              options: { prompt: promptOf('eta', index) },
            }),
          );
          if (index + 1 < JOBS) await sleep(EVERY_MS);
        }
        const watch = new VideoWatch(discord, handles);
        const { refused } = await watch.acks(30_000);
        if (refused > 0) throw new Error(`${refused} of ${JOBS} /video were not acknowledged in time`);
        const arrivals = await watch.deliveries(JOBS * LONGEST_MS + 2 * 60_000);
        return handles.map((handle) => {
          const message = handle.original();
          const arrivedAt = arrivals.get(handle);
          if (!message || arrivedAt === undefined) throw new Error(`no video for ${handle.id}`);
          return shownJob(message, handle.dispatchedAt, arrivedAt, epochOffsetMs);
        });
      },
    );
    const measured = result.value.slice(MEASURED_FROM);
    const first = measured.map((job) => errorOf(job, 'first'));
    const last = measured.map((job) => errorOf(job, 'last'));
    // The ETA on display when the video came had passed: the client read "… ago" for a while.
    const passed = measured.filter(
      (job) => (job.etas.at(-1)?.readyAt ?? Number.POSITIVE_INFINITY) < job.arrivedAt,
    ).length;
    const waited = measured.filter((job) => job.waitedInLine);
    return withLog(result, {
      figures: [
        { label: 'first ETA shown: within ±20 %', value: percent(withinTolerance(first)), unit: '%', digits: 0 },
        {
          label: 'first ETA shown: median error',
          value: percent(medianMiss(first)),
          unit: '%',
          digits: 1,
          target: 100 * TOLERANCE,
        },
        { label: 'last ETA shown: within ±20 %', value: percent(withinTolerance(last)), unit: '%', digits: 0 },
        {
          label: 'last ETA shown: median error',
          value: percent(medianMiss(last)),
          unit: '%',
          digits: 1,
          target: 100 * TOLERANCE,
        },
        {
          label: 'first ETA shown: median signed error',
          value: percent(median(first.filter((error) => !Number.isNaN(error)))),
          unit: '%',
          digits: 1,
        },
        { label: 'reply edits per job', value: perJob(measured, (job) => job.edits), unit: 'requests', digits: 2 },
        {
          label: 'edits for the ETA alone per job (taking longer)',
          value: perJob(measured, (job) => job.etaOnlyEdits),
          unit: 'requests',
          digits: 2,
        },
        {
          label: 'longest a passed ETA stood',
          value: Math.max(...measured.map((job) => job.passedMs)) / 1000,
          unit: 's',
          digits: 1,
        },
        ...(waited.length === 0
          ? []
          : [
              {
                label: 'first ETA of jobs in line: within ±20 %',
                value: percent(withinTolerance(waited.map((job) => errorOf(job, 'first')))),
                unit: '%',
                digits: 0,
              },
            ]),
      ],
      notes: [
        `over jobs ${MEASURED_FROM + 1}-${JOBS}; error = (ETA − video's arrival in Discord) ÷ the member's wait from /video to the video, negative when the video came later`,
        `durations evenly spread over ${SHORTEST_MS / 1000}-${LONGEST_MS / 1000} s in a scrambled order, the bot's default poll interval; --time-scale is not applied (an ETA is shown to the second)`,
        `${waited.length} of ${measured.length} measured jobs waited in line; ${measured.filter((job) => job.etas.length === 0).length} showed no ETA`,
        `an ETA counts as shown when it stood ${READABLE_MS / 1000} s or more (the opening reply of a job that joins the line is replaced at once); ${passed} of ${measured.length} videos came after the ETA on display had passed (the client reads "… ago" meanwhile); ${measured.filter((job) => job.endedOverdue).length} ended saying "${OVERDUE}"`,
      ],
      samples: {
        'first ETA error %': first.map((error) => Math.round(percent(error) * 10) / 10),
        'last ETA error %': last.map((error) => Math.round(percent(error) * 10) / 10),
        'wait s': measured.map((job) => Math.round((job.arrivedAt - job.requestedAt) / 100) / 10),
      },
    });
  },
};
