/**
 * Moves the quotas kept by earlier versions into the Keyv entries (see `quotaKeys`), on start,
 * keeping every reservation (one in flight still counts, and is still committed or refunded by
 * its id) and every grant: on SQLite the tables `quota_reservations` and `quota_grants`, on Redis
 * the keys under `quota:`. Each step is atomic and takes the old data away with it, so a second
 * run, or a second process starting at the same moment, moves nothing twice.
 */
import type { RedisClientType } from '@keyv/redis';
import type Keyv from 'keyv';
import type { EntryChange } from '../store/atomic-entries.js';
import { RedisAtomicEntries } from '../store/redis-atomic-entries.js';
import { SqliteAtomicEntries } from '../store/sqlite-atomic-entries.js';
import type { SqliteFile } from '../store/sqlite-file.js';
import { KEEP_MS, QUOTA_NAMESPACE, quotaKeys, type ReservationRecord, type ReservationState } from './keyv-ledger.js';
import { nextUtcMidnight } from './ledger.js';

/** A row of the `quota_reservations` table. */
interface LegacyRow {
  id: string;
  user_id: string;
  guild_id: string | null;
  day: string;
  cost_cents: number;
  expires_at: number;
  state: 'reserved' | 'committed' | 'refunded';
  /** 1 once `resetUser` forgot it: counted against the guild and the budget, not the member. */
  forgotten: number;
}

/** A member's grants of one day, summed from `quota_grants`. */
interface LegacyGrant {
  day: string;
  guild_id: string | null;
  user_id: string;
  extra: number;
}

/**
 * Moves the SQLite tables into the `quota` entries and drops them, in one transaction: another
 * process opening the file waits for it, then finds nothing left to move. Resolves how many rows moved.
 */
export function migrateSqliteQuotas(file: SqliteFile, keyv: Keyv, now = Date.now()): Promise<number> {
  const entries = new SqliteAtomicEntries(file, keyv, QUOTA_NAMESPACE);
  return file.atomically((run) => {
    const tables = new Set(
      (
        run(
          "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('quota_reservations', 'quota_grants')",
        ) as Array<{ name: string }>
      ).map(({ name }) => name),
    );
    if (tables.size === 0) return 0;
    const rows = tables.has('quota_reservations') ? (run('SELECT * FROM quota_reservations') as LegacyRow[]) : [];
    const grants = tables.has('quota_grants')
      ? (run(
          'SELECT day, guild_id, user_id, sum(extra) AS extra FROM quota_grants GROUP BY day, guild_id, user_id',
        ) as LegacyGrant[])
      : [];
    for (const row of rows) entries.applyWithin(run, rowChange(row, now));
    for (const { day, guild_id, user_id, extra } of grants) {
      const ttlMs = dayTtl(day, now);
      if (ttlMs >= 1)
        entries.applyWithin(run, { add: [{ key: quotaKeys.grant(day, guild_id, user_id), by: extra, ttlMs }] });
    }
    run('DROP TABLE IF EXISTS quota_reservations');
    run('DROP TABLE IF EXISTS quota_grants');
    return rows.length + grants.length;
  });
}

/**
 * One reservation row as the record and the counts it makes. The old ledger stopped counting an
 * uncommitted row once it expired; such a row becomes an `expired` record, which a late commit
 * still counts. Counts are written even for rows that add nothing, so that day's entries exist
 * for that commit. The record guards the counts: a row whose record exists already adds nothing.
 */
function rowChange(row: LegacyRow, now: number): EntryChange {
  const { id, user_id: userId, guild_id: guildId, day, cost_cents: costCents, expires_at: expiresAt } = row;
  const live = row.state === 'reserved' && expiresAt >= now;
  const state: ReservationState = row.state === 'reserved' && !live ? 'expired' : row.state;
  const counted = live || state === 'committed';
  const holdTtl = expiresAt + KEEP_MS - now;
  const ttlMs = dayTtl(day, now);
  // Quotas kept in SQL tables predate 1080p.
  const record: ReservationRecord = { id, userId, guildId, day, costCents, quality: '480p', expiresAt, state };
  return {
    record: { key: quotaKeys.reservation(id), from: null, value: record, expires: Date.now() + holdTtl },
    add: [
      ...(ttlMs >= 1
        ? [
            { key: quotaKeys.member(day, guildId, userId), by: counted && !row.forgotten ? 1 : 0, ttlMs },
            { key: quotaKeys.guild(day, guildId), by: counted ? 1 : 0, ttlMs },
            { key: quotaKeys.spend(day), by: counted ? costCents : 0, ttlMs },
          ]
        : []),
      ...(live ? [{ key: quotaKeys.inFlight(guildId, userId), by: 1, ttlMs: holdTtl }] : []),
    ],
    fields: live ? [{ key: quotaKeys.live(id), field: id, value: expiresAt, ttlMs: holdTtl }] : [],
  };
}

