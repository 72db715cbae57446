import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createClient } from '@keyv/redis';
import Database from 'better-sqlite3';
import { pino } from 'pino';
import { describe, expect, it, onTestFinished } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { type QuotaLedger, utcDay } from '../../src/quota/ledger.js';
import { migrateSqliteQuotas } from '../../src/quota/legacy-quotas.js';
import { type Backend, openBackend } from '../../src/store/backend.js';
import { SqliteFile } from '../../src/store/sqlite-file.js';
import { KEYV_SCHEMA } from '../../src/store/sqlite-keyv-store.js';
import { openStore } from '../../src/store/store.js';
import { ownRedis, redisSkipReason } from '../support/redis.js';
import { tempFileForTest } from '../support/temp-file.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const START = fileURLToPath(new URL('./fixtures/start-backend.ts', import.meta.url));
const silent = pino({ level: 'silent' });

/** A bot's backend on `storeUrl`, as `npm start` opens it, closed when the test finishes. */
async function startOn(storeUrl: string): Promise<Backend> {
  const config = parseConfig({ DISCORD_TOKEN: 'test-token', WAVESPEED_API_KEY: 'test-key', STORE_URL: storeUrl });
  const backend = await openBackend(config, silent, { slotTtlMs: HOUR });
  onTestFinished(() => backend.close());
  return backend;
}

/** The figures the members of the fixtures below have today. */
async function usages(ledger: QuotaLedger, now: number) {
  const of = async (userId: string, guildId: string | null) => {
    const { userUsed, userInFlight, userGranted, guildUsed, spentCents } = await ledger.usage(userId, guildId, now);
    return { userUsed, userInFlight, userGranted, guildUsed, spentCents };
  };
  return { alice: await of('alice', 'guild-1'), carol: await of('carol', null) };
}

/**
 * Today's figures of both fixtures: alice in guild-1 has one video delivered, one in flight, one
 * whose reservation lapsed uncommitted and 2 videos granted; carol has one in flight in a DM.
 */
const MIGRATED = {
  alice: { userUsed: 2, userInFlight: 1, userGranted: 2, guildUsed: 2, spentCents: 30 },
  carol: { userUsed: 1, userInFlight: 1, userGranted: 0, guildUsed: 1, spentCents: 30 },
};
/** After committing alice's video in flight and her lapsed one, and refunding carol's. */
const SETTLED = {
  alice: { userUsed: 3, userInFlight: 0, userGranted: 2, guildUsed: 3, spentCents: 30 },
  carol: { userUsed: 0, userInFlight: 0, userGranted: 0, guildUsed: 0, spentCents: 30 },
};

async function settle(ledger: QuotaLedger): Promise<void> {
  await ledger.commit('in-flight');
  await ledger.commit('lapsed');
  await ledger.refund('carol-in-flight');
  // Final states stay final.
  await ledger.refund('delivered');
  await ledger.commit('carol-in-flight');
}

