import { spawnSync } from 'node:child_process';
import { renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { BUSY_WAIT_MS, SqliteFile, WATCH_INTERVAL_MS } from '../../src/store/sqlite-file.js';
import { StoreBusyError, StoreLostError } from '../../src/store/store-errors.js';
import { tempFileForTest } from '../support/temp-file.js';

const SCHEMA = [
  'CREATE TABLE IF NOT EXISTS notes (id TEXT PRIMARY KEY)',
  'CREATE TABLE IF NOT EXISTS parents (id TEXT PRIMARY KEY)',
  // Checked at COMMIT rather than per statement: the way to make a commit itself fail.
  `CREATE TABLE IF NOT EXISTS children (
    id TEXT PRIMARY KEY,
    parent TEXT REFERENCES parents (id) DEFERRABLE INITIALLY DEFERRED
  )`,
];

/** A file with the test schema, closed when the test finishes. */
function open(path: string): SqliteFile {
  const file = new SqliteFile(path, { schema: SCHEMA });
  onTestFinished(() => file.close());
  return file;
}

/** Another connection to `path`, as the `sqlite3` shell or a backup tool would hold it. */
function otherConnection(path: string): Database.Database {
  const other = new Database(path, { timeout: 0 });
  onTestFinished(() => void other.close());
  return other;
}

/** What has become of a promise so far, read without waiting for it. */
function track(promise: Promise<unknown>): { state: string; reason?: unknown } {
  const seen: { state: string; reason?: unknown } = { state: 'pending' };
  promise.then(
    () => {
      seen.state = 'resolved';
    },
    (reason: unknown) => {
      seen.state = 'rejected';
      seen.reason = reason;
    },
  );
  return seen;
}

/** The notes as another connection to the same file sees them: what has been committed. */
async function committedNotes(path: string): Promise<unknown[]> {
  return open(path).query('SELECT id FROM notes ORDER BY id');
}

describe('SqliteFile', () => {
  it('is durable: WAL with a full sync at every commit, on a new file and on reopening one', async () => {
    const path = await tempFileForTest('bot.sqlite');
    for (const file of [open(path), open(path)]) {
      expect(await file.query('PRAGMA journal_mode')).toEqual([{ journal_mode: 'wal' }]);
      expect(await file.query('PRAGMA synchronous')).toEqual([{ synchronous: 2 }]);
    }
  });

  it('settles each statement once its transaction is committed, with rows for a SELECT', async () => {
    const path = await tempFileForTest('bot.sqlite');
    const file = open(path);

    const written = file.query('INSERT INTO notes (id) VALUES (?)', 'a');
    const read = file.query('SELECT id FROM notes WHERE id = $id', { id: 'a' });

    expect(await written).toEqual([]);
    expect(await read).toEqual([{ id: 'a' }]);
    expect(await committedNotes(path)).toEqual([{ id: 'a' }]);
  });

  it("rejects a failing statement alone and commits the rest of its turn's", async () => {
    const path = await tempFileForTest('bot.sqlite');
    const file = open(path);
    await file.query('INSERT INTO notes (id) VALUES (?)', 'taken');

    const turn = [
      file.query('INSERT INTO notes (id) VALUES (?)', 'a'),
      file.query('INSERT INTO notes (id) VALUES (?)', 'taken'),
      file.query('INSERT INTO notes (id) VALUES (?)', 'b'),
    ];

    expect(await Promise.allSettled(turn)).toMatchObject([
      { status: 'fulfilled' },
      { status: 'rejected', reason: { code: 'SQLITE_CONSTRAINT_PRIMARYKEY' } },
      { status: 'fulfilled' },
    ]);
    expect(await committedNotes(path)).toEqual([{ id: 'a' }, { id: 'b' }, { id: 'taken' }]);
  });

  it('runs the statements of one turn in one transaction: a failed commit rejects and undoes them all', async () => {
    const path = await tempFileForTest('bot.sqlite');
    const file = open(path);

    const turn = [
      file.query('INSERT INTO notes (id) VALUES (?)', 'innocent'),
      file.query('INSERT INTO children (id, parent) VALUES (?, ?)', 'orphan', 'nobody'),
    ];

    for (const outcome of await Promise.allSettled(turn)) {
      expect(outcome).toMatchObject({ status: 'rejected', reason: { code: 'SQLITE_CONSTRAINT_FOREIGNKEY' } });
    }
    expect(await committedNotes(path)).toEqual([]);
    // The connection is left usable: the next turn has a transaction of its own.
    await file.query('INSERT INTO notes (id) VALUES (?)', 'next');
    expect(await committedNotes(path)).toEqual([{ id: 'next' }]);
  });

  it('runs a unit of work with nothing in between, and undoes only its own writes when it throws', async () => {
    const path = await tempFileForTest('bot.sqlite');
    const file = open(path);
    await file.query('INSERT INTO notes (id) VALUES (?)', 'seen');

    const turn = [
      file.query('INSERT INTO notes (id) VALUES (?)', 'before'),
      file.atomically((run) => {
        const seen = run('SELECT count(*) AS notes FROM notes') as Array<{ notes: number }>;
        run('INSERT INTO notes (id) VALUES (?)', `unit saw ${seen[0]?.notes}`);
        return seen[0]?.notes;
      }),
      file.atomically((run) => {
        run('INSERT INTO notes (id) VALUES (?)', 'undone');
        throw new Error('changed its mind');
      }),
      file.query('INSERT INTO notes (id) VALUES (?)', 'after'),
    ];

    expect(await Promise.allSettled(turn)).toMatchObject([
      { status: 'fulfilled' },
      { status: 'fulfilled', value: 2 },
      { status: 'rejected', reason: { message: 'changed its mind' } },
      { status: 'fulfilled' },
    ]);
    expect(await committedNotes(path)).toEqual([
      { id: 'after' },
      { id: 'before' },
      { id: 'seen' },
      { id: 'unit saw 2' },
    ]);
  });

  it('commits what is queued when it closes, and refuses statements after', async () => {
    const path = await tempFileForTest('bot.sqlite');
    const file = new SqliteFile(path, { schema: SCHEMA });

    const written = file.query('INSERT INTO notes (id) VALUES (?)', 'last words');
    file.close();

    await expect(written).resolves.toEqual([]);
    await expect(file.query('SELECT 1')).rejects.toThrow('the SQLite store is closed');
    expect(await committedNotes(path)).toEqual([{ id: 'last words' }]);
  });

  it('lets one exclusive opening claim the file at a time, and others still read it', async () => {
    const path = await tempFileForTest('bot.sqlite');
    const bot = new SqliteFile(path, { schema: SCHEMA, exclusive: true });
    onTestFinished(() => bot.close());
    await bot.query('INSERT INTO notes (id) VALUES (?)', 'a');

    expect(() => new SqliteFile(path, { exclusive: true })).toThrow(
      `STORE_URL: another bot process is using ${path}; a SQLite file serves one process`,
    );
    expect(await committedNotes(path)).toEqual([{ id: 'a' }]);

    bot.close();
    const next = new SqliteFile(path, { exclusive: true });
    onTestFinished(() => next.close());
    expect(await next.query('SELECT id FROM notes')).toEqual([{ id: 'a' }]);
  });
});

describe('SqliteFile while another connection holds the write lock', () => {
  /**
   * A fresh file on a fake clock, and another connection that holds its write lock (after
   * `before`, which runs on that connection first).
   */
  async function lockedByAnotherConnection(
    before: (shell: Database.Database) => void = () => {},
  ): Promise<{ file: SqliteFile; shell: Database.Database }> {
    vi.useFakeTimers();
    onTestFinished(() => void vi.useRealTimers());
    const path = await tempFileForTest('bot.sqlite');
    const file = open(path);
    const shell = otherConnection(path);
    before(shell);
    shell.exec('BEGIN IMMEDIATE');
    return { file, shell };
  }

  it('keeps the event loop turning and commits once the lock is released', async () => {
    const { file, shell } = await lockedByAnotherConnection();

    const events: string[] = [];
    const written = file.query('INSERT INTO notes (id) VALUES (?)', 'a').then(
      () => events.push('written'),
      () => events.push('rejected'),
    );
    setImmediate(() => events.push('next turn'));
    setTimeout(() => events.push('timer'), 100);
    await vi.advanceTimersByTimeAsync(100);
    expect(events).toEqual(['next turn', 'timer']);

    shell.exec('COMMIT');
    await vi.advanceTimersByTimeAsync(100);
    await written;
    expect(events).toEqual(['next turn', 'timer', 'written']);
    expect(shell.prepare('SELECT id FROM notes').all()).toEqual([{ id: 'a' }]);
  });

  it('rejects a statement with StoreBusyError once it has waited BUSY_WAIT_MS, keeping nothing of it', async () => {
    const { file, shell } = await lockedByAnotherConnection();

    const early = track(file.query('INSERT INTO notes (id) VALUES (?)', 'early'));
    await vi.advanceTimersByTimeAsync(BUSY_WAIT_MS - 1);
    expect(early.state).toBe('pending');
    // Queued while the batch is locked out: it joins the batch, with a wait of its own.
    const late = track(file.query('INSERT INTO notes (id) VALUES (?)', 'late'));
    await vi.advanceTimersByTimeAsync(200);
    expect(early).toMatchObject({ state: 'rejected', reason: { code: 'STORE_BUSY' } });
    expect(early.reason).toBeInstanceOf(StoreBusyError);
    expect(late.state).toBe('pending');

    shell.exec('COMMIT');
    await vi.advanceTimersByTimeAsync(200);
    expect(late.state).toBe('resolved');
    expect(shell.prepare('SELECT id FROM notes').all()).toEqual([{ id: 'late' }]);
  });

  it('rejects a unit of work with StoreBusyError after BUSY_WAIT_MS, and runs it afresh if the lock goes first', async () => {
    const { file, shell } = await lockedByAnotherConnection();

    const unit = (id: string) =>
      file.atomically((run) => {
        run('INSERT INTO notes (id) VALUES (?)', id);
        return (run('SELECT count(*) AS notes FROM notes') as Array<{ notes: number }>)[0]?.notes;
      });
    const early = track(unit('early'));
    await vi.advanceTimersByTimeAsync(BUSY_WAIT_MS - 1);
    expect(early.state).toBe('pending');
    const late = unit('late');
    await vi.advanceTimersByTimeAsync(200);
    expect(early).toMatchObject({ state: 'rejected', reason: { code: 'STORE_BUSY' } });
    // Written meanwhile by the other connection: the unit that waited decides from it.
    shell.exec("INSERT INTO notes (id) VALUES ('shell')");
    shell.exec('COMMIT');
    await vi.advanceTimersByTimeAsync(200);
    expect(await late).toBe(2);
    expect(shell.prepare('SELECT id FROM notes ORDER BY id').all()).toEqual([{ id: 'late' }, { id: 'shell' }]);
  });

  it('answers reads at once: under WAL they need no write lock', async () => {
    const { file } = await lockedByAnotherConnection((shell) => shell.exec("INSERT INTO notes (id) VALUES ('kept')"));

    const read = track(file.query('SELECT id FROM notes'));
    await vi.advanceTimersByTimeAsync(0);
    expect(read.state).toBe('resolved');
  });
});

describe('SqliteFile when its file goes away', () => {
  /**
   * A bot's claim on a fresh file, and the error it reports once it is lost. The file is
   * watched on a fake clock: `lost` settles only after `nextCheck` (the comparison itself is real I/O).
   */
  async function claimed(): Promise<{
    path: string;
    file: SqliteFile;
    lost: Promise<Error>;
    nextCheck(): Promise<void>;
  }> {
    const path = await tempFileForTest('bot.sqlite');
    vi.useFakeTimers();
    onTestFinished(() => void vi.useRealTimers());
    const file = new SqliteFile(path, { schema: SCHEMA, exclusive: true });
    onTestFinished(() => file.close());
    const lost = new Promise<Error>((resolve) => file.onLost(resolve));
    const nextCheck = async () => void (await vi.advanceTimersByTimeAsync(WATCH_INTERVAL_MS));
    return { path, file, lost, nextCheck };
  }

  it('reports the store lost, naming STORE_URL, when its directory is deleted, and refuses every query after', async () => {
    const { path, file, lost, nextCheck } = await claimed();

    rmSync(dirname(path), { recursive: true, force: true });
    await nextCheck();

    const error = await lost;
    expect(error).toBeInstanceOf(StoreLostError);
    expect(error).toMatchObject({ code: 'STORE_LOST' });
    expect(error.message).toMatch(/^STORE_URL: /);
    expect(error.message).toContain(path);
    await expect(file.query('SELECT id FROM notes')).rejects.toBe(error);
    // A listener that comes late still hears it, with the same error.
    await expect(new Promise((resolve) => file.onLost(resolve))).resolves.toBe(error);
  });

  it('reports the store lost when the data file is replaced by another', async () => {
    const { path, lost, nextCheck } = await claimed();
    const replacement = `${path}.restored`;
    new Database(replacement).close();

    renameSync(replacement, path);
    await nextCheck();

    expect((await lost).message).toContain(`${path} was deleted or replaced`);
  });

  it('reports the store lost when its lock file is deleted', async () => {
    const { path, lost, nextCheck } = await claimed();

    rmSync(`${path}.lock`);
    await nextCheck();

    expect((await lost).message).toContain(`${path}.lock was deleted or replaced`);
  });

  it('reports the store lost when another process records itself as the owner', async () => {
    const { path, lost, nextCheck } = await claimed();

    otherConnection(path).exec("UPDATE store_owner SET token = 'someone else'");
    await nextCheck();

    expect((await lost).message).toMatch(/^STORE_URL: another bot process has taken over/);
  });
});

describe('SqliteFile claims that survive a deleted lock file', () => {
  /** The owner recorded in `path` is made `pid`, as if another bot process had claimed it. */
  function recordOwnerPid(path: string, pid: number): void {
    otherConnection(path).prepare('UPDATE store_owner SET pid = ?').run(pid);
  }

  it('refuses a claimant that finds its lock file gone and the recorded owner still running', async () => {
    const path = await tempFileForTest('bot.sqlite');
    const bot = new SqliteFile(path, { exclusive: true });
    onTestFinished(() => bot.close());
    // The process that started this test is alive and is not this one.
    recordOwnerPid(path, process.ppid);

    rmSync(`${path}.lock`);

    expect(() => new SqliteFile(path, { exclusive: true })).toThrow(
      new RegExp(`^STORE_URL: another bot process is using ${path} \\(pid ${process.ppid}, running since`),
    );
  });

  it('claims a file whose lock file was deleted when the recorded owner has ended', async () => {
    const path = await tempFileForTest('bot.sqlite');
    const ended = spawnSync(process.execPath, ['-e', '']).pid;
    new SqliteFile(path, { exclusive: true }).close();
    recordOwnerPid(path, ended);
    rmSync(`${path}.lock`);

    const next = new SqliteFile(path, { exclusive: true });
    onTestFinished(() => next.close());
    expect(await next.query('SELECT pid FROM store_owner')).toEqual([{ pid: process.pid }]);
  });

  it('trusts a lock file that was left free, whatever pid is recorded: after a crash it may be reused', async () => {
    const path = await tempFileForTest('bot.sqlite');
    new SqliteFile(path, { exclusive: true }).close();
    recordOwnerPid(path, process.ppid);

    const next = new SqliteFile(path, { exclusive: true });
    onTestFinished(() => next.close());
    expect(await next.query('SELECT pid FROM store_owner')).toEqual([{ pid: process.pid }]);
  });
});
