import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Keyv from 'keyv';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { discordText } from '../../src/discord/messages.js';
import { GuildSettingsStore } from '../../src/guilds/guild-settings.js';
import { translator, type Wording } from '../../src/i18n/translator.js';
import type { Delivered, Delivery, ResultPost } from '../../src/jobs/delivery.js';
import { MemoryGenerationLine } from '../../src/jobs/generation-line.js';
import type { Job, JobOrigin } from '../../src/jobs/job.js';
import { JobRunner } from '../../src/jobs/job-runner.js';
import { MemoryJobStore, type Saved } from '../../src/jobs/job-store.js';
import { PollPlanner } from '../../src/jobs/poll-planner.js';
import { StepScheduler } from '../../src/jobs/scheduler.js';
import { DELIVERY_ATTEMPTS } from '../../src/jobs/settlement.js';
import { VideoFiles } from '../../src/jobs/video-files.js';
import { PromptFilterStore } from '../../src/moderation/prompt-filters-store.js';
import { ProviderUnavailableError } from '../../src/provider/errors.js';
import type { Prediction, VideoProvider, VideoRequest } from '../../src/provider/video-provider.js';
import { MemoryLedger } from '../../src/quota/memory-ledger.js';
import { modelOf } from '../../src/video/catalog.js';

/**
 * The runner's clock-driven behaviour, with fake timers: the member is told before the reply
 * token dies, and a job that never finishes is abandoned and refunded. The real adapters are
 * exercised end to end in test/e2e.
 */

const MINUTE = 60_000;
/** Generations at once, as a Bronze account allows. */
const SLOTS = 2;

/** A provider whose generations finish when the test says so. */
class ScriptedProvider implements VideoProvider {
  status: Prediction = { id: 'p1', status: 'processing' };
  submit = vi.fn(async (_request: VideoRequest) => ({ id: `p${this.submit.mock.calls.length}` }));
  result = vi.fn(async (id: string) => this.finished.get(id) ?? { ...this.status, id });
  /** Outcomes by prediction id, for tests with several generations; the rest report `status`. */
  readonly finished = new Map<string, Prediction>();
  /** Pretends to write a 3-byte video; the runner only passes its path and size on. */
  download = vi.fn(async () => 3);
  uploadImage = vi.fn(async () => 'https://media.test/image.png');
}

/**
 * The scripted provider writes no file, so there is none to remove; a real removal is I/O
 * that fake timers do not wait for.
 */
class NoVideoFiles extends VideoFiles {
  override async discard() {}
}

/** A result post as a member reading US English sees it. */
type WordedPost = Omit<ResultPost, 'content' | 'linkContent'> & { content: string; linkContent?: string };

/** Records what would reach Discord. */
class RecordingDelivery implements Delivery {
  readonly edits: string[] = [];
  readonly posts: WordedPost[] = [];
  /** Progress edits fail, as a Discord outage would make them. */
  editsFail = false;
  /** Posts that carry a file fail, as a Discord storm of 429s on uploads would make them. */
  uploadsFail = false;
  /** Every post fails. */
  postsFail = false;
  /** Posts tried, failed or not. */
  tried = 0;
  async progress(_origin: JobOrigin, content: Wording) {
    if (this.editsFail) return false;
    this.edits.push(content(translator('en-US')));
    return true;
  }
  async post(_job: Job, post: ResultPost): Promise<Delivered> {
    this.tried += 1;
    if (this.postsFail || (this.uploadsFail && post.file)) throw new Error('Discord answered 503');
    const en = translator('en-US');
    const { content, linkContent, ...rest } = post;
    this.posts.push({ ...rest, content: content(en), ...(linkContent && { linkContent: linkContent(en) }) });
    return { route: 'reply' };
  }
  replyOpen(origin: JobOrigin, now: number) {
    return now < origin.tokenExpiresAt - MINUTE;
  }
}

