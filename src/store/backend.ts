import type { Config } from '../config.js';
import { type GenerationLine, MemoryGenerationLine } from '../jobs/generation-line.js';
import type { StepLanes } from '../jobs/job-context.js';
import { RedisGenerationLine } from '../jobs/redis-generation-line.js';
import { StepScheduler } from '../jobs/scheduler.js';
import type { Logger } from '../logger.js';
import { createLedger } from '../quota/create-ledger.js';
import { QUOTA_NAMESPACE } from '../quota/keyv-ledger.js';
import type { QuotaLedger } from '../quota/ledger.js';
import { migrateRedisQuotas, migrateSqliteQuotas } from '../quota/legacy-quotas.js';
import { openDriver, type Store, type StoreDriver, type StoreLocation, storeOn } from './store.js';

/**
 * Everything that lives on `STORE_URL`. A SQLite file serves one process: the line and the step
 * lanes live in it. Processes sharing Redis share the line there and the steps through BullMQ.
 */
export interface Backend {
  store: Store;
  ledger: QuotaLedger;
  line: GenerationLine;
  steps: StepLanes;
  /** Closes the store. The step lanes are stopped by whoever started them (the job runner). */
  close(): Promise<void>;
}

export interface BackendOptions {
  /**
   * How long a generation slot stays taken without being given back, on Redis: longer than any
   * job holds one; it only frees the slot of a job whose every process died.
   */
  slotTtlMs: number;
}

/** Whether several processes can share the work on this store (`start:sharded` needs it). */
export function sharesWork(location: StoreLocation): boolean {
  return location.kind === 'redis';
}

/**
 * Opens the bot's store (claiming a SQLite file for this process), moves quotas kept in an earlier
 * layout into it, and builds the ledger, the generation line and the step lanes on it. The one
 * place where SQLite or Redis is decided.
 */
export async function openBackend(config: Config, logger: Logger, { slotTtlMs }: BackendOptions): Promise<Backend> {
  const driver = await openDriver(config.store, { exclusive: true });
  const store = await storeOn(config.store, driver);
  try {
    const moved = await migrateQuotas(driver, store);
    if (moved > 0) logger.info({ moved }, 'moved quotas kept in the earlier layout into the quota entries');
    const slots = config.wavespeed.maxConcurrency;
    return {
      store,
      ledger: createLedger(store),
      line:
        driver.kind === 'sqlite'
          ? new MemoryGenerationLine(slots)
          : new RedisGenerationLine(driver.client, { slots, slotTtlMs }),
      steps: await stepLanes(config, logger),
      close: () => store.close(),
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}

function migrateQuotas(driver: StoreDriver, store: Store): Promise<number> {
  const keyv = store.keyv(QUOTA_NAMESPACE);
  return driver.kind === 'sqlite' ? migrateSqliteQuotas(driver.file, keyv) : migrateRedisQuotas(driver.client, keyv);
}

/**
 * One process on SQLite runs its own steps; processes sharing Redis share them through BullMQ,
 * which is loaded only then (it is a sizeable share of an idle bot's memory). Provider calls
 * and deliveries each get a queue of their own, so a stuck delivery never holds a provider slot.
 */
async function stepLanes(config: Config, logger: Logger): Promise<StepLanes> {
  const provider = config.wavespeed.maxConcurrency;
  const delivery = config.delivery.concurrency;
  if (config.store.kind === 'sqlite') {
    return {
      provider: new StepScheduler({ maxInFlight: provider }),
      delivery: new StepScheduler({ maxInFlight: delivery }),
    };
  }
  const { BullStepQueue } = await import('../jobs/bullmq-steps.js');
  const shared = { redisUrl: config.store.url, lockMs: config.stepLockMs, stalledCheckMs: config.stepLockMs, logger };
  return {
    provider: new BullStepQueue({ ...shared, concurrency: provider }),
    // Each process runs its own downloads and uploads: the bound is per process, not global.
    delivery: new BullStepQueue({ ...shared, concurrency: delivery, queueName: 'job-deliveries', perProcess: true }),
  };
}
