import Keyv from 'keyv';
import { afterEach, beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { type AtomicEntries, MemoryAtomicEntries } from '../../src/store/atomic-entries.js';
import { openStore, type Store, type StoreLocation } from '../../src/store/store.js';
import { ownRedis, redisSkipReason } from '../support/redis.js';
import { tempFileForTest } from '../support/temp-file.js';

const HOUR = 3_600_000;
const skipReason = redisSkipReason();
const redis = ownRedis();

interface Fixture {
  entries: AtomicEntries;
  keyv: Keyv;
  close(): Promise<void>;
}

async function onStore(store: Store): Promise<Fixture> {
  const namespace = `atomic-${crypto.randomUUID()}`;
  return { entries: store.atomic(namespace), keyv: store.keyv(namespace), close: () => store.close() };
}

/** What every backend's primitive does: the Lua script and the TypeScript planner must agree. */
const backends: Array<[string, () => Promise<Fixture>, string | undefined]> = [
  [
    'in memory',
    async () => {
      const map = new Map<string, string>();
      const keyv = new Keyv({ store: map, namespace: 'atomic' });
      return { entries: new MemoryAtomicEntries(map, keyv, 'atomic'), keyv, close: async () => {} };
    },
    undefined,
  ],
  [
    'on SQLite',
    async () => onStore(await openStore({ kind: 'sqlite', path: await tempFileForTest('bot.sqlite') })),
    undefined,
  ],
  ['on Redis', async () => onStore(await openStore({ kind: 'redis', url: redis.url })), skipReason],
];

describe.each(backends)('atomic entries %s', (_name, open, skip) => {
  let fixture: Fixture;
  let entries: AtomicEntries;
  let keyv: Keyv;

  beforeEach(async (context) => {
    if (skip) return context.skip(skip);
    fixture = await open();
    ({ entries, keyv } = fixture);
  });
  afterEach(() => fixture?.close());

  it('adds to numbers within their maxima, and changes nothing when one would pass', async () => {
    expect(
      await entries.apply({
        add: [
          { key: 'a', by: 2, max: 3, ttlMs: HOUR },
          { key: 'b', by: 5, ttlMs: HOUR },
        ],
      }),
    ).toEqual({
      applied: true,
    });
    expect(
      await entries.apply({
        add: [
          { key: 'b', by: 1, max: null, ttlMs: HOUR },
          { key: 'a', by: 2, max: 3, ttlMs: HOUR },
        ],
      }),
    ).toEqual({ applied: false, exceeded: 1, max: 3 });
    expect(await keyv.getMany(['a', 'b'])).toEqual([2, 5]);
  });

  it('raises a maximum by the number in another entry', async () => {
    await entries.apply({ add: [{ key: 'granted', by: 2, ttlMs: HOUR }] });
    const take = { add: [{ key: 'used', by: 1, max: 1, raisedBy: 'granted', ttlMs: HOUR }] };
    for (const _ of [1, 2, 3]) expect(await entries.apply(take)).toEqual({ applied: true });
    expect(await entries.apply(take)).toEqual({ applied: false, exceeded: 0, max: 3 });
  });

  it('leaves an absent entry absent when told to add only to one present', async () => {
    expect(await entries.apply({ add: [{ key: 'gone', by: -1, ttlMs: HOUR, ifPresent: true }] })).toEqual({
      applied: true,
    });
    expect(await keyv.get('gone')).toBeUndefined();
  });

  it('applies only while its guards still hold what was read', async () => {
    await entries.apply({ add: [{ key: 'n', by: 4, ttlMs: HOUR }] });
    const change = { unchanged: [{ key: 'n', value: 3 }], add: [{ key: 'm', by: 1, ttlMs: HOUR }] };
    expect(await entries.apply(change)).toEqual({ applied: false, changed: 0 });
    expect(await entries.apply({ ...change, unchanged: [{ key: 'n', value: 4 }] })).toEqual({ applied: true });
    expect(await keyv.get('m')).toBe(1);
  });

  it('moves a record from one state to the next only from the state it is in, and says where it is', async () => {
    const expires = Date.now() + HOUR;
    const record = (state: string) => ({ key: 'r', value: { id: ':r', state }, expires });
    expect(await entries.apply({ record: { ...record('open'), from: null } })).toEqual({ applied: true });
    expect(
      await entries.apply({ record: { ...record('open'), from: null }, add: [{ key: 'x', by: 1, ttlMs: HOUR }] }),
    ).toEqual({
      applied: false,
      record: { value: { id: ':r', state: 'open' }, expires },
    });
    expect(await entries.apply({ record: { ...record('closed'), from: 'open' } })).toEqual({ applied: true });
    expect(await keyv.get('r')).toEqual({ id: ':r', state: 'closed' });
    expect(await keyv.get('x')).toBeUndefined();
  });

  it('replaces a record only over the revision its writer read, kept for ever unless it says when it expires', async () => {
    const write = (revision: number, from: number | null) => ({
      record: { key: 'j', field: 'revision', from, value: { id: 'j', state: 'waiting', revision } },
    });
    expect(await entries.apply(write(0, null))).toEqual({ applied: true });
    expect(await entries.apply(write(1, 0))).toEqual({ applied: true });
    // A writer that read revision 0 finds 1 stored, and is told what it is; nothing of its change lands.
    expect(await entries.apply({ ...write(1, 0), add: [{ key: 'x', by: 1, ttlMs: HOUR }] })).toEqual({
      applied: false,
      record: { value: { id: 'j', state: 'waiting', revision: 1 } },
    });
    expect(await entries.apply(write(2, null))).toMatchObject({ applied: false });
    expect(await keyv.getRaw('j')).toEqual({ value: { id: 'j', state: 'waiting', revision: 1 } });
    expect(await keyv.get('x')).toBeUndefined();

    const expires = Date.now() + HOUR;
    const done = { key: 'j', field: 'revision', from: 1, value: { id: 'j', state: 'done', revision: 2 }, expires };
    expect(await entries.apply({ record: done })).toEqual({ applied: true });
    expect(await keyv.getRaw('j')).toEqual({ value: done.value, expires });
  });

  it('sets and removes several fields of an object in one change', async () => {
    await entries.apply({ fields: [{ key: 'o', field: 'a', value: 1, ttlMs: HOUR }] });
    await entries.apply({
      fields: [
        { key: 'o', field: 'b', value: 2, ttlMs: HOUR },
        { key: 'o', field: 'c', value: 3, ttlMs: HOUR },
        { key: 'o', field: 'a', value: null, ttlMs: HOUR },
      ],
    });
    expect(await keyv.get('o')).toEqual({ b: 2, c: 3 });
  });

  it('counts an entry past its Keyv expiry as absent', async () => {
    await entries.apply({ add: [{ key: 'n', by: 5, ttlMs: HOUR }] });
    vi.useFakeTimers({ toFake: ['Date'] });
    onTestFinished(() => void vi.useRealTimers());
    vi.setSystemTime(Date.now() + 2 * HOUR);

    expect(await entries.apply({ add: [{ key: 'n', by: 1, max: 1, ttlMs: HOUR }] })).toEqual({ applied: true });
    expect(await keyv.get('n')).toBe(1);
  });

  it('keeps what it writes at least ttlMs, never shortening a longer life', async () => {
    await entries.apply({ add: [{ key: 'n', by: 1, ttlMs: 10 * HOUR }] });
    await entries.apply({ add: [{ key: 'n', by: 1, ttlMs: 1 }] });
    const raw = await keyv.getRaw<number>('n');
    expect(raw?.value).toBe(2);
    expect(raw?.expires).toBeGreaterThan(Date.now() + 9 * HOUR);
  });
});

/** Separate connections to one SQLite file or one Redis, as two bot processes have. */
const shared: Array<[string, () => Promise<StoreLocation>, string | undefined]> = [
  ['on SQLite', async () => ({ kind: 'sqlite', path: await tempFileForTest('bot.sqlite') }), undefined],
  ['on Redis', async () => ({ kind: 'redis', url: redis.url }), skipReason],
];

describe.each(shared)('atomic records on two connections %s', (_name, locate, skip) => {
  it('lets exactly one of the writers that read a revision replace it, however many race', async (context) => {
    if (skip) return context.skip(skip);
    const location = await locate();
    const namespace = `race-${crypto.randomUUID()}`;
    const stores = [await openStore(location), await openStore(location)];
    onTestFinished(() => Promise.all(stores.map((store) => store.close())).then(() => {}));
    const [one, two] = stores.map((store) => ({
      entries: store.atomic(namespace),
      keyv: store.keyv<Counted>(namespace),
    }));
    if (!one || !two) throw new Error('two connections expected');
    interface Counted {
      revision: number;
      by: number;
    }
    const replace = (entries: AtomicEntries, from: number | null, value: Counted) =>
      entries.apply({ record: { key: 'r', field: 'revision', from, value } });

    // 20 writers, half on each connection, all over the same revision at once: one wins.
    const first = await Promise.all(
      Array.from({ length: 20 }, (_, by) => replace((by % 2 ? two : one).entries, null, { revision: 0, by })),
    );
    expect(first.filter((outcome) => outcome.applied)).toHaveLength(1);

    // Each writer then reads and replaces until its own write lands: each revision is written once.
    const won = await Promise.all(
      Array.from({ length: 20 }, async (_, by) => {
        const { entries, keyv } = by % 2 ? two : one;
        for (;;) {
          const stored = await keyv.get('r');
          const revision = (stored?.revision ?? -1) + 1;
          if ((await replace(entries, stored?.revision ?? null, { revision, by })).applied) return revision;
        }
      }),
    );
    expect(won.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, n) => n + 1));
    expect(await two.keyv.get('r')).toMatchObject({ revision: 20 });
  });
});
