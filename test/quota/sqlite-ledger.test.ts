import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createLedger } from '../../src/quota/create-ledger.js';
import type { Allowance, ReserveRequest } from '../../src/quota/ledger.js';
import { SqliteLedger } from '../../src/quota/sqlite-ledger.js';
import { openStore, type SqlQuery, type Store, type StoreLocation } from '../../src/store/store.js';
import { describeLedger } from './ledger-behaviour.js';

/** A fresh SQLite file in a temporary directory, which `remove` deletes. */
async function sqliteFile(): Promise<{ location: StoreLocation; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'quota-'));
  return {
    location: { kind: 'sqlite', path: join(dir, 'bot.sqlite') },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

describeLedger('SqliteLedger', async () => {
  const { location, remove } = await sqliteFile();
  let store = await openStore(location);
  return {
    ledger: createLedger(store),
    async restart() {
      await store.close();
      store = await openStore(location);
      return createLedger(store);
    },
    async close() {
      await store.close();
      await remove();
    },
  };
});

describe('SqliteLedger on its own', () => {
  const NOON = Date.UTC(2026, 10, 26, 12);
  const allowance: Allowance = { userDaily: 1, userConcurrent: 5, guildDaily: null, budgetDailyCents: null };
  const ask = (id: string, now = NOON): ReserveRequest => ({
    id,
    userId: 'alice',
    guildId: 'guild-1',
    costCents: 10,
    allowance,
    now,
    ttlMs: 60_000,
  });

  /** A store on a fresh file, closed and deleted when the test finishes. */
  async function openOne(): Promise<{ store: Store; query: SqlQuery }> {
    const { location, remove } = await sqliteFile();
    const store = await openStore(location);
    onTestFinished(async () => {
      await store.close();
      await remove();
    });
    if (store.backend.kind !== 'sqlite') throw new Error('expected a SQLite store');
    return { store, query: store.backend.query };
  }

  it('is the ledger createLedger picks for a SQLite store', async () => {
    const { store } = await openOne();
    expect(createLedger(store)).toBeInstanceOf(SqliteLedger);
  });

  it('prunes reservations and grants of days long gone, but not what is still in flight', async () => {
    const opened = await openOne();
    const ledger = createLedger(opened.store);
    const threeDaysLater = NOON + 3 * 86_400_000;

    await ledger.reserve(ask('delivered'));
    await ledger.commit('delivered');
    await ledger.reserve({ ...ask('still in flight'), userId: 'bob', ttlMs: 4 * 86_400_000 });
    await ledger.grant('alice', 'guild-1', 1, NOON);
    await ledger.reserve(ask('three days later', threeDaysLater));

    expect(await opened.query('SELECT id FROM quota_reservations ORDER BY id')).toEqual([
      { id: 'still in flight' },
      { id: 'three days later' },
    ]);
    expect(await opened.query('SELECT * FROM quota_grants')).toEqual([]);
  });
});
