import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Job } from '../../src/jobs/job.js';
import { FINISHED_JOB_RETENTION_MS, HISTORY_LENGTH, jobStoreIn, type MemberPlace } from '../../src/jobs/job-store.js';
import { openStore, type Store, type StoreLocation } from '../../src/store/store.js';
import { ownRedis, redisSkipReason } from '../support/redis.js';
import { tempFileForTest } from '../support/temp-file.js';

/**
 * The job store's indexes (prediction → job, a member's latest jobs in a place), on a real SQLite
 * file and a real Redis: Keyv has no queries, so `/video-show` and `/video-history` read these.
 */

const skipReason = redisSkipReason();
const redis = ownRedis();

const GUILD = '3000000000000000001';
const OTHER_GUILD = '3000000000000000002';
const MEMBER = '5000000000000000001';
const OTHER_MEMBER = '5000000000000000002';
const T0 = Date.UTC(2026, 10, 26, 12);

/** A finished job, the `n`th its member asked for (one a second). */
function finished(n: number, place: Partial<MemberPlace> = {}, overrides: Partial<Job> = {}): Job {
  const id = String(1_000_000_000_000_000_000n + BigInt(n));
  return {
    id,
    origin: {
      interactionId: id,
      token: '',
      tokenExpiresAt: T0,
      applicationId: '2000000000000000001',
      guildId: GUILD,
      channelId: '4000000000000000001',
      userId: MEMBER,
      attachmentSizeLimit: 10 * 1024 * 1024,
      channelNsfw: false,
      ...place,
    },
    request: { model: 't2v-plus-480p', prompt: `take ${n}`, size: '832*480', seed: n, prompt_expansion: false },
    state: 'done',
    createdAt: T0 + n * 1000,
    revision: 0,
    polls: 2,
    predictionId: `prediction${n}`,
    outcome: { kind: 'video', url: `https://example.test/${n}.mp4`, nsfw: false, generationMs: 30_000 },
    deliveredVia: 'reply',
    ...overrides,
  };
}

const backends: Array<[string, () => Promise<StoreLocation>, string | undefined]> = [
  ['on SQLite', async () => ({ kind: 'sqlite', path: await tempFileForTest('bot.sqlite') }), undefined],
  ['on Redis', async () => ({ kind: 'redis', url: redis.url }), skipReason],
];

describe.each(backends)('job indexes %s', (_name, locate, skip) => {
  let location: StoreLocation;
  const stores: Store[] = [];
  const open = async () => {
    const store = await openStore(location);
    stores.push(store);
    return { store, jobs: jobStoreIn(store) };
  };

  beforeEach(async (context) => {
    if (skip) return context.skip(skip);
    if (location?.kind === 'redis') await redis.flush();
    location = await locate();
  });
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((store) => store.close()));
  });

  it('finds a job by its prediction id from its first save as generating, for as long as its finished record is kept', async () => {
    const { store, jobs } = await open();
    const { outcome, ...generating } = finished(1, {}, { state: 'generating', polls: 0 });
    await jobs.save(generating);
    await jobs.save({ ...generating, state: 'done', revision: 1, ...(outcome && { outcome }) });
    const job = generating;

    expect(await jobs.byPrediction('prediction1')).toBe(job.id);
    expect(await jobs.byPrediction('prediction2')).toBeUndefined();
    const [index, record] = await Promise.all([
      store.keyv('job-by-prediction').getRaw('prediction1'),
      store.keyv('jobs').getRaw(job.id),
    ]);
    expect(index?.expires).toBeGreaterThan(record?.expires ?? Number.POSITIVE_INFINITY);
  });

  it("lists a member's latest finished jobs in one place, newest first, and no one else's", async () => {
    const { jobs } = await open();
    for (const n of [3, 1, 2]) await jobs.save(finished(n));
    await jobs.save(finished(4, { guildId: OTHER_GUILD }));
    await jobs.save(finished(5, { userId: OTHER_MEMBER }));
    await jobs.save(finished(6, { guildId: null }));
    // Still being made, or withdrawn before anyone saw it: not listed.
    await jobs.save(finished(7, {}, { state: 'delivering' }));
    const withdrawn = finished(8);
    delete withdrawn.outcome;
    await jobs.save(withdrawn);

    const seeds = async (place: MemberPlace) => (await jobs.recent(place)).map((job) => job.request.seed);
    expect(await seeds({ guildId: GUILD, userId: MEMBER })).toEqual([3, 2, 1]);
    expect(await seeds({ guildId: OTHER_GUILD, userId: MEMBER })).toEqual([4]);
    expect(await seeds({ guildId: GUILD, userId: OTHER_MEMBER })).toEqual([5]);
    expect(await seeds({ guildId: null, userId: MEMBER })).toEqual([6]);
    expect(await seeds({ guildId: null, userId: OTHER_MEMBER })).toEqual([]);
  });

  it(`keeps the ${HISTORY_LENGTH} latest, dropping older entries as newer jobs settle, and expires with the last record it lists`, async () => {
    const { store, jobs } = await open();
    for (let n = 1; n <= HISTORY_LENGTH + 5; n++) await jobs.save(finished(n));
    // A job asked for long ago that settles late is older than all ten: it is not listed.
    await jobs.save(finished(0));

    const listed = (await jobs.recent({ guildId: GUILD, userId: MEMBER })).map((job) => job.request.seed);
    expect(listed).toEqual([15, 14, 13, 12, 11, 10, 9, 8, 7, 6]);
    const index = await store.keyv<Record<string, number>>('job-by-member').getRaw(`${GUILD}:${MEMBER}`);
    expect(Object.keys(index?.value ?? {})).toHaveLength(HISTORY_LENGTH);
    const record = await store.keyv('jobs').getRaw(finished(15).id);
    expect(index?.expires).toBeGreaterThanOrEqual((record?.expires ?? 0) - 60_000);
    expect(index?.expires).toBeLessThanOrEqual(Date.now() + FINISHED_JOB_RETENTION_MS + 60_000);
  });

  it('skips an entry whose record has expired before it', async () => {
    const { store, jobs } = await open();
    for (const n of [1, 2]) await jobs.save(finished(n));
    await store.keyv('jobs').delete(finished(2).id);
    expect((await jobs.recent({ guildId: GUILD, userId: MEMBER })).map((job) => job.id)).toEqual([finished(1).id]);
  });

  it("loses none of a member's jobs that two processes settle at the same moment", async () => {
    const [one, two] = [await open(), await open()];
    // Every save reads the member's entry before any writes it: a whole-entry rewrite would keep one.
    const settling = Array.from({ length: 8 }, (_, n) => (n % 2 === 0 ? one : two).jobs.save(finished(n + 1)));
    await Promise.all(settling);

    const listed = (await one.jobs.recent({ guildId: GUILD, userId: MEMBER })).map((job) => job.request.seed);
    expect(listed).toEqual([8, 7, 6, 5, 4, 3, 2, 1]);
  });
});
