import type Keyv from 'keyv';
import type { Logger } from '../logger.js';

/** How long a model's recent videos took, submit → completion, in ms, oldest first. */
export interface DurationStats {
  recentMs: number[];
}

/** Enough recent jobs to describe today's load, few enough that last week's does not linger. */
const KEEP = 64;
/** Below this many finished jobs the spread is not trusted yet. */
const MIN_SAMPLES = 3;
/**
 * Result calls a job spends, on average, from the shortest learned duration to the longest.
 * Lag grows with the spread for a given number: for videos of 30-50 s, a finished video is
 * found in about 0.45 s at the median, and a 40-s job makes 11 calls, the early ones included.
 */
const CHECKS_IN_WINDOW = 9;
/**
 * Closest two checks of one job may come. WaveSpeed's official SDK polls every second for the
 * whole job; this pace only applies where a video is most likely to finish, so a job costs a
 * third of the SDK's calls.
 */
const FLOOR_MS = 500;
/** Before the window, checks stay at least this many guidance intervals apart. */
const EARLY_INTERVALS = 3;
/** Longest wait between checks of a job that outran everything learned. */
const LONGEST_WAIT_MS = 30_000;
/**
 * Learned timings are saved at most this often. They only tune polling, so a crash may lose a
 * few seconds of them, where a write per finished job cost a burst of deliveries a write each.
 */
const SAVE_EVERY_MS = 10_000;

export interface PollPlannerOptions {
  /**
   * WaveSpeed's guidance for video when nothing is known: at least this long between checks,
   * growing as a job runs long. Also the floor's ceiling: checks of one job never come closer
   * than half a second unless this is set below that (for local stand-ins).
   */
  guidanceMs: number;
  /** Set when the provider pushes outcomes by webhook: then polls only catch lost callbacks, this often. */
  reconcileEveryMs?: number;
}

/**
 * Decides when to check a job next. While nothing is known it follows WaveSpeed's guidance.
 * Once a model's recent durations are known, checks come as densely as the chance that the
 * video has just finished warrants: the gap to the next check shrinks with the square root of
 * the learned hazard (how likely a job that has run this long is to finish now), which spends
 * a fixed number of calls for the least average lag. Early on that chance is small, so checks
 * are sparse (a refused prompt still shows up early); near the longest recent duration they
 * are dense; past it, they back off.
 */
export class PollPlanner {
  private readonly stats = new Map<string, DurationStats>();
  /** Each model's durations as a curve, rebuilt when it learns. */
  private readonly curves = new Map<string, FinishCurve>();
  /** Models whose timings changed since they were saved, with the timer that saves them. */
  private readonly unsaved = new Map<string, NodeJS.Timeout>();
  private readonly floorMs: number;

  constructor(
    private readonly keyv: Keyv<DurationStats>,
    private readonly logger: Logger,
    private readonly options: PollPlannerOptions,
  ) {
    this.floorMs = Math.min(FLOOR_MS, options.guidanceMs);
  }

  /** Loads what earlier runs learned about `model`. */
  async load(model: string): Promise<void> {
    const stored = await this.keyv.get(model);
    if (stored) this.remember(model, stored);
  }

  /** What is known about `model` now. */
  statsFor(model: string): DurationStats | undefined {
    return this.stats.get(model);
  }

  /**
   * How long a job of `model` usually takes (submit → completion): the median of its recent
   * durations, once there are enough to trust; for the member's ETA. Of the estimators tried,
   * it was right (within 20 %) most often.
   */
  typicalMs(model: string): number | undefined {
    return this.curves.get(model)?.median;
  }

  /** When to check next a job of `model` submitted at `submittedAt`, seen unfinished at `now`. */
  nextPollAt(model: string, submittedAt: number, now: number): number {
    if (this.options.reconcileEveryMs !== undefined) return now + this.options.reconcileEveryMs;
    const elapsed = now - submittedAt;
    const curve = this.curves.get(model);
    const wait = curve ? this.learnedWait(curve, elapsed) : this.guidedWait(elapsed);
    return now + Math.max(this.floorMs, wait);
  }

  /** Records how long a finished job took (submit → completion, as best it is known); saved within seconds. */
  learn(model: string, durationMs: number): void {
    const recentMs = [...(this.stats.get(model)?.recentMs ?? []), Math.round(durationMs)].slice(-KEEP);
    this.remember(model, { recentMs });
    if (this.unsaved.has(model)) return;
    // Unref'd: a stopping bot flushes instead of waiting for it.
    this.unsaved.set(model, setTimeout(() => void this.save(model), SAVE_EVERY_MS).unref());
  }

  /** Saves what was learned and not saved yet; for a graceful stop. */
  async flush(): Promise<void> {
    await Promise.all([...this.unsaved.keys()].map((model) => this.save(model)));
  }

  private remember(model: string, stats: DurationStats): void {
    this.stats.set(model, stats);
    if (stats.recentMs.length >= MIN_SAMPLES) this.curves.set(model, new FinishCurve(stats.recentMs));
  }

