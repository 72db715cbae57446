import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import Database from 'better-sqlite3';

/** The bot process that claimed the data file, recorded in it: the one row, `id` 1. */
const OWNER_SCHEMA = `CREATE TABLE IF NOT EXISTS store_owner (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  pid INTEGER NOT NULL,
  host TEXT NOT NULL,
  token TEXT NOT NULL,
  started_at INTEGER NOT NULL
)`;

type Owner = { pid: number; host: string; token: string; started_at: number };

/** A claim taken by {@link takeLock}: the lock's connection, and whether its file had to be made. */
export interface Lock {
  readonly connection: Database.Database;
  readonly path: string;
  /** The lock file did not exist: deleted under a running owner, or this is the file's first bot. */
  readonly fresh: boolean;
}

/**
 * Takes SQLite's own lock on `<path>.lock` with an exclusive transaction never committed: the
 * operating system drops it when the process ends, however it ends, so a crash leaves no stale
 * claim. Throws the `STORE_URL` refusal when another process holds it.
 */
export function takeLock(path: string): Lock {
  const lockPath = `${path}.lock`;
  const fresh = !existsSync(lockPath);
  const connection = new Database(lockPath, { timeout: 0 });
  try {
    connection.exec('BEGIN EXCLUSIVE');
    return { connection, path: lockPath, fresh };
  } catch (error) {
    connection.close();
    if ((error as { code?: unknown }).code !== 'SQLITE_BUSY') throw error;
    throw inUse(path, '');
  }
}

/**
 * Records this process as the owner of the data file `db`, and returns the token that says so.
 *
 * The lock alone does not survive its file being deleted: the next claimant makes a new one and
 * takes it. So a claimant whose lock file is fresh also reads the owner recorded in the data
 * file, and refuses when that process still runs on this host. A lock file that was there and
 * free is trusted as it is: its holder is gone, even if the recorded pid has since been reused.
 */
export function recordOwner(db: Database.Database, path: string, lock: Lock): string {
  db.exec(OWNER_SCHEMA);
  const owner = db.prepare('SELECT pid, host, token, started_at FROM store_owner WHERE id = 1').get() as
    | Owner
    | undefined;
  if (lock.fresh && owner && runsHere(owner)) {
    const since = new Date(owner.started_at).toISOString();
    throw inUse(path, ` (pid ${owner.pid}, running since ${since}; its lock file ${lock.path} was deleted)`);
  }
  const token = randomUUID();
  db.prepare('INSERT OR REPLACE INTO store_owner (id, pid, host, token, started_at) VALUES (1, ?, ?, ?, ?)').run(
    process.pid,
    hostname(),
    token,
    Date.now(),
  );
  return token;
}

/** Whether the data file still names `token`'s process as its owner; another claimant replaces it. */
export function stillOwner(db: Database.Database, token: string): boolean {
  const owner = db.prepare('SELECT token FROM store_owner WHERE id = 1').get() as Pick<Owner, 'token'> | undefined;
  return owner?.token === token;
}

/** Another live process on this host. A pid on another host (or container) cannot be asked. */
function runsHere(owner: Owner): boolean {
  if (owner.host !== hostname() || owner.pid === process.pid) return false;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as { code?: unknown }).code === 'EPERM';
  }
}

function inUse(path: string, detail: string): Error {
  return new Error(
    `STORE_URL: another bot process is using ${path}${detail}; a SQLite file serves one process (processes that share the work need redis://)`,
  );
}
