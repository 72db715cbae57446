import Keyv from 'keyv';
import { type AtomicEntries, MemoryAtomicEntries } from '../store/atomic-entries.js';
import type { Store } from '../store/store.js';
import { storedRequest } from '../video/stored-request.js';
import type { Job, JobOrigin } from './job.js';

/** Port for durable job records. */
export interface JobStore {
  /**
   * Writes `job` as its record's next revision: only while the stored record is still revision
   * `job.revision - 1` (none at all for revision 0), in one atomic compare-and-set. When another
   * write came first, nothing is written and the record as it is stored now comes back, for the
   * writer to apply its change to again or to yield to.
   */
  save(job: Job): Promise<Saved>;
  get(id: string): Promise<Job | undefined>;
  /** Every job not yet `done`, for resuming after a restart. */
  unfinished(): Promise<Job[]>;
  /**
   * The id of the job a provider prediction belongs to, for callbacks and `/video-show`, which
   * name only the prediction; `undefined` when the store keeps no such index.
   */
  byPrediction(predictionId: string): Promise<string | undefined>;
  /**
   * A member's latest finished jobs in one place (a server, or `guildId` `null`: their DMs),
   * newest first, at most {@link HISTORY_LENGTH}; none when the store keeps no such index.
   */
  recent(place: MemberPlace): Promise<Job[]>;
}

/** What a {@link JobStore.save} did: `stored` is the newer record that stood (`undefined`: none at all). */
export type Saved = { written: true } | { written: false; stored: Job | undefined };

/** Whose jobs, and where: a server's id (the bot in it or not), or `null` for DMs and group DMs. */
export type MemberPlace = Pick<JobOrigin, 'guildId' | 'userId'>;

/** How many finished jobs a member's index keeps in each place, for `/video-history`. */
export const HISTORY_LENGTH = 10;

const DAY_MS = 24 * 60 * 60 * 1000;
/**
 * Finished jobs are kept this long, then expire: the buttons under a video read its record (its
 * options, its requester), so they work this long after it was made. The records live in the
 * store, not in the process, so keeping more of them costs no memory.
 */
export const FINISHED_JOB_RETENTION_MS = 30 * DAY_MS;
/**
 * A prediction id leads to its job for as long as the job's record is kept (`/video-show` finds
 * a video by the id its message shows); written when generation starts, a day before a record
 * can finish, so it outlives the record it points to.
 */
const PREDICTION_RETENTION_MS = FINISHED_JOB_RETENTION_MS + DAY_MS;

/**
 * What Keyv cannot query, kept as entries beside the records: prediction id → job id, and for
 * each member and place an object of their latest finished job ids, each field the job's
 * `createdAt`. The object's fields are written one by one with {@link AtomicEntries}, so two
 * processes settling the same member's jobs at once (on Redis) both land; it expires with the
 * last record it lists.
 */
export interface JobIndexes {
  predictions: Keyv<string>;
  members: Keyv<Record<string, number>>;
  memberEntries: AtomicEntries;
}

const MEMBERS_NAMESPACE = 'job-by-member';

/** The job indexes on the bot's store. */
function jobIndexesIn(store: Store): JobIndexes {
  return {
    predictions: store.keyv('job-by-prediction'),
    members: store.keyv(MEMBERS_NAMESPACE),
    memberEntries: store.atomic(MEMBERS_NAMESPACE),
  };
}

const JOBS_NAMESPACE = 'jobs';

/** The job records on the bot's store, with their indexes. */
export function jobStoreIn(store: Store): KeyvJobStore {
  return new KeyvJobStore(store.keyv(JOBS_NAMESPACE), store.atomic(JOBS_NAMESPACE), jobIndexesIn(store));
}

/**
 * Job records in a Keyv namespace; works on SQLite, Redis and Keyv's in-memory map. Each save is a
 * compare-and-set on the record's `revision` through {@link AtomicEntries}, in Keyv's own format.
 */
