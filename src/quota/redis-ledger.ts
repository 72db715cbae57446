import type { RedisClientType } from '@keyv/redis';
import { withTimeout } from '../store/timeout.js';
import {
  nextUtcMidnight,
  type QuotaLedger,
  type QuotaLimit,
  QuotaStoreError,
  type Reservation,
  type ReserveOutcome,
  type ReserveRequest,
  type Usage,
  utcDay,
} from './ledger.js';

/** How long a day's keys, and a reservation's, outlive the day or the reservation. */
const KEEP_MS = 2 * 86_400_000;

/** Stands in for the guild id of DMs in keys; guild ids are snowflakes, so it cannot clash. */
const DM_SCOPE = 'dm';

/**
 * Key layout, under the prefix:
 *   reservation:<id>                 hash: user, scope, day, cost, expiresAt, state
 *   live                             zset: uncommitted reservations by expiresAt, for lazy release
 *   in-flight:<scope>:<user>         zset: a member's uncommitted reservations by expiresAt
 *   used:<day>:<scope>:<user>        counts: committed + live reservations (the member's, the
 *   guild:<day>:<scope>                guild's, and the bot's cents), kept up to date by
 *   spent:<day>                        every transition below
 *   granted:<day>:<scope>:<user>     extra videos for the day
 * A reservation's state goes reserved → committed | refunded | expired, and expired → committed
 * (counted again) | refunded. Keys are built inside the scripts, which is fine on a single Redis
 * but would need hash tags on a cluster.
 */
const PRELUDE = `
local P = ARGV[1]

local function day_keys(day, scope, user)
  return P .. 'used:' .. day .. ':' .. scope .. ':' .. user, P .. 'guild:' .. day .. ':' .. scope, P .. 'spent:' .. day
end
local function granted_key(day, scope, user) return P .. 'granted:' .. day .. ':' .. scope .. ':' .. user end
local function in_flight_key(scope, user) return P .. 'in-flight:' .. scope .. ':' .. user end
local LIVE = P .. 'live'

local function load(id)
  local fields = redis.call('HGETALL', P .. 'reservation:' .. id)
  if #fields == 0 then return nil end
  local r = { id = id }
  for i = 1, #fields, 2 do r[fields[i]] = fields[i + 1] end
  return r
end

-- Expires key in ttl ms, unless it already lives longer.
local function keep_at_least(key, ttl)
  if redis.call('PTTL', key) < tonumber(ttl) then redis.call('PEXPIRE', key, ttl) end
end

-- A day whose keys have expired stays forgotten rather than coming back without an expiry.
local function adjust(key, by)
  if redis.call('EXISTS', key) == 1 then redis.call('INCRBY', key, by) end
end

-- Adds sign times a reservation to its day's counts.
local function count(r, sign)
  local used, guild, spent = day_keys(r.day, r.scope, r.user)
  adjust(used, sign)
  adjust(guild, sign)
  adjust(spent, sign * tonumber(r.cost))
end

-- Takes a reservation out of flight and records its new state.
local function settle(r, state)
  redis.call('HSET', P .. 'reservation:' .. r.id, 'state', state)
  redis.call('ZREM', LIVE, r.id)
  redis.call('ZREM', in_flight_key(r.scope, r.user), r.id)
end

-- Releases the reservations that expired uncommitted before now: no timer does it for us.
local function release_expired(now)
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', LIVE, '-inf', '(' .. now)) do
    local r = load(id)
    if r then
      settle(r, 'expired')
      count(r, -1)
    else
      redis.call('ZREM', LIVE, id)
    end
  end
end

local function usage(scope, user, day, now)
  release_expired(now)
  local used, guild, spent = day_keys(day, scope, user)
  return {
    used = tonumber(redis.call('GET', used) or 0),
    in_flight = redis.call('ZCOUNT', in_flight_key(scope, user), now, '+inf'),
    granted = tonumber(redis.call('GET', granted_key(day, scope, user)) or 0),
    guild = tonumber(redis.call('GET', guild) or 0),
    spent = tonumber(redis.call('GET', spent) or 0),
  }
end
`;

