import { describe, expect, it, onTestFinished } from 'vitest';
import { SqliteFile } from '../../src/store/sqlite-file.js';
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
