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
/** Completions are expected between these quantiles of recent durations. */
const WINDOW = [0.05, 0.95] as const;
/** Checks inside the window: a finished video waits about 1/24 of the window's width on average. */
const CHECKS_PER_WINDOW = 12;
/**
 * Learned timings are saved at most this often. They only tune polling, so a crash may lose a
 * few seconds of them, where a write per finished job cost a burst of deliveries a write each.
 */
const SAVE_EVERY_MS = 10_000;

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
 * Decides when to check a job next. Before the window where the model's recent videos
 * finished it checks sparsely (a refused prompt still shows up early); inside it, densely
 * enough that a finished video waits about a second; past it, less and less often. The window
 * comes from quantiles of recent durations, so the order jobs finish in does not skew it.
 */
export class PollPlanner {
  private readonly stats = new Map<string, DurationStats>();
  /** Models whose timings changed since they were saved, with the timer that saves them. */
  private readonly unsaved = new Map<string, NodeJS.Timeout>();
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
    const recent = this.stats.get(model)?.recentMs ?? [];
    const wait = recent.length >= MIN_SAMPLES ? this.learnedWait(recent, elapsed) : this.guidedWait(elapsed);
    return now + Math.max(this.floorMs, wait);
  }

  /** Records how long a finished job took (submit → completion, as best it is known); saved within seconds. */
  learn(model: string, durationMs: number): void {
    const recentMs = [...(this.stats.get(model)?.recentMs ?? []), Math.round(durationMs)].slice(-KEEP);
    this.stats.set(model, { recentMs });
    if (this.unsaved.has(model)) return;
    // Unref'd: a stopping bot flushes instead of waiting for it.
    this.unsaved.set(model, setTimeout(() => void this.save(model), SAVE_EVERY_MS).unref());
  }

  /** Saves what was learned and not saved yet; for a graceful stop. */
  async flush(): Promise<void> {
    await Promise.all([...this.unsaved.keys()].map((model) => this.save(model)));
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

  private learnedWait(recent: readonly number[], elapsed: number): number {
    const sorted = [...recent].sort((a, b) => a - b);
    const opens = quantile(sorted, WINDOW[0]);
    const closes = quantile(sorted, WINDOW[1]);
    const dense = Math.min(Math.max((closes - opens) / CHECKS_PER_WINDOW, this.floorMs), 5_000);
    if (elapsed < opens) {
      // Sparse early checks: halve the distance to the window, at least 15 floors apart.
      return Math.min(opens - elapsed, Math.max((opens - elapsed) / 2, 3 * dense, 15 * this.floorMs));
    }
    if (elapsed <= closes) return dense;
    // Running long: back off from the window's pace in proportion to how far past it, up to half a minute.
    // Few samples make a narrow window that many jobs outrun, so the back-off starts gently.
    return Math.min(dense + (elapsed - closes) / 3, 30_000);
  }
}

/** The `q` quantile of ascending `sorted`, interpolated. */
function quantile(sorted: readonly number[], q: number): number {
  const position = (sorted.length - 1) * q;
  const below = sorted[Math.floor(position)] ?? 0;
  const above = sorted[Math.ceil(position)] ?? below;
  return below + (above - below) * (position - Math.floor(position));
}
