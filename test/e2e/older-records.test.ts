import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { commands } from '../../commands/index.js';
import { startBot } from '../../src/bot.js';
import type { Job } from '../../src/jobs/job.js';
import { openStore } from '../../src/store/store.js';
import { type Rig, startRig } from './rig.js';

/** Jobs in flight when the bot is upgraded resume on records the previous version wrote. */

let rig: Rig;
afterEach(async () => rig?.close());

describe('a job stored by the previous version', () => {
  it('resumes from the line and submits the options it was stored with', async () => {
    rig = await startRig({ env: { WAVESPEED_MAX_CONCURRENCY: '1' } });
    // The first video holds the only slot past the restart, so the second is still in line then.
    rig.wavespeed.nextSubmit({ durationMs: 2_000 });
    rig.discord.sendCommand({ name: 'video', options: { prompt: 'first in' } });
    await rig.wavespeed.waitForSubmits(1);
    const second = rig.discord.sendCommand({
      name: 'video',
      options: { prompt: 'second in', negative_prompt: 'people', size: '480*832', seed: 7, prompt_expansion: true },
      userId: '300000000000000001',
    });
    await second.waitForMessage((m) => m.content.includes('In line for the studio'));
    await rig.bot.stop();

    // Stored again as the version before the catalog wrote requests: two options camelCased.
    const store = await openStore(rig.config.store);
    const jobs = store.keyv<Job>('jobs');
    let waiting: Job | undefined;
    for await (const [, job] of jobs.iterator?.(undefined) ?? []) {
      if ((job as Job).state === 'waiting') waiting = job as Job;
    }
    if (!waiting) throw new Error('the second video was not in line');
    const request = { prompt: 'second in', negativePrompt: 'people', size: '480*832', seed: 7, promptExpansion: true };
    await jobs.set(waiting.id, { ...waiting, request } as unknown as Job);
    await store.close();
    expect(rig.wavespeed.submits).toHaveLength(1);

    rig.bot = await startBot(rig.config, pino({ level: 'silent' }), commands);
    const video = await second.waitForMessage((m) => m.attachments.length > 0);

    expect(rig.wavespeed.submits[1]?.body).toEqual({
      prompt: 'second in',
      negative_prompt: 'people',
      size: '480*832',
      duration: 5,
      enable_prompt_expansion: true,
      seed: 7,
    });
    expect(video.content).toContain('Portrait 480×832 · seed 7');
  });
});