/** The prefix earlier versions gave their quota keys in Redis. */
const LEGACY_PREFIX = 'quota:';
/** How earlier versions wrote a DM's guild in keys. */
const LEGACY_DM = 'dm';

/**
 * Moves the Redis keys into the `quota` entries, one key per script, each taken away by the
 * script that moves it: two processes starting at once each move what the other has not. The old
 * counts already include every reservation in flight, and its live set every one not yet released,
 * so they move as they are. Resolves how many keys moved.
 */
export async function migrateRedisQuotas(client: RedisClientType, keyv: Keyv): Promise<number> {
  const entries = new RedisAtomicEntries(client, keyv, QUOTA_NAMESPACE);
  let moved = 0;
  for await (const keys of client.scanIterator({ MATCH: `${LEGACY_PREFIX}*`, COUNT: 500 })) {
    for (const key of keys) {
      const change = await legacyChange(client, key);
      if (!change) continue;
      const outcome = await entries.applyTaking(change, key);
      if (outcome === 'gone') continue;
      moved += 1;
      // A record already moved (it cannot be, but then the old key has nothing more to give).
      if (!outcome.applied) await client.del(key);
    }
  }
  return moved;
}

/** What one old key holds, as a change; `undefined` for keys that are not the old layout's (the Keyv entries among them). */
async function legacyChange(client: RedisClientType, key: string): Promise<EntryChange | undefined> {
  const [kind = '', ...parts] = key.slice(LEGACY_PREFIX.length).split(':');
  if (!LEGACY_KINDS.has(kind)) return undefined;
  const ttlMs = await client.pTTL(key);
  // Gone meanwhile, or kept for ever, which the old layout never did: nothing to take.
  if (ttlMs <= 0) return undefined;
  const guildOf = (scope: string) => (scope === LEGACY_DM ? null : scope);
  const counter = async (target: string) => ({ add: [{ key: target, by: Number(await client.get(key)), ttlMs }] });
  const [first = '', second = '', ...rest] = parts;
  const tail = rest.join(':');
  switch (kind) {
    case 'used':
      return counter(quotaKeys.member(first, guildOf(second), tail));
    case 'guild':
      return counter(quotaKeys.guild(first, guildOf(second)));
    case 'spent':
      return counter(quotaKeys.spend(first));
    case 'granted':
      return counter(quotaKeys.grant(first, guildOf(second), tail));
    case 'in-flight': {
      const user = [second, ...rest].join(':');
      return { add: [{ key: quotaKeys.inFlight(guildOf(first), user), by: await client.zCard(key), ttlMs }] };
    }
    case 'live': {
      const live = await client.zRangeWithScores(key, 0, -1);
      return {
        fields: live.map(({ value, score }) => ({ key: quotaKeys.live(value), field: value, value: score, ttlMs })),
      };
    }
    case 'reservation': {
      const id = parts.join(':');
      const { user, scope, day, cost, expiresAt, state } = await client.hGetAll(key);
      if (!user || !scope || !day || !cost || !expiresAt || !isState(state)) return undefined;
      const record: ReservationRecord = {
        id,
        userId: user,
        guildId: guildOf(scope),
        day,
        costCents: Number(cost),
        quality: '480p',
        expiresAt: Number(expiresAt),
        state,
      };
      return { record: { key: quotaKeys.reservation(id), from: null, value: record, expires: Date.now() + ttlMs } };
    }
    default:
      return undefined;
  }
}

const LEGACY_KINDS = new Set(['used', 'guild', 'spent', 'granted', 'in-flight', 'live', 'reservation']);

function isState(state: string | undefined): state is ReservationState {
  return state === 'reserved' || state === 'committed' || state === 'refunded' || state === 'expired';
}

/** Milliseconds from `now` until the entries of `day` may go: the rest of the day, then `KEEP_MS`. */
function dayTtl(day: string, now: number): number {
  return nextUtcMidnight(Date.parse(`${day}T00:00:00Z`)) + KEEP_MS - now;
}
