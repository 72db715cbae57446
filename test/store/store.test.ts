import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { BUSY_WAIT_MS, WATCH_INTERVAL_MS } from '../../src/store/sqlite-file.js';
import { openStore, type Store, StoreLostError } from '../../src/store/store.js';
import { tempFileForTest } from '../support/temp-file.js';

/** A bot's SQLite store at a fresh path, on a fake clock, closed when the test finishes. */
async function botStore(): Promise<{ path: string; store: Store }> {
  const path = await tempFileForTest('bot.sqlite');
  vi.useFakeTimers();
  onTestFinished(() => void vi.useRealTimers());
  const store = await openStore({ kind: 'sqlite', path }, { exclusive: true });
  onTestFinished(() => store.close());
  return { path, store };
}

describe('the SQLite store seen through Keyv', () => {
  it('fails a write with code STORE_BUSY while another connection keeps the write lock', async () => {
    const { path, store } = await botStore();
    const shell = new Database(path, { timeout: 0 });
    onTestFinished(() => void shell.close());
    shell.exec('BEGIN IMMEDIATE');

    const written = store.keyv('jobs').set('job-1', { state: 'waiting' });
    const outcome = expect(written).rejects.toMatchObject({ code: 'STORE_BUSY' });
    await vi.advanceTimersByTimeAsync(BUSY_WAIT_MS + 200);
    await outcome;
    shell.exec('ROLLBACK');
  });

  it('tells onLost listeners once the directory is deleted, and fails every read after, as /readyz asks', async () => {
    const { path, store } = await botStore();
    const lost = new Promise<Error>((resolve) => store.onLost(resolve));

    rmSync(dirname(path), { recursive: true, force: true });
    await vi.advanceTimersByTimeAsync(WATCH_INTERVAL_MS);

    const error = await lost;
    expect(error).toBeInstanceOf(StoreLostError);
    await expect(store.keyv('health').get('probe')).rejects.toBe(error);
  });
});
