import type Keyv from 'keyv';
import type { AtomicEntries, ChangeOutcome, EntryChange, StoredEntry } from '../store/atomic-entries.js';
import { StoreBusyError } from '../store/store-errors.js';
import { withTimeout } from '../store/timeout.js';
import { QUALITIES } from '../video/catalog.js';
import {
  bounds,
  countedIn,
  type Figure,
  nextUtcMidnight,
  type QuotaLedger,
  QuotaStoreError,
  type Reservation,
  type ReserveOutcome,
  type ReserveRequest,
  type Usage,
  utcDay,
} from './ledger.js';

/** The Keyv namespace of the quota entries. */
export const QUOTA_NAMESPACE = 'quota';

/** How long a day's entries outlive the day, and a reservation's entries its expiry. */
export const KEEP_MS = 2 * 86_400_000;

/** Stands in for the guild id of DMs in keys; guild ids are snowflakes, so it cannot clash. */
const DM_SCOPE = 'dm';
/** Entries the reservations in flight are spread over: each change rewrites one, so each stays short in a burst. */
const LIVE_SHARDS = 32;

/**
 * The quota entries, as keys of the `quota` namespace (Keyv stores them as `quota:<key>`, and the
 * Redis adapter as `quota::quota:<key>`). `<scope>` is the guild id, or `dm` for every DM.
 *
 *   member:<day>:<scope>:<user>  number   the member's videos that day: delivered and in flight
 *                                         (less those `resetUser` forgot)
 *   member-1080p:<day>:<scope>:<user>     of those, the 1080p ones, likewise
 *   guild:<day>:<scope>          number   the guild's videos that day, likewise (forgotten ones too)
 *   spend:<day>                  number   the bot's spend that day, in US cents, likewise
 *   grant:<day>:<scope>:<user>   number   extra videos granted to the member that day
 *   in-flight:<scope>:<user>     number   the member's reservations in flight, whatever their day
 *   reservation:<id>             object   the reservation and its state: reserved, committed,
 *                                         refunded, or expired (released uncommitted)
 *   live:<0…31>                  object   reservation id → expiresAt of every reservation in flight,
 *                                         spread by id over 32 entries so that each stays small;
 *                                         an expired one is released from there without a timer
 *
 * A reservation in flight or delivered is counted in its day's numbers; one released
 * (refunded, expired) is not. Day entries expire `KEEP_MS` after their day, the others `KEEP_MS`
 * after the reservation's expiry.
 */
export const quotaKeys = {
  member: (day: string, guildId: string | null, userId: string) => `member:${day}:${scopeOf(guildId)}:${userId}`,
  member1080p: (day: string, guildId: string | null, userId: string) =>
    `member-1080p:${day}:${scopeOf(guildId)}:${userId}`,
  guild: (day: string, guildId: string | null) => `guild:${day}:${scopeOf(guildId)}`,
  spend: (day: string) => `spend:${day}`,
  grant: (day: string, guildId: string | null, userId: string) => `grant:${day}:${scopeOf(guildId)}:${userId}`,
  inFlight: (guildId: string | null, userId: string) => `in-flight:${scopeOf(guildId)}:${userId}`,
  reservation: (id: string) => `reservation:${id}`,
  /** The entry of `live` that lists reservation `id`. */
  live: (id: string) => `live:${liveShard(id)}`,
  /** Every entry of `live`. */
  allLive: Array.from({ length: LIVE_SHARDS }, (_, shard) => `live:${shard}`),
};

export type ReservationState = 'reserved' | 'committed' | 'refunded' | 'expired';

/** What `reservation:<id>` holds. */
export interface ReservationRecord extends Reservation {
  state: ReservationState;
}

/** The entry of each figure of a member's day, and of what was granted them. */
function figureKeys(day: string, guildId: string | null, userId: string): Record<Figure | 'userGranted', string> {
  return {
    userInFlight: quotaKeys.inFlight(guildId, userId),
    userUsed: quotaKeys.member(day, guildId, userId),
    userUsed1080p: quotaKeys.member1080p(day, guildId, userId),
    userGranted: quotaKeys.grant(day, guildId, userId),
    guildUsed: quotaKeys.guild(day, guildId),
    spentCents: quotaKeys.spend(day),
  };
}

/** For a change that moves an entry on without changing how long it lives. */
const KEEPS_ITS_EXPIRY = 1;
/** How much earlier a release under way may have started for a refusal to wait on it rather than start its own. */
const CHECK_SHARED_MS = 1_000;
/** A change a concurrent one got in before is read and tried again this many times. */
const ATTEMPTS = 10;

