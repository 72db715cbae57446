import { randomUUID } from 'node:crypto';
import { createClient, type RedisClientType } from '@keyv/redis';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BullStepQueue, type BullStepQueueOptions } from '../../src/jobs/bullmq-steps.js';
import type { JobStep } from '../../src/jobs/scheduler.js';
import { ownRedis, redisSkipReason } from '../support/redis.js';

const skipReason = redisSkipReason();
/** Job ids are snowflakes; this one reads as an integer, which BullMQ refuses as a custom id. */
const SNOWFLAKE = '1300000000000000000';

describe.skipIf(skipReason !== undefined)(`BullStepQueue${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  const server = ownRedis();
  /** One per test, so a test never sees the jobs an earlier one left on the suite's server. */
  let prefix: string;
  let redis: RedisClientType;
  const queues: BullStepQueue[] = [];
  /** Steps left hanging on purpose, released after each test. */
  const hanging: Array<() => void> = [];

  beforeEach(async () => {
    prefix = `steps-test-${randomUUID()}`;
    redis = createClient({ url: server.url }) as RedisClientType;
    await redis.connect();
  });

  afterEach(async () => {
    for (const release of hanging.splice(0)) release();
    await Promise.all(queues.splice(0).map((queue) => queue.stop(0)));
    await redis.close();
  });

  /** A queue as one bot process holds it; several on one prefix are several processes. */
  function openQueue(options: Partial<BullStepQueueOptions> = {}): BullStepQueue {
    const queue = new BullStepQueue({
      redisUrl: server.url,
      concurrency: 3,
      prefix,
      lockMs: 1_000,
      stalledCheckMs: 500,
      logger: pino({ level: 'silent' }),
      ...options,
    });
    queues.push(queue);
    return queue;
  }

  /** BullMQ jobs in Redis (their hashes, not their locks): none once every job has finished. */
  const bullJobs = async () => (await redis.keys(`${prefix}:job-steps:job-*`)).filter((key) => !key.endsWith(':lock'));
  const waitUntil = (check: () => void | Promise<void>, timeout = 10_000) =>
    vi.waitFor(check, { timeout, interval: 20 });

  it('runs a step at its time, even one scheduled before the queue started, and leaves nothing behind', async () => {
    const queue = openQueue();
    const at = Date.now() + 300;
    await queue.schedule(SNOWFLAKE, at);
    const ran: number[] = [];
    await queue.start(async () => void ran.push(Date.now()));

    await waitUntil(() => expect(ran).toHaveLength(1));
    expect(ran[0]).toBeGreaterThanOrEqual(at);
    // Redis's clock cannot be faked, so "at its time" is bounded loosely, against a load-slowed machine.
    expect(ran[0]).toBeLessThan(at + 5_000);
    await waitUntil(async () => expect(await bullJobs()).toEqual([]));
  });

  it('reschedules a job from inside its own step as one BullMQ job, run once per schedule', async () => {
    const queue = openQueue();
    const ran: number[] = [];
    const jobsSeen: number[] = [];
    await queue.start(async (jobId) => {
      ran.push(Date.now());
      if (ran.length < 3) await queue.schedule(jobId, Date.now() + 100);
      jobsSeen.push((await bullJobs()).length);
    });
    await queue.schedule('a', Date.now());

    await waitUntil(async () => {
      expect(ran).toHaveLength(3);
      expect(await bullJobs()).toEqual([]);
    });
    expect(jobsSeen).toEqual([1, 1, 1]);
    const [first = 0, second = 0, third = 0] = ran;
    expect(second - first).toBeGreaterThanOrEqual(95);
    expect(third - second).toBeGreaterThanOrEqual(95);
  });

  it('brings a scheduled step forward, but never back, instead of adding another', async () => {
    const queue = openQueue();
    const ran = new Map<string, number[]>();
    await queue.start(async (jobId) => void ran.set(jobId, [...(ran.get(jobId) ?? []), Date.now()]));
    const now = Date.now();
    await queue.schedule('sooner', now + 60_000);
    await queue.schedule('sooner', now + 100);
    // Another process restating a time it read before the job moved on must not delay it.
    await queue.schedule('kept', now + 100);
    await queue.schedule('kept', now + 60_000);

    await waitUntil(async () => {
      expect([...ran.keys()].sort()).toEqual(['kept', 'sooner']);
      expect(await bullJobs()).toEqual([]);
    });
    expect(ran.get('sooner')).toEqual([expect.any(Number)]);
    expect(ran.get('kept')).toEqual([expect.any(Number)]);
    // Well before the 60 s also asked for, with room for a load-slowed machine.
    expect(ran.get('kept')?.[0]).toBeLessThan(now + 30_000);
  });

  it('keeps the earliest time asked for while a step runs, such as a webhook’s nudge', async () => {
    const queue = openQueue();
    const ran: number[] = [];
    let nudged: () => void = () => {};
    await queue.start(async (jobId) => {
      ran.push(Date.now());
      if (ran.length > 1) return;
      await new Promise<void>((resolve) => {
        nudged = resolve;
      });
      await queue.schedule(jobId, Date.now() + 60_000);
    });
    await queue.schedule('nudged', Date.now());
    await waitUntil(() => expect(ran).toHaveLength(1));

    const nudgedAt = Date.now();
    await queue.schedule('nudged', nudgedAt);
    nudged();

    await waitUntil(() => expect(ran).toHaveLength(2));
    // Well before the 60 s the running step asked for, with room for a load-slowed machine.
    expect((ran[1] ?? 0) - nudgedAt).toBeLessThan(30_000);
  });

  it('never runs one job’s step in two processes at once, nor more often than it was scheduled', async () => {
    const processes = [openQueue(), openQueue()];
    const jobIds = ['j1', 'j2', 'j3', 'j4', 'j5'];
    const runs = new Map<string, number>();
    const active = new Set<string>();
    let overlaps = 0;
    const step =
      (queue: BullStepQueue): JobStep =>
      async (jobId) => {
        if (active.has(jobId)) overlaps += 1;
        active.add(jobId);
        await new Promise((resolve) => setTimeout(resolve, 30));
        active.delete(jobId);
        runs.set(jobId, (runs.get(jobId) ?? 0) + 1);
        if ((runs.get(jobId) ?? 0) < 4) await queue.schedule(jobId, Date.now() + 20);
      };
    for (const queue of processes) await queue.start(step(queue));
    // Both schedule every job, as both resume every unfinished job when they start.
    for (const jobId of jobIds) for (const queue of processes) await queue.schedule(jobId, Date.now());

    await waitUntil(async () => {
      expect([...runs.values()]).toEqual([4, 4, 4, 4, 4]);
      expect(await bullJobs()).toEqual([]);
    });
    expect(overlaps).toBe(0);
    expect(Object.fromEntries(runs)).toEqual(Object.fromEntries(jobIds.map((id) => [id, 4])));
  });

  it('holds the concurrency bound across every process, not per process', async () => {
    const processes = [openQueue({ concurrency: 2 }), openQueue({ concurrency: 2 })];
    let current = 0;
    let most = 0;
    const done = new Set<string>();
    for (const queue of processes) {
      await queue.start(async (jobId) => {
        current += 1;
        most = Math.max(most, current);
        await new Promise((resolve) => setTimeout(resolve, 60));
        current -= 1;
        done.add(jobId);
      });
    }
    for (let i = 0; i < 8; i += 1) await processes[i % 2]?.schedule(`c${i}`, Date.now());

    await waitUntil(() => expect(done.size).toBe(8));
    expect(most).toBe(2);
  });

  it('hands a step caught in a dying process to another once its lock lapses', async () => {
    const dying = openQueue();
    const started: string[] = [];
    await dying.start(
      (jobId) =>
        new Promise<void>((resolve) => {
          started.push(jobId);
          hanging.push(resolve);
        }),
    );
    await dying.schedule('orphan', Date.now());
    await waitUntil(() => expect(started).toEqual(['orphan']));

    const survivor = openQueue();
    const recovered: number[] = [];
    await survivor.start(async () => void recovered.push(Date.now()));
    // Grace 0 with a step still running: the connections close and the lock is no longer renewed.
    const diedAt = Date.now();
    await dying.stop(0);

    await waitUntil(() => expect(recovered).toHaveLength(1), 15_000);
    // Lock (1 s) plus a stalled check (0.5 s) when the machine is idle; the bound only tells our
    // lock from BullMQ's default of 30 s, with room for a load-slowed machine.
    expect((recovered[0] ?? 0) - diedAt).toBeLessThan(10_000);
  });

  it('lets a stopping process finish its step and leaves the next one to the others at once', async () => {
    // A lock this long would fail the test if the handover waited for it.
    const stopping = openQueue({ lockMs: 20_000 });
    const ranIn: string[] = [];
    await stopping.start(async (jobId) => {
      ranIn.push('stopping');
      await new Promise((resolve) => setTimeout(resolve, 200));
      await stopping.schedule(jobId, Date.now());
    });
    await stopping.schedule('handover', Date.now());
    await waitUntil(() => expect(ranIn).toEqual(['stopping']));

    await stopping.stop(5_000);
    const other = openQueue({ lockMs: 20_000 });
    await other.start(async () => void ranIn.push('other'));

    await waitUntil(() => expect(ranIn).toEqual(['stopping', 'other']), 3_000);
  });
});
