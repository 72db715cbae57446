import { describe, expect, it, onTestFinished, vi } from 'vitest';
import type { Job } from '../../src/jobs/job.js';
import { KeyvJobStore } from '../../src/jobs/job-store.js';
import { openStore } from '../../src/store/store.js';
import { tempFileForTest } from '../support/temp-file.js';

/** Job records on a real SQLite store, including those older versions of the bot wrote. */

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
  const keyv = store.keyv<Job>('jobs');
  return { keyv, jobs: new KeyvJobStore(keyv) };
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
      state: 'waiting',
      request: {
        model: 't2v-plus-480p',
        prompt: 'a heron at dawn',
        size: '832*480',
        seed: -1,
        prompt_expansion: false,
      },
    };
    await jobs.save(job);

    expect(await jobs.get(job.id)).toEqual(job);
    expect(await jobs.unfinished()).toEqual([job]);
  });

  it('keeps a finished job 30 days, for the buttons under its video, and one under way until it ends', async () => {
    const { keyv, jobs } = await jobStore();
    const set = vi.spyOn(keyv, 'set');
    const job = { ...storedBeforeCatalog, request: { model: 't2v-plus-480p', prompt: 'x', seed: 7 } } as unknown as Job;
    await jobs.save(job);
    await jobs.save({ ...job, state: 'done' });

    expect(set.mock.calls.map(([, , ttl]) => ttl)).toEqual([undefined, 30 * 24 * 60 * 60 * 1000]);
    expect(await jobs.get(job.id)).toMatchObject({ state: 'done', request: { seed: 7 } });
  });
});