/** The tables and rows the SQLite ledger of earlier versions kept, as it wrote them. */
function writeLegacySqlite(path: string, now: number): void {
  const db = new Database(path);
  db.exec(`CREATE TABLE quota_reservations (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    guild_id TEXT,
    day TEXT NOT NULL,
    cost_cents INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    state TEXT NOT NULL DEFAULT 'reserved' CHECK (state IN ('reserved', 'committed', 'refunded')),
    forgotten INTEGER NOT NULL DEFAULT 0
  )`);
  db.exec('CREATE INDEX quota_reservations_by_day ON quota_reservations (day, guild_id, user_id)');
  db.exec('CREATE INDEX quota_reservations_by_member ON quota_reservations (user_id, guild_id, state)');
  db.exec(
    'CREATE TABLE quota_grants (day TEXT NOT NULL, guild_id TEXT, user_id TEXT NOT NULL, extra INTEGER NOT NULL)',
  );
  db.exec('CREATE INDEX quota_grants_by_member ON quota_grants (day, guild_id, user_id)');
  const day = utcDay(now);
  const reserve = db.prepare(
    'INSERT INTO quota_reservations (id, user_id, guild_id, day, cost_cents, expires_at, state, forgotten) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  reserve.run('delivered', 'alice', 'guild-1', day, 10, now + HOUR, 'committed', 0);
  reserve.run('in-flight', 'alice', 'guild-1', day, 10, now + HOUR, 'reserved', 0);
  reserve.run('lapsed', 'alice', 'guild-1', day, 10, now - 1, 'reserved', 0);
  reserve.run('refunded', 'alice', 'guild-1', day, 10, now + HOUR, 'refunded', 0);
  reserve.run('carol-in-flight', 'carol', null, day, 10, now + HOUR, 'reserved', 0);
  // Yesterday's: counted on its own day only.
  reserve.run('yesterday', 'alice', 'guild-1', utcDay(now - DAY), 10, now - DAY + HOUR, 'committed', 0);
  const grant = db.prepare('INSERT INTO quota_grants (day, guild_id, user_id, extra) VALUES (?, ?, ?, ?)');
  grant.run(day, 'guild-1', 'alice', 3);
  grant.run(day, 'guild-1', 'alice', -1);
  db.close();
}

function tables(path: string): string[] {
  const db = new Database(path, { readonly: true });
  onTestFinished(() => void db.close());
  return (
    db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as Array<{ name: string }>
  ).map(({ name }) => name);
}

describe("moving a SQLite store's quotas from today's tables into Keyv entries", () => {
  it('keeps every reservation and grant, and lets the old reservations be committed and refunded by id', async () => {
    const path = await tempFileForTest('bot.sqlite');
    const now = Date.now();
    writeLegacySqlite(path, now);

    const { ledger, store } = await startOn(`sqlite://${path}`);

    expect(await usages(ledger, now)).toEqual(MIGRATED);
    expect(await ledger.usage('alice', 'guild-1', now - DAY)).toMatchObject({ userUsed: 1, guildUsed: 1 });
    expect(tables(path)).not.toEqual(expect.arrayContaining(['quota_reservations']));
    expect(tables(path)).not.toEqual(expect.arrayContaining(['quota_grants']));
    expect(await store.keyv('quota').get(`member:${utcDay(now)}:guild-1:alice`)).toBe(2);
    // The old reservation's id is still the reservation: reserving it again takes nothing more.
    const again = await ledger.reserve({
      id: 'in-flight',
      userId: 'alice',
      guildId: 'guild-1',
      costCents: 10,
      allowance: { userDaily: 5, userConcurrent: 5, guildDaily: null, budgetDailyCents: null },
      now,
      ttlMs: HOUR,
    });
    expect(again).toMatchObject({ ok: true, reservation: { id: 'in-flight', expiresAt: now + HOUR } });

    await settle(ledger);
    expect(await usages(ledger, now)).toEqual(SETTLED);
  });

  it('moves nothing twice: once the tables are gone, and when two connections start at the same moment', async () => {
    const path = await tempFileForTest('bot.sqlite');
    const now = Date.now();
    writeLegacySqlite(path, now);
    const files = [1, 2].map(() => new SqliteFile(path, { schema: KEYV_SCHEMA }));
    const store = await openStore({ kind: 'sqlite', path });
    onTestFinished(async () => {
      await Promise.all(files.map((file) => file.close()));
      await store.close();
    });

    const moved = await Promise.all(files.map((file) => migrateSqliteQuotas(file, store.keyv('quota'), now)));
    // The 6 rows of reservations and the 2 of grants, which sum to one member's day: moved by one of them.
    expect(moved.sort()).toEqual([0, 7]);
    expect(await migrateSqliteQuotas(files[0] as SqliteFile, store.keyv('quota'), now)).toBe(0);
    await store.close();

    const { ledger } = await startOn(`sqlite://${path}`);
    expect(await usages(ledger, now)).toEqual(MIGRATED);
  });
});

const skipReason = redisSkipReason();
const redis = ownRedis();

/** The keys the Redis ledger of earlier versions kept under `quota:`, as its scripts wrote them. */
async function writeLegacyRedis(now: number): Promise<number> {
  const client = createClient({ url: redis.url });
  await client.connect();
  try {
    const day = utcDay(now);
    const px = { expiration: { type: 'PX', value: 2 * DAY } } as const;
    const reservation = async (id: string, user: string, scope: string, expiresAt: number, state: string) => {
      const key = `quota:reservation:${id}`;
      await client.hSet(key, { user, scope, day, cost: '10', expiresAt: String(expiresAt), state });
      await client.pExpire(key, 2 * DAY);
    };
    await reservation('delivered', 'alice', 'guild-1', now + HOUR, 'committed');
    await reservation('in-flight', 'alice', 'guild-1', now + HOUR, 'reserved');
    // Released already: taken off the counts and out of flight.
    await reservation('lapsed', 'alice', 'guild-1', now - 1, 'expired');
    await reservation('refunded', 'alice', 'guild-1', now + HOUR, 'refunded');
    await reservation('carol-in-flight', 'carol', 'dm', now + HOUR, 'reserved');
    await client.zAdd('quota:live', [
      { score: now + HOUR, value: 'in-flight' },
      { score: now + HOUR, value: 'carol-in-flight' },
    ]);
    await client.zAdd('quota:in-flight:guild-1:alice', { score: now + HOUR, value: 'in-flight' });
    await client.zAdd('quota:in-flight:dm:carol', { score: now + HOUR, value: 'carol-in-flight' });
    for (const key of ['quota:live', 'quota:in-flight:guild-1:alice', 'quota:in-flight:dm:carol']) {
      await client.pExpire(key, 2 * DAY);
    }
    await client.set(`quota:used:${day}:guild-1:alice`, '2', px);
    await client.set(`quota:guild:${day}:guild-1`, '2', px);
    await client.set(`quota:used:${day}:dm:carol`, '1', px);
    await client.set(`quota:guild:${day}:dm`, '1', px);
    await client.set(`quota:spent:${day}`, '30', px);
    await client.set(`quota:granted:${day}:guild-1:alice`, '2', px);
    return (await client.keys('quota:*')).length;
  } finally {
    await client.close();
  }
}

async function legacyKeysLeft(): Promise<string[]> {
  const client = createClient({ url: redis.url });
  await client.connect();
  try {
    return (await client.keys('quota:*')).filter((key) => !key.startsWith('quota::'));
  } finally {
    await client.close();
  }
}

describe.skipIf(skipReason !== undefined)(
  `moving a Redis store's quotas from today's keys into Keyv entries${skipReason ? ` (skipped: ${skipReason})` : ''}`,
  () => {
    it('keeps every reservation and grant, and lets the old reservations be committed and refunded by id', async () => {
      await redis.flush();
      const now = Date.now();
      await writeLegacyRedis(now);

      const { ledger, store } = await startOn(redis.url);

      expect(await legacyKeysLeft()).toEqual([]);
      expect(await usages(ledger, now)).toEqual(MIGRATED);
      expect(await store.keyv('quota').get(`member:${utcDay(now)}:guild-1:alice`)).toBe(2);
      await settle(ledger);
      expect(await usages(ledger, now)).toEqual(SETTLED);
    });

    it('moves each key once when two bot processes start at the same moment', async () => {
      await redis.flush();
      const now = Date.now();
      const legacy = await writeLegacyRedis(now);

      const starters = [1, 2].map(() => {
        const child = spawn(process.execPath, ['--import', 'tsx', START, redis.url], {
          stdio: ['pipe', 'pipe', 'inherit'],
        });
        onTestFinished(() => void child.kill());
        return { child, lines: createInterface({ input: child.stdout })[Symbol.asyncIterator]() };
      });
      const next = async (lines: AsyncIterator<string>) => (await lines.next()).value as string;
      for (const { lines } of starters) expect(await next(lines)).toBe('ready');
      for (const { child } of starters) child.stdin.end('go\n');
      const moved = await Promise.all(
        starters.map(async ({ child, lines }) => {
          const line = await next(lines);
          const [code] = await once(child, 'exit');
          expect(code).toBe(0);
          return Number(line);
        }),
      );

      expect(moved.reduce((sum, keys) => sum + keys, 0)).toBe(legacy);
      expect(await legacyKeysLeft()).toEqual([]);
      const { ledger } = await startOn(redis.url);
      expect(await usages(ledger, now)).toEqual(MIGRATED);
    });
  },
);