export interface KeyvLedgerOptions {
  /** Every operation fails with `QuotaStoreError` after this long, for a store that stopped answering. */
  timeoutMs?: number;
}

/**
 * A `QuotaLedger` whose every figure is a Keyv entry (see {@link quotaKeys}), on any store that
 * supplies {@link AtomicEntries}. The rule is {@link bounds}; the store only adds to numbers within
 * maxima and moves a record between states, atomically, so the reservation and every figure it
 * counts in change together or not at all, across processes.
 */
export class KeyvLedger implements QuotaLedger {
  readonly #keyv: Keyv;
  readonly #entries: AtomicEntries;
  readonly #timeoutMs: number | undefined;
  /** Releases under way in this process, by reservation id: a burst finding the same expired reservations shares them. */
  readonly #releasing = new Map<string, Promise<void>>();
  /** The release a refusal is waiting on, shared by the refusals of a burst (see `#releaseBeforeRefusing`). */
  #check: { now: number; released: Promise<boolean> } | undefined;

  constructor(keyv: Keyv, entries: AtomicEntries, { timeoutMs }: KeyvLedgerOptions = {}) {
    this.#keyv = keyv;
    this.#entries = entries;
    this.#timeoutMs = timeoutMs;
  }

  reserve(request: ReserveRequest): Promise<ReserveOutcome> {
    const { id, userId, guildId, costCents, quality = '480p', allowance, now, ttlMs } = request;
    const day = utcDay(now);
    const reservation: Reservation = { id, userId, guildId, day, costCents, quality, expiresAt: now + ttlMs };
    const figures = figureKeys(day, guildId, userId);
    const dayTtl = nextUtcMidnight(now) - now + KEEP_MS;
    const holdTtl = ttlMs + KEEP_MS;
    const limits = bounds(allowance, reservation);
    const change: EntryChange = {
      record: {
        key: quotaKeys.reservation(id),
        from: null,
        value: { ...reservation, state: 'reserved' },
        expires: Date.now() + holdTtl,
      },
      add: limits.map(({ figure, adds, max, raisedBy }) => ({
        key: figures[figure],
        by: adds,
        max,
        ...(raisedBy && { raisedBy: figures[raisedBy] }),
        ttlMs: figure === 'userInFlight' ? holdTtl : dayTtl,
      })),
      fields: [{ key: quotaKeys.live(id), field: id, value: reservation.expiresAt, ttlMs: holdTtl }],
    };
    return this.#run(async () => {
      // One step when it is taken, which is what a burst is made of.
      let outcome = await this.#entries.apply(change);
      // An expired reservation still counts until released: before refusing, release those and try again.
      if ('exceeded' in outcome && (await this.#releaseBeforeRefusing(now)))
        outcome = await this.#entries.apply(change);
      if (outcome.applied) return { ok: true, reservation };
      if ('record' in outcome) return { ok: true, reservation: reservationOf(outcome.record?.value) };
      const limit = 'exceeded' in outcome ? limits[outcome.exceeded]?.limit : undefined;
      if (!limit || !('max' in outcome))
        throw new Error(`unexpected outcome of reservation ${id}: ${JSON.stringify(outcome)}`);
      return { ok: false, limit, max: outcome.max };
    });
  }

  async commit(id: string): Promise<void> {
    await this.#run(() => this.#move(id, 'committed'));
  }

  async refund(id: string): Promise<void> {
    await this.#run(() => this.#move(id, 'refunded'));
  }

