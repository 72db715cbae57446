import Database from 'better-sqlite3';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { createLedger } from '../../src/quota/create-ledger.js';
import { quotaKeys } from '../../src/quota/keyv-ledger.js';
import type { Allowance, ReserveRequest } from '../../src/quota/ledger.js';
import { openStore, type Store, type StoreLocation } from '../../src/store/store.js';
import { tempFileForTest } from '../support/temp-file.js';
import { describeLedger } from './ledger-behaviour.js';

describeLedger('the Keyv ledger on SQLite', async () => {
  const location: StoreLocation = { kind: 'sqlite', path: await tempFileForTest('bot.sqlite') };
  let store = await openStore(location);
  return {
    ledger: createLedger(store),
    async restart() {
      await store.close();
      store = await openStore(location);
      return createLedger(store);
    },
    close: () => store.close(),
  };
});

describe('the Keyv ledger on SQLite, on its own', () => {
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

  /** A store on a fresh file, closed when the test finishes. */
  async function openOne(): Promise<{ store: Store; path: string }> {
    const path = await tempFileForTest('bot.sqlite');
    const store = await openStore({ kind: 'sqlite', path });
    onTestFinished(() => store.close());
    return { store, path };
  }

  it("keeps a member's day as a Keyv entry that keyv.get reads back", async () => {
    const { store } = await openOne();
    const ledger = createLedger(store);
    await ledger.reserve(ask('a'));
    await ledger.commit('a');

    const quota = store.keyv('quota');
    expect(await quota.get(quotaKeys.member('2026-11-26', 'guild-1', 'alice'))).toBe(1);
    expect(await quota.get('member:2026-11-26:guild-1:alice')).toBe(1);
    expect(await quota.get('guild:2026-11-26:guild-1')).toBe(1);
    expect(await quota.get('spend:2026-11-26')).toBe(10);
    expect(await quota.get('in-flight:guild-1:alice')).toBe(0);
    expect(await quota.get('reservation:a')).toEqual({
      id: 'a',
      userId: 'alice',
      guildId: 'guild-1',
      day: '2026-11-26',
      costCents: 10,
      quality: '480p',
      expiresAt: NOON + 60_000,
      state: 'committed',
    });
  });

  it("stores the entries in the keyv table, in Keyv's format, each with its expiry", async () => {
    const { store, path } = await openOne();
    await createLedger(store).reserve(ask('a'));

    const file = new Database(path, { readonly: true });
    onTestFinished(() => void file.close());
    const rows = file.prepare("SELECT key, value FROM keyv WHERE key LIKE 'quota:%' ORDER BY key").all() as Array<{
      key: string;
      value: string;
    }>;
    expect(rows.map(({ key }) => key)).toEqual([
      'quota:guild:2026-11-26:guild-1',
      'quota:in-flight:guild-1:alice',
      `quota:${quotaKeys.live('a')}`,
      'quota:member:2026-11-26:guild-1:alice',
      'quota:reservation:a',
      'quota:spend:2026-11-26',
    ]);
    for (const { value } of rows) expect(JSON.parse(value)).toMatchObject({ expires: expect.any(Number) });
    const member = rows.find(({ key }) => key === 'quota:member:2026-11-26:guild-1:alice');
    expect(JSON.parse(member?.value ?? '')).toMatchObject({ value: 1 });
  });

  it('deletes the entries Keyv has let expire, which nobody reads again', async () => {
    const { store, path } = await openOne();
    vi.useFakeTimers({ toFake: ['Date'] });
    onTestFinished(() => void vi.useRealTimers());
    const ledger = createLedger(store);
    await ledger.reserve(ask('delivered'));
    await ledger.commit('delivered');
    await ledger.grant('alice', 'guild-1', 1, NOON);

    // Well past the day and the reservation: every entry has expired.
    vi.setSystemTime(Date.now() + 5 * 86_400_000);
    await ledger.grant('bob', 'guild-1', 1, Date.now());

    const file = new Database(path, { readonly: true });
    onTestFinished(() => void file.close());
    expect(file.prepare("SELECT key FROM keyv WHERE key LIKE 'quota:%'").all()).toEqual([
      { key: expect.stringMatching(/^quota:grant:.*:guild-1:bob$/) },
    ]);
  });
});