export class KeyvJobStore implements JobStore {
  constructor(
    private readonly keyv: Keyv<Job>,
    /** Atomic changes to `keyv`'s entries, for the compare-and-set. */
    private readonly records: AtomicEntries,
    /** Left out (tests), no job is found by prediction or member. */
    private readonly indexes?: JobIndexes,
  ) {}

  async save(job: Job): Promise<Saved> {
    // As the job is now: its holder may change it before a SQLite batch serializes it.
    const record = structuredClone(job);
    const done = record.state === 'done';
    // Indexed before the record says done: a done record is never saved again, a delivering one is.
    if (this.indexes && done && record.outcome) await this.listForMember(record, this.indexes);
    const outcome = await this.records.apply({
      record: {
        key: record.id,
        field: 'revision',
        from: record.revision === 0 ? null : record.revision - 1,
        value: record,
        ...(done && { expires: Date.now() + FINISHED_JOB_RETENTION_MS }),
      },
    });
    if (!outcome.applied) {
      const stored = 'record' in outcome ? (outcome.record?.value as Job | undefined) : undefined;
      return { written: false, stored: stored && upgraded(stored) };
    }
    // Written with the job's first save as generating, before any callback can name the prediction.
    if (this.indexes && record.predictionId && record.state === 'generating' && record.polls === 0) {
      await this.indexes.predictions.set(record.predictionId, record.id, PREDICTION_RETENTION_MS);
    }
    return { written: true };
  }

  async byPrediction(predictionId: string): Promise<string | undefined> {
    return this.indexes?.predictions.get(predictionId);
  }

  async recent(place: MemberPlace): Promise<Job[]> {
    if (!this.indexes) return [];
    const listed = (await this.indexes.members.get(memberKey(place))) ?? {};
    const ids = newestFirst(listed).slice(0, HISTORY_LENGTH);
    if (ids.length === 0) return [];
    const jobs = await this.keyv.getMany(ids);
    // A record may have expired just before its entry.
    return jobs.filter((job): job is Job => job !== undefined).map(upgraded);
  }

  /**
   * Adds the job to its member's latest and drops those past {@link HISTORY_LENGTH}. Each is a
   * field written on its own: what another process adds meanwhile stays, and what it drops had
   * that many newer jobs, so the latest are always listed (a few more for a while at most).
   */
  private async listForMember(job: Job, { members, memberEntries }: JobIndexes): Promise<void> {
    const key = memberKey(job.origin);
    const listed = { ...(await members.get(key)), [job.id]: job.createdAt };
    const dropped = new Set(newestFirst(listed).slice(HISTORY_LENGTH));
    const fields = [
      ...(dropped.has(job.id) ? [] : [{ key, field: job.id, value: job.createdAt, ttlMs: FINISHED_JOB_RETENTION_MS }]),
      ...[...dropped]
        .filter((id) => id !== job.id)
        .map((id) => ({ key, field: id, value: null, ttlMs: FINISHED_JOB_RETENTION_MS })),
    ];
    if (fields.length > 0) await memberEntries.apply({ fields });
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

/** A member's index entry: `<guild id or dm>:<user id>`. */
function memberKey({ guildId, userId }: MemberPlace): string {
  return `${guildId ?? 'dm'}:${userId}`;
}

/** The job ids of an index entry, latest request first; ties (same millisecond) go by id, a snowflake. */
function newestFirst(listed: Record<string, number>): string[] {
  return Object.entries(listed)
    .sort(([idA, a], [idB, b]) => b - a || idB.length - idA.length || (idB > idA ? 1 : idB < idA ? -1 : 0))
    .map(([id]) => id);
}

/** A record in this version's shape: older versions stored the request under other names. */
function upgraded(job: Job): Job {
  return { ...job, request: storedRequest(job.request) };
}

/** Job records in memory, for tests and stand-ins; no job is found by prediction or member. */
export class MemoryJobStore extends KeyvJobStore {
  constructor() {
    const map = new Map<string, string>();
    const keyv = new Keyv<Job>({ store: map, namespace: JOBS_NAMESPACE });
    super(keyv, new MemoryAtomicEntries(map, keyv, JOBS_NAMESPACE));
  }
}