function origin(now: number, n = 1): JobOrigin {
  return {
    interactionId: `100000000000000000${n}`,
    token: 'token',
    tokenExpiresAt: now + 15 * MINUTE,
    applicationId: '2000000000000000001',
    guildId: '3000000000000000001',
    channelId: '4000000000000000001',
    userId: `500000000000000000${n}`,
    attachmentSizeLimit: 10 * 1024 * 1024,
    channelNsfw: false,
  };
}

let provider: ScriptedProvider;
let delivery: RecordingDelivery;
let ledger: MemoryLedger;
let runner: JobRunner;
let jobs: MemoryJobStore;
let line: MemoryGenerationLine;
let planner: PollPlanner;
/** The line's length at each load report, as the queue-length gauge sees it. */
let lineLengths: number[];

beforeEach(async () => {
  vi.useFakeTimers({ now: Date.UTC(2026, 10, 26, 12) });
  lineLengths = [];
  provider = new ScriptedProvider();
  delivery = new RecordingDelivery();
  ledger = new MemoryLedger();
  jobs = new MemoryJobStore();
  line = new MemoryGenerationLine(SLOTS);
  planner = new PollPlanner(new Keyv(), pino({ level: 'silent' }), { guidanceMs: 5_000 });
  runner = new JobRunner(
    {
      jobs,
      ledger,
      provider,
      delivery,
      text: discordText,
      files: new NoVideoFiles(join(tmpdir(), 'wan-bot-runner-test')),
      settings: new GuildSettingsStore(new Keyv()),
      filters: new PromptFilterStore(new Keyv()),
      steps: { provider: new StepScheduler({ maxInFlight: 4 }), delivery: new StepScheduler({ maxInFlight: 1 }) },
      line,
      planner,
      logger: pino({ level: 'silent' }),
      observer: { load: (waiting) => lineLengths.push(waiting) },
    },
    {
      quota: { userDaily: 5, userInstallDaily: 3, userConcurrent: 3, guildDaily: null, budgetDailyCents: null },
      jobTimeoutMs: 20 * MINUTE,
      retryDelayMs: 5_000,
      submitGraceMs: 2 * MINUTE,
      handoffNoticeMs: 3 * MINUTE,
      outputMaxBytes: 100 * 1024 * 1024,
    },
  );
  await runner.resume();
});

afterEach(async () => {
  // Real timers first: the stop's grace period is a timer, and a hung step waits it out.
  vi.useRealTimers();
  await runner.stop(0);
});

function completed(id: string): Prediction {
  return { id, status: 'completed', outputs: [`https://cdn.example/${id}.mp4`], nsfw: [false] };
}

const request = {
  model: 't2v-plus-480p',
  prompt: 'a slow sunrise',
  size: '832*480',
  seed: -1,
  prompt_expansion: false,
} as const;

/** Accepts a `/video` and takes it on, as the command does once it has answered. */
async function takeOn(jobOrigin: JobOrigin): Promise<void> {
  await (await runner.accept(jobOrigin, request, [])).start(true);
}

