import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Allowance, QuotaLedger, QuotaLimit, Refusal, ReserveRequest } from '../../src/quota/ledger.js';

/** One ledger under test, on fresh, empty state. */
export interface LedgerFixture {
  ledger: QuotaLedger;
  /** Closes the store and opens a new ledger on the same data, as a restarted bot would. Absent when nothing survives. */
  restart?: () => Promise<QuotaLedger>;
  close(): Promise<void>;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** 2026-11-26T12:00:00Z */
const NOON = Date.UTC(2026, 10, 26, 12);

/** Limits that refuse nothing, so that each case tightens only the limit it is about. */
const GENEROUS: Allowance = { userDaily: 10, userConcurrent: 10, guildDaily: null, budgetDailyCents: null };

interface Ask {
  user?: string;
  guild?: string | null;
  cost?: number;
  quality?: '480p' | '1080p';
  now?: number;
  ttlMs?: number;
  limits?: Partial<Allowance>;
}

function ask(
  id: string,
  { user = 'alice', guild = 'guild-1', cost = 10, quality, now = NOON, ttlMs = HOUR, limits }: Ask = {},
) {
  const request: ReserveRequest = {
    id,
    userId: user,
    guildId: guild,
    costCents: cost,
    ...(quality && { quality }),
    now,
    ttlMs,
    allowance: { ...GENEROUS, ...limits },
  };
  return request;
}

function refused(limit: QuotaLimit, max: number): Refusal {
  return { ok: false, limit, max };
}

/**
 * The behaviour every `QuotaLedger` must have, run once per implementation in the way keyv runs
 * one suite against each storage adapter. `open` gives each case its own empty ledger.
 */
export function describeLedger(name: string, open: () => Promise<LedgerFixture>): void {
  describe(name, () => {
    let fixture: LedgerFixture;
    let ledger: QuotaLedger;

    beforeEach(async () => {
      fixture = await open();
      ledger = fixture.ledger;
    });
    afterEach(() => fixture.close());

    async function deliver(request: ReserveRequest): Promise<void> {
      expect((await ledger.reserve(request)).ok).toBe(true);
      await ledger.commit(request.id);
    }

    it('returns the reservation it took', async () => {
      expect(await ledger.reserve(ask('a', { guild: null, cost: 25, ttlMs: MINUTE }))).toEqual({
        ok: true,
        reservation: {
          id: 'a',
          userId: 'alice',
          guildId: null,
          day: '2026-11-26',
          costCents: 25,
          quality: '480p',
          expiresAt: NOON + MINUTE,
        },
      });
    });

    it('refuses the next video once the member has used the daily limit', async () => {
      const limits = { userDaily: 2 };
      await deliver(ask('a', { limits }));
      await deliver(ask('b', { limits }));

      expect(await ledger.reserve(ask('c', { limits }))).toEqual(refused('user_daily', 2));
      expect(await ledger.reserve(ask('d', { user: 'bob', limits }))).toMatchObject({ ok: true });
      expect(await ledger.usage('alice', 'guild-1', NOON)).toEqual({
        day: '2026-11-26',
        userUsed: 2,
        userInFlight: 0,
        userGranted: 0,
        userUsed1080p: 0,
        guildUsed: 3,
        spentCents: 30,
      });
    });

    it('lets exactly 3 of 100 simultaneous reservations through a daily limit of 3', async () => {
      const limits = { userDaily: 3, userConcurrent: 100 };
      const outcomes = await Promise.all(
        Array.from({ length: 100 }, (_, index) => ledger.reserve(ask(`r${index}`, { limits }))),
      );

      expect(outcomes.filter((outcome) => outcome.ok)).toHaveLength(3);
      expect(outcomes.filter((outcome) => !outcome.ok)).toEqual(Array(97).fill(refused('user_daily', 3)));
      expect(await ledger.usage('alice', 'guild-1', NOON)).toMatchObject({ userUsed: 3, userInFlight: 3 });
    });

    it('lets exactly 2 of 10 simultaneous 1080p reservations through a 1080p allowance of 2', async () => {
      const limits = { userDaily1080p: 2 };
      const outcomes = await Promise.all(
        Array.from({ length: 10 }, (_, index) => ledger.reserve(ask(`hd${index}`, { quality: '1080p', limits }))),
      );

      expect(outcomes.filter((outcome) => outcome.ok)).toHaveLength(2);
      expect(outcomes.filter((outcome) => !outcome.ok)).toEqual(Array(8).fill(refused('user_daily_1080p', 2)));
      expect(await ledger.usage('alice', 'guild-1', NOON)).toMatchObject({
        userUsed: 2,
        userUsed1080p: 2,
        userInFlight: 2,
      });
      // 480p videos are not 1080p ones, and another member has an allowance of their own.
      expect(await ledger.reserve(ask('sd', { limits }))).toMatchObject({ ok: true });
      expect(await ledger.reserve(ask('bob-hd', { user: 'bob', quality: '1080p', limits }))).toMatchObject({
        ok: true,
      });
    });

    it('counts a 1080p video toward the daily limit too, which refuses first when both are reached', async () => {
      const limits = { userDaily: 2, userDaily1080p: 1 };
      await deliver(ask('a', { quality: '1080p', limits }));
      expect(await ledger.reserve(ask('b', { quality: '1080p', limits }))).toEqual(refused('user_daily_1080p', 1));
      await deliver(ask('c', { limits }));

      expect(await ledger.reserve(ask('d', { quality: '1080p', limits }))).toEqual(refused('user_daily', 2));
      expect(await ledger.usage('alice', 'guild-1', NOON)).toMatchObject({ userUsed: 2, userUsed1080p: 1 });
    });

    it('gives a refunded or expired 1080p reservation back to the 1080p allowance', async () => {
      const limits = { userDaily1080p: 1 };
      await ledger.reserve(ask('a', { quality: '1080p', limits }));
      await ledger.refund('a');
      expect(await ledger.usage('alice', 'guild-1', NOON)).toMatchObject({ userUsed: 0, userUsed1080p: 0 });

      await ledger.reserve(ask('b', { quality: '1080p', ttlMs: MINUTE, limits }));
      expect(await ledger.reserve(ask('c', { quality: '1080p', limits }))).toEqual(refused('user_daily_1080p', 1));
      const afterExpiry = NOON + 2 * MINUTE;
      expect(await ledger.reserve(ask('d', { quality: '1080p', now: afterExpiry, limits }))).toMatchObject({
        ok: true,
      });
      expect(await ledger.usage('alice', 'guild-1', afterExpiry)).toMatchObject({ userUsed: 1, userUsed1080p: 1 });
    });

    it('forgets the day’s 1080p videos on resetUser, but not those in flight', async () => {
      const limits = { userDaily1080p: 2 };
      await deliver(ask('a', { quality: '1080p', limits }));
      await ledger.reserve(ask('b', { quality: '1080p', limits }));

      await ledger.resetUser('alice', 'guild-1', NOON);

      expect(await ledger.usage('alice', 'guild-1', NOON)).toMatchObject({ userUsed: 1, userUsed1080p: 1 });
      expect(await ledger.reserve(ask('c', { quality: '1080p', limits }))).toMatchObject({ ok: true });
      expect(await ledger.reserve(ask('d', { quality: '1080p', limits }))).toEqual(refused('user_daily_1080p', 2));
    });

    it('refuses a member with too many videos in flight until one is delivered', async () => {
      const limits = { userConcurrent: 2 };
      await ledger.reserve(ask('a', { limits }));
      await ledger.reserve(ask('b', { limits }));

      expect(await ledger.reserve(ask('c', { limits }))).toEqual(refused('user_concurrent', 2));
      await ledger.commit('a');
      expect(await ledger.reserve(ask('d', { limits }))).toMatchObject({ ok: true });
      expect(await ledger.usage('alice', 'guild-1', NOON)).toMatchObject({ userUsed: 3, userInFlight: 2 });
    });

    it('counts videos still in flight from yesterday against the concurrent limit only', async () => {
      const lateYesterday = Date.UTC(2026, 10, 25, 23, 59);
      await ledger.reserve(ask('a', { now: lateYesterday, ttlMs: HOUR }));

      const justAfterMidnight = Date.UTC(2026, 10, 26, 0, 1);
      expect(await ledger.usage('alice', 'guild-1', justAfterMidnight)).toMatchObject({ userUsed: 0, userInFlight: 1 });
      expect(await ledger.reserve(ask('b', { now: justAfterMidnight, limits: { userConcurrent: 1 } }))).toEqual(
        refused('user_concurrent', 1),
      );
    });

    it('refuses every member of a guild once the guild has used its daily limit', async () => {
      const limits = { guildDaily: 2 };
      await ledger.reserve(ask('a', { user: 'alice', limits }));
      await deliver(ask('b', { user: 'bob', limits }));

      expect(await ledger.reserve(ask('c', { user: 'carol', limits }))).toEqual(refused('guild_daily', 2));
      expect(await ledger.reserve(ask('d', { user: 'carol', guild: 'guild-2', limits }))).toMatchObject({ ok: true });
      expect(await ledger.reserve(ask('e', { user: 'carol', guild: null, limits }))).toMatchObject({ ok: true });
      expect(await ledger.usage('carol', 'guild-1', NOON)).toMatchObject({ userUsed: 0, guildUsed: 2 });
    });

    it("refuses a video that would take the bot's spend past the daily budget", async () => {
      const limits = { budgetDailyCents: 100 };
      await ledger.reserve(ask('a', { user: 'alice', cost: 40, limits }));
      await deliver(ask('b', { user: 'bob', guild: 'guild-2', cost: 40, limits }));

      expect(await ledger.reserve(ask('c', { user: 'carol', guild: null, cost: 40, limits }))).toEqual(
        refused('budget', 100),
      );
      expect(await ledger.reserve(ask('d', { user: 'carol', guild: null, cost: 20, limits }))).toMatchObject({
        ok: true,
      });
      expect(await ledger.usage('dave', null, NOON)).toMatchObject({ spentCents: 100 });
    });

    it('reports the first limit reached, in the order user_concurrent, user_daily, user_daily_1080p, guild_daily, budget', async () => {
      await ledger.reserve(ask('a', { cost: 50, quality: '1080p' }));
      const full = { userConcurrent: 1, userDaily: 1, userDaily1080p: 1, guildDaily: 1, budgetDailyCents: 50 };

      expect(await ledger.reserve(ask('b', { quality: '1080p', limits: full }))).toEqual(refused('user_concurrent', 1));
      await ledger.commit('a');
      expect(await ledger.reserve(ask('c', { quality: '1080p', limits: full }))).toEqual(refused('user_daily', 1));
      expect(await ledger.reserve(ask('c2', { quality: '1080p', limits: { ...full, userDaily: 2 } }))).toEqual(
        refused('user_daily_1080p', 1),
      );
      expect(await ledger.reserve(ask('d', { user: 'bob', limits: full }))).toEqual(refused('guild_daily', 1));
      expect(await ledger.reserve(ask('e', { user: 'bob', guild: 'guild-2', limits: full }))).toEqual(
        refused('budget', 50),
      );
    });

    it('counts exempt members without limiting them', async () => {
      const limits = { userDaily: null };
      for (const id of ['a', 'b', 'c', 'd', 'e']) await deliver(ask(id, { limits }));

      expect(await ledger.usage('alice', 'guild-1', NOON)).toMatchObject({ userUsed: 5, guildUsed: 5, spentCents: 50 });
    });

    it("raises today's limit by the videos granted today", async () => {
      const limits = { userDaily: 1 };
      await deliver(ask('a', { limits }));
      await ledger.grant('alice', 'guild-1', 2, NOON);

      expect(await ledger.reserve(ask('b', { limits }))).toMatchObject({ ok: true });
      expect(await ledger.reserve(ask('c', { limits }))).toMatchObject({ ok: true });
      expect(await ledger.reserve(ask('d', { limits }))).toEqual(refused('user_daily', 3));
      expect(await ledger.usage('alice', 'guild-1', NOON)).toMatchObject({ userUsed: 3, userGranted: 2 });
      expect(await ledger.usage('alice', 'guild-1', NOON + DAY)).toMatchObject({ userUsed: 0, userGranted: 0 });
      expect(await ledger.usage('alice', 'guild-2', NOON)).toMatchObject({ userGranted: 0 });
    });

    it('takes granted videos back with a negative grant', async () => {
      await ledger.grant('alice', 'guild-1', 2, NOON);
      await ledger.grant('alice', 'guild-1', -1, NOON);

      expect(await ledger.usage('alice', 'guild-1', NOON)).toMatchObject({ userGranted: 1 });
      expect(await ledger.reserve(ask('a', { limits: { userDaily: 0 } }))).toMatchObject({ ok: true });
      expect(await ledger.reserve(ask('b', { limits: { userDaily: 0 } }))).toEqual(refused('user_daily', 1));
    });

    it("forgets the member's usage and grants on resetUser, but not their videos in flight", async () => {
      const limits = { userDaily: 2 };
      await deliver(ask('a', { limits }));
      await ledger.reserve(ask('b', { limits }));
      await ledger.grant('alice', 'guild-1', 1, NOON);

      await ledger.resetUser('alice', 'guild-1', NOON);

      expect(await ledger.usage('alice', 'guild-1', NOON)).toEqual({
        day: '2026-11-26',
        userUsed: 1,
        userInFlight: 1,
        userGranted: 0,
        userUsed1080p: 0,
        guildUsed: 2,
        spentCents: 20,
      });
      expect(await ledger.reserve(ask('c', { limits }))).toMatchObject({ ok: true });
      expect(await ledger.reserve(ask('d', { limits }))).toEqual(refused('user_daily', 2));
    });

    it('starts counting afresh when the UTC day rolls over', async () => {
      const limits = { userDaily: 1, guildDaily: 1, budgetDailyCents: 10 };
      const lastMoment = Date.UTC(2026, 10, 26, 23, 59, 59, 999);
      await deliver(ask('a', { now: lastMoment, limits }));
      expect(await ledger.reserve(ask('b', { now: lastMoment, limits }))).toEqual(refused('user_daily', 1));

      const midnight = Date.UTC(2026, 10, 27);
      expect(await ledger.reserve(ask('c', { now: midnight, limits }))).toMatchObject({
        ok: true,
        reservation: { day: '2026-11-27' },
      });
      expect(await ledger.usage('alice', 'guild-1', midnight)).toMatchObject({ day: '2026-11-27', userUsed: 1 });
    });

    it('releases a reservation that expired without being committed', async () => {
      const limits = { userConcurrent: 1, userDaily: 1 };
      await ledger.reserve(ask('a', { ttlMs: MINUTE, limits }));

      const atExpiry = NOON + MINUTE;
      expect(await ledger.reserve(ask('b', { now: atExpiry, limits }))).toEqual(refused('user_concurrent', 1));

      const afterExpiry = atExpiry + 1;
      expect(await ledger.usage('alice', 'guild-1', afterExpiry)).toMatchObject({
        userUsed: 0,
        userInFlight: 0,
        guildUsed: 0,
        spentCents: 0,
      });
      expect(await ledger.reserve(ask('c', { now: afterExpiry, limits }))).toMatchObject({ ok: true });
    });

    it('counts an expired reservation that is committed after all', async () => {
      await ledger.reserve(ask('a', { ttlMs: MINUTE }));
      const later = NOON + 2 * MINUTE;
      expect(await ledger.usage('alice', 'guild-1', later)).toMatchObject({ userUsed: 0 });

      await ledger.commit('a');

      expect(await ledger.usage('alice', 'guild-1', later)).toMatchObject({
        userUsed: 1,
        userInFlight: 0,
        guildUsed: 1,
        spentCents: 10,
      });
    });

    it('releases a refunded reservation', async () => {
      await ledger.reserve(ask('a', { limits: { userDaily: 1 } }));
      await ledger.refund('a');

      expect(await ledger.usage('alice', 'guild-1', NOON)).toMatchObject({
        userUsed: 0,
        userInFlight: 0,
        spentCents: 0,
      });
      expect(await ledger.reserve(ask('b', { limits: { userDaily: 1 } }))).toMatchObject({ ok: true });
    });

    it('ignores a refund after the commit', async () => {
      await deliver(ask('a'));
      await ledger.refund('a');

      expect(await ledger.usage('alice', 'guild-1', NOON)).toMatchObject({ userUsed: 1, guildUsed: 1, spentCents: 10 });
    });

    it('refunds a reservation only once, and ignores ids it never saw', async () => {
      await ledger.reserve(ask('a'));
      await ledger.reserve(ask('b'));
      await ledger.refund('a');
      await ledger.refund('a');
      await ledger.refund('unknown');
      await ledger.commit('a');

      expect(await ledger.usage('alice', 'guild-1', NOON)).toMatchObject({
        userUsed: 1,
        userInFlight: 1,
        guildUsed: 1,
        spentCents: 10,
      });
    });

    it('returns the first reservation when the same id is reserved again', async () => {
      const limits = { userDaily: 1 };
      const first = await ledger.reserve(ask('a', { limits }));
      const again = await ledger.reserve(ask('a', { now: NOON + MINUTE, cost: 99, limits }));

      expect(again).toEqual(first);
      expect(await ledger.usage('alice', 'guild-1', NOON)).toMatchObject({ userUsed: 1, spentCents: 10 });
      expect(await ledger.reserve(ask('b', { limits }))).toEqual(refused('user_daily', 1));
    });

    it('keeps counts, grants and reservations across a restart', async (context) => {
      const { restart } = fixture;
      if (!restart) return context.skip('this ledger keeps nothing across a restart');
      await deliver(ask('a'));
      await deliver(ask('hd', { quality: '1080p' }));
      const inFlight = await ledger.reserve(ask('b', { guild: null, quality: '1080p' }));
      await ledger.grant('alice', 'guild-1', 2, NOON);
      const before = await ledger.usage('alice', 'guild-1', NOON);

      ledger = await restart();

      expect(await ledger.usage('alice', 'guild-1', NOON)).toEqual(before);
      expect(await ledger.reserve(ask('b', { guild: null }))).toEqual(inFlight);
      expect(before).toMatchObject({ userUsed: 2, userUsed1080p: 1 });
      await ledger.refund('b');
      expect(await ledger.usage('alice', null, NOON)).toMatchObject({ userUsed: 0, userUsed1080p: 0, userInFlight: 0 });
    });
  });
}