  usage(userId: string, guildId: string | null, now: number): Promise<Usage> {
    const day = utcDay(now);
    const figures = Object.entries(figureKeys(day, guildId, userId)) as [keyof Omit<Usage, 'day'>, string][];
    const keys = figures.map(([, key]) => key);
    return this.#run(async () => {
      const values = await this.#keyv.getMany([...keys, ...quotaKeys.allLive]);
      // Releasing changes the figures just read.
      const read = (await this.#release(now, values.slice(keys.length))) ? await this.#keyv.getMany(keys) : values;
      const usage = Object.fromEntries(figures.map(([figure], index) => [figure, count(read[index])]));
      return { day, ...usage } as Usage;
    });
  }

  async grant(userId: string, guildId: string | null, extra: number, now: number): Promise<void> {
    const key = quotaKeys.grant(utcDay(now), guildId, userId);
    await this.#run(() =>
      this.#entries.apply({ add: [{ key, by: extra, ttlMs: nextUtcMidnight(now) - now + KEEP_MS }] }),
    );
  }

  async resetUser(userId: string, guildId: string | null, now: number): Promise<void> {
    const day = utcDay(now);
    const memberKey = quotaKeys.member(day, guildId, userId);
    const member1080pKey = quotaKeys.member1080p(day, guildId, userId);
    const grantKey = quotaKeys.grant(day, guildId, userId);
    await this.#run(async () => {
      for (let attempt = 1; attempt <= ATTEMPTS; attempt += 1) {
        const [used, used1080p, granted, ...live] = await this.#keyv.getMany([
          memberKey,
          member1080pKey,
          grantKey,
          ...quotaKeys.allLive,
        ]);
        // A release changes the member's count: the guard below then sends this round again.
        await this.#release(now, live);
        // What stays counted is the member's reservations in flight taken today.
        const ids = Object.entries(inFlight(live))
          .filter(([, expiresAt]) => expiresAt >= now)
          .map(([id]) => id);
        const inFlightToday = (await this.#keyv.getMany(ids.map(quotaKeys.reservation)))
          .filter((value) => value !== undefined)
          .map(recordOf)
          .filter((record) => record.state === 'reserved' && record.day === day)
          .filter((record) => record.userId === userId && record.guildId === guildId);
        const inFlight1080pToday = inFlightToday.filter((record) => record.quality === '1080p').length;
        const [usedBefore, used1080pBefore, grantedBefore] = [count(used), count(used1080p), count(granted)];
        const outcome = await this.#entries.apply({
          unchanged: [
            { key: memberKey, value: usedBefore },
            { key: member1080pKey, value: used1080pBefore },
            { key: grantKey, value: grantedBefore },
          ],
          add: [
            { key: memberKey, by: inFlightToday.length - usedBefore, ttlMs: KEEPS_ITS_EXPIRY, ifPresent: true },
            {
              key: member1080pKey,
              by: inFlight1080pToday - used1080pBefore,
              ttlMs: KEEPS_ITS_EXPIRY,
              ifPresent: true,
            },
            { key: grantKey, by: -grantedBefore, ttlMs: KEEPS_ITS_EXPIRY, ifPresent: true },
          ],
        });
        // Otherwise a reservation or a grant of the member's came in between: read again.
        if (outcome.applied) return;
      }
      throw new Error(`resetting ${userId}'s day kept meeting concurrent changes`);
    });
  }

  /**
   * `#release` for a refusal. The refusals of a burst share one that is under way for a moment
   * up to `CHECK_SHARED_MS` earlier: one reservation expiring in between may refuse one member
   * for that long, an hour or more after a crash left it, but never lets one through too many.
   */
  #releaseBeforeRefusing(now: number): Promise<boolean> {
    const check = this.#check;
    if (check && check.now >= now - CHECK_SHARED_MS) return check.released;
    const released = this.#release(now).finally(() => {
      if (this.#check?.released === released) this.#check = undefined;
    });
    this.#check = { now, released };
    return released;
  }

  /**
   * Releases the reservations in flight (the `live` entries, as read, or read now) that expired
   * uncommitted before `now`: no timer does it for us. Resolves whether there were any.
   */
  async #release(now: number, live?: unknown[]): Promise<boolean> {
    const expired = Object.entries(inFlight(live ?? (await this.#keyv.getMany(quotaKeys.allLive))))
      .filter(([, expiresAt]) => expiresAt < now)
      .map(([id]) => id);
    if (expired.length === 0) return false;
    const fresh = expired.filter((id) => !this.#releasing.has(id));
    if (fresh.length > 0) {
      const reading = this.#keyv.getManyRaw(fresh.map(quotaKeys.reservation));
      fresh.forEach((id, index) => {
        const releasing = reading
          .then((stored) => this.#move(id, 'expired', stored[index] ?? null))
          .finally(() => this.#releasing.delete(id));
        this.#releasing.set(id, releasing);
      });
    }
    await Promise.all(expired.map((id) => this.#releasing.get(id)));
    return true;
  }

  /** Moves a reservation to `to`, if its state allows, with the counts that go with it. */
  async #move(id: string, to: ReservationState, known?: StoredEntry | null): Promise<void> {
    const key = quotaKeys.reservation(id);
    let stored = known === undefined ? await this.#keyv.getRaw(key) : known;
    for (let attempt = 1; attempt <= ATTEMPTS; attempt += 1) {
      if (stored?.value === undefined) {
        // Nothing to release: a reservation the `live` entry outlived.
        if (to === 'expired') await this.#entries.apply({ fields: [liveField(id, null)] });
        return;
      }
      const record = recordOf(stored.value);
      const change = transition(record, to, stored.expires);
      if (!change) return;
      const outcome: ChangeOutcome = await this.#entries.apply(change);
      if (!('record' in outcome)) return;
      // Another process moved it first; see where it is now.
      stored = outcome.record;
    }
    throw new Error(`reservation ${id} kept meeting concurrent changes`);
  }

  /** Runs one operation under the deadline; store failures become `QuotaStoreError`, a busy SQLite lock stays itself. */
  async #run<T>(operation: () => Promise<T>): Promise<T> {
    try {
      const running = operation();
      return await (this.#timeoutMs === undefined ? running : withTimeout(running, this.#timeoutMs));
    } catch (cause) {
      if (cause instanceof StoreBusyError) throw cause;
      throw new QuotaStoreError(cause);
    }
  }
}

/**
 * The change that moves `record` to `to`, or `undefined` when its state does not allow it. In
 * flight, a reservation is counted; refunded or expired, it is not; committed, it is again (a
 * video delivered after its reservation expired still counts). Committed and refunded are final.
 */
function transition(
  record: ReservationRecord,
  to: ReservationState,
  expires: number | undefined,
): EntryChange | undefined {
  const { id, userId, guildId, day, state } = record;
  const figures = figureKeys(day, guildId, userId);
  // The day's figures it counts in; leaving flight is apart, since a commit leaves it too.
  const counts = (sign: number) =>
    countedIn(record)
      .filter(({ figure }) => figure !== 'userInFlight')
      .map(({ figure, adds }) => ({ key: figures[figure], by: sign * adds, ttlMs: KEEPS_ITS_EXPIRY, ifPresent: true }));
  const leavesFlight = {
    add: [{ key: figures.userInFlight, by: -1, ttlMs: KEEPS_ITS_EXPIRY, ifPresent: true }],
    fields: [liveField(id, null)],
  };
  let change: Omit<EntryChange, 'record'>;
  if (state === 'reserved' && to === 'committed') change = leavesFlight;
  else if (state === 'reserved' && (to === 'refunded' || to === 'expired')) {
    change = { ...leavesFlight, add: [...counts(-1), ...leavesFlight.add] };
  } else if (state === 'expired' && to === 'committed') change = { add: counts(1) };
  else if (state === 'expired' && to === 'refunded') change = {};
  else return undefined;
  // A record Keyv keeps for ever (written by hand) is given the usual life.
  const keep = expires ?? Date.now() + KEEP_MS;
  return {
    ...change,
    record: { key: quotaKeys.reservation(id), from: state, value: { ...record, state: to }, expires: keep },
  };
}

function liveField(id: string, expiresAt: number | null) {
  return { key: quotaKeys.live(id), field: id, value: expiresAt, ttlMs: KEEPS_ITS_EXPIRY };
}

/** FNV-1a over the id's UTF-16 units: the same shard in every process. */
function liveShard(id: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < id.length; index += 1) hash = Math.imul(hash ^ id.charCodeAt(index), 0x01000193);
  return (hash >>> 0) % LIVE_SHARDS;
}

function scopeOf(guildId: string | null): string {
  return guildId ?? DM_SCOPE;
}

/** A number entry as read: absent is 0. */
function count(value: unknown): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !Number.isSafeInteger(value))
    throw new Error(`a quota count holds ${String(value)}`);
  return value;
}

/** Reservation id → expiresAt, from the `live` entries as read. */
function inFlight(live: readonly unknown[]): Record<string, number> {
  const merged: Record<string, number> = {};
  for (const value of live) {
    if (value === undefined) continue;
    if (typeof value !== 'object' || value === null) throw new Error('a live quota entry holds no object');
    Object.assign(merged, value);
  }
  return merged;
}

const STATES: readonly ReservationState[] = ['reserved', 'committed', 'refunded', 'expired'];

function recordOf(value: unknown): ReservationRecord {
  const record = value as Partial<Record<keyof ReservationRecord, unknown>> | null | undefined;
  // Records from before 1080p name no quality.
  const { id, userId, guildId, day, costCents, quality: named = '480p', expiresAt, state } = record ?? {};
  const quality = QUALITIES.find((known) => known === named);
  if (
    typeof id !== 'string' ||
    typeof userId !== 'string' ||
    (guildId !== null && typeof guildId !== 'string') ||
    typeof day !== 'string' ||
    typeof costCents !== 'number' ||
    quality === undefined ||
    typeof expiresAt !== 'number' ||
    !STATES.some((known) => known === state)
  ) {
    throw new Error(`a quota reservation record is malformed: ${JSON.stringify(value)}`);
  }
  return { id, userId, guildId, day, costCents, quality, expiresAt, state: state as ReservationState };
}

function reservationOf(value: unknown): Reservation {
  const { state: _, ...reservation } = recordOf(value);
  return reservation;
}