describe('JobRunner', () => {
  it('tells the member before the reply token dies that the video will come in the channel', async () => {
    const start = Date.now();
    await takeOn(origin(start));
    // The notice is due three minutes before the token's fifteen run out.
    await vi.advanceTimersByTimeAsync(11.9 * MINUTE);
    expect(delivery.edits.some((edit) => edit.includes('posted in this channel'))).toBe(false);
    await vi.advanceTimersByTimeAsync(0.2 * MINUTE);
    expect(delivery.edits.at(-1)).toContain('posted in this channel');

    // Past the safety margin the reply is left alone; the result goes by another route.
    await vi.advanceTimersByTimeAsync(2 * MINUTE);
    const editsBefore = delivery.edits.length;
    await vi.advanceTimersByTimeAsync(MINUTE);
    expect(delivery.edits.length).toBe(editsBefore);
  });

  it('edits the reply when the stage changes, not at every poll: Discord runs the clock', async () => {
    const start = Date.now();
    await takeOn(origin(start));
    await vi.advanceTimersByTimeAsync(MINUTE);
    expect(provider.result).toHaveBeenCalledTimes(12);
    // The reply itself said "Sending your prompt": only the stage after it is an edit.
    expect(delivery.edits).toEqual([
      expect.stringContaining(`🎬 Generating · started <t:${Math.floor(start / 1000)}:R>`),
    ]);
  });

  it('shows a stage whose edit failed at the next poll', async () => {
    delivery.editsFail = true;
    await takeOn(origin(Date.now()));
    await vi.advanceTimersByTimeAsync(5_000);
    expect(provider.result).toHaveBeenCalledTimes(1);

    delivery.editsFail = false;
    await vi.advanceTimersByTimeAsync(5_000);
    expect(delivery.edits).toEqual([expect.stringContaining('🎬 Generating')]);
  });

  it('polls from its own copy of the job, not the store, when no other process shares the steps', async () => {
    await takeOn(origin(Date.now()));
    const reads = vi.spyOn(jobs, 'get');
    await vi.advanceTimersByTimeAsync(MINUTE);
    expect(provider.result.mock.calls.length).toBeGreaterThanOrEqual(5);
    expect(reads).not.toHaveBeenCalled();
  });

  it('abandons and refunds a job still generating after the job timeout', async () => {
    const start = Date.now();
    await takeOn(origin(start));
    expect((await ledger.usage(origin(start).userId, origin(start).guildId, start)).userInFlight).toBe(1);
    await vi.advanceTimersByTimeAsync(21 * MINUTE);
    expect(delivery.posts.at(-1)?.content).toMatch(/took too long/);
    expect(await ledger.usage(origin(start).userId, origin(start).guildId, start)).toMatchObject({
      userUsed: 0,
      userInFlight: 0,
    });
  });

  it('delivers and counts a finished video once', async () => {
    const start = Date.now();
    await takeOn(origin(start));
    provider.status = { id: 'p1', status: 'completed', outputs: ['https://cdn.example/p1.mp4'], nsfw: [false] };
    await vi.advanceTimersByTimeAsync(30_000);
    expect(delivery.posts).toHaveLength(1);
    expect(delivery.posts[0]?.file).toMatchObject({ name: 'p1.mp4', bytes: 3, spoiler: false });
    expect(provider.result).toHaveBeenCalledTimes(1);
    expect(await ledger.usage(origin(start).userId, origin(start).guildId, start)).toMatchObject({
      userUsed: 1,
      userInFlight: 0,
    });
  });

  it('retries a delivery that hit a Discord fault, with backoff, and delivers once Discord is back', async () => {
    const start = Date.now();
    await takeOn(origin(start));
    delivery.postsFail = true;
    provider.status = completed('p1');
    // Found done at 5 s; retries 5 and 10 s after the first and second faults.
    await vi.advanceTimersByTimeAsync(20_500);
    expect(delivery.tried).toBe(3);
    expect(delivery.posts).toHaveLength(0);

    delivery.postsFail = false;
    await vi.advanceTimersByTimeAsync(20_000);
    expect(delivery.posts).toHaveLength(1);
    expect(await ledger.usage(origin(start).userId, origin(start).guildId, start)).toMatchObject({ userUsed: 1 });
  });

  it('keeps a delivery’s faults in the job record, so a restart does not start them again', async () => {
    const start = Date.now();
    await takeOn(origin(start));
    delivery.postsFail = true;
    provider.status = completed('p1');
    await vi.advanceTimersByTimeAsync(10_500);
    expect(await jobs.get(origin(start).interactionId)).toMatchObject({
      state: 'delivering',
      stage: { faults: 2, doing: 'post' },
    });
  });

  it('gives up fetching an output that keeps failing: tells the member with its link and refunds', async () => {
    const start = Date.now();
    await takeOn(origin(start));
    provider.download.mockRejectedValue(new ProviderUnavailableError('output host failed', 503));
    provider.status = completed('p1');
    await vi.advanceTimersByTimeAsync(10 * MINUTE);
    expect(provider.download).toHaveBeenCalledTimes(DELIVERY_ATTEMPTS);
    expect(delivery.posts.map((post) => post.content)).toEqual([
      expect.stringMatching(/made but could not be fetched[\s\S]*https:\/\/cdn\.example\/p1\.mp4 · id `p1`/),
    ]);
    expect(await ledger.usage(origin(start).userId, origin(start).guildId, start)).toMatchObject({
      userUsed: 0,
      userInFlight: 0,
    });
  });

  it('posts the link when uploads keep failing, and the video counts', async () => {
    const start = Date.now();
    await takeOn(origin(start));
    delivery.uploadsFail = true;
    provider.status = completed('p1');
    await vi.advanceTimersByTimeAsync(10 * MINUTE);
    expect(delivery.tried).toBe(DELIVERY_ATTEMPTS + 1);
    expect(delivery.posts).toEqual([
      {
        content: expect.stringMatching(/would not take the upload[\s\S]*https:\/\/cdn\.example\/p1\.mp4/),
        // The link carries the video's buttons, as the file would have.
        actions: ['reroll', 'remix', 'delete'],
      },
    ]);
    expect(await ledger.usage(origin(start).userId, origin(start).guildId, start)).toMatchObject({ userUsed: 1 });
  });

  it('ends in the log, refunded, when not even the link gets through', async () => {
    const start = Date.now();
    await takeOn(origin(start));
    delivery.postsFail = true;
    provider.status = completed('p1');
    await vi.advanceTimersByTimeAsync(30 * MINUTE);
    expect(delivery.tried).toBe(2 * DELIVERY_ATTEMPTS);
    expect(await jobs.get(origin(start).interactionId)).toMatchObject({ state: 'done', deliveredVia: 'log' });
    expect(await ledger.usage(origin(start).userId, origin(start).guildId, start)).toMatchObject({
      userUsed: 0,
      userInFlight: 0,
    });
  });

  it('never holds up submits and polls behind a delivery that hangs', async () => {
    const start = Date.now();
    // The one delivery slot is taken by a download that never ends.
    provider.download.mockReturnValueOnce(new Promise<number>(() => {}));
    provider.finished.set('p1', completed('p1'));
    await takeOn(origin(start, 1));
    await vi.advanceTimersByTimeAsync(5_100);
    expect(provider.download).toHaveBeenCalledTimes(1);

    await takeOn(origin(start, 2));
    expect(provider.submit).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(15_000);
    expect(provider.result.mock.calls.filter(([id]) => id === 'p2').length).toBeGreaterThanOrEqual(2);
  });

  describe('with every generation slot taken', () => {
    const done = (id: string): Prediction => ({
      id,
      status: 'completed',
      outputs: [`https://cdn.example/${id}.mp4`],
      nsfw: [false],
    });

    it('keeps later jobs in line, shows each its place, and submits the next the moment a slot frees', async () => {
      const start = Date.now();
      for (const n of [1, 2, 3, 4]) await takeOn(origin(start, n));
      expect(provider.submit).toHaveBeenCalledTimes(SLOTS);
      expect(lineLengths.at(-1)).toBe(2);
      expect(delivery.edits.filter((edit) => edit.includes('In line'))).toEqual([
        expect.stringContaining('In line for the studio · next up'),
        expect.stringContaining('In line for the studio · 1 video ahead of yours'),
      ]);

      // A place that has not moved is not edited again, however often it is checked.
      const edits = delivery.edits.length;
      await vi.advanceTimersByTimeAsync(30_000);
      expect(delivery.edits.filter((edit) => edit.includes('In line'))).toHaveLength(2);
      expect(delivery.edits.length).toBeGreaterThan(edits); // the two generating replies still tick

      provider.finished.set('p1', done('p1'));
      const submitsBefore = provider.submit.mock.calls.length;
      // The first job's next poll finds it done, 35 s in.
      await vi.advanceTimersByTimeAsync(5_100);
      expect(delivery.posts).toHaveLength(1);
      // The third job took the freed slot without waiting for its next look at the line.
      expect(provider.submit).toHaveBeenCalledTimes(submitsBefore + 1);
      expect(delivery.edits.at(-1)).toContain('Sending your prompt');
      expect(lineLengths.at(-1)).toBe(1);
      // The fourth sees it moved up at its next look.
      await vi.advanceTimersByTimeAsync(10_000);
      expect(delivery.edits.filter((edit) => edit.includes('next up'))).toHaveLength(2);
      expect(provider.submit).toHaveBeenCalledTimes(submitsBefore + 1);
    });

    it('abandons and refunds a job that waited in line as long as a job may take, without submitting it', async () => {
      const start = Date.now();
      for (const n of [1, 2, 3]) await takeOn(origin(start, n));
      const third = origin(start, 3);
      expect((await ledger.usage(third.userId, third.guildId, start)).userInFlight).toBe(1);

      // The two generating jobs time out too, but only after the third's wait ran out.
      await vi.advanceTimersByTimeAsync(20 * MINUTE + 15_000);
      expect(provider.submit).toHaveBeenCalledTimes(SLOTS);
      expect(await ledger.usage(third.userId, third.guildId, start)).toMatchObject({ userUsed: 0, userInFlight: 0 });
      expect(delivery.posts.map((post) => post.content)).toContainEqual(expect.stringMatching(/took too long/));
    });
  });
});

