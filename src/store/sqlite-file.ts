import Database from 'better-sqlite3';
import { FileIdentities } from './file-identities.js';
import { type Lock, recordOwner, stillOwner, takeLock } from './sqlite-claim.js';
import { StoreBusyError, StoreLostError } from './store-errors.js';

/** Runs one SQL statement on the store's SQLite file; rows for a SELECT (or RETURNING). */
export type SqlQuery = (sql: string, ...params: unknown[]) => Promise<unknown[]>;
/** Runs one SQL statement inside a unit of work given to {@link SqliteFile.atomically}. */
export type SqlRun = (sql: string, ...params: unknown[]) => unknown[];

/**
 * Longest a statement waits for another connection's write lock before it rejects with a
 * {@link StoreBusyError}. It outlasts what holds the lock briefly (a statement in the `sqlite3`
 * shell, another connection's checkpoint: milliseconds) and stops statements piling up behind a
 * transaction left open. It is also well inside the 1.5 s a command waits for its admission before
 * deferring, so a member refused for a locked store can still get a single private answer.
 */
export const BUSY_WAIT_MS = 1_000;
/** Pauses between attempts at a locked batch: short for a lock held by one statement, then steady. */
const RETRY_DELAYS_MS = [1, 2, 5, 10, 20, 50, 100];
/** Opening runs before the bot serves anyone, so its statements may wait on the event loop. */
const OPEN_BUSY_TIMEOUT_MS = 5_000;
/** How often the files are compared with what was opened. */
export const WATCH_INTERVAL_MS = 500;

type Queued = {
  /** A statement (run with `params`), or a unit of work, which may write. */
  task: { sql: string; params: unknown[] } | { work: (run: SqlRun) => unknown };
  queuedAt: number;
  resolve(result: unknown): void;
  reject(error: unknown): void;
};
type Outcome = { result: unknown } | { error: unknown };

/**
 * The bot's one connection to its SQLite file, with group commit: the statements asked for
 * during one turn of the event loop run at the end of that turn in a single transaction, and
 * each caller's promise settles only once that transaction is on disk. A burst of jobs pays
 * for one fsync instead of one per write, and no statement waits on a thread pool: SQLite
 * answers in microseconds, so the hand-offs would cost more than the work.
 *
 * No statement waits for a lock on the event loop. When another connection (the `sqlite3`
 * shell, a backup) holds the write lock, the batch is tried again from a timer, joined by the
 * statements queued meanwhile, and each statement rejects once it has waited `BUSY_WAIT_MS`.
 * A batch of reads only takes no write lock: under WAL it reads past any writer.
 *
 * The file is watched: once it, its WAL or the claim's lock file is deleted or replaced, or
 * another process records itself as owner, the store is lost for good: listeners given to
 * `onLost` hear it once, and every query rejects with a {@link StoreLostError}.
 */
export class SqliteFile {
  readonly #path: string;
  readonly #db: Database.Database;
  /** The claim on the file, when opened `exclusive`, and the owner token recorded in it. */
  readonly #claim: { lock: Lock; token: string } | undefined;
  readonly #files: FileIdentities;
  readonly #watch: NodeJS.Timeout;
  /** Prepared once per SQL text; the bot's statements are a fixed set. */
  readonly #statements = new Map<string, Database.Statement<unknown[]>>();
  #queued: Queued[] = [];
  /** The next commit: at the end of this turn, or a locked batch's next attempt. */
  #due: { kind: 'turn'; handle: NodeJS.Immediate } | { kind: 'retry'; handle: NodeJS.Timeout } | undefined;
  /** Attempts in a row that found the lock taken; picks the next pause. */
  #busyAttempts = 0;
  #checking = false;
  #lost: StoreLostError | undefined;
  readonly #lostListeners: Array<(error: Error) => void> = [];
  /** Resolved once nothing is queued or due: what `close` waits for. */
  #idle: Array<() => void> = [];
  #closing: Promise<void> | undefined;

