import type { SqlQuery } from '../store/store.js';
import {
  type QuotaLedger,
  QuotaStoreError,
  type Reservation,
  type ReserveOutcome,
  type ReserveRequest,
  refusal,
  type Usage,
  utcDay,
} from './ledger.js';

/** Rows of days older than this are pruned, unless they are still in flight. */
const KEEP_DAYS = 2;
const DAY_MS = 86_400_000;
const PRUNE_EVERY_MS = 10 * 60_000;

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS quota_reservations (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    guild_id TEXT,
    day TEXT NOT NULL,
    cost_cents INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    state TEXT NOT NULL DEFAULT 'reserved' CHECK (state IN ('reserved', 'committed', 'refunded')),
    -- set by resetUser: no longer counts against the member, still against the guild and the budget
    forgotten INTEGER NOT NULL DEFAULT 0
  )`,
  'CREATE INDEX IF NOT EXISTS quota_reservations_by_day ON quota_reservations (day, guild_id, user_id)',
  'CREATE INDEX IF NOT EXISTS quota_reservations_by_member ON quota_reservations (user_id, guild_id, state)',
  `CREATE TABLE IF NOT EXISTS quota_grants (
    day TEXT NOT NULL,
    guild_id TEXT,
    user_id TEXT NOT NULL,
    extra INTEGER NOT NULL
  )`,
  'CREATE INDEX IF NOT EXISTS quota_grants_by_member ON quota_grants (day, guild_id, user_id)',
];

/** Reservations that count: committed ones, and uncommitted ones that have not expired at `$now`. */
const COUNTED = `(SELECT * FROM quota_reservations
  WHERE state = 'committed' OR (state = 'reserved' AND expires_at >= $now))`;
/** `IS` rather than `=` so that a DM's NULL guild matches. */
const MEMBER = 'guild_id IS $guild AND user_id = $user';

const USAGE = `SELECT
  (SELECT count(*) FROM ${COUNTED} WHERE day = $day AND ${MEMBER} AND NOT forgotten) AS userUsed,
  (SELECT count(*) FROM ${COUNTED} WHERE state = 'reserved' AND ${MEMBER}) AS userInFlight,
  (SELECT coalesce(sum(extra), 0) FROM quota_grants WHERE day = $day AND ${MEMBER}) AS userGranted,
  (SELECT count(*) FROM ${COUNTED} WHERE day = $day AND guild_id IS $guild) AS guildUsed,
  (SELECT coalesce(sum(cost_cents), 0) FROM ${COUNTED} WHERE day = $day) AS spentCents`;

/**
 * Takes the reservation only if every limit allows it, in one statement: SQLite runs a
 * statement under the file's write lock, so processes sharing the file cannot interleave,
 * and no transaction stays open across an await for another to wait on. Mirrors {@link refusal}.
 */
const RESERVE = `INSERT INTO quota_reservations (id, user_id, guild_id, day, cost_cents, expires_at)
  SELECT $id, $user, $guild, $day, $cost, $expiresAt FROM (${USAGE}) AS usage
  WHERE usage.userInFlight < $concurrent
    AND ($userDaily IS NULL OR usage.userUsed < $userDaily + usage.userGranted)
    AND ($guildDaily IS NULL OR usage.guildUsed < $guildDaily)
    AND ($budget IS NULL OR usage.spentCents + $cost <= $budget)
  ON CONFLICT (id) DO NOTHING`;

/** A refusal can race a refund between the insert and the read that explains it; then it is tried again. */
const RESERVE_ATTEMPTS = 3;

/**
 * A `QuotaLedger` in the store's SQLite file, in its own tables. Each decision is one
 * statement, so it is atomic within the process and across processes sharing the file.
 */
export class SqliteLedger implements QuotaLedger {
  readonly #query: SqlQuery;
  #schema: Promise<void> | undefined;
  #prunedAt = Number.NEGATIVE_INFINITY;

  constructor(query: SqlQuery) {
    this.#query = query;
  }

  reserve(request: ReserveRequest): Promise<ReserveOutcome> {
    const { id, userId, guildId, costCents, allowance, now, ttlMs } = request;
    const day = utcDay(now);
    return this.#run(async () => {
      for (let attempt = 1; ; attempt += 1) {
        await this.#query(RESERVE, {
          id,
          user: userId,
          guild: guildId,
          day,
          cost: costCents,
          expiresAt: now + ttlMs,
          now,
          concurrent: allowance.userConcurrent,
          userDaily: allowance.userDaily,
          guildDaily: allowance.guildDaily,
          budget: allowance.budgetDailyCents,
        });
        // Present whether this call inserted it or an earlier one with the same id did: both are ok.
        const [row] = await this.#query('SELECT * FROM quota_reservations WHERE id = ?', id);
        if (row) {
          await this.#prune(now);
          return { ok: true, reservation: toReservation(row) };
        }
        const refused = refusal(await this.#usage(userId, guildId, now), allowance, costCents);
        if (refused || attempt === RESERVE_ATTEMPTS)
          return refused ?? { ok: false, limit: 'user_concurrent', max: allowance.userConcurrent };
      }
    });
  }

  async commit(id: string): Promise<void> {
    await this.#run(() =>
      this.#query("UPDATE quota_reservations SET state = 'committed' WHERE id = ? AND state = 'reserved'", id),
    );
  }

  async refund(id: string): Promise<void> {
    await this.#run(() =>
      this.#query("UPDATE quota_reservations SET state = 'refunded' WHERE id = ? AND state = 'reserved'", id),
    );
  }

  usage(userId: string, guildId: string | null, now: number): Promise<Usage> {
    return this.#run(() => this.#usage(userId, guildId, now));
  }

  async grant(userId: string, guildId: string | null, extra: number, now: number): Promise<void> {
    await this.#run(() =>
      this.#query('INSERT INTO quota_grants (day, guild_id, user_id, extra) VALUES ($day, $guild, $user, $extra)', {
        day: utcDay(now),
        guild: guildId,
        user: userId,
        extra,
      }),
    );
  }

  async resetUser(userId: string, guildId: string | null, now: number): Promise<void> {
    const member = { day: utcDay(now), guild: guildId, user: userId };
    await this.#run(async () => {
      await this.#query(
        `UPDATE quota_reservations SET forgotten = 1 WHERE day = $day AND ${MEMBER} AND state = 'committed'`,
        member,
      );
      await this.#query(`DELETE FROM quota_grants WHERE day = $day AND ${MEMBER}`, member);
    });
  }

  async #usage(userId: string, guildId: string | null, now: number): Promise<Usage> {
    const day = utcDay(now);
    const [row] = await this.#query(USAGE, { now, day, guild: guildId, user: userId });
    return {
      day,
      userUsed: integer(row, 'userUsed'),
      userInFlight: integer(row, 'userInFlight'),
      userGranted: integer(row, 'userGranted'),
      guildUsed: integer(row, 'guildUsed'),
      spentCents: integer(row, 'spentCents'),
    };
  }

  /**
   * Keeps the tables small: nothing older than `KEEP_DAYS` counts any more, except what is still
   * in flight. Runs at most every `PRUNE_EVERY_MS`: it is housekeeping, not part of a decision.
   */
  async #prune(now: number): Promise<void> {
    if (now - this.#prunedAt < PRUNE_EVERY_MS) return;
    this.#prunedAt = now;
    const before = utcDay(now - KEEP_DAYS * DAY_MS);
    await this.#query(
      "DELETE FROM quota_reservations WHERE day < $before AND NOT (state = 'reserved' AND expires_at >= $now)",
      { before, now },
    );
    await this.#query('DELETE FROM quota_grants WHERE day < ?', before);
  }

  /** Runs `work` with the schema in place; store errors become `QuotaStoreError`. */
  async #run<T>(work: () => Promise<T>): Promise<T> {
    try {
      await this.#ensureSchema();
      return await work();
    } catch (cause) {
      throw new QuotaStoreError(cause);
    }
  }

  /** Creates the tables on first use; a failure is retried by the next call. */
  #ensureSchema(): Promise<void> {
    this.#schema ??= (async () => {
      for (const statement of SCHEMA) await this.#query(statement);
    })().catch((error: unknown) => {
      this.#schema = undefined;
      throw error;
    });
    return this.#schema;
  }
}

function toReservation(row: unknown): Reservation {
  const guildId = field(row, 'guild_id');
  return {
    id: text(row, 'id'),
    userId: text(row, 'user_id'),
    guildId: guildId === null ? null : text(row, 'guild_id'),
    day: text(row, 'day'),
    costCents: integer(row, 'cost_cents'),
    expiresAt: integer(row, 'expires_at'),
  };
}

function field(row: unknown, name: string): unknown {
  if (typeof row !== 'object' || row === null || !(name in row)) throw new Error(`quota row has no ${name}`);
  return (row as Record<string, unknown>)[name];
}

function text(row: unknown, name: string): string {
  const value = field(row, name);
  if (typeof value !== 'string') throw new Error(`quota row ${name} is not text`);
  return value;
}

function integer(row: unknown, name: string): number {
  const value = field(row, name);
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new Error(`quota row ${name} is not an integer`);
  return value;
}