describe('JobRunner: the ETA on the reply', () => {
  // Recent jobs took 30-50 s: a job is likely ready 40 s after its submit, and late from 48 s on.
  beforeEach(() => {
    for (const durationMs of [30_000, 40_000, 50_000]) planner.learn(modelOf(request).path, durationMs);
  });

  it('tells the member of a job that outran its ETA by the grace that it takes longer, at that moment and once', async () => {
    const start = Date.now();
    await takeOn(origin(start));
    await vi.advanceTimersByTimeAsync(48_000 - 1);
    expect(delivery.edits).toEqual([expect.stringContaining(`· likely ready <t:${start / 1000 + 40}:R> ·`)]);

    // The poll due then makes the edit: no later poll, no timer of its own.
    await vi.advanceTimersByTimeAsync(1);
    expect(delivery.edits.at(-1)).toMatch(/🎬 Generating · started <t:\d+:R> · taking longer than usual · id `p1`$/);
    await vi.advanceTimersByTimeAsync(5 * MINUTE);
    expect(delivery.edits).toHaveLength(2);

    provider.finished.set('p1', completed('p1'));
    await vi.advanceTimersByTimeAsync(MINUTE);
    expect(delivery.posts).toHaveLength(1);
    expect(delivery.edits).toHaveLength(2);
  });

  it('leaves the reply of a job that finishes within the grace as it was', async () => {
    await takeOn(origin(Date.now()));
    await vi.advanceTimersByTimeAsync(45_000);
    provider.finished.set('p1', completed('p1'));
    await vi.advanceTimersByTimeAsync(MINUTE);
    expect(delivery.posts).toHaveLength(1);
    expect(delivery.edits).toEqual([expect.stringContaining('· likely ready <t:')]);
  });

  it('tells a job in line whose ETA passed by the grace that it takes longer, at that moment rather than its next look', async () => {
    const start = Date.now();
    for (const n of [1, 2, 3]) await takeOn(origin(start, n));
    const inLine = () => delivery.edits.filter((edit) => edit.includes('In line'));
    // Next up with 2 slots: one frees in about 10 s, then 40 s; late 8 s after that.
    expect(inLine()).toEqual([expect.stringContaining(`next up · likely ready <t:${start / 1000 + 50}:R>`)]);
    await vi.advanceTimersByTimeAsync(58_000 - 1);
    expect(inLine()).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(inLine().at(-1)).toMatch(/In line for the studio · next up · taking longer than usual$/);
    await vi.advanceTimersByTimeAsync(MINUTE);
    expect(inLine()).toHaveLength(2);
  });
});

