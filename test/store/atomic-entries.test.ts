import Keyv from 'keyv';
import { afterEach, beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { type AtomicEntries, MemoryAtomicEntries } from '../../src/store/atomic-entries.js';
import { openStore, type Store } from '../../src/store/store.js';
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