  private async save(model: string): Promise<void> {
    clearTimeout(this.unsaved.get(model));
    this.unsaved.delete(model);
    const stats = this.stats.get(model);
    if (!stats) return;
    await this.keyv
      .set(model, stats)
      .catch((error: unknown) => this.logger.warn({ err: error }, 'could not save poll timing'));
  }

  private guidedWait(elapsed: number): number {
    const stretch = elapsed > 300_000 ? 4 : elapsed > 120_000 ? 2 : 1;
    return this.options.guidanceMs * stretch;
  }

  private learnedWait(curve: FinishCurve, elapsed: number): number {
    if (elapsed >= curve.longest) {
      // Past every recent job nothing says when this one ends: check as if the window reached to now,
      // and back off as it runs further past. Few samples make a narrow window that many jobs
      // outrun, so the back-off starts gently.
      return Math.min(curve.paceBeyond(elapsed) + (elapsed - curve.longest) / 3, LONGEST_WAIT_MS);
    }
    const wait = Math.min(curve.gapAt(elapsed), LONGEST_WAIT_MS);
    const ahead = curve.shortest - elapsed;
    const early = EARLY_INTERVALS * this.options.guidanceMs;
    // Far before the window: halve the distance to it, no closer than `early`, to catch a refusal.
    return ahead > early ? Math.min(wait, Math.max(ahead / 2, early)) : wait;
  }
}

/**
 * Recent durations of one model as a distribution. Its cumulative share runs linearly between
 * consecutive sorted durations (a gap between two samples reads as a stretch where few jobs
 * finish, not none), and the longest keeps one sample's share beyond it (some job will run
 * longer), so the chance of finishing stays finite up to the longest.
 */
class FinishCurve {
  private readonly sorted: number[];
  /** The check-spacing constant (ms) for which a job spends about {@link CHECKS_IN_WINDOW} calls. */
  private readonly spacing: number;

  constructor(durationsMs: readonly number[]) {
    this.sorted = [...durationsMs].sort((a, b) => a - b);
    // At least a millisecond, so that durations all alike still wait for their moment.
    this.spacing = Math.max((this.sqrtHazardMass() / CHECKS_IN_WINDOW) ** 2, 1);
  }

  get shortest(): number {
    return this.sorted[0] ?? 0;
  }

  get longest(): number {
    return this.sorted[this.sorted.length - 1] ?? 0;
  }

  get median(): number {
    const { sorted } = this;
    const middle = sorted.length >> 1;
    return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
  }

  /** The gap for a job past the longest recent duration: the budget's pace over a window stretched to now. */
  paceBeyond(elapsed: number): number {
    return (elapsed - this.shortest) / CHECKS_IN_WINDOW;
  }

  /**
   * The wait after `elapsed` such that the wait times the chance of finishing within it (for a
   * job still running) equals the spacing constant: for short waits, sqrt(spacing / hazard),
   * the density of checks that spends a given number of calls for the least average lag.
   */
  gapAt(elapsed: number): number {
    const running = 1 - this.share(elapsed);
    const worth = (wait: number) => (wait * (this.share(elapsed + wait) - this.share(elapsed))) / running;
    let low = 0;
    let high = Math.max(this.longest - elapsed, this.spacing);
    // `worth` grows with the wait; 32 halvings leave under a millisecond of a ten-minute range.
    for (let step = 0; step < 32; step += 1) {
      const middle = (low + high) / 2;
      if (worth(middle) < this.spacing) low = middle;
      else high = middle;
    }
    return high;
  }

  /** Share of recent jobs that finished within `ms`. */
  private share(ms: number): number {
    const { sorted } = this;
    const count = sorted.length;
    if (ms <= this.shortest) return 0;
    if (ms >= this.longest) return (count - 1) / count;
    let below = 0;
    let above = count - 1;
    while (above - below > 1) {
      const middle = (below + above) >> 1;
      if ((sorted[middle] ?? 0) < ms) below = middle;
      else above = middle;
    }
    const from = sorted[below] ?? 0;
    const to = sorted[above] ?? from;
    return (below + (ms - from) / (to - from)) / count;
  }

  /**
   * ∫ sqrt(density × share still running) over the durations. Checks spaced sqrt(spacing /
   * hazard) apart cost a job this divided by sqrt(spacing) calls on average, which fixes the spacing.
   */
  private sqrtHazardMass(): number {
    const { sorted } = this;
    const count = sorted.length;
    let mass = 0;
    for (let index = 0; index + 1 < count; index += 1) {
      const width = (sorted[index + 1] ?? 0) - (sorted[index] ?? 0);
      // Between two samples the density is 1 / (count × width) and the share running falls linearly.
      const runningBefore = 1 - index / count;
      const runningAfter = 1 - (index + 1) / count;
      mass += Math.sqrt(width / count) * (2 / 3) * count * (runningBefore ** 1.5 - runningAfter ** 1.5);
    }
    return mass;
  }
}