describe('JobRunner, a video from a member’s image', () => {
  const fromImage = {
    model: 'i2v-plus-480p',
    image: { url: 'https://cdn.discordapp.test/cat.png', type: 'image/png', bytes: 4096 },
    seed: -1,
    prompt_expansion: false,
  } as const;

  async function takeOnImage(jobOrigin: JobOrigin): Promise<void> {
    await (await runner.accept(jobOrigin, structuredClone(fromImage), [])).start(true);
  }

  it('reserves its model’s price, uploads the image first and submits the upload’s URL', async () => {
    const start = Date.now();
    await takeOnImage(origin(start));
    expect((await ledger.usage(origin(start).userId, origin(start).guildId, start)).spentCents).toBe(20);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(provider.uploadImage).toHaveBeenCalledWith(
      { url: fromImage.image.url, type: 'image/png', maxBytes: 4096 + 64 * 1024 },
      expect.stringMatching(/1000000000000000001\.image$/),
    );
    expect(provider.submit).toHaveBeenCalledWith(
      expect.objectContaining({
        model: 'i2v-plus-480p',
        image: expect.objectContaining({ uploadedUrl: 'https://media.test/image.png' }),
      }),
    );
  });

  it('fails and refunds an image it could not pass on after its attempts, never submitting', async () => {
    const start = Date.now();
    provider.uploadImage.mockRejectedValue(new ProviderUnavailableError('upload answered 503', 503));
    await takeOnImage(origin(start));
    // Retries 5, 10, 20 and 40 s after each fault; the fourth fault ends the stage.
    await vi.advanceTimersByTimeAsync(2 * MINUTE);
    expect(provider.uploadImage).toHaveBeenCalledTimes(4);
    expect(provider.submit).not.toHaveBeenCalled();
    expect(delivery.posts.at(-1)?.content).toMatch(/Your image could not be fetched or passed on/);
    expect(await ledger.usage(origin(start).userId, origin(start).guildId, start)).toMatchObject({
      userUsed: 0,
      userInFlight: 0,
      spentCents: 0,
    });
  });
});

