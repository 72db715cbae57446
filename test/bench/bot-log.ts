/** What the bot printed, grouped so a run's warnings and errors read as a short list. */

/** Log lines of one level and message, counted. */
export interface LogEntry {
  /** pino's level name, or `stderr` / `stdout` for lines that are not pino JSON. */
  readonly level: string;
  readonly msg: string;
  count: number;
  /** The error message of the first such line, when it carried one. */
  readonly example?: string;
}

const LEVELS: Readonly<Record<number, string>> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};
const TAIL_LINES = 30;

/** Everything the bot printed, grouped by level and message, plus the last lines verbatim. */
export class BotLog {
  readonly #entries = new Map<string, LogEntry>();
  readonly #tail: string[] = [];

  add(line: string, stream: 'stdout' | 'stderr'): void {
    if (line.trim() === '') return;
    this.#tail.push(line);
    if (this.#tail.length > TAIL_LINES) this.#tail.shift();
    const { level, msg, example } = parseLine(line, stream);
    const key = `${level}\0${msg}`;
    const entry = this.#entries.get(key);
    if (entry) entry.count += 1;
    else this.#entries.set(key, { level, msg, count: 1, ...(example !== undefined && { example }) });
  }

  /** Grouped lines, most frequent first. */
  get entries(): LogEntry[] {
    return [...this.#entries.values()].sort((a, b) => b.count - a.count);
  }

  /** The last lines as printed, for failure messages. */
  get tail(): readonly string[] {
    return this.#tail;
  }
}

function parseLine(line: string, stream: 'stdout' | 'stderr'): Omit<LogEntry, 'count'> {
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch {
    return { level: stream, msg: line.slice(0, 200) };
  }
  if (typeof record !== 'object' || record === null) return { level: stream, msg: line.slice(0, 200) };
  const { level, msg, err } = record as { level?: unknown; msg?: unknown; err?: unknown };
  const errorMessage =
    typeof err === 'object' && err !== null && 'message' in err && typeof err.message === 'string'
      ? err.message
      : undefined;
  return {
    level: (typeof level === 'number' && LEVELS[level]) || String(level),
    msg: typeof msg === 'string' ? msg : '(no message)',
    ...(errorMessage !== undefined && { example: errorMessage.slice(0, 200) }),
  };
}
