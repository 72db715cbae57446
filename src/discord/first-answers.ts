/**
 * Commands of this process still deciding or sending their first answer. A job starts once none
 * are: in a burst of `/video`, a member's acknowledgement would otherwise wait behind the submits,
 * line checks and edits of the jobs answered just before theirs, all on one event loop.
 */
export class FirstAnswers {
  private pending = 0;
  private readonly waiting = new Set<() => void>();

  /** Counts a command until the returned function is called; calling it again does nothing. */
  begin(): () => void {
    this.pending += 1;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.pending -= 1;
      if (this.pending > 0) return;
      for (const wake of this.waiting) wake();
      this.waiting.clear();
    };
  }

  /**
   * Resolves once no command waits for its first answer, or after `limitMs`, so that a steady
   * stream of commands holds no job back for longer.
   */
  settled(limitMs: number): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.waiting.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, limitMs);
      this.waiting.add(wake);
    });
  }
}
