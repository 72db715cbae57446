/**
 * A job's place at the provider's door: holding one of the account's generation slots, or
 * waiting behind `ahead` earlier jobs. `waiting` is how many jobs are in line in all.
 */
export type LinePlace = { admitted: true; waiting: number } | { admitted: false; ahead: number; waiting: number };

/**
 * The line for the provider's generation slots. A WaveSpeed account generates only so many
 * videos at once (its tier), so jobs beyond that wait here, first come first served, rather
 * than be refused or pile up unseen at the provider. Every operation is idempotent: a step
 * may run twice.
 */
export interface GenerationLine {
  /** Generations at once on the account, across every process. */
  readonly slots: number;
  /**
   * Takes a slot for the job if one is free and nobody joined the line before it; otherwise
   * keeps (or gives) it its place, ordered by `joinedAt`.
   */
  claim(jobId: string, joinedAt: number, now: number): Promise<LinePlace>;
  /** Marks the job as holding a slot whether or not one is free: it is already at the provider. */
  hold(jobId: string, now: number): Promise<void>;
  /**
   * Gives up the job's slot or place. Resolves with the jobs at the head of the line that a
   * freed slot now lets in (they still `claim` it), and how many are left waiting.
   */
  release(jobId: string, now: number): Promise<{ next: string[]; waiting: number }>;
}

interface Waiting {
  jobId: string;
  joinedAt: number;
}

/** Earlier first; equal times by id, the order Redis gives equal scores. */
const inLineOrder = (a: Waiting, b: Waiting) => a.joinedAt - b.joinedAt || (a.jobId < b.jobId ? -1 : 1);

/**
 * The line of one process, for the single-process SQLite setup. It lives in memory: after a
 * restart the job runner rebuilds it from the job records (`hold` for jobs at the provider,
 * `claim` again for jobs that were waiting).
 */
export class MemoryGenerationLine implements GenerationLine {
  private readonly holders = new Set<string>();
  /** In line order. */
  private readonly line: Waiting[] = [];

  constructor(readonly slots: number) {}

  async claim(jobId: string, joinedAt: number): Promise<LinePlace> {
    if (this.holders.has(jobId)) return { admitted: true, waiting: this.line.length };
    let rank = this.line.findIndex((waiting) => waiting.jobId === jobId);
    if (rank === -1) {
      const joining = { jobId, joinedAt };
      rank = this.line.findIndex((waiting) => inLineOrder(joining, waiting) < 0);
      if (rank === -1) rank = this.line.length;
      this.line.splice(rank, 0, joining);
    }
    if (rank >= this.slots - this.holders.size) return { admitted: false, ahead: rank, waiting: this.line.length };
    this.line.splice(rank, 1);
    this.holders.add(jobId);
    return { admitted: true, waiting: this.line.length };
  }

  async hold(jobId: string): Promise<void> {
    this.leaveLine(jobId);
    this.holders.add(jobId);
  }

  async release(jobId: string): Promise<{ next: string[]; waiting: number }> {
    this.leaveLine(jobId);
    this.holders.delete(jobId);
    const free = Math.max(0, this.slots - this.holders.size);
    return { next: this.line.slice(0, free).map((waiting) => waiting.jobId), waiting: this.line.length };
  }

  private leaveLine(jobId: string): void {
    const rank = this.line.findIndex((waiting) => waiting.jobId === jobId);
    if (rank !== -1) this.line.splice(rank, 1);
  }
}
