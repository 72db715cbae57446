/**
 * Reservation burst on Redis: the quota ledger's reserve path alone, without a bot process. Each
 * round fires 200 reservations from 200 members of one guild and 20 from one more member (daily
 * limit 3) at the same instant, on one store connection as one bot process has, and checks that
 * all 200 and exactly 3 of the 20 got through. Between rounds the jobs end (their reservations
 * are committed, untimed), as they do in a running bot. A second set of rounds first leaves a
 * whole burst's reservations to expire uncommitted, as a crashed process would, so that the
 * burst timed also releases them.
 */
import { performance } from 'node:perf_hooks';
import { createLedger } from '../../../src/quota/create-ledger.js';
import type { Allowance, QuotaLedger } from '../../../src/quota/ledger.js';
import { openStore } from '../../../src/store/store.js';
import { freePort, startRedisServer, stopRedisServer } from '../../support/redis.js';
import type { Scenario } from '../scenario.js';
import { max, median, percentile } from '../stats.js';

const MEMBERS = 200;
const ONE_MEMBER = 20;
const ROUNDS = 10;
const EXPIRY_ROUNDS = 5;
const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
/** Every limit checked, none reached but the one member's daily limit. */
const ALLOWANCE: Allowance = { userDaily: 3, userConcurrent: 100, guildDaily: 10_000, budgetDailyCents: 1_000_000 };

interface Burst {
  ms: number;
  latenciesMs: number[];
  taken: string[];
}

/** One burst at `now`, checked; `tag` keeps its reservation ids apart from every other burst's. */
async function burst(ledger: QuotaLedger, tag: string, now: number, ttlMs: number): Promise<Burst> {
  const reserve = async (id: string, userId: string) => {
    const started = performance.now();
    const outcome = await ledger.reserve({
      id,
      userId,
      guildId: 'bench-guild',
      costCents: 5,
      allowance: ALLOWANCE,
      now,
      ttlMs,
    });
    return { id, ok: outcome.ok, ms: performance.now() - started };
  };
  const started = performance.now();
  const [members, oneMember] = await Promise.all([
    Promise.all(Array.from({ length: MEMBERS }, (_, index) => reserve(`${tag}-m${index}`, `member-${index}`))),
    Promise.all(Array.from({ length: ONE_MEMBER }, (_, index) => reserve(`${tag}-o${index}`, 'one-member'))),
  ]);
  const ms = performance.now() - started;
  const refused = members.filter((outcome) => !outcome.ok).length;
  const taken = oneMember.filter((outcome) => outcome.ok).length;
  if (refused > 0) throw new Error(`${tag}: ${refused} of ${MEMBERS} members were refused`);
  if (taken !== ALLOWANCE.userDaily) {
    throw new Error(`${tag}: the one member got ${taken} of ${ONE_MEMBER}, not ${ALLOWANCE.userDaily}`);
  }
  const all = [...members, ...oneMember];
  return { ms, latenciesMs: all.map((call) => call.ms), taken: all.filter((call) => call.ok).map((call) => call.id) };
}

export const reservations: Scenario = {
  id: 'reservations',
  title: `reservation burst on Redis: ${MEMBERS} members and one member's ${ONE_MEMBER} at once`,
  async run() {
    const port = await freePort();
    const server = await startRedisServer(port);
    const settled: Burst[] = [];
    const afterExpiry: Burst[] = [];
    try {
      const store = await openStore({ kind: 'redis', url: `redis://127.0.0.1:${port}` });
      try {
        const ledger = createLedger(store);
        // Each round on a day of its own, so every count starts afresh; round 0 warms up.
        for (let round = 0; round <= ROUNDS; round += 1) {
          const taken = await burst(ledger, `settled-${round}`, Date.now() + round * DAY_MS, DAY_MS);
          if (round > 0) settled.push(taken);
          for (const id of taken.taken) await ledger.commit(id);
        }
        for (let round = 1; round <= EXPIRY_ROUNDS; round += 1) {
          const now = Date.now() + (ROUNDS + round) * DAY_MS;
          // A burst nobody commits, expiring a minute later: the next one finds it to release.
          await burst(ledger, `lapsing-${round}`, now, MINUTE_MS);
          const taken = await burst(ledger, `expiry-${round}`, now + 2 * MINUTE_MS, DAY_MS);
          afterExpiry.push(taken);
          for (const id of taken.taken) await ledger.commit(id);
        }
      } finally {
        await store.close();
      }
    } finally {
      await stopRedisServer(server);
    }
    const bursts = settled.map(({ ms }) => ms);
    const latencies = settled.flatMap(({ latenciesMs }) => latenciesMs);
    const expiryBursts = afterExpiry.map(({ ms }) => ms);
    const calls = MEMBERS + ONE_MEMBER;
    return {
      figures: [
        { label: `burst of ${calls} reservations, median`, value: median(bursts), unit: 'ms', digits: 1 },
        { label: `burst of ${calls} reservations, max`, value: max(bursts), unit: 'ms', digits: 1 },
        { label: 'reserve call p50', value: median(latencies), unit: 'ms', digits: 1 },
        { label: 'reserve call p99', value: percentile(latencies, 0.99), unit: 'ms', digits: 1 },
        { label: 'reservations per second', value: (calls * 1000) / median(bursts), unit: '/s', digits: 0 },
        {
          label: `burst releasing ${calls} expired, median`,
          value: median(expiryBursts),
          unit: 'ms',
          digits: 1,
        },
      ],
      notes: [
        `${ROUNDS} rounds after one warm-up, each on a fresh UTC day: ${MEMBERS} members of one guild and ${ONE_MEMBER} calls from one member with a daily limit of ${ALLOWANCE.userDaily}, all at once, through one store connection to a throwaway redis-server; every limit is checked, only the one member's is reached; the reservations taken are committed after each round, untimed`,
        `then ${EXPIRY_ROUNDS} rounds whose burst comes 2 minutes after one of ${calls} reservations left to expire uncommitted (a crashed process's), which it releases`,
        'a call is timed from the ledger call to its outcome; a burst from the first call to the last outcome',
      ],
      botLog: [],
      samples: {
        'burst ms': bursts.map((ms) => Math.round(ms * 10) / 10),
        'burst after expiry ms': expiryBursts.map((ms) => Math.round(ms * 10) / 10),
      },
    };
  },
};
