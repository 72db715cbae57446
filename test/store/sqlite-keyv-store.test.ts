import Database from 'better-sqlite3';
import { describe, expect, it, onTestFinished } from 'vitest';
import { openStore, type Store } from '../../src/store/store.js';
import { tempFileForTest } from '../support/temp-file.js';

/** A SQLite store at `path`, closed when the test finishes. */
async function openAt(path: string): Promise<Store> {
  const store = await openStore({ kind: 'sqlite', path });
  onTestFinished(() => store.close());
  return store;
}

async function entries(store: Store, namespace: string): Promise<Array<[string, unknown]>> {
  const keyv = store.keyv(namespace);
  if (!keyv.iterator) throw new Error('expected the SQLite store to list its records');
  const listed: Array<[string, unknown]> = [];
  for await (const [key, value] of keyv.iterator(undefined)) listed.push([key as string, value]);
  return listed;
}

describe('Keyv on the SQLite store', () => {
  it('keeps, replaces and deletes records', async () => {
    const jobs = (await openAt(await tempFileForTest('bot.sqlite'))).keyv<{ state: string }>('jobs');

    await jobs.set('job-1', { state: 'queued' });
    await jobs.set('job-1', { state: 'generating' });

    expect(await jobs.get('job-1')).toEqual({ state: 'generating' });
    expect(await jobs.delete('job-1')).toBe(true);
    expect(await jobs.delete('job-1')).toBe(false);
    expect(await jobs.get('job-1')).toBeUndefined();
  });

  it("lists and clears one namespace's records, page after page, and no other's", async () => {
    const store = await openAt(await tempFileForTest('bot.sqlite'));
    // Names that sort right beside "jobs:": "jobs-…" before it, "jobs2" and "jobsz" after.
    for (const neighbour of ['jobs-by-prediction', 'jobs2', 'jobsz']) await store.keyv(neighbour).set('x', neighbour);
    const ids = Array.from({ length: 250 }, (_, index) => `job-${String(index).padStart(3, '0')}`);
    await Promise.all(ids.map((id) => store.keyv('jobs').set(id, { id })));

    expect(await entries(store, 'jobs')).toEqual(ids.map((id) => [id, { id }]));

    await store.keyv('jobs').clear();
    expect(await entries(store, 'jobs')).toEqual([]);
    expect(await entries(store, 'jobs2')).toEqual([['x', 'jobs2']]);
    expect(await store.keyv('jobs-by-prediction').get('x')).toBe('jobs-by-prediction');
    expect(await store.keyv('jobsz').get('x')).toBe('jobsz');
  });

  it('reads the records of a file written by earlier versions, through @keyv/sqlite', async () => {
    const path = await tempFileForTest('bot.sqlite');
    const earlier = new Database(path);
    earlier.exec('CREATE TABLE IF NOT EXISTS keyv(key VARCHAR(255) PRIMARY KEY, value TEXT )');
    earlier
      .prepare('INSERT INTO keyv (key, value) VALUES (?, ?)')
      .run('jobs:job-1', JSON.stringify({ value: { id: 'job-1', state: 'generating' } }));
    earlier.close();

    const store = await openAt(path);

    expect(await store.keyv('jobs').get('job-1')).toEqual({ id: 'job-1', state: 'generating' });
    expect(await entries(store, 'jobs')).toEqual([['job-1', { id: 'job-1', state: 'generating' }]]);
  });
});
