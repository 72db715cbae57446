import type { RedisClientType } from '@keyv/redis';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createLedger } from '../../src/quota/create-ledger.js';
import { utcDay } from '../../src/quota/ledger.js';
import { RedisLedger } from '../../src/quota/redis-ledger.js';
import { openStore, type Store } from '../../src/store/store.js';
import { ownRedis, redisSkipReason, uniquePrefix } from '../support/redis.js';
import { describeLedger } from './ledger-behaviour.js';

const skipReason = redisSkipReason();
const redis = ownRedis();

async function openRedisStore(): Promise<{ store: Store; client: RedisClientType }> {
  const store = await openStore({ kind: 'redis', url: redis.url });
  if (store.backend.kind !== 'redis') throw new Error('expected a Redis store');
  return { store, client: store.backend.client };
}

describe.skipIf(skipReason !== undefined)(`Redis quota ledger${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  describeLedger('RedisLedger', async () => {
    // A ledger of its own per test, on the suite's server.
    const keyPrefix = uniquePrefix();
    let { store } = await openRedisStore();
    return {
      ledger: createLedger(store, { keyPrefix }),
      async restart() {
        await store.close();
        ({ store } = await openRedisStore());
        return createLedger(store, { keyPrefix });
      },
      close: () => store.close(),
    };
  });

  it('is the ledger createLedger picks for a Redis store', async () => {
    const { store } = await openRedisStore();
    onTestFinished(() => store.close());
    expect(createLedger(store)).toBeInstanceOf(RedisLedger);
  });

  it('lets every key it writes expire within a few days', async () => {
    const keyPrefix = uniquePrefix();
    const { store, client } = await openRedisStore();
    onTestFinished(() => store.close());
    const ledger = createLedger(store, { keyPrefix });
    const now = Date.now();
    const allowance = { userDaily: 5, userConcurrent: 5, guildDaily: 5, budgetDailyCents: 500 };
    for (const id of ['a', 'b', 'c']) {
      await ledger.reserve({ id, userId: 'alice', guildId: 'guild-1', costCents: 10, allowance, now, ttlMs: 60_000 });
    }
    await ledger.commit('a');
    await ledger.refund('b');
    await ledger.grant('alice', 'guild-1', 1, now);
    await ledger.resetUser('alice', 'guild-1', now);

    const keys = await client.keys(`${keyPrefix}*`);
    const day = utcDay(now);
    expect(keys.map((key) => key.slice(keyPrefix.length)).sort()).toEqual([
      `guild:${day}:guild-1`,
      'in-flight:guild-1:alice',
      'live',
      'reservation:a',
      'reservation:b',
      'reservation:c',
      `spent:${day}`,
      `used:${day}:guild-1:alice`,
    ]);
    const ttls = new Map(await Promise.all(keys.map(async (key) => [key, await client.pTTL(key)] as const)));
    expect([...ttls].filter(([, ttl]) => ttl <= 0)).toEqual([]);
    expect(Math.max(...ttls.values())).toBeLessThanOrEqual(3 * 86_400_000);
  });
});
