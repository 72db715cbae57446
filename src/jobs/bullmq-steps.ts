import { DelayedError, ErrorCode, type Job, Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import type { JobStep, StepQueue } from './scheduler.js';

/** Options of {@link BullStepQueue}. */
export interface BullStepQueueOptions {
  /** The store's Redis, e.g. `redis://127.0.0.1:6379/0`. BullMQ opens its own connections to it. */
  redisUrl: string;
  /** Steps running at once across every process sharing the queue, and at most in this one. */
  concurrency: number;
  /** `concurrency` bounds only this process's steps, not every process's together (default false). */
  perProcess?: boolean;
  /** How long a step stays claimed by a process that stopped renewing it (default 30 s). */
  lockMs?: number;
  /** How often lapsed claims are looked for; a dead process's step is taken over within `lockMs` plus this (default 30 s). */
  stalledCheckMs?: number;
  /** BullMQ queue name (default `job-steps`). */
  queueName?: string;
  /** Prefix of every Redis key of the queue (default `bull`). */
  prefix?: string;
  logger: Logger;
}

interface StepData {
  jobId: string;
  /** When the step is due (epoch ms), kept beside BullMQ's own delay so a schedule can compare with it. */
  at: number;
}

/** A step running in this process, and the earliest time asked for the job's next one meanwhile. */
interface RunningStep {
  nextAt: number | undefined;
}

const STEP = 'step';
/**
 * A job caught this many times in a process that died mid-step leaves the queue rather than take
 * down process after process; it stays in the store, and the next start resumes it.
 */
const MAX_STALLS = 5;

/**
 * Job steps on BullMQ, shared by every process on the same Redis. Each bot job is one BullMQ
 * job for its whole life: a step that asks for a next one moves it back to delayed, and a step
 * that does not lets it complete (and be removed). A process that dies mid-step loses its lock,
 * and a survivor runs the step again, so steps must be idempotent: BullMQ delivers at least once.
 *
 * A schedule never pushes a step back. The earliest time asked for while a job's step runs
 * (by the step, or by a webhook meanwhile) becomes its next step's; between steps, a schedule
 * only brings the waiting step forward. Processes restate times read from the store, which may
 * be stale, and a step run early is harmless where one run late is not.
 */
export class BullStepQueue implements StepQueue {
  readonly shared = true;
  private readonly running = new Map<string, RunningStep>();
  private readonly processing = new Set<Promise<void>>();
  private readonly log: Logger;
  private producer: { queue: Queue<StepData>; client: Redis } | undefined;
  private consumer: { worker: Worker<StepData>; client: Redis } | undefined;
  /** Stopping, it runs no more steps but still queues them for other processes; stopped, it queues none. */
  private state: 'running' | 'stopping' | 'stopped' = 'running';

  constructor(private readonly options: BullStepQueueOptions) {
    this.log = options.logger.child({ component: 'job-steps' });
  }

  async start(step: JobStep): Promise<void> {
    if (!this.options.perProcess) await this.queue().setGlobalConcurrency(this.options.concurrency);
    const client = redisClient(this.options.redisUrl, { failFast: false });
    const worker = new Worker<StepData>(this.name, (job, token) => this.track(this.run(job, token, step)), {
      connection: client,
      prefix: this.prefix,
      concurrency: this.options.concurrency,
      lockDuration: this.options.lockMs ?? 30_000,
      stalledInterval: this.options.stalledCheckMs ?? 30_000,
      maxStalledCount: MAX_STALLS,
      settings: { backoffStrategy: retryDelay },
    });
    worker.on('error', (error) => this.log.warn({ err: error }, 'job step queue error'));
    worker.on('stalled', (bullId) =>
      this.log.warn({ jobId: jobIdOf(bullId) }, 'a process stopped answering mid-step; the step runs again'),
    );
    worker.on('failed', (job, error) =>
      this.log.error({ err: error, jobId: job?.data.jobId }, 'job step dropped; the next start resumes the job'),
    );
    this.consumer = { worker, client };
  }

  async schedule(jobId: string, at: number): Promise<void> {
    const running = this.running.get(jobId);
    if (running) {
      // Applied when the step returns (even while stopping), so the job keeps a single BullMQ job.
      running.nextAt = Math.min(running.nextAt ?? at, at);
      return;
    }
    // The job stays in the store, and the next start schedules it again.
    if (this.state === 'stopped') return;
    const existing = await this.queue().getJob(bullIdOf(jobId));
    if (existing && (await bringForward(existing, at))) return;
    // Should another process add it first, BullMQ ignores this one: its time stands.
    await this.queue().add(STEP, { jobId, at }, { jobId: bullIdOf(jobId), delay: delayUntil(at) });
  }

  async stop(graceMs: number): Promise<void> {
    this.state = 'stopping';
    if (this.consumer) {
      const { worker, client } = this.consumer;
      await worker.pause(true);
      const finished = await settlesWithin(Promise.allSettled(this.processing), graceMs);
      // Forced, a straggler's lock lapses and another process runs its step again.
      await worker.close(!finished);
      await closeConnection(client);
    }
    this.state = 'stopped';
    if (this.producer) {
      await this.producer.queue.close();
      await closeConnection(this.producer.client);
    }
  }

  private get name(): string {
    return this.options.queueName ?? 'job-steps';
  }

  private get prefix(): string {
    return this.options.prefix ?? 'bull';
  }

  /** The queue steps are added to; opened on first use, since a job may be scheduled before `start`. */
  private queue(): Queue<StepData> {
    if (!this.producer) {
      const client = redisClient(this.options.redisUrl, { failFast: true });
      const queue = new Queue<StepData>(this.name, {
        connection: client,
        prefix: this.prefix,
        // A step whose re-delay failed (Redis went away mid-step) is retried, not dropped.
        defaultJobOptions: {
          removeOnComplete: true,
          removeOnFail: true,
          attempts: STEP_ATTEMPTS,
          backoff: { type: 'step-retry' },
        },
      });
      queue.on('error', (error) => this.log.warn({ err: error }, 'job step queue error'));
      this.producer = { queue, client };
    }
    return this.producer.queue;
  }

  private async run(job: Job<StepData>, token: string | undefined, step: JobStep): Promise<void> {
    const { jobId } = job.data;
    // Fetched as this process stops: handed straight back for another process.
    if (this.state !== 'running') return delayStep(job, Date.now(), token);
    const running: RunningStep = { nextAt: undefined };
    this.running.set(jobId, running);
    try {
      await step(jobId);
    } finally {
      this.running.delete(jobId);
    }
    if (running.nextAt !== undefined) await delayStep(job, running.nextAt, token);
  }

  private track(run: Promise<void>): Promise<void> {
    this.processing.add(run);
    const forget = () => void this.processing.delete(run);
    run.then(forget, forget);
    return run;
  }
}

/**
 * Moves the job's BullMQ job back to delayed for its next step, BullMQ's documented way for a
 * processor: the DelayedError tells the worker the job was moved, not failed.
 */
async function delayStep(job: Job<StepData>, at: number, token: string | undefined): Promise<never> {
  await job.updateData({ ...job.data, at });
  await job.moveToDelayed(at, token);
  throw new DelayedError();
}

/**
 * Brings a waiting step forward to `at`, never back. A step already due runs anyway, and a
 * running one sets the job's next time itself. False only once the job has finished and is gone.
 */
async function bringForward(job: Job<StepData>, at: number): Promise<boolean> {
  if (job.data.at <= at) return true;
  try {
    // Data first: should the step start meanwhile, its own next time overwrites this one.
    await job.updateData({ ...job.data, at });
    await job.changeDelay(delayUntil(at));
    return true;
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? error.code : undefined;
    if (code === ErrorCode.JobNotInState) return true;
    if (code === ErrorCode.JobNotExist) return false;
    throw error;
  }
}

const delayUntil = (at: number) => Math.max(0, at - Date.now());

/** Failed attempts over a job's whole life before its step is dropped (the next start resumes it). */
const STEP_ATTEMPTS = 20;

/** One second after the first failure, doubling up to a minute. */
const retryDelay = (attemptsMade: number) => Math.min(1_000 * 2 ** Math.max(0, attemptsMade - 1), 60_000);

// Bot job ids are snowflakes, and BullMQ refuses custom ids that read as integers.
const bullIdOf = (jobId: string) => `job-${jobId}`;
const jobIdOf = (bullId: string) => bullId.replace(/^job-/, '');

/**
 * An ioredis connection for BullMQ, the client it is built and tested on: it recognises
 * ioredis's connection errors and waits between retries, where with other clients a worker
 * whose Redis went away retries in a tight loop. The producer's fails at once while Redis is
 * away, as the store's does, so a caller hears of it; the worker's waits for Redis to return.
 */
function redisClient(url: string, { failFast }: { failFast: boolean }): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: failFast ? 1 : null,
    enableOfflineQueue: !failFast,
    connectTimeout: 2_000,
    retryStrategy: (attempts) => Math.min(100 * 2 ** attempts, 2_000),
  });
}

/** Quits a connection unless BullMQ, closing its worker or queue, already ended it. */
async function closeConnection(client: Redis): Promise<void> {
  if (client.status !== 'end') await client.quit();
}

/** Whether `promise` settles within `ms`. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(resolve, ms, false);
  });
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
