import {
  type QuotaLedger,
  type Reservation,
  type ReserveOutcome,
  type ReserveRequest,
  refusal,
  type Usage,
  utcDay,
} from './ledger.js';

type ReservationState = 'reserved' | 'committed' | 'refunded';

interface Entry {
  reservation: Reservation;
  state: ReservationState;
  /** Set by `resetUser`: no longer counts against the member, still against the guild and the budget. */
  forgotten: boolean;
}

/**
 * A `QuotaLedger` held in memory, for tests and stand-ins. Nothing survives a restart. Every
 * method checks and writes without awaiting in between, so concurrent calls cannot interleave.
 */
export class MemoryLedger implements QuotaLedger {
  readonly #entries = new Map<string, Entry>();
  /** Extra videos per member and day, keyed by `grantKey`. */
  readonly #grants = new Map<string, number>();

  async reserve(request: ReserveRequest): Promise<ReserveOutcome> {
    const existing = this.#entries.get(request.id);
    if (existing) return { ok: true, reservation: existing.reservation };

    const { id, userId, guildId, costCents, allowance, now, ttlMs } = request;
    const refused = refusal(this.#usage(userId, guildId, now), allowance, costCents);
    if (refused) return refused;

    const reservation: Reservation = { id, userId, guildId, day: utcDay(now), costCents, expiresAt: now + ttlMs };
    this.#entries.set(id, { reservation, state: 'reserved', forgotten: false });
    return { ok: true, reservation };
  }

  async commit(id: string): Promise<void> {
    const entry = this.#entries.get(id);
    if (entry?.state === 'reserved') entry.state = 'committed';
  }

  async refund(id: string): Promise<void> {
    const entry = this.#entries.get(id);
    if (entry?.state === 'reserved') entry.state = 'refunded';
  }

  async usage(userId: string, guildId: string | null, now: number): Promise<Usage> {
    return this.#usage(userId, guildId, now);
  }

  async grant(userId: string, guildId: string | null, extra: number, now: number): Promise<void> {
    const key = grantKey(userId, guildId, utcDay(now));
    this.#grants.set(key, (this.#grants.get(key) ?? 0) + extra);
  }

  async resetUser(userId: string, guildId: string | null, now: number): Promise<void> {
    const day = utcDay(now);
    for (const entry of this.#entries.values()) {
      const { reservation } = entry;
      if (entry.state === 'committed' && reservation.day === day && isMember(reservation, userId, guildId)) {
        entry.forgotten = true;
      }
    }
    this.#grants.delete(grantKey(userId, guildId, day));
  }

  #usage(userId: string, guildId: string | null, now: number): Usage {
    const day = utcDay(now);
    const userGranted = this.#grants.get(grantKey(userId, guildId, day)) ?? 0;
    const usage: Usage = { day, userUsed: 0, userInFlight: 0, userGranted, guildUsed: 0, spentCents: 0 };
    for (const { reservation, state, forgotten } of this.#entries.values()) {
      // An uncommitted reservation stops counting once it has expired.
      const live = state === 'reserved' && now <= reservation.expiresAt;
      if (!live && state !== 'committed') continue;
      const member = isMember(reservation, userId, guildId);
      if (member && live) usage.userInFlight += 1;
      if (reservation.day !== day) continue;
      if (member && !forgotten) usage.userUsed += 1;
      if (reservation.guildId === guildId) usage.guildUsed += 1;
      usage.spentCents += reservation.costCents;
    }
    return usage;
  }
}

function isMember(reservation: Reservation, userId: string, guildId: string | null): boolean {
  return reservation.userId === userId && reservation.guildId === guildId;
}

function grantKey(userId: string, guildId: string | null, day: string): string {
  return JSON.stringify([day, guildId, userId]);
}
