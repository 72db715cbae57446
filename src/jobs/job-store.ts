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

/** Finished jobs are kept this long (as long as the provider keeps outputs), then expire. */
const DONE_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

/** Job records in a Keyv namespace; works on SQLite, Redis and Keyv's in-memory map. */
export class KeyvJobStore implements JobStore {
  constructor(
    private readonly keyv: Keyv<Job>,
    /** Prediction id → job id; left out when no callback will ask, which saves a write per job. */
    private readonly predictions?: Keyv<string>,
  ) {}

  async save(job: Job): Promise<void> {
    await this.keyv.set(job.id, job, job.state === 'done' ? DONE_RETENTION_MS : undefined);
    // Written with the job's first save as generating, before any callback can name the prediction.
    if (this.predictions && job.predictionId && job.state === 'generating' && job.polls === 0) {
      await this.predictions.set(job.predictionId, job.id, DONE_RETENTION_MS);
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
