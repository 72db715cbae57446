import type Keyv from 'keyv';
import { storedRequest } from '../video/stored-request.js';
import type { Job } from './job.js';

/** Port for durable job records. */
export interface JobStore {
  save(job: Job): Promise<void>;
  get(id: string): Promise<Job | undefined>;
  /** Every job not yet `done`, for resuming after a restart. */
  unfinished(): Promise<Job[]>;
  /**
   * The id of the job a provider prediction belongs to, for callbacks that name only the
   * prediction; `undefined` when the store keeps no such index.
   */
  byPrediction(predictionId: string): Promise<string | undefined>;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/**
 * Finished jobs are kept this long, then expire: the buttons under a video read its record (its
 * options, its requester), so they work this long after it was made. The records live in the
 * store, not in the process, so keeping more of them costs no memory.
 */
export const FINISHED_JOB_RETENTION_MS = 30 * DAY_MS;
/** A prediction is looked up only by the provider's callbacks, which stop when it drops its outputs. */
const PREDICTION_RETENTION_MS = 7 * DAY_MS;

/** Job records in a Keyv namespace; works on SQLite, Redis and Keyv's in-memory map. */
export class KeyvJobStore implements JobStore {
  constructor(
    private readonly keyv: Keyv<Job>,
    /** Prediction id → job id; left out when no callback will ask, which saves a write per job. */
    private readonly predictions?: Keyv<string>,
  ) {}

  async save(job: Job): Promise<void> {
    await this.keyv.set(job.id, job, job.state === 'done' ? FINISHED_JOB_RETENTION_MS : undefined);
    // Written with the job's first save as generating, before any callback can name the prediction.
    if (this.predictions && job.predictionId && job.state === 'generating' && job.polls === 0) {
      await this.predictions.set(job.predictionId, job.id, PREDICTION_RETENTION_MS);
    }
  }

  async byPrediction(predictionId: string): Promise<string | undefined> {
    return this.predictions?.get(predictionId);
  }

  async get(id: string): Promise<Job | undefined> {
    const job = await this.keyv.get(id);
    return job && upgraded(job);
  }

  async unfinished(): Promise<Job[]> {
    if (!this.keyv.iterator) throw new Error('the job store cannot list its records');
    const jobs: Job[] = [];
    // Keyv binds the iterator to its own namespace; the argument is unused.
    for await (const [, job] of this.keyv.iterator(undefined)) {
      if (job && (job as Job).state !== 'done') jobs.push(upgraded(job as Job));
    }
    return jobs;
  }
}

/** A record in this version's shape: older versions stored the request under other names. */
function upgraded(job: Job): Job {
  return { ...job, request: storedRequest(job.request) };
}