const RESERVE = `${PRELUDE}
local id, user, scope, day, now, expires_at, cost = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8]
local day_ttl, hold_ttl = ARGV[9], ARGV[10]
local user_daily, user_concurrent = tonumber(ARGV[11]), tonumber(ARGV[12])
local guild_daily, budget = tonumber(ARGV[13]), tonumber(ARGV[14])

local existing = load(id)
if existing then
  return { 'existing', existing.user, existing.scope, existing.day, existing.cost, existing.expiresAt }
end

-- The same checks, in the same order, as refusal() in ledger.ts.
local u = usage(scope, user, day, now)
if u.in_flight >= user_concurrent then return { 'refused', 'user_concurrent', user_concurrent } end
if user_daily and u.used >= user_daily + u.granted then return { 'refused', 'user_daily', user_daily + u.granted } end
if guild_daily and u.guild >= guild_daily then return { 'refused', 'guild_daily', guild_daily } end
if budget and u.spent + tonumber(cost) > budget then return { 'refused', 'budget', budget } end

local reservation = P .. 'reservation:' .. id
redis.call('HSET', reservation, 'user', user, 'scope', scope, 'day', day, 'cost', cost, 'expiresAt', expires_at,
  'state', 'reserved')
keep_at_least(reservation, hold_ttl)
for _, flight in ipairs({ LIVE, in_flight_key(scope, user) }) do
  redis.call('ZADD', flight, expires_at, id)
  keep_at_least(flight, hold_ttl)
end
local used, guild, spent = day_keys(day, scope, user)
for _, step in ipairs({ { used, 1 }, { guild, 1 }, { spent, cost } }) do
  redis.call('INCRBY', step[1], step[2])
  keep_at_least(step[1], day_ttl)
end
return { 'taken' }
`;

const COMMIT = `${PRELUDE}
local r = load(ARGV[2]) -- the reservation id
if r and (r.state == 'reserved' or r.state == 'expired') then
  settle(r, 'committed')
  -- Release took an expired reservation off its day's counts; delivering it puts it back.
  if r.state == 'expired' then count(r, 1) end
end
`;

const REFUND = `${PRELUDE}
local r = load(ARGV[2]) -- the reservation id
if r and (r.state == 'reserved' or r.state == 'expired') then
  settle(r, 'refunded')
  if r.state == 'reserved' then count(r, -1) end
end
`;

const USAGE = `${PRELUDE}
local scope, user, day, now = ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local u = usage(scope, user, day, now)
return { u.used, u.in_flight, u.granted, u.guild, u.spent }
`;

const GRANT = `${PRELUDE}
local day, scope, user, extra, day_ttl = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local key = granted_key(day, scope, user)
redis.call('INCRBY', key, extra)
keep_at_least(key, day_ttl)
`;

const RESET_USER = `${PRELUDE}
local day, scope, user, now, day_ttl = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
release_expired(now)
-- What stays counted is the member's live reservations taken today.
local live_today = 0
for _, id in ipairs(redis.call('ZRANGEBYSCORE', in_flight_key(scope, user), now, '+inf')) do
  local r = load(id)
  if r and r.day == day then live_today = live_today + 1 end
end
local used = day_keys(day, scope, user)
redis.call('SET', used, live_today, 'PX', day_ttl)
redis.call('DEL', granted_key(day, scope, user))
`;

const LIMITS: readonly QuotaLimit[] = ['user_daily', 'user_concurrent', 'guild_daily', 'budget'];

/** Options for `RedisLedger`. */
export interface RedisLedgerOptions {
  /** Prepended to every key, so that bots or test runs can share one Redis. Default `quota:`. */
  keyPrefix?: string;
  /**
   * How long to wait for Redis before failing closed, in milliseconds. Default 2000. Covers a server
   * that stopped answering without closing the connection; a closed one fails at once.
   */
  timeoutMs?: number;
}

/**
 * A `QuotaLedger` in Redis, shared by every process using it. Each operation is one Lua script, and
 * Redis runs a script with nothing else in between, so every decision is atomic across processes.
 */
export class RedisLedger implements QuotaLedger {
  readonly #client: RedisClientType;
  readonly #prefix: string;
  readonly #timeoutMs: number;

