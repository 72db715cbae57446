import Database from 'better-sqlite3';

/** Runs one SQL statement on the store's SQLite file; rows for a SELECT (or RETURNING). */
export type SqlQuery = (sql: string, ...params: unknown[]) => Promise<unknown[]>;

/** How long a statement waits for another connection's write lock before it fails. */
const BUSY_TIMEOUT_MS = 5_000;

type Queued = { sql: string; params: unknown[]; resolve(rows: unknown[]): void; reject(error: unknown): void };
type Outcome = { rows: unknown[] } | { error: unknown };

/**
 * The bot's one connection to its SQLite file, with group commit: the statements asked for
 * during one turn of the event loop run at the end of that turn in a single transaction, and
 * each caller's promise settles only once that transaction is on disk. A burst of jobs pays
 * for one fsync instead of one per write, and no statement waits on a thread pool: SQLite
 * answers in microseconds, so the hand-offs would cost more than the work.
 *
 * One bot process owns the file (several share Redis instead). Other connections can still
 * write to it (tests, the `sqlite3` shell); one holding the write lock blocks this one, for up
 * to `BUSY_TIMEOUT_MS`.
 */
export class SqliteFile {
  readonly #db: Database.Database;
  /** The claim on the file, when opened `exclusive`. */
  readonly #lock: Database.Database | undefined;
  /** Prepared once per SQL text; the bot's statements are a fixed set. */
  readonly #statements = new Map<string, Database.Statement<unknown[]>>();
  #queued: Queued[] = [];

  /**
   * Opens (or creates) the file and runs `schema`'s statements before anything else.
   *
   * `exclusive` makes this process the file's only bot until `close`: two bots on one file
   * would each keep their own line for generation slots and each resume the other's jobs, so
   * the second is refused, naming the setting. The claim is SQLite's own lock on a companion
   * file, `<path>.lock`, held by an exclusive transaction never committed: the operating
   * system drops it when the process ends, however it ends, so a crash leaves no stale claim.
   * The data file stays open to other readers (the `sqlite3` shell, a backup).
   */
  constructor(path: string, options: { schema?: readonly string[]; exclusive?: boolean | undefined } = {}) {
    this.#lock = options.exclusive ? claim(path) : undefined;
    try {
      this.#db = open(path, options.schema ?? []);
    } catch (error) {
      this.#lock?.close();
      throw error;
    }
  }

  /** Queues a statement for this turn's transaction. */
  readonly query: SqlQuery = (sql, ...params) =>
    new Promise((resolve, reject) => {
      if (!this.#db.open) return reject(new Error('the SQLite store is closed'));
      if (this.#queued.length === 0) setImmediate(() => this.#commit());
      this.#queued.push({ sql, params, resolve, reject });
    });

  /** Commits what is queued, then closes the file and gives up the claim on it. */
  close(): void {
    if (!this.#db.open) return;
    this.#commit();
    this.#db.close();
    this.#lock?.close();
  }

  #commit(): void {
    const batch = this.#queued;
    if (batch.length === 0) return;
    this.#queued = [];
    const outcomes: Outcome[] = [];
    try {
      // IMMEDIATE takes the write lock up front: a transaction that reads before it writes could
      // otherwise fail half-way when another connection writes first.
      this.#db.exec('BEGIN IMMEDIATE');
      for (const { sql, params } of batch) {
        try {
          outcomes.push({ rows: this.#run(sql, params) });
        } catch (error) {
          // Most errors undo only their own statement; a few (disk full, I/O) end the transaction.
          if (!this.#db.inTransaction) throw error;
          outcomes.push({ error });
        }
      }
      this.#db.exec('COMMIT');
    } catch (error) {
      this.#rollback();
      for (const queued of batch) queued.reject(error);
      return;
    }
    batch.forEach((queued, index) => {
      const outcome = outcomes[index] as Outcome;
      if ('error' in outcome) queued.reject(outcome.error);
      else queued.resolve(outcome.rows);
    });
  }

  #run(sql: string, params: unknown[]): unknown[] {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#db.prepare<unknown[]>(sql);
      this.#statements.set(sql, statement);
    }
    if (statement.reader) return statement.all(...params);
    statement.run(...params);
    return [];
  }

  #rollback(): void {
    if (!this.#db.inTransaction) return;
    try {
      this.#db.exec('ROLLBACK');
    } catch {
      // The transaction is lost either way; the next BEGIN reports the connection's state.
    }
  }
}

function open(path: string, schema: readonly string[]): Database.Database {
  const db = new Database(path, { timeout: BUSY_TIMEOUT_MS });
  // WAL so that a commit appends to the log instead of rewriting pages in place.
  db.pragma('journal_mode = WAL');
  // better-sqlite3 defaults to NORMAL under WAL, which can lose the last commits on power
  // loss: a reservation or a `submitting` record lost that way could send a submit twice.
  db.pragma('synchronous = FULL');
  // SQLite's own default (2 MB); better-sqlite3 raises it to 16 MB, far beyond the bot's needs.
  db.pragma('cache_size = -2000');
  for (const statement of schema) db.exec(statement);
  return db;
}

/** Takes the claim described at {@link SqliteFile}'s constructor, or says who holds it. */
function claim(path: string): Database.Database {
  const lock = new Database(`${path}.lock`, { timeout: 0 });
  try {
    lock.exec('BEGIN EXCLUSIVE');
    return lock;
  } catch (error) {
    lock.close();
    if ((error as { code?: unknown }).code !== 'SQLITE_BUSY') throw error;
    throw new Error(
      `STORE_URL: another bot process is using ${path}; a SQLite file serves one process (processes that share the work need redis://)`,
    );
  }
}
