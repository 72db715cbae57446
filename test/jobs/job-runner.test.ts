import Keyv from 'keyv';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GuildSettingsStore } from '../../src/guilds/guild-settings.js';
import type { Delivery, ResultPost } from '../../src/jobs/delivery.js';
import type { DeliveryRoute, Job, JobOrigin } from '../../src/jobs/job.js';
import { JobRunner } from '../../src/jobs/job-runner.js';
import { KeyvJobStore } from '../../src/jobs/job-store.js';
import { PollPlanner } from '../../src/jobs/poll-planner.js';
import { StepScheduler } from '../../src/jobs/scheduler.js';
import type { Prediction, VideoProvider } from '../../src/provider/video-provider.js';
import { MemoryLedger } from '../../src/quota/memory-ledger.js';

/**
 * The runner's clock-driven behaviour, with fake timers: the member is told before the reply
 * token dies, and a job that never finishes is abandoned and refunded. The real adapters are
 * exercised end to end in test/e2e.
 */

const MINUTE = 60_000;

/** A provider whose generations finish when the test says so. */
class ScriptedProvider implements VideoProvider {
  readonly model = 'scripted';
  readonly priceCents = 5;
  status: Prediction = { id: 'p1', status: 'processing' };
  submit = vi.fn(async () => ({ id: 'p1' }));
  result = vi.fn(async () => this.status);
  download = vi.fn(async () => Buffer.from('mp4'));
}

/** Records what would reach Discord. */
class RecordingDelivery implements Delivery {
  readonly edits: string[] = [];
  readonly posts: ResultPost[] = [];
  async progress(_origin: JobOrigin, content: string) {
    this.edits.push(content);
  }
  async post(_job: Job, post: ResultPost): Promise<DeliveryRoute> {
    this.posts.push(post);
    return 'reply';
  }
  replyOpen(origin: JobOrigin, now: number) {
    return now < origin.tokenExpiresAt - MINUTE;
  }
}

function origin(now: number): JobOrigin {
  return {
    interactionId: '1000000000000000001',
    token: 'token',
    tokenExpiresAt: now + 15 * MINUTE,
    applicationId: '2000000000000000001',
    guildId: '3000000000000000001',
    channelId: '4000000000000000001',
    userId: '5000000000000000001',
    attachmentSizeLimit: 10 * 1024 * 1024,
    channelNsfw: false,
  };
}

let provider: ScriptedProvider;
let delivery: RecordingDelivery;
let ledger: MemoryLedger;
let runner: JobRunner;
let settings: FlakySettings;

/** Guild settings whose store fails while `down` is set, as a store outage would. */
class FlakySettings extends GuildSettingsStore {
  down = false;
  override async get(guildId: string | null) {
    if (this.down) throw new Error('store unreachable');
    return super.get(guildId);
  }
}

beforeEach(async () => {
  vi.useFakeTimers({ now: Date.UTC(2026, 10, 26, 12) });
  provider = new ScriptedProvider();
  delivery = new RecordingDelivery();
  ledger = new MemoryLedger();
  settings = new FlakySettings(new Keyv());
  runner = new JobRunner(
    {
      jobs: new KeyvJobStore(new Keyv(), new Keyv()),
      ledger,
      provider,
      delivery,
      settings,
      steps: new StepScheduler({ maxInFlight: 4 }),
      planner: new PollPlanner(new Keyv(), pino({ level: 'silent' }), { guidanceMs: 5_000 }),
      logger: pino({ level: 'silent' }),
    },
    {
      quota: { userDaily: 5, userConcurrent: 3, guildDaily: null, budgetDailyCents: null },
      jobTimeoutMs: 20 * MINUTE,
      retryDelayMs: 5_000,
      progressIntervalMs: 5_000,
      submitGraceMs: 2 * MINUTE,
      handoffNoticeMs: 3 * MINUTE,
    },
  );
  await runner.resume();
});

afterEach(async () => {
  await runner.stop(0);
  vi.useRealTimers();
});

const request = { prompt: 'a slow sunrise', size: '832*480', seed: -1, promptExpansion: false } as const;

describe('JobRunner', () => {
  it('tells the member before the reply token dies that the video will come in the channel', async () => {
    const start = Date.now();
    await runner.accept(origin(start), request, []);
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

  it('edits progress at most every few seconds while polling every five', async () => {
    await runner.accept(origin(Date.now()), request, []);
    await vi.advanceTimersByTimeAsync(MINUTE);
    expect(provider.result).toHaveBeenCalledTimes(12);
    // One "sending" edit, then one per five seconds at most.
    expect(delivery.edits.length).toBeLessThanOrEqual(13);
    expect(delivery.edits.at(-1)).toMatch(/Generating · 1:00 elapsed/);
  });

  it('abandons and refunds a job still generating after the job timeout', async () => {
    const start = Date.now();
    await runner.accept(origin(start), request, []);
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
    await runner.accept(origin(start), request, []);
    provider.status = { id: 'p1', status: 'completed', outputs: ['https://cdn.example/p1.mp4'], nsfw: [false] };
    await vi.advanceTimersByTimeAsync(30_000);
    expect(delivery.posts).toHaveLength(1);
    expect(delivery.posts[0]?.file?.data).toEqual(Buffer.from('mp4'));
    expect(provider.result).toHaveBeenCalledTimes(1);
    expect(await ledger.usage(origin(start).userId, origin(start).guildId, start)).toMatchObject({
      userUsed: 1,
      userInFlight: 0,
    });
  });

  it('retries a delivery that hit a store outage, with backoff, and delivers once the store is back', async () => {
    const start = Date.now();
    await runner.accept(origin(start), request, []);
    settings.down = true;
    provider.status = { id: 'p1', status: 'completed', outputs: ['https://cdn.example/p1.mp4'], nsfw: [false] };
    // Retries at 5, 10 and 20 s after the first failure: none gets through while the store is down.
    await vi.advanceTimersByTimeAsync(40_000);
    expect(delivery.posts).toHaveLength(0);

    settings.down = false;
    await vi.advanceTimersByTimeAsync(40_000);
    expect(delivery.posts).toHaveLength(1);
    expect(await ledger.usage(origin(start).userId, origin(start).guildId, start)).toMatchObject({ userUsed: 1 });
  });
});
