import { createClient } from '@keyv/redis';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createLedger } from '../../src/quota/create-ledger.js';
import { quotaKeys } from '../../src/quota/keyv-ledger.js';
import { utcDay } from '../../src/quota/ledger.js';
import { openStore, type Store } from '../../src/store/store.js';
import { ownRedis, redisSkipReason } from '../support/redis.js';
import { describeLedger } from './ledger-behaviour.js';

const skipReason = redisSkipReason();
const redis = ownRedis();

/** A namespace no other test uses, for tests sharing the suite's Redis. */
function uniqueNamespace(): string {
  return `quota-${crypto.randomUUID()}`;
}

async function openRedisStore(): Promise<Store> {
  return openStore({ kind: 'redis', url: redis.url });
}

describe.skipIf(skipReason !== undefined)(
  `Keyv ledger on Redis${skipReason ? ` (skipped: ${skipReason})` : ''}`,
  () => {
    describeLedger('the Keyv ledger on Redis', async () => {
      // A ledger of its own per test, on the suite's server.
      const namespace = uniqueNamespace();
      let store = await openRedisStore();
      return {
        ledger: createLedger(store, { namespace }),
        async restart() {
          await store.close();
          store = await openRedisStore();
          return createLedger(store, { namespace });
        },
        close: () => store.close(),
      };
    });

    it("keeps a member's day as a Keyv entry that keyv.get reads back", async () => {
      await redis.flush();
      const store = await openRedisStore();
      onTestFinished(() => store.close());
      const ledger = createLedger(store);
      const now = Date.UTC(2026, 10, 26, 12);
      const allowance = { userDaily: 5, userConcurrent: 5, guildDaily: 5, budgetDailyCents: 500 };
      await ledger.reserve({ id: 'a', userId: 'alice', guildId: null, costCents: 10, allowance, now, ttlMs: 60_000 });
      await ledger.commit('a');

      const quota = store.keyv('quota');
      expect(await quota.get('member:2026-11-26:dm:alice')).toBe(1);
      expect(await quota.get('guild:2026-11-26:dm')).toBe(1);
      expect(await quota.get('spend:2026-11-26')).toBe(10);
      expect(await quota.get('reservation:a')).toMatchObject({ guildId: null, state: 'committed' });
    });

    it("lets every key it writes expire within a few days, named and valued as Keyv's Redis adapter does", async () => {
      await redis.flush();
      const store = await openRedisStore();
      onTestFinished(() => store.close());
      const ledger = createLedger(store);
      const now = Date.now();
      const allowance = { userDaily: 5, userConcurrent: 5, guildDaily: 5, budgetDailyCents: 500 };
      for (const id of ['a', 'b', 'c']) {
        await ledger.reserve({ id, userId: 'alice', guildId: 'guild-1', costCents: 10, allowance, now, ttlMs: 60_000 });
      }
      await ledger.commit('a');
      await ledger.refund('b');
      await ledger.grant('alice', 'guild-1', 1, now);
      await ledger.resetUser('alice', 'guild-1', now);

      const client = createClient({ url: redis.url });
      await client.connect();
      onTestFinished(() => client.close());
      const keys = (await client.keys('*')).sort();
      const day = utcDay(now);
      expect(keys).toEqual(
        [
          `grant:${day}:guild-1:alice`,
          `guild:${day}:guild-1`,
          'in-flight:guild-1:alice',
          ...new Set(['a', 'b', 'c'].map(quotaKeys.live)),
          `member:${day}:guild-1:alice`,
          'reservation:a',
          'reservation:b',
          'reservation:c',
          `spend:${day}`,
        ]
          .map((key) => `quota::quota:${key}`)
          .sort(),
      );
      expect(JSON.parse((await client.get(`quota::quota:member:${day}:guild-1:alice`)) ?? '')).toEqual({
        value: 1,
        expires: expect.any(Number),
      });
      const ttls = await Promise.all(keys.map(async (key) => [key, await client.pTTL(key)] as const));
      expect(ttls.filter(([, ttl]) => ttl <= 0)).toEqual([]);
      expect(Math.max(...ttls.map(([, ttl]) => ttl))).toBeLessThanOrEqual(3 * 86_400_000);
    });
  },
);