  constructor(client: RedisClientType, { keyPrefix = 'quota:', timeoutMs = 2_000 }: RedisLedgerOptions = {}) {
    this.#client = client;
    this.#prefix = keyPrefix;
    this.#timeoutMs = timeoutMs;
  }

  async reserve(request: ReserveRequest): Promise<ReserveOutcome> {
    const { id, userId, guildId, costCents, allowance, now, ttlMs } = request;
    const taken: Reservation = { id, userId, guildId, day: utcDay(now), costCents, expiresAt: now + ttlMs };
    const reply = await this.#run(RESERVE, [
      id,
      userId,
      scopeOf(guildId),
      taken.day,
      now,
      taken.expiresAt,
      costCents,
      dayTtl(now),
      ttlMs + KEEP_MS,
      allowance.userDaily ?? '',
      allowance.userConcurrent,
      allowance.guildDaily ?? '',
      allowance.budgetDailyCents ?? '',
    ]);
    return reserveOutcome(reply, taken);
  }

  async commit(id: string): Promise<void> {
    await this.#run(COMMIT, [id]);
  }

  async refund(id: string): Promise<void> {
    await this.#run(REFUND, [id]);
  }

  async usage(userId: string, guildId: string | null, now: number): Promise<Usage> {
    const day = utcDay(now);
    const counts = replyList(await this.#run(USAGE, [scopeOf(guildId), userId, day, now]));
    return {
      day,
      userUsed: integer(counts[0]),
      userInFlight: integer(counts[1]),
      userGranted: integer(counts[2]),
      guildUsed: integer(counts[3]),
      spentCents: integer(counts[4]),
    };
  }

  async grant(userId: string, guildId: string | null, extra: number, now: number): Promise<void> {
    await this.#run(GRANT, [utcDay(now), scopeOf(guildId), userId, extra, dayTtl(now)]);
  }

  async resetUser(userId: string, guildId: string | null, now: number): Promise<void> {
    await this.#run(RESET_USER, [utcDay(now), scopeOf(guildId), userId, now, dayTtl(now)]);
  }

  /** Runs a script; any failure, or no reply in time, becomes `QuotaStoreError`. */
  async #run(script: string, args: ReadonlyArray<string | number>): Promise<unknown> {
    try {
      const reply = this.#client.eval(script, { arguments: [this.#prefix, ...args.map(String)] });
      return await withTimeout(reply, this.#timeoutMs);
    } catch (cause) {
      throw new QuotaStoreError(cause);
    }
  }
}

function reserveOutcome(reply: unknown, taken: Reservation): ReserveOutcome {
  const [kind, ...fields] = replyList(reply);
  if (kind === 'taken') return { ok: true, reservation: taken };
  if (kind === 'existing') {
    const scope = text(fields[1]);
    return {
      ok: true,
      reservation: {
        id: taken.id,
        userId: text(fields[0]),
        guildId: scope === DM_SCOPE ? null : scope,
        day: text(fields[2]),
        costCents: integer(fields[3]),
        expiresAt: integer(fields[4]),
      },
    };
  }
  const limit = LIMITS.find((known) => known === fields[0]);
  if (kind === 'refused' && limit) return { ok: false, limit, max: integer(fields[1]) };
  throw new QuotaStoreError(new Error(`unexpected reserve reply from Redis: ${JSON.stringify(reply)}`));
}

function scopeOf(guildId: string | null): string {
  return guildId ?? DM_SCOPE;
}

/** Milliseconds until a day's keys may go: the rest of the day, then `KEEP_MS`. */
function dayTtl(now: number): number {
  return nextUtcMidnight(now) - now + KEEP_MS;
}

function replyList(reply: unknown): unknown[] {
  if (!Array.isArray(reply)) throw new QuotaStoreError(new Error('expected a list reply from Redis'));
  return reply;
}

function text(value: unknown): string {
  if (typeof value !== 'string') throw new QuotaStoreError(new Error(`expected a string from Redis: ${String(value)}`));
  return value;
}

/** Scripts return integers, or strings for what they read back from a hash. */
function integer(value: unknown): number {
  const number = typeof value === 'string' || typeof value === 'number' ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(number))
    throw new QuotaStoreError(new Error(`expected an integer from Redis: ${String(value)}`));
  return number;
}
