/** Runs one step of a job: a poll, a delivery attempt. Must not throw. */
export type JobStep = (jobId: string) => Promise<void>;

/**
 * Port for running job steps at a given time, with a bound on steps running at once. In
 * one process, {@link StepScheduler}; across processes on Redis, a BullMQ queue, where a
 * step scheduled by one process may run in another.
 */
export interface StepQueue {
  /** Whether other processes run steps from the same queue. */
  readonly shared: boolean;
  /** Begins running steps with `step`. */
  start(step: JobStep): Promise<void>;
  /**
   * Runs the job's next step at `at` (epoch ms), or earlier if an earlier step is already due:
   * a schedule never pushes a step back, so a nudge (a webhook) is never lost to a later poll
   * time, and a step that runs early simply schedules its successor again.
   */
  schedule(jobId: string, at: number): Promise<void>;
  /** Stops taking steps and waits up to `graceMs` for those running to finish. */
  stop(graceMs: number): Promise<void>;
}

/**
 * Drives every job's next step from one timer, with a bound on steps running at once, so
 * a thousand jobs cost one timer and never more than `maxInFlight` provider calls.
 */
export class StepScheduler implements StepQueue {
  readonly shared = false;
  private readonly due = new Map<string, number>();
  private readonly running = new Map<string, Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private stopped = false;

  private step: JobStep = async () => {};

  constructor(private readonly options: { maxInFlight: number; now?: () => number }) {}

  async start(step: JobStep): Promise<void> {
    this.step = step;
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  async schedule(jobId: string, at: number): Promise<void> {
    if (this.stopped) return;
    this.due.set(jobId, Math.min(at, this.due.get(jobId) ?? at));
    this.arm();
  }

  /** Jobs waiting for their next step, including those running now. */
  get size(): number {
    return new Set([...this.due.keys(), ...this.running.keys()]).size;
  }

  async stop(graceMs: number): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    const grace = new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref());
    await Promise.race([Promise.allSettled(this.running.values()), grace]);
  }

  private arm(): void {
    if (this.stopped) return;
    let next = Number.POSITIVE_INFINITY;
    for (const [jobId, at] of this.due) if (!this.running.has(jobId) && at < next) next = at;
    if (next === this.timerAt) return;
    clearTimeout(this.timer);
    this.timerAt = next;
    if (next === Number.POSITIVE_INFINITY) return;
    this.timer = setTimeout(() => this.fire(), Math.max(0, next - this.now()));
  }

  private fire(): void {
    this.timerAt = Number.POSITIVE_INFINITY;
    const now = this.now();
    const ready = [...this.due]
      .filter(([jobId, at]) => at <= now && !this.running.has(jobId))
      .sort((a, b) => a[1] - b[1]);
    for (const [jobId] of ready.slice(0, this.options.maxInFlight - this.running.size)) {
      this.due.delete(jobId);
      const run = this.step(jobId).finally(() => {
        this.running.delete(jobId);
        this.arm();
      });
      this.running.set(jobId, run);
    }
    // Due jobs beyond the bound wait for a slot; each finishing step re-arms the timer.
    if (this.running.size < this.options.maxInFlight) this.arm();
  }
}
