/**
 * Per-day quota accounting with reserve → commit | refund.
 *
 * A reservation is taken before a video is submitted, committed when it is delivered and
 * refunded on any failure. The interaction id is the reservation id, so every step is
 * idempotent: reserving the same id twice returns the first reservation, refunding a
 * committed reservation changes nothing. Days are UTC days ("2026-11-26").
 */

import type { Quality } from '../video/catalog.js';

/** The limits that apply to one request, already resolved from config, guild settings and roles. */
export interface Allowance {
  /** Videos per member per UTC day in this guild; `null` for exempt members. */
  userDaily: number | null;
  /** 1080p videos per member per UTC day in this guild, which count toward `userDaily` too; unset or `null`: no own limit. */
  userDaily1080p?: number | null;
  /** Videos one member may have in flight at once. */
  userConcurrent: number;
  /** Videos per guild per UTC day; `null` for no limit. In DMs it counts all DMs together. */
  guildDaily: number | null;
  /** Bot-wide spend per UTC day, in US cents; `null` for no cap. */
  budgetDailyCents: number | null;
}

export interface ReserveRequest {
  /** The interaction id. */
  id: string;
  userId: string;
  /** The guild the command ran in, or `null` in a DM. Counts are kept per guild. */
  guildId: string | null;
  costCents: number;
  /** 480p unless said: a 1080p video counts toward the member's 1080p allowance too. */
  quality?: Quality;
  allowance: Allowance;
  /** Epoch milliseconds; decides the UTC day. */
  now: number;
  /** An uncommitted reservation is released this long after it was taken. */
  ttlMs: number;
}

export interface Reservation {
  id: string;
  userId: string;
  guildId: string | null;
  /** UTC day the reservation counts against, `YYYY-MM-DD`. */
  day: string;
  costCents: number;
  quality: Quality;
  /** Epoch milliseconds after which an uncommitted reservation no longer counts. */
  expiresAt: number;
}

/** Which limit refused a reservation. When several are reached, the first in `bounds`'s order is reported. */
export type QuotaLimit = 'user_daily' | 'user_daily_1080p' | 'user_concurrent' | 'guild_daily' | 'budget';

/** A reservation that a limit refused. */
export interface Refusal {
  ok: false;
  limit: QuotaLimit;
  /** The limit's value (videos or cents). */
  max: number;
}

export type ReserveOutcome = { ok: true; reservation: Reservation } | Refusal;

/** What a member and their guild have used today. */
export interface Usage {
  day: string;
  /** Committed plus live reservations of the member today. */
  userUsed: number;
  /** The member's live, uncommitted reservations. */
  userInFlight: number;
  /** Extra videos an admin granted the member today. */
  userGranted: number;
  /** Of `userUsed`, the 1080p ones. */
  userUsed1080p: number;
  guildUsed: number;
  /** Bot-wide spend today, committed plus live reservations. */
  spentCents: number;
}

/** Port for quota accounting. Every implementation passes `test/quota/ledger-behaviour.ts`. */
export interface QuotaLedger {
  /** Atomically checks every limit and takes a reservation, or says which limit refused. */
  reserve(request: ReserveRequest): Promise<ReserveOutcome>;
  /** Marks a reservation delivered. Committing an expired reservation still counts it. */
  commit(id: string): Promise<void>;
  /** Releases a reservation. A no-op when it is already committed, refunded or unknown. */
  refund(id: string): Promise<void>;
  usage(userId: string, guildId: string | null, now: number): Promise<Usage>;
  /** Gives a member `extra` more videos for the UTC day of `now` (negative takes them back). */
  grant(userId: string, guildId: string | null, extra: number, now: number): Promise<void>;
  /**
   * Forgets a member's usage and grants for the UTC day of `now`; live reservations stay in flight.
   * The guild's count and the bot's spend keep the forgotten videos: they were made and paid for.
   */
  resetUser(userId: string, guildId: string | null, now: number): Promise<void>;
}

/** A figure of {@link Usage} that a limit bounds. */
export type Figure = 'userInFlight' | 'userUsed' | 'userUsed1080p' | 'guildUsed' | 'spentCents';

/** One limit on one more reservation: the figure it bounds, what the reservation adds to it, and its maximum. */
export interface Bound {
  limit: QuotaLimit;
  figure: Figure;
  adds: number;
  /** `null`: no limit (an exempt member, no guild limit, no budget). */
  max: number | null;
  /** A figure that raises the maximum: the videos an admin granted for the day. */
  raisedBy?: 'userGranted';
}

/** What a reservation is for, as the rule reads it. */
export type Reserved = Pick<ReserveRequest, 'costCents' | 'quality'>;

/**
 * The quota rule: a reservation is taken only if every figure plus what it adds stays within its
 * maximum (raised, for the member's daily limit, by what was granted them today), and refused by
 * the first that would not. Checked in the order user_concurrent, user_daily, user_daily_1080p
 * (a 1080p video only), guild_daily, budget: a member hears about their own limits first, the one
 * that clears soonest (a video finishing) before the one that clears at midnight. A ledger applies
 * these bounds in one atomic step with the reservation, so concurrent requests cannot both pass.
 */
export function bounds(allowance: Allowance, { costCents, quality }: Reserved): Bound[] {
  const { userDaily, userDaily1080p, userConcurrent, guildDaily, budgetDailyCents } = allowance;
  return [
    { limit: 'user_concurrent', figure: 'userInFlight', adds: 1, max: userConcurrent },
    { limit: 'user_daily', figure: 'userUsed', adds: 1, max: userDaily, raisedBy: 'userGranted' },
    ...(quality === '1080p'
      ? [{ limit: 'user_daily_1080p', figure: 'userUsed1080p', adds: 1, max: userDaily1080p ?? null } as const]
      : []),
    { limit: 'guild_daily', figure: 'guildUsed', adds: 1, max: guildDaily },
    { limit: 'budget', figure: 'spentCents', adds: costCents, max: budgetDailyCents },
  ];
}

const UNLIMITED: Allowance = {
  userDaily: null,
  userConcurrent: Number.POSITIVE_INFINITY,
  guildDaily: null,
  budgetDailyCents: null,
};

/** The figures a reservation counts in, and by how much: those {@link bounds} bounds, whatever the maxima. */
export function countedIn(reserved: Reserved): Pick<Bound, 'figure' | 'adds'>[] {
  return bounds(UNLIMITED, reserved).map(({ figure, adds }) => ({ figure, adds }));
}

/** The UTC day of an instant, as `YYYY-MM-DD`. */
export function utcDay(now: number): string {
  return new Date(now).toISOString().slice(0, 10);
}

/** Epoch milliseconds of the next UTC midnight after `now`, when daily counts reset. */
export function nextUtcMidnight(now: number): number {
  const date = new Date(now);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() + 1);
}

/** Thrown when the ledger's store cannot be reached. The bot fails closed on it. */
export class QuotaStoreError extends Error {
  constructor(cause: unknown) {
    super('quota store unavailable', { cause });
    this.name = 'QuotaStoreError';
  }
}
