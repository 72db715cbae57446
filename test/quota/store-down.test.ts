import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { createLedger, type LedgerOptions } from '../../src/quota/create-ledger.js';
import { QuotaStoreError, type ReserveRequest } from '../../src/quota/ledger.js';
import { openStore } from '../../src/store/store.js';
import { freePort, redisSkipReason, startRedisServer, stopRedisServer } from '../support/redis.js';

const NOW = Date.UTC(2026, 10, 26, 12);

function ask(id: string): ReserveRequest {
  const allowance = { userDaily: 10, userConcurrent: 10, guildDaily: null, budgetDailyCents: null };
  return { id, userId: 'alice', guildId: 'guild-1', costCents: 10, allowance, now: NOW, ttlMs: 60_000 };
}

/** What the ledger's own deadline rejects with, as the cause of its QuotaStoreError. */
const NO_REPLY = /^no reply from the store within/;

const skipReason = redisSkipReason();

/** A ledger on a `redis-server` of its own, which the test may stop, freeze and restart. */
async function ledgerOnOwnRedis(options: LedgerOptions = {}) {
  const port = await freePort();
  let server = await startRedisServer(port);
  const store = await openStore({ kind: 'redis', url: `redis://127.0.0.1:${port}` });
  onTestFinished(async () => {
    server.kill('SIGCONT');
    await store.close();
    await stopRedisServer(server);
  });
  return {
    ledger: createLedger(store, options),
    stop: () => stopRedisServer(server),
    /** The process stays, and so does the connection, but nothing answers. */
    freeze: () => server.kill('SIGSTOP'),
    async restart() {
      server = await startRedisServer(port);
    },
  };
}

describe.skipIf(skipReason !== undefined)(
  `a quota ledger on Redis${skipReason ? ` (skipped: ${skipReason})` : ''}`,
  () => {
    it('fails closed at once while the server is down, and works again once it is back', async () => {
      const redis = await ledgerOnOwnRedis();
      const { ledger } = redis;
      expect(await ledger.reserve(ask('before'))).toMatchObject({ ok: true });

      await redis.stop();

      // Refused by the client at once, not left to run into the ledger's deadline.
      const refusal = await ledger.reserve(ask('while down')).catch((error: unknown) => error);
      expect(refusal).toBeInstanceOf(QuotaStoreError);
      expect((refusal as QuotaStoreError).cause).not.toMatchObject({ message: expect.stringMatching(NO_REPLY) });
      await expect(ledger.commit('before')).rejects.toBeInstanceOf(QuotaStoreError);
      await expect(ledger.usage('alice', 'guild-1', NOW)).rejects.toBeInstanceOf(QuotaStoreError);

      await redis.restart();

      // The client reconnects by itself, backing off up to 2 s between attempts.
      await vi.waitFor(() => ledger.usage('alice', 'guild-1', NOW), { timeout: 10_000, interval: 50 });
      expect(await ledger.reserve(ask('after'))).toMatchObject({ ok: true });
    });

    it('fails closed within its timeout when the server stops answering but keeps the connection', async () => {
      const redis = await ledgerOnOwnRedis({ timeoutMs: 300 });
      expect(await redis.ledger.reserve(ask('before'))).toMatchObject({ ok: true });

      redis.freeze();
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      onTestFinished(() => {
        vi.useRealTimers();
      });

      let outcome: unknown;
      const reserving = redis.ledger.reserve(ask('while frozen')).then(
        () => 'reserved',
        (error: unknown) => error,
      );
      void reserving.then((settled) => {
        outcome = settled;
      });
      await vi.advanceTimersByTimeAsync(299);
      expect(outcome).toBeUndefined();
      await vi.advanceTimersByTimeAsync(1);
      expect(await reserving).toBeInstanceOf(QuotaStoreError);
      expect((outcome as QuotaStoreError).cause).toMatchObject({ message: expect.stringMatching(NO_REPLY) });
      vi.useRealTimers();
    });
  },
);

describe('a quota ledger on SQLite', () => {
  it('fails closed when its store cannot be used', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'quota-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const store = await openStore({ kind: 'sqlite', path: join(dir, 'bot.sqlite') });
    const ledger = createLedger(store);
    expect(await ledger.reserve(ask('before'))).toMatchObject({ ok: true });

    await store.close();

    await expect(ledger.reserve(ask('after close'))).rejects.toBeInstanceOf(QuotaStoreError);
    await expect(ledger.refund('before')).rejects.toBeInstanceOf(QuotaStoreError);
  });
});