describe('JobRunner: seeds, repeated interactions and cancels', () => {
  const requester = (jobOrigin: JobOrigin) => ({ userId: jobOrigin.userId, moderator: false });
  const usage = (jobOrigin: JobOrigin) => ledger.usage(jobOrigin.userId, jobOrigin.guildId, Date.now());

  it('picks the seed of a video left random, sends it, keeps it in the record and shows it', async () => {
    const first = origin(Date.now(), 1);
    const second = origin(Date.now(), 2);
    await takeOn(first);
    await takeOn(second);
    const [[one], [two]] = provider.submit.mock.calls as [[VideoRequest], [VideoRequest]];
    for (const sent of [one, two]) {
      expect(Number.isInteger(sent.seed) && sent.seed >= 0 && sent.seed <= 2_147_483_647).toBe(true);
    }
    // Two picks out of 2^31 meet once in two billion runs.
    expect(one.seed).not.toBe(two.seed);
    expect((await jobs.get(first.interactionId))?.request.seed).toBe(one.seed);

    provider.finished.set('p1', completed('p1'));
    await vi.advanceTimersByTimeAsync(5_100);
    expect(delivery.posts[0]?.content).toContain(`seed ${one.seed} ·`);
  });

  it('sends a seed the member chose as it is', async () => {
    await (await runner.accept(origin(Date.now()), { ...request, seed: 1234 }, [])).start(true);
    expect(provider.submit.mock.calls[0]?.[0].seed).toBe(1234);
  });

  it('makes one job of an interaction that arrives twice, at once or later, with one reservation', async () => {
    const jobOrigin = origin(Date.now());
    const [first, again] = await Promise.allSettled([
      runner.accept(jobOrigin, request, []),
      runner.accept(jobOrigin, request, []),
    ]);
    expect(again).toMatchObject({ status: 'rejected', reason: { identifier: 'job.already_accepted' } });
    if (first.status !== 'fulfilled') throw new Error('expected the first to be accepted');
    await first.value.start(true);
    await expect(runner.accept(jobOrigin, request, [])).rejects.toMatchObject({ identifier: 'job.already_accepted' });

    expect(provider.submit).toHaveBeenCalledTimes(1);
    expect(await usage(jobOrigin)).toMatchObject({ userInFlight: 1 });
  });

  it('drops a job still in line, refunded and never sent, and moves the next one up', async () => {
    const start = Date.now();
    for (const n of [1, 2, 3, 4]) await takeOn(origin(start, n));
    const third = origin(start, 3);
    expect(await usage(third)).toMatchObject({ userInFlight: 1 });
    const editsBefore = delivery.edits.length;

    expect(await runner.cancel(third.interactionId, requester(third))).toMatchObject({ kind: 'dropped' });
    expect(await usage(third)).toMatchObject({ userUsed: 0, userInFlight: 0 });
    expect(await jobs.get(third.interactionId)).toMatchObject({
      state: 'done',
      cancelledBy: third.userId,
      outcome: { kind: 'failure', reason: 'cancelled' },
      origin: { token: '' },
    });
    expect(lineLengths.at(-1)).toBe(1);

    // Both generations finish: the fourth takes a freed slot, the third is never sent or posted.
    provider.finished.set('p1', completed('p1'));
    provider.finished.set('p2', completed('p2'));
    await vi.advanceTimersByTimeAsync(30_000);
    expect(provider.submit).toHaveBeenCalledTimes(3);
    expect(provider.submit.mock.calls.map(([sent]) => sent)).toHaveLength(3);
    expect(delivery.posts).toHaveLength(2);
    expect(delivery.edits.slice(editsBefore).some((edit) => edit.includes('3 video'))).toBe(false);
    expect(await runner.cancel(third.interactionId, requester(third))).toEqual({ kind: 'refused', why: 'finished' });
  });

  it('lets a job the provider has run to its end unposted, counted, and its reply left as the cancel worded it', async () => {
    const start = Date.now();
    const jobOrigin = origin(start);
    await takeOn(jobOrigin);
    await vi.advanceTimersByTimeAsync(MINUTE);
    const moderator = { userId: '5000000000000000009', moderator: true };

    expect(await runner.cancel(jobOrigin.interactionId, moderator)).toMatchObject({ kind: 'stopping' });
    expect(await runner.cancel(jobOrigin.interactionId, moderator)).toMatchObject({ kind: 'stopping' });
    const editsBefore = delivery.edits.length;
    // Past the moment the reply would say the video comes in the channel: it says nothing more.
    await vi.advanceTimersByTimeAsync(12 * MINUTE);
    expect(delivery.edits.length).toBe(editsBefore);
    provider.status = completed('p1');
    await vi.advanceTimersByTimeAsync(10_000);

    expect(delivery.posts).toEqual([]);
    expect(provider.submit).toHaveBeenCalledTimes(1);
    expect(await usage(jobOrigin)).toMatchObject({ userUsed: 1, userInFlight: 0 });
    expect(await jobs.get(jobOrigin.interactionId)).toMatchObject({
      state: 'done',
      cancelledBy: moderator.userId,
      outcome: { kind: 'failure', reason: 'cancelled', url: 'https://cdn.example/p1.mp4' },
    });
  });

  it('refunds a cancelled job the provider then fails, without posting', async () => {
    const jobOrigin = origin(Date.now());
    await takeOn(jobOrigin);
    await runner.cancel(jobOrigin.interactionId, requester(jobOrigin));
    provider.status = { id: 'p1', status: 'failed', cause: new ProviderUnavailableError('boom', 500) };
    await vi.advanceTimersByTimeAsync(10_000);
    expect(delivery.posts).toEqual([]);
    expect(await usage(jobOrigin)).toMatchObject({ userUsed: 0, userInFlight: 0 });
  });

  it('cancels only for the requester or a moderator, and says when there is no such job', async () => {
    const jobOrigin = origin(Date.now());
    await takeOn(jobOrigin);
    const stranger = { userId: '5000000000000000009', moderator: false };
    expect(await runner.cancel(jobOrigin.interactionId, stranger)).toEqual({ kind: 'refused', why: 'not_permitted' });
    expect(await runner.cancel('1999999999999999999', stranger)).toEqual({ kind: 'refused', why: 'unknown_job' });
    expect((await jobs.get(jobOrigin.interactionId))?.cancelledBy).toBeUndefined();
  });

  it('sends nothing for a job cancelled while it claimed its generation slot', async () => {
    const jobOrigin = origin(Date.now());
    let claimed = () => {};
    const claim = line.claim.bind(line);
    vi.spyOn(line, 'claim').mockImplementationOnce(async (...args) => {
      await new Promise<void>((resolve) => {
        claimed = resolve;
      });
      return claim(...args);
    });
    const started = (await runner.accept(jobOrigin, request, [])).start(true);
    await vi.advanceTimersByTimeAsync(0);

    expect(await runner.cancel(jobOrigin.interactionId, requester(jobOrigin))).toMatchObject({ kind: 'dropped' });
    claimed();
    await started;
    await vi.advanceTimersByTimeAsync(MINUTE);

    expect(provider.submit).not.toHaveBeenCalled();
    expect(await jobs.get(jobOrigin.interactionId)).toMatchObject({ state: 'done', cancelledBy: jobOrigin.userId });
    expect(await usage(jobOrigin)).toMatchObject({ userInFlight: 0, userUsed: 0 });
  });

  it('stops at the provider a job whose submit was recorded before the cancel could end it in line', async () => {
    const jobOrigin = origin(Date.now());
    // Writes land in the order they were made, the submit's held until the test lets it through.
    const save = jobs.save.bind(jobs);
    let writes: Promise<unknown> = Promise.resolve();
    let letThrough = () => {};
    const held = new Promise<void>((resolve) => {
      letThrough = resolve;
    });
    vi.spyOn(jobs, 'save').mockImplementation((job) => {
      const copy = structuredClone(job);
      const written = writes.then(async (): Promise<Saved> => {
        if (copy.state === 'submitting') await held;
        return save(copy);
      });
      writes = written;
      return written;
    });
    const started = (await runner.accept(jobOrigin, request, [])).start(true);
    await vi.advanceTimersByTimeAsync(0);

    // It read the job in line, but the submit's record lands first: the cancel decides again.
    const cancelled = runner.cancel(jobOrigin.interactionId, requester(jobOrigin));
    await vi.advanceTimersByTimeAsync(0);
    letThrough();
    await Promise.all([started, cancelled]);
    expect(await cancelled).toMatchObject({ kind: 'stopping' });
    expect(provider.submit).toHaveBeenCalledTimes(1);
    expect(await jobs.get(jobOrigin.interactionId)).toMatchObject({
      state: 'generating',
      cancelledBy: jobOrigin.userId,
    });

    provider.status = completed('p1');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(delivery.posts).toEqual([]);
    expect(await usage(jobOrigin)).toMatchObject({ userInFlight: 0, userUsed: 1 });
    expect(await jobs.get(jobOrigin.interactionId)).toMatchObject({
      state: 'done',
      outcome: { reason: 'cancelled', url: 'https://cdn.example/p1.mp4' },
    });
  });

  it('keeps a job cancelled while its image was on the way ended when the upload comes back', async () => {
    const jobOrigin = origin(Date.now());
    let uploaded = (_url: string) => {};
    provider.uploadImage.mockReturnValueOnce(
      new Promise<string>((resolve) => {
        uploaded = resolve;
      }),
    );
    const image = {
      model: 'i2v-plus-480p',
      image: { url: 'https://cdn.discordapp.test/cat.png', type: 'image/png', bytes: 4096 },
      seed: -1,
      prompt_expansion: false,
    } as const;
    await (await runner.accept(jobOrigin, structuredClone(image), [])).start(true);
    await vi.advanceTimersByTimeAsync(100);
    expect(provider.uploadImage).toHaveBeenCalledTimes(1);

    expect(await runner.cancel(jobOrigin.interactionId, requester(jobOrigin))).toMatchObject({ kind: 'dropped' });
    uploaded('https://media.test/image.png');
    await vi.advanceTimersByTimeAsync(MINUTE);
    expect(provider.submit).not.toHaveBeenCalled();
    expect(await jobs.get(jobOrigin.interactionId)).toMatchObject({ state: 'done' });
    expect(await usage(jobOrigin)).toMatchObject({ userInFlight: 0, spentCents: 0 });
  });
});
