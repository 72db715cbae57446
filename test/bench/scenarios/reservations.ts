/**
 * Reservation burst on Redis: the quota ledger's reserve path alone, without a bot process. Each
 * round fires 200 reservations from 200 members of one guild and 20 from one more member (daily
 * limit 3) at the same instant, on one store connection as one bot process has, and checks that
 * all 200 and exactly 3 of the 20 got through.
 */
import { performance } from 'node:perf_hooks';
import { createLedger } from '../../../src/quota/create-ledger.js';
import type { Allowance } from '../../../src/quota/ledger.js';
import { openStore } from '../../../src/store/store.js';
import { freePort, startRedisServer, stopRedisServer } from '../../support/redis.js';
import type { Scenario } from '../scenario.js';
import { max, median, percentile } from '../stats.js';

const MEMBERS = 200;
const ONE_MEMBER = 20;
const ROUNDS = 10;
const DAY_MS = 86_400_000;
/** Every limit checked, none reached but the one member's daily limit. */
const ALLOWANCE: Allowance = { userDaily: 3, userConcurrent: 100, guildDaily: 10_000, budgetDailyCents: 1_000_000 };

interface Round {
  burstMs: number;
  latenciesMs: number[];
}

export const reservations: Scenario = {
  id: 'reservations',
  title: `reservation burst on Redis: ${MEMBERS} members and one member's ${ONE_MEMBER} at once, ${ROUNDS} rounds`,
  async run() {
    const port = await freePort();
    const server = await startRedisServer(port);
    const rounds: Round[] = [];
    try {
      const store = await openStore({ kind: 'redis', url: `redis://127.0.0.1:${port}` });
      try {
        const ledger = createLedger(store);
        // Each round on a day of its own, so every count starts afresh; round 0 warms up.
        for (let round = 0; round <= ROUNDS; round += 1) {
          const now = Date.now() + round * DAY_MS;
          const reserve = async (id: string, userId: string) => {
            const started = performance.now();
            const outcome = await ledger.reserve({
              id,
              userId,
              guildId: 'bench-guild',
              costCents: 5,
              allowance: ALLOWANCE,
              now,
              ttlMs: DAY_MS,
            });
            return { ok: outcome.ok, ms: performance.now() - started };
          };
          const started = performance.now();
          const [members, oneMember] = await Promise.all([
            Promise.all(
              Array.from({ length: MEMBERS }, (_, index) => reserve(`${round}-m${index}`, `member-${index}`)),
            ),
            Promise.all(Array.from({ length: ONE_MEMBER }, (_, index) => reserve(`${round}-o${index}`, 'one-member'))),
          ]);
          const burstMs = performance.now() - started;
          const refused = members.filter((outcome) => !outcome.ok).length;
          const taken = oneMember.filter((outcome) => outcome.ok).length;
          if (refused > 0) throw new Error(`round ${round}: ${refused} of ${MEMBERS} members were refused`);
          if (taken !== ALLOWANCE.userDaily) {
            throw new Error(`round ${round}: the one member got ${taken} of ${ONE_MEMBER}, not ${ALLOWANCE.userDaily}`);
          }
          if (round > 0) rounds.push({ burstMs, latenciesMs: [...members, ...oneMember].map(({ ms }) => ms) });
        }
      } finally {
        await store.close();
      }
    } finally {
      await stopRedisServer(server);
    }
    const bursts = rounds.map(({ burstMs }) => burstMs);
    const latencies = rounds.flatMap(({ latenciesMs }) => latenciesMs);
    const calls = MEMBERS + ONE_MEMBER;
    return {
      figures: [
        { label: `burst of ${calls} reservations, median`, value: median(bursts), unit: 'ms', digits: 1 },
        { label: `burst of ${calls} reservations, max`, value: max(bursts), unit: 'ms', digits: 1 },
        { label: 'reserve call p50', value: median(latencies), unit: 'ms', digits: 1 },
        { label: 'reserve call p99', value: percentile(latencies, 0.99), unit: 'ms', digits: 1 },
        { label: 'reservations per second', value: (calls * 1000) / median(bursts), unit: '/s', digits: 0 },
      ],
      notes: [
        `${ROUNDS} rounds after one warm-up, each on a fresh UTC day: ${MEMBERS} members of one guild and ${ONE_MEMBER} calls from one member with a daily limit of ${ALLOWANCE.userDaily}, all at once, through one store connection to a throwaway redis-server; every limit is checked, only the one member's is reached`,
        'a call is timed from the ledger call to its outcome; a burst from the first call to the last outcome',
      ],
      botLog: [],
      samples: { 'burst ms': bursts.map((ms) => Math.round(ms * 10) / 10) },
    };
  },
};