  /**
   * Opens (or creates) the file and runs `schema`'s statements before anything else.
   *
   * `exclusive` makes this process the file's only bot until `close`: two bots on one file
   * would each keep their own line for generation slots and each resume the other's jobs, so
   * the second is refused, naming the setting. The claim is a lock on a companion file,
   * `<path>.lock`, that the operating system drops when the process ends, however it ends, plus
   * the owner recorded in the data file for when the lock file is deleted (see `sqlite-claim.ts`).
   * The data file stays open to other readers (the `sqlite3` shell, a backup).
   */
  constructor(path: string, options: { schema?: readonly string[]; exclusive?: boolean | undefined } = {}) {
    this.#path = path;
    const lock = options.exclusive ? takeLock(path) : undefined;
    let db: Database.Database | undefined;
    try {
      db = open(path, options.schema ?? []);
      this.#claim = lock && { lock, token: recordOwner(db, path, lock) };
      // From here on the event loop serves members: a locked file is retried from a timer instead.
      db.pragma('busy_timeout = 0');
    } catch (error) {
      db?.close();
      lock?.connection.close();
      throw error;
    }
    this.#db = db;
    this.#files = new FileIdentities([path, `${path}-wal`, ...(lock ? [lock.path] : [])]);
    this.#watch = setInterval(() => void this.#check(), WATCH_INTERVAL_MS).unref();
  }

  /** Queues a statement for this turn's transaction (or the locked batch it joins). */
  readonly query: SqlQuery = (sql, ...params) => this.#enqueue({ sql, params }) as Promise<unknown[]>;

  /**
   * Queues a unit of work for this turn's transaction: `work` reads and writes through `run`, all
   * or nothing, with no other statement in between. It runs synchronously, so the transaction is
   * never held across an await; it may run more than once (a locked batch is tried again), so it
   * must decide from what it reads rather than from what it did before.
   */
  atomically<T>(work: (run: SqlRun) => T): Promise<T> {
    return this.#enqueue({ work }) as Promise<T>;
  }

