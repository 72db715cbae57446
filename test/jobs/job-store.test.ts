import { describe, expect, it, onTestFinished } from 'vitest';
import type { Job } from '../../src/jobs/job.js';
import { jobStoreIn, MemoryJobStore } from '../../src/jobs/job-store.js';
import { openStore, type StoreLocation } from '../../src/store/store.js';
import { ownRedis, redisSkipReason } from '../support/redis.js';
import { tempFileForTest } from '../support/temp-file.js';

/** Job records on a real SQLite store, including those older versions of the bot wrote. */

const skipReason = redisSkipReason();
const redis = ownRedis();
const DAY_MS = 24 * 60 * 60 * 1000;

/** Written out rather than `testOrigin()`: records older bots stored must not change when the shared fixture does. */
const origin = {
  interactionId: '1000000000000000001',
  token: 'token',
  tokenExpiresAt: Date.UTC(2026, 10, 26, 12, 15),
  applicationId: '2000000000000000001',
  guildId: '3000000000000000001',
  channelId: '4000000000000000001',
  userId: '5000000000000000001',
  attachmentSizeLimit: 10 * 1024 * 1024,
  channelNsfw: false,
};

/** A job waiting in line, as the bot stored it before requests were keyed by option name. */
const storedBeforeCatalog = {
  id: origin.interactionId,
  origin,
  request: { prompt: 'a heron at dawn', negativePrompt: 'people', size: '480*832', seed: 42, promptExpansion: true },
  state: 'waiting',
  createdAt: Date.UTC(2026, 10, 26, 12),
  revision: 1,
  polls: 0,
};

async function jobStore() {
  const store = await openStore({ kind: 'sqlite', path: await tempFileForTest('bot.sqlite') });
  onTestFinished(() => store.close());
  return { keyv: store.keyv<Job>('jobs'), jobs: jobStoreIn(store) };
}

describe('KeyvJobStore', () => {
  it('reads a job stored before requests were keyed by option name with each option under its name', async () => {
    const { keyv, jobs } = await jobStore();
    await keyv.set(storedBeforeCatalog.id, storedBeforeCatalog as unknown as Job);

    const request = {
      model: 't2v-plus-480p',
      prompt: 'a heron at dawn',
      negative_prompt: 'people',
      size: '480*832',
      seed: 42,
      prompt_expansion: true,
    };
    expect((await jobs.get(storedBeforeCatalog.id))?.request).toEqual(request);
    expect((await jobs.unfinished()).map((job) => job.request)).toEqual([request]);
  });

  it('reads a job stored before requests named their model as text to video at 480p, the one model there was', async () => {
    const { keyv, jobs } = await jobStore();
    const request = {
      prompt: 'a heron at dawn',
      negative_prompt: 'people',
      size: '480*832',
      seed: 42,
      prompt_expansion: true,
    };
    await keyv.set(storedBeforeCatalog.id, { ...storedBeforeCatalog, request } as unknown as Job);

    expect((await jobs.get(storedBeforeCatalog.id))?.request).toStrictEqual({ model: 't2v-plus-480p', ...request });
    expect((await jobs.unfinished()).map((job) => job.request)).toStrictEqual([{ model: 't2v-plus-480p', ...request }]);
  });

  it('leaves out a negative prompt such a job did not have', async () => {
    const { keyv, jobs } = await jobStore();
    const { negativePrompt: _, ...request } = storedBeforeCatalog.request;
    await keyv.set(storedBeforeCatalog.id, { ...storedBeforeCatalog, request } as unknown as Job);

    expect((await jobs.get(storedBeforeCatalog.id))?.request).toStrictEqual({
      model: 't2v-plus-480p',
      prompt: 'a heron at dawn',
      size: '480*832',
      seed: 42,
      prompt_expansion: true,
    });
  });

  it('reads back a job it saved exactly as it was', async () => {
    const { jobs } = await jobStore();
    const job: Job = {
      ...storedBeforeCatalog,
      revision: 0,
      state: 'waiting',
      request: {
        model: 't2v-plus-480p',
        prompt: 'a heron at dawn',
        size: '832*480',
        seed: -1,
        prompt_expansion: false,
      },
    };
    expect(await jobs.save(job)).toEqual({ written: true });

    expect(await jobs.get(job.id)).toEqual(job);
    expect(await jobs.unfinished()).toEqual([job]);
  });

  it('keeps a finished job 30 days, for the buttons under its video, and one under way until it ends', async () => {
    const { keyv, jobs } = await jobStore();
    const job = {
      ...storedBeforeCatalog,
      revision: 0,
      request: { model: 't2v-plus-480p', prompt: 'x', seed: 7 },
    } as unknown as Job;
    await jobs.save(job);
    expect((await keyv.getRaw(job.id))?.expires).toBeUndefined();
    await jobs.save({ ...job, state: 'done', revision: 1 });

    const expires = (await keyv.getRaw(job.id))?.expires ?? 0;
    expect(Math.abs(expires - (Date.now() + 30 * DAY_MS))).toBeLessThan(60_000);
    expect(await jobs.get(job.id)).toMatchObject({ state: 'done', request: { seed: 7 } });
  });
});

/** A job as the runner first records it, in line. */
const waiting: Job = {
  ...(storedBeforeCatalog as unknown as Job),
  revision: 0,
  request: { model: 't2v-plus-480p', prompt: 'a heron at dawn', size: '832*480', seed: 42, prompt_expansion: false },
};

const backends: Array<[string, () => Promise<StoreLocation> | undefined, string | undefined]> = [
  ['in memory', () => undefined, undefined],
  ['on SQLite', async () => ({ kind: 'sqlite', path: await tempFileForTest('bot.sqlite') }), undefined],
  ['on Redis', async () => ({ kind: 'redis', url: redis.url }), skipReason],
];

describe.each(backends)('KeyvJobStore %s, written by several processes', (_name, locate, skip) => {
  /** A job store on its own connection, as each process has; all of them on one backend. */
  async function connections(count: number) {
    const location = await locate();
    if (!location) {
      const jobs = new MemoryJobStore();
      return Array.from({ length: count }, () => jobs);
    }
    const stores = await Promise.all(Array.from({ length: count }, () => openStore(location)));
    onTestFinished(() => Promise.all(stores.map((store) => store.close())).then(() => {}));
    return stores.map(jobStoreIn);
  }

  it('writes a job only over the revision it was read at, and hands back the newer record', async (context) => {
    if (skip) return context.skip(skip);
    const [one, two] = await connections(2);
    if (!one || !two) throw new Error('two connections expected');
    const id = `${Date.now()}${Math.floor(Math.random() * 1e6)}`;
    const job = { ...waiting, id };
    expect(await one.save(job)).toEqual({ written: true });
    // Created once: a second record for the same interaction is refused.
    expect(await two.save({ ...job, createdAt: 1 })).toEqual({ written: false, stored: job });

    const submitting: Job = { ...job, state: 'submitting', revision: 1 };
    const cancelled: Job = { ...job, state: 'done', cancelledBy: job.origin.userId, revision: 1 };
    const outcomes = await Promise.all([one.save(submitting), two.save(cancelled)]);
    // Both read revision 0: one lands, and the other is handed that record instead of overwriting it.
    const winner = outcomes[0].written ? submitting : cancelled;
    expect(outcomes).toEqual(
      outcomes[0].written
        ? [{ written: true }, { written: false, stored: submitting }]
        : [{ written: false, stored: cancelled }, { written: true }],
    );
    expect(await two.get(id)).toEqual(winner);
    expect(await one.save({ ...winner, polls: 1, revision: 2 })).toEqual({ written: true });
  });
});
