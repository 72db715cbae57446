import type Keyv from 'keyv';
import type { Logger } from '../logger.js';

/** How long a model's videos take, learned from finished jobs. */
export interface DurationStats {
  /** Exponentially weighted mean of submit → completion, in ms. */
  meanMs: number;
  /** Exponentially weighted mean absolute deviation from it, in ms. */
  deviationMs: number;
  samples: number;
}

/** Weight of the newest job in the running averages: recent load matters more than last week's. */
const WEIGHT = 0.2;
/** Below this many finished jobs the averages are not trusted yet. */
const MIN_SAMPLES = 3;
/** Mean absolute deviation → standard deviation, for roughly normal durations. */
const MAD_TO_SD = 1.25;
/** Half-width of the window where completions are expected, in standard deviations. */
const WINDOW_SD = 1.7;

export interface PollPlannerOptions {
  /**
   * WaveSpeed's guidance for video when nothing is known: at least this long between checks,
   * growing as a job runs long. Also the floor's ceiling: polls never come faster than once a
   * second unless this is set below a second (for local stand-ins).
   */
  guidanceMs: number;
  /** Set when the provider pushes outcomes by webhook: then polls only catch lost callbacks, this often. */
  reconcileEveryMs?: number;
}

/**
 * Decides when to check a job next. Before the window where the model's videos usually finish
 * it checks sparsely (a failed prompt still shows up early); inside it, densely enough that a
 * finished video waits about a second; past it, less and less often.
 */
export class PollPlanner {
  private readonly stats = new Map<string, DurationStats>();
  private readonly floorMs: number;

  constructor(
    private readonly keyv: Keyv<DurationStats>,
    private readonly logger: Logger,
    private readonly options: PollPlannerOptions,
  ) {
    this.floorMs = Math.min(1_000, options.guidanceMs);
  }

  /** Loads what earlier runs learned about `model`. */
  async load(model: string): Promise<void> {
    const stored = await this.keyv.get(model);
    if (stored) this.stats.set(model, stored);
  }

  /** What is known about `model` now. */
  statsFor(model: string): DurationStats | undefined {
    return this.stats.get(model);
  }

  /** When to check next a job of `model` submitted at `submittedAt`, seen unfinished at `now`. */
  nextPollAt(model: string, submittedAt: number, now: number): number {
    if (this.options.reconcileEveryMs !== undefined) return now + this.options.reconcileEveryMs;
    const elapsed = now - submittedAt;
    const stats = this.stats.get(model);
    const wait = stats && stats.samples >= MIN_SAMPLES ? this.learnedWait(stats, elapsed) : this.guidedWait(elapsed);
    return now + Math.max(this.floorMs, wait);
  }

  /** Records how long a finished job took (submit → completion, as best it is known) and persists it. */
  learn(model: string, durationMs: number): void {
    const previous = this.stats.get(model);
    const next: DurationStats = previous
      ? {
          meanMs: previous.meanMs + WEIGHT * (durationMs - previous.meanMs),
          deviationMs: previous.deviationMs + WEIGHT * (Math.abs(durationMs - previous.meanMs) - previous.deviationMs),
          samples: previous.samples + 1,
        }
      : { meanMs: durationMs, deviationMs: durationMs / 4, samples: 1 };
    this.stats.set(model, next);
    this.keyv
      .set(model, next)
      .catch((error: unknown) => this.logger.warn({ err: error }, 'could not save poll timing'));
  }

  private guidedWait(elapsed: number): number {
    const stretch = elapsed > 300_000 ? 4 : elapsed > 120_000 ? 2 : 1;
    return this.options.guidanceMs * stretch;
  }

  private learnedWait(stats: DurationStats, elapsed: number): number {
    const sd = MAD_TO_SD * stats.deviationMs;
    const opens = stats.meanMs - WINDOW_SD * sd;
    const closes = stats.meanMs + WINDOW_SD * sd;
    // Dense enough that a video finishing inside the window waits about a second, at most five.
    const dense = Math.min(Math.max(sd / 4, this.floorMs), 5_000);
    if (elapsed < opens) {
      // Sparse early checks: halve the remaining distance, but never check more often than `dense` would.
      return Math.min(opens - elapsed, Math.max((opens - elapsed) / 2, 3 * dense, 15 * this.floorMs));
    }
    if (elapsed <= closes) return dense;
    // Running long: back off in proportion to how late it is, up to half a minute.
    return Math.min(Math.max(dense, (elapsed - stats.meanMs) / 3), 30_000);
  }
}
