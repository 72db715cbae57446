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
 * a thousand jobs cost one timer and never more than `maxInFlight` provider calls. The
 * earliest due step comes off a heap: with hundreds of jobs polling, looking through every
 * job at each schedule cost more than the polls themselves.
 */
export class StepScheduler implements StepQueue {
  readonly shared = false;
  /** Each waiting job's next step time; a running job's, if it was scheduled meanwhile. */
  private readonly due = new Map<string, number>();
  /** Due entries by time. One whose time no longer matches `due`, or whose job runs, is stale. */
  private readonly queue = new DueQueue();
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
    const current = this.due.get(jobId);
    if (current !== undefined && current <= at) return;
    this.due.set(jobId, at);
    // A running job's next step is queued when it finishes.
    if (!this.running.has(jobId)) this.queue.push(at, jobId);
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

  /** The earliest entry still current, with the stale ones before it dropped. */
  private peek(): DueEntry | undefined {
    for (let entry = this.queue.peek(); entry; entry = this.queue.peek()) {
      if (this.due.get(entry.jobId) === entry.at && !this.running.has(entry.jobId)) return entry;
      this.queue.pop();
    }
    return undefined;
  }

  private arm(): void {
    if (this.stopped) return;
    const next = this.peek()?.at ?? Number.POSITIVE_INFINITY;
    if (next === this.timerAt) return;
    clearTimeout(this.timer);
    this.timerAt = next;
    if (next === Number.POSITIVE_INFINITY) return;
    this.timer = setTimeout(() => this.fire(), Math.max(0, next - this.now()));
  }

  private fire(): void {
    this.timerAt = Number.POSITIVE_INFINITY;
    const now = this.now();
    for (let entry = this.peek(); entry && entry.at <= now; entry = this.peek()) {
      // Due jobs beyond the bound wait for a slot; each finishing step re-arms the timer.
      if (this.running.size >= this.options.maxInFlight) return;
      const { jobId } = entry;
      this.queue.pop();
      this.due.delete(jobId);
      const run = this.step(jobId).finally(() => {
        this.running.delete(jobId);
        const next = this.due.get(jobId);
        if (next !== undefined) this.queue.push(next, jobId);
        this.arm();
      });
      this.running.set(jobId, run);
    }
    this.arm();
  }
}

interface DueEntry {
  readonly at: number;
  readonly jobId: string;
}

/** A binary min-heap of due entries by time. */
class DueQueue {
  private readonly entries: DueEntry[] = [];

  peek(): DueEntry | undefined {
    return this.entries[0];
  }

  push(at: number, jobId: string): void {
    const { entries } = this;
    entries.push({ at, jobId });
    let child = entries.length - 1;
    while (child > 0) {
      const parent = (child - 1) >> 1;
      if (this.at(parent) <= at) break;
      this.swap(child, parent);
      child = parent;
    }
  }

  pop(): void {
    const { entries } = this;
    const last = entries.pop();
    if (!last || entries.length === 0) return;
    entries[0] = last;
    let parent = 0;
    for (;;) {
      const left = 2 * parent + 1;
      const right = left + 1;
      let least = parent;
      if (left < entries.length && this.at(left) < this.at(least)) least = left;
      if (right < entries.length && this.at(right) < this.at(least)) least = right;
      if (least === parent) return;
      this.swap(parent, least);
      parent = least;
    }
  }

  private at(index: number): number {
    return this.entries[index]?.at ?? Number.POSITIVE_INFINITY;
  }

  private swap(a: number, b: number): void {
    const { entries } = this;
    const first = entries[a];
    const second = entries[b];
    if (!first || !second) return;
    entries[a] = second;
    entries[b] = first;
  }
}
