import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Keyv from 'keyv';
import pino from 'pino';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { discordText } from '../../src/discord/messages.js';
import { GuildSettingsStore } from '../../src/guilds/guild-settings.js';
import type { Delivered, Delivery, ResultPost } from '../../src/jobs/delivery.js';
import { MemoryGenerationLine } from '../../src/jobs/generation-line.js';
import type { Job, JobOrigin } from '../../src/jobs/job.js';
import { JobRunner } from '../../src/jobs/job-runner.js';
import { jobStoreIn, type KeyvJobStore } from '../../src/jobs/job-store.js';
import { PollPlanner } from '../../src/jobs/poll-planner.js';
import type { JobStep, StepQueue } from '../../src/jobs/scheduler.js';
import { VideoFiles } from '../../src/jobs/video-files.js';
import { PromptFilterStore } from '../../src/moderation/prompt-filters-store.js';
import type { Prediction, VideoProvider, VideoRequest } from '../../src/provider/video-provider.js';
import { createLedger } from '../../src/quota/create-ledger.js';
import { openStore, type Store, type StoreLocation } from '../../src/store/store.js';
import { testOrigin } from '../support/job-origin.js';
import { ownRedis, redisSkipReason } from '../support/redis.js';
import { tempFileForTest } from '../support/temp-file.js';

/**
 * A cancel pressed in one process racing a step of the same job in another, each on its own
 * connection to one store, as two bot processes on Redis are. The test decides whose write lands
 * first; whichever it is, the job ends one consistent way: never sent after a cancel that ended
 * it, never posted after a cancel that stood, counted or refunded once.
 */

const skipReason = redisSkipReason();
const redis = ownRedis();

/** The provider both processes call; its generations finish when the test says so. */
class ScriptedProvider implements VideoProvider {
  status: Prediction = { id: 'p1', status: 'processing' };
  submit = vi.fn(async (_request: VideoRequest) => ({ id: 'p1' }));
  result = vi.fn(async (id: string) => ({ ...this.status, id }));
  download = vi.fn(async () => 3);
  uploadImage = vi.fn(async () => 'https://media.test/image.png');
}

class NoVideoFiles extends VideoFiles {
  override async discard() {}
}

/** What reached the member from either process. */
class RecordingDelivery implements Delivery {
  readonly posts: ResultPost[] = [];
  async progress() {
    return true;
  }
  async post(_job: Job, post: ResultPost): Promise<Delivered> {
    this.posts.push(post);
    return { route: 'reply' };
  }
  replyOpen() {
    return true;
  }
}

/** Shared steps, as BullMQ's are, that run only when the test hands one to a process. */
class HandedSteps implements StepQueue {
  readonly shared = true;
  private step: JobStep = async () => {};
  async start(step: JobStep) {
    this.step = step;
  }
  async schedule() {}
  async stop() {}
  run(jobId: string): Promise<void> {
    return this.step(jobId);
  }
}

interface Process {
  runner: JobRunner;
  jobs: KeyvJobStore;
  line: MemoryGenerationLine;
  steps: { provider: HandedSteps; delivery: HandedSteps };
}

const jobOrigin: JobOrigin = testOrigin({ tokenExpiresAt: Date.now() + 15 * 60_000 });
const requester = { userId: jobOrigin.userId, moderator: false };
const request = {
  model: 't2v-plus-480p',
  prompt: 'a heron',
  size: '832*480',
  seed: 5,
  prompt_expansion: false,
} as const;
const completed: Prediction = { id: 'p1', status: 'completed', outputs: ['https://cdn.example/p1.mp4'], nsfw: [false] };

/** Holds a process's writes of the job that `which` picks until `release`; the rest pass. */
function holdWrites(jobs: KeyvJobStore, which: (job: Job) => boolean): { release(): void } {
  let release = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  const save = jobs.save.bind(jobs);
  vi.spyOn(jobs, 'save').mockImplementation(async (job) => {
    const copy = structuredClone(job);
    if (which(copy)) await held;
    return save(copy);
  });
  return { release };
}