  #enqueue(task: Queued['task']): Promise<unknown> {
    return new Promise((resolve, reject) => {
      if (this.#lost) return reject(this.#lost);
      if (this.#closing) return reject(new Error('the SQLite store is closed'));
      this.#queued.push({ task, queuedAt: performance.now(), resolve, reject });
      if (!this.#due) this.#due = { kind: 'turn', handle: setImmediate(() => this.#commit()) };
    });
  }

  /** Calls `listener` once when the store is lost (at once if it already is). */
  onLost(listener: (error: Error) => void): void {
    const lost = this.#lost;
    if (lost) queueMicrotask(() => listener(lost));
    else this.#lostListeners.push(listener);
  }

  /**
   * Commits what is queued (a locked batch gets the rest of its wait), then closes the file and
   * gives up the claim on it. Statements asked for after `close` reject.
   */
  close(): Promise<void> {
    this.#closing ??= this.#shutDown();
    return this.#closing;
  }

  async #shutDown(): Promise<void> {
    clearInterval(this.#watch);
    // What this turn queued is committed now, while the caller still has the file.
    if (this.#due?.kind === 'turn') {
      clearImmediate(this.#due.handle);
      this.#commit();
    }
    if (this.#due) await new Promise<void>((resolve) => this.#idle.push(resolve));
    this.#db.close();
    this.#claim?.lock.connection.close();
  }

  #commit(): void {
    this.#due = undefined;
    const batch = this.#queued;
    this.#queued = [];
    if (batch.length > 0) {
      const outcomes = this.#attempt(batch);
      if (outcomes === 'busy') this.#retryLater(batch);
      else this.#settle(batch, outcomes);
    }
    if (!this.#due) for (const resolve of this.#idle.splice(0)) resolve();
  }

  /** Runs `batch` in one transaction: each statement's outcome, or one error for all when the commit fails. */
  #attempt(batch: readonly Queued[]): Outcome[] | { failed: unknown } | 'busy' {
    const outcomes: Outcome[] = [];
    try {
      // IMMEDIATE takes the write lock up front: a transaction that reads before it writes could
      // otherwise fail half-way when another connection writes first. Reads alone need no lock.
      this.#db.exec(batch.every(({ task }) => 'sql' in task && this.#reads(task.sql)) ? 'BEGIN' : 'BEGIN IMMEDIATE');
      for (const { task } of batch) {
        try {
          outcomes.push({ result: 'sql' in task ? this.#run(task.sql, task.params) : this.#unit(task.work) });
        } catch (error) {
          // Most errors undo only their own statement; a few (disk full, I/O) end the transaction.
          if (isBusy(error) || !this.#db.inTransaction) throw error;
          this.#noticeFault(error);
          outcomes.push({ error });
        }
      }
      this.#db.exec('COMMIT');
      this.#busyAttempts = 0;
      return outcomes;
    } catch (error) {
      this.#rollback();
      if (isBusy(error)) return 'busy';
      this.#noticeFault(error);
      return { failed: error };
    }
  }

  #settle(batch: readonly Queued[], outcomes: Outcome[] | { failed: unknown }): void {
    if (!Array.isArray(outcomes)) {
      for (const queued of batch) queued.reject(outcomes.failed);
      return;
    }
    batch.forEach((queued, index) => {
      const outcome = outcomes[index] as Outcome;
      if ('error' in outcome) queued.reject(outcome.error);
      else queued.resolve(outcome.result);
    });
  }

  /** Puts a locked batch back at the head of the queue, less the statements whose wait is over. */
  #retryLater(batch: readonly Queued[]): void {
    const now = performance.now();
    const waiting: Queued[] = [];
    for (const queued of batch) {
      const waitedMs = now - queued.queuedAt;
      if (waitedMs >= BUSY_WAIT_MS) queued.reject(new StoreBusyError(this.#path, Math.round(waitedMs)));
      else waiting.push(queued);
    }
    if (waiting.length === 0) return;
    this.#queued = waiting;
    const delayMs = RETRY_DELAYS_MS[Math.min(this.#busyAttempts, RETRY_DELAYS_MS.length - 1)] ?? 100;
    this.#busyAttempts += 1;
    this.#due = { kind: 'retry', handle: setTimeout(() => this.#commit(), delayMs) };
  }

  /** Whether `sql` only reads. One that fails to prepare counts as a write; running it reports why. */
  #reads(sql: string): boolean {
    try {
      return this.#statement(sql).readonly;
    } catch {
      return false;
    }
  }

  #statement(sql: string): Database.Statement<unknown[]> {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#db.prepare<unknown[]>(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  #run(sql: string, params: unknown[]): unknown[] {
    const statement = this.#statement(sql);
    if (statement.reader) return statement.all(...params);
    statement.run(...params);
    return [];
  }

  /** Runs a unit of work in a savepoint, so that one that throws undoes only its own writes. */
  #unit(work: (run: SqlRun) => unknown): unknown {
    this.#db.exec('SAVEPOINT unit');
    try {
      const result = work((sql, ...params) => this.#run(sql, params));
      this.#db.exec('RELEASE unit');
      return result;
    } catch (error) {
      if (this.#db.inTransaction) this.#db.exec('ROLLBACK TO unit; RELEASE unit');
      throw error;
    }
  }

  #rollback(): void {
    if (!this.#db.inTransaction) return;
    try {
      this.#db.exec('ROLLBACK');
    } catch {
      // The transaction is lost either way; the next BEGIN reports the connection's state.
    }
  }

  /** An I/O error may be the file going away: look now rather than at the next tick. */
  #noticeFault(error: unknown): void {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && IO_FAULT.test(code)) void this.#check();
  }

  /** Compares the files with what was opened, and the recorded owner with this process. */
  async #check(): Promise<void> {
    if (this.#checking || this.#lost || this.#closing) return;
    this.#checking = true;
    try {
      const changed = await this.#files.changed();
      if (this.#lost || this.#closing) return;
      if (changed) {
        this.#lose(
          new StoreLostError(
            `STORE_URL: ${changed.path} was deleted or replaced while the bot was using ${changed.path === this.#path ? 'it' : this.#path}; what it writes would be lost, so the store is given up`,
            { cause: changed.cause },
          ),
        );
      } else if (this.#claim && this.#ownerReplaced(this.#claim.token)) {
        this.#lose(
          new StoreLostError(
            `STORE_URL: another bot process has taken over ${this.#path}; a SQLite file serves one process (processes that share the work need redis://)`,
          ),
        );
      }
    } finally {
      this.#checking = false;
    }
  }

  #ownerReplaced(token: string): boolean {
    try {
      return !stillOwner(this.#db, token);
    } catch (error) {
      // Busy: look again at the next tick. Anything else means the file is not what it was.
      return !isBusy(error);
    }
  }

  #lose(error: StoreLostError): void {
    this.#lost = error;
    clearInterval(this.#watch);
    if (this.#due?.kind === 'turn') clearImmediate(this.#due.handle);
    if (this.#due?.kind === 'retry') clearTimeout(this.#due.handle);
    this.#due = undefined;
    for (const queued of this.#queued.splice(0)) queued.reject(error);
    for (const resolve of this.#idle.splice(0)) resolve();
    for (const listener of this.#lostListeners.splice(0)) listener(error);
  }
}

/** Result codes that can mean the file is gone or not the one opened. */
const IO_FAULT = /^SQLITE_(IOERR|CANTOPEN|CORRUPT|NOTADB|READONLY_DBMOVED)/;

/** Another connection holds a lock this one needs (`SQLITE_BUSY` and its extended codes). */
function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

function open(path: string, schema: readonly string[]): Database.Database {
  const db = new Database(path, { timeout: OPEN_BUSY_TIMEOUT_MS });
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
