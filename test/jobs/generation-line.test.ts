import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type GenerationLine, MemoryGenerationLine } from '../../src/jobs/generation-line.js';
import { RedisGenerationLine } from '../../src/jobs/redis-generation-line.js';
import { openDriver, type StoreDriver } from '../../src/store/store.js';
import { ownRedis, redisSkipReason, uniquePrefix } from '../support/redis.js';

/** What every line does, whichever backend keeps it. */

const SLOTS = 2;
const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 26, 12);

interface Backend {
  line: GenerationLine;
  close(): Promise<void>;
}

const skipReason = redisSkipReason();
const redis = ownRedis();

/** The connection a Redis store runs on, as the backend factory gives it to the line. */
async function redisClient(): Promise<Extract<StoreDriver, { kind: 'redis' }>['client']> {
  const driver = await openDriver({ kind: 'redis', url: redis.url });
  if (driver.kind !== 'redis') throw new Error('expected a Redis store');
  return driver.client;
}

const backends: Array<[string, () => Promise<Backend>, string | undefined]> = [
  ['in memory', async () => ({ line: new MemoryGenerationLine(SLOTS), close: async () => {} }), undefined],
  [
    'on Redis',
    async () => {
      const client = await redisClient();
      // A line of its own per test, on the suite's server.
      const keyPrefix = uniquePrefix();
      return {
        line: new RedisGenerationLine(client, { slots: SLOTS, slotTtlMs: HOUR, keyPrefix }),
        close: async () => void (await client.quit()),
      };
    },
    skipReason,
  ],
];

describe.each(backends)('generation line %s', (_name, open, skip) => {
  let backend: Backend;
  let line: GenerationLine;
  beforeEach(async (context) => {
    if (skip) context.skip(skip);
    backend = await open();
    line = backend.line;
  });
  afterEach(async () => {
    await backend?.close();
  });

  it('admits jobs while slots are free, then lines them up first come first served', async () => {
    expect(await line.claim('a', T0, T0)).toEqual({ admitted: true, waiting: 0 });
    expect(await line.claim('b', T0 + 1, T0)).toEqual({ admitted: true, waiting: 0 });
    // Out of order: the line is ordered by when each job joined, not by when it asked.
    expect(await line.claim('d', T0 + 3, T0)).toEqual({ admitted: false, ahead: 0, waiting: 1 });
    expect(await line.claim('c', T0 + 2, T0)).toEqual({ admitted: false, ahead: 0, waiting: 2 });
    expect(await line.claim('d', T0 + 3, T0)).toEqual({ admitted: false, ahead: 1, waiting: 2 });
  });

  it('is idempotent: a job asking again keeps its slot or its place', async () => {
    await line.claim('a', T0, T0);
    await line.claim('b', T0 + 1, T0);
    await line.claim('c', T0 + 2, T0);
    expect(await line.claim('a', T0, T0)).toEqual({ admitted: true, waiting: 1 });
    expect(await line.claim('c', T0 + 2, T0)).toEqual({ admitted: false, ahead: 0, waiting: 1 });
  });

  it('hands a freed slot to the head of the line, and to nobody who joined later', async () => {
    for (const [index, id] of ['a', 'b', 'c', 'd'].entries()) await line.claim(id, T0 + index, T0);
    expect(await line.release('a', T0)).toEqual({ next: ['c'], waiting: 2 });
    // A newcomer finds the freed slot spoken for by the job ahead of it.
    expect(await line.claim('e', T0 + 9, T0)).toEqual({ admitted: false, ahead: 2, waiting: 3 });
    expect(await line.claim('c', T0 + 2, T0)).toEqual({ admitted: true, waiting: 2 });
    expect(await line.claim('d', T0 + 3, T0)).toEqual({ admitted: false, ahead: 0, waiting: 2 });
  });

  it('lets a job leave the line, and releasing twice changes nothing', async () => {
    for (const [index, id] of ['a', 'b', 'c', 'd'].entries()) await line.claim(id, T0 + index, T0);
    expect(await line.release('c', T0)).toEqual({ next: [], waiting: 1 });
    expect(await line.release('c', T0)).toEqual({ next: [], waiting: 1 });
    expect(await line.claim('d', T0 + 3, T0)).toEqual({ admitted: false, ahead: 0, waiting: 1 });
  });

  it('counts jobs already at the provider against the slots, even beyond them', async () => {
    for (const id of ['a', 'b', 'c']) await line.hold(id, T0);
    expect(await line.claim('d', T0, T0)).toEqual({ admitted: false, ahead: 0, waiting: 1 });
    // Two slots, three held: one release frees nothing yet.
    expect(await line.release('a', T0)).toEqual({ next: [], waiting: 1 });
    expect(await line.release('b', T0)).toEqual({ next: ['d'], waiting: 1 });
  });
});

describe.skipIf(skipReason !== undefined)(
  `generation line on Redis${skipReason ? ` (skipped: ${skipReason})` : ''}`,
  () => {
    it('is shared: two processes never hand out the same slot', async () => {
      const keyPrefix = uniquePrefix();
      const clients = await Promise.all([1, 2].map(() => redisClient()));
      const lines = clients.map(
        (client) => new RedisGenerationLine(client, { slots: SLOTS, slotTtlMs: HOUR, keyPrefix }),
      );
      try {
        const ids = Array.from({ length: 10 }, (_, index) => `job-${index}`);
        const places = await Promise.all(ids.map((id, index) => lines[index % 2]?.claim(id, T0 + index, T0)));
        expect(places.filter((place) => place?.admitted)).toHaveLength(SLOTS);
      } finally {
        await Promise.all(clients.map((client) => client.quit()));
      }
    });

    it('frees the slot of a job nobody gave it back for, once it lapses', async () => {
      const keyPrefix = uniquePrefix();
      const client = await redisClient();
      const line = new RedisGenerationLine(client, { slots: 1, slotTtlMs: HOUR, keyPrefix });
      try {
        await line.claim('lost', T0, T0);
        expect(await line.claim('next', T0 + 1, T0 + HOUR - 1)).toMatchObject({ admitted: false });
        expect(await line.claim('next', T0 + 1, T0 + HOUR)).toMatchObject({ admitted: true });
      } finally {
        await client.quit();
      }
    });
  },
);
