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

  /** A store on a fresh file, closed and deleted when the test finishes; more stores open further connections. */
  async function openStores(count: number): Promise<Array<{ store: Store; query: SqlQuery }>> {
    const { location, remove } = await sqliteFile();
    // One after another, as processes would start: two connections creating a fresh file at
    // once can deadlock in its rollback journal before WAL is on, and SQLite then answers
    // SQLITE_BUSY at once instead of waiting.
    const stores: Store[] = [];
    for (let opened = 0; opened < count; opened += 1) stores.push(await openStore(location));
    onTestFinished(async () => {
      await Promise.all(stores.map((store) => store.close()));
      await remove();
    });
    return stores.map((store) => {
      if (store.backend.kind !== 'sqlite') throw new Error('expected a SQLite store');
      return { store, query: store.backend.query };
    });
  }

  it('is the ledger createLedger picks for a SQLite store', async () => {
    const [opened] = await openStores(1);
    expect(opened && createLedger(opened.store)).toBeInstanceOf(SqliteLedger);
  });

  it("decides only after another connection's write on the same file has committed", async () => {
    const [mine, other] = await openStores(2);
    if (!mine || !other) throw new Error('expected two stores');
    const ledger = createLedger(mine.store);
    await ledger.usage('alice', 'guild-1', NOON); // creates the tables

    // Another process delivers alice's one video of the day, and is slow to commit.
    await other.query('BEGIN IMMEDIATE');
    const reserving = ledger.reserve(ask('mine'));
    await other.query(
      `INSERT INTO quota_reservations (id, user_id, guild_id, day, cost_cents, expires_at, state)
       VALUES ('theirs', 'alice', 'guild-1', '2026-11-26', 10, ?, 'committed')`,
      NOON + 60_000,
    );
    await other.query('COMMIT');

    expect(await reserving).toEqual({ ok: false, limit: 'user_daily', max: 1 });
  });

  it('prunes reservations and grants of days long gone, but not what is still in flight', async () => {
    const [opened] = await openStores(1);
    if (!opened) throw new Error('expected a store');
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
