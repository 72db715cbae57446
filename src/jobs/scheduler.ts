/**
 * Drives every job's next step from one timer, with a bound on steps running at once, so
 * a thousand jobs cost one timer and never more than `maxInFlight` provider calls.
 */
export class StepScheduler {
  private readonly due = new Map<string, number>();
  private readonly running = new Map<string, Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private stopped = false;

  constructor(
    private readonly step: (jobId: string) => Promise<void>,
    private readonly options: { maxInFlight: number; now?: () => number },
  ) {}

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  /** Runs `jobId`'s next step at `at` (epoch ms). Replaces any earlier schedule for it. */
  schedule(jobId: string, at: number): void {
    if (this.stopped) return;
    this.due.set(jobId, at);
    this.arm();
  }

  /** Jobs waiting for their next step, including those running now. */
  get size(): number {
    return new Set([...this.due.keys(), ...this.running.keys()]).size;
  }

  /** Stops taking steps and waits up to `graceMs` for those running to finish. */
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