const backends: Array<[string, () => Promise<StoreLocation>, string | undefined]> = [
  ['on SQLite', async () => ({ kind: 'sqlite', path: await tempFileForTest('bot.sqlite') }), undefined],
  ['on Redis', async () => ({ kind: 'redis', url: redis.url }), skipReason],
];

describe.each(backends)('a cancel and a step racing in two processes %s', (_name, locate, skip) => {
  let provider: ScriptedProvider;
  let delivery: RecordingDelivery;
  let store: Store;

  /** Two processes, each with its own connection to one store. */
  async function twoProcesses(): Promise<[Process, Process]> {
    const location = await locate();
    if (location.kind === 'redis') await redis.flush();
    provider = new ScriptedProvider();
    delivery = new RecordingDelivery();
    const open = async (): Promise<Process> => {
      const own = await openStore(location);
      const jobs = jobStoreIn(own);
      const steps = { provider: new HandedSteps(), delivery: new HandedSteps() };
      const line = new MemoryGenerationLine(2);
      const runner = new JobRunner(
        {
          jobs,
          ledger: createLedger(own),
          provider,
          delivery,
          text: discordText,
          files: new NoVideoFiles(join(tmpdir(), 'wan-bot-race-test')),
          settings: new GuildSettingsStore(new Keyv()),
          filters: new PromptFilterStore(new Keyv()),
          steps,
          line,
          planner: new PollPlanner(new Keyv(), pino({ level: 'silent' }), { guidanceMs: 5_000 }),
          logger: pino({ level: 'silent' }),
        },
        {
          quota: { userDaily: 5, userInstallDaily: 3, userConcurrent: 3, guildDaily: null, budgetDailyCents: null },
          jobTimeoutMs: 20 * 60_000,
          retryDelayMs: 5_000,
          submitGraceMs: 2 * 60_000,
          handoffNoticeMs: 3 * 60_000,
          outputMaxBytes: 100 * 1024 * 1024,
        },
      );
      await runner.resume();
      onTestFinished(async () => {
        await runner.stop(0);
        await own.close();
      });
      return { runner, jobs, line, steps };
    };
    store = await openStore(location);
    onTestFinished(() => store.close());
    return [await open(), await open()];
  }

  /** The member's quota and the job's record, read afresh from the store. */
  async function settled() {
    const usage = await createLedger(store).usage(jobOrigin.userId, jobOrigin.guildId, Date.now());
    return { usage, job: await jobStoreIn(store).get(jobOrigin.interactionId) };
  }

  it('sends nothing when the cancel ends the job in line before the step records its submit', async (context) => {
    if (skip) return context.skip(skip);
    const [a, b] = await twoProcesses();
    await a.runner.accept(jobOrigin, request, []);
    const submit = holdWrites(b.jobs, (job) => job.state === 'submitting');
    // B read the job in line and is about to record its submit.
    const step = b.steps.provider.run(jobOrigin.interactionId);
    await vi.waitFor(() => expect(b.jobs.save).toHaveBeenCalled());

    expect(await a.runner.cancel(jobOrigin.interactionId, requester)).toMatchObject({ kind: 'dropped' });
    submit.release();
    await step;

    expect(provider.submit).not.toHaveBeenCalled();
    expect(await settled()).toMatchObject({
      usage: { userUsed: 0, userInFlight: 0 },
      job: { state: 'done', cancelledBy: requester.userId, outcome: { reason: 'cancelled' } },
    });
  });

  it('stops at the provider a job whose submit was recorded first, and counts its video unposted', async (context) => {
    if (skip) return context.skip(skip);
    const [a, b] = await twoProcesses();
    await a.runner.accept(jobOrigin, request, []);
    const drop = holdWrites(a.jobs, (job) => job.state === 'done');
    // A read the job in line and is about to end it there; B submits it meanwhile.
    const cancel = a.runner.cancel(jobOrigin.interactionId, requester);
    await vi.waitFor(() => expect(a.jobs.save).toHaveBeenCalled());
    await b.steps.provider.run(jobOrigin.interactionId);
    expect(provider.submit).toHaveBeenCalledTimes(1);

    drop.release();
    expect(await cancel).toMatchObject({ kind: 'stopping' });
    provider.status = completed;
    await b.steps.provider.run(jobOrigin.interactionId);
    await b.steps.delivery.run(jobOrigin.interactionId);

    expect(provider.submit).toHaveBeenCalledTimes(1);
    expect(delivery.posts).toEqual([]);
    expect(await settled()).toMatchObject({
      usage: { userUsed: 1, userInFlight: 0 },
      job: {
        state: 'done',
        cancelledBy: requester.userId,
        outcome: { reason: 'cancelled', url: completed.outputs[0] },
      },
    });
  });

  it('keeps a cancel written while the poll that concludes the job was being recorded', async (context) => {
    if (skip) return context.skip(skip);
    const [a, b] = await twoProcesses();
    await a.runner.accept(jobOrigin, request, []);
    await b.steps.provider.run(jobOrigin.interactionId);
    provider.status = completed;
    const concluded = holdWrites(b.jobs, (job) => job.state === 'delivering');
    const poll = b.steps.provider.run(jobOrigin.interactionId);
    await vi.waitFor(() => expect(provider.result).toHaveBeenCalled());

    expect(await a.runner.cancel(jobOrigin.interactionId, requester)).toMatchObject({ kind: 'stopping' });
    concluded.release();
    await poll;
    await b.steps.delivery.run(jobOrigin.interactionId);

    expect(delivery.posts).toEqual([]);
    expect(await settled()).toMatchObject({
      usage: { userUsed: 1, userInFlight: 0 },
      job: { state: 'done', cancelledBy: requester.userId, outcome: { reason: 'cancelled' } },
    });
  });

  it('refuses a cancel that loses to the poll that concluded the job, which is delivered and counted once', async (context) => {
    if (skip) return context.skip(skip);
    const [a, b] = await twoProcesses();
    await a.runner.accept(jobOrigin, request, []);
    await b.steps.provider.run(jobOrigin.interactionId);
    provider.status = completed;
    const cancelling = holdWrites(a.jobs, (job) => job.cancelledBy !== undefined);
    // A read the job generating and is about to mark it cancelled; B concludes it meanwhile.
    const cancel = a.runner.cancel(jobOrigin.interactionId, requester);
    await vi.waitFor(() => expect(a.jobs.save).toHaveBeenCalled());
    await b.steps.provider.run(jobOrigin.interactionId);

    cancelling.release();
    expect(await cancel).toEqual({ kind: 'refused', why: 'finished' });
    await b.steps.delivery.run(jobOrigin.interactionId);

    expect(delivery.posts).toHaveLength(1);
    expect(await settled()).toMatchObject({
      usage: { userUsed: 1, userInFlight: 0 },
      job: { state: 'done', outcome: { kind: 'video' } },
    });
    expect((await settled()).job?.cancelledBy).toBeUndefined();
  });

  it('submits once when a step of the job, handed to the process submitting it, waited in line meanwhile', async (context) => {
    if (skip) return context.skip(skip);
    const [a] = await twoProcesses();
    const accepted = await a.runner.accept(jobOrigin, request, []);
    // The job's step read it in line and waits for its place, as the member's own start takes it on.
    let placed = () => {};
    const claim = a.line.claim.bind(a.line);
    vi.spyOn(a.line, 'claim').mockImplementationOnce(async (...args) => {
      await new Promise<void>((resolve) => {
        placed = resolve;
      });
      return claim(...args);
    });
    const step = a.steps.provider.run(jobOrigin.interactionId);
    await vi.waitFor(() => expect(a.line.claim).toHaveBeenCalled());
    await accepted.start(true);
    expect(provider.submit).toHaveBeenCalledTimes(1);

    placed();
    await step;
    expect(provider.submit).toHaveBeenCalledTimes(1);
    expect(await settled()).toMatchObject({ job: { state: 'generating', predictionId: 'p1' } });
  });
});
