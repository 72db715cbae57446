import { EventEmitter, once } from 'node:events';
import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { Job } from '../../src/jobs/job.js';
import {
  type AccountCondition,
  type AccountState,
  AccountWatch,
  type AccountWatchOptions,
} from '../../src/moderation/account-watch.js';
import { StateMarks } from '../../src/moderation/state-marks.js';
import { ProviderAuthError, ProviderUnavailableError } from '../../src/provider/errors.js';
import type { ProviderAccount } from '../../src/provider/video-provider.js';
import { openStore, type Store, type StoreLocation } from '../../src/store/store.js';
import { ownRedis, redisSkipReason } from '../support/redis.js';
import { tempFileForTest } from '../support/temp-file.js';

/** The provider account watch on a real store, with the provider's balance scripted. */

const skipReason = redisSkipReason();
const redis = ownRedis();
const JOB = {} as Job;

/** A balance endpoint that answers from a script (the last answer repeats), and counts its calls. */
class ScriptedAccount implements ProviderAccount {
  calls = 0;
  readonly called = new EventEmitter();
  constructor(private readonly answers: Array<number | Error>) {}

  async balance(): Promise<number> {
    const answer = this.answers.length > 1 ? this.answers.shift() : this.answers[0];
    this.calls += 1;
    this.called.emit('call');
    if (answer === undefined) throw new Error('no scripted balance');
    if (answer instanceof Error) throw answer;
    return answer;
  }
}

/** A process watching the account on `store`: what it told its logs, and its log lines. */
function watching(store: Store, account: ProviderAccount, options: Partial<AccountWatchOptions> = {}) {
  const told: AccountCondition[] = [];
  const lines: string[] = [];
  const logged = new EventEmitter();
  const logger = pino(
    { level: 'info' },
    new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        logged.emit('line');
        done();
      },
    }),
  );
  const watch = new AccountWatch(
    {
      account,
      marks: new StateMarks<AccountState>(store.keyv('provider-account'), store.atomic('provider-account')),
      tell: async (state) => {
        told.push(state.state);
      },
      logger,
    },
    { warnUsd: 5, minimumUsd: 0.05, ...options },
  );
  onTestFinished(() => watch.stop());
  /** Resolves once a log line matches `pattern`. */
  const waitForLine = async (pattern: RegExp) => {
    while (!lines.some((line) => pattern.test(line))) await once(logged, 'line');
  };
  const count = (pattern: RegExp) => lines.filter((line) => pattern.test(line)).length;
  return { watch, told, lines, waitForLine, count };
}

async function open(location: StoreLocation): Promise<Store> {
  const store = await openStore(location);
  onTestFinished(() => store.close());
  return store;
}

const sqlite = async (): Promise<StoreLocation> => ({ kind: 'sqlite', path: await tempFileForTest('bot.sqlite') });

describe('AccountWatch', () => {
  it('warns once below the warning level, again only after it recovered, and closes below a video’s price', async () => {
    const store = await open(await sqlite());
    const account = new ScriptedAccount([3, 3, 3, 20, 4, 0.04, 12]);
    const { watch, told, count } = watching(store, account);
    for (let i = 0; i < 3; i++) expect((await watch.check()).state?.state).toBe('low');
    expect(told).toEqual(['low']);
    expect(count(/"msg":"WaveSpeed balance below BALANCE_WARN_USD"/)).toBe(1);

    await watch.check();
    await watch.check();
    expect(told).toEqual(['low', 'open', 'low']);
    expect(await watch.isOpen()).toBe(true);

    expect((await watch.check()).state).toMatchObject({ state: 'no_credit', balanceUsd: 0.04 });
    expect(await watch.isOpen()).toBe(false);
    expect((await watch.check()).state).toMatchObject({ state: 'open', balanceUsd: 12 });
    expect(told).toEqual(['low', 'open', 'low', 'no_credit', 'open']);
    expect(count(/video reopened/)).toBe(1);
  });

  it('changes nothing when the balance cannot be read, and says so', async () => {
    const store = await open(await sqlite());
    const { watch } = watching(store, new ScriptedAccount([40, new ProviderUnavailableError('down', 503)]));
    expect(await watch.check()).toMatchObject({ state: { state: 'open', balanceUsd: 40 }, read: true });
    expect(await watch.check()).toMatchObject({ state: { state: 'open', balanceUsd: 40 }, read: false });
  });

  it('reads the balance after finished jobs at most every few minutes, not per job', async () => {
    const store = await open(await sqlite());
    let now = 1_000_000;
    const account = new ScriptedAccount([50]);
    const { watch } = watching(store, account, { checkEveryMs: 60_000, now: () => now });
    await watch.check();
    for (let i = 0; i < 10; i++) {
      watch.delivered();
      watch.failed(JOB, 'timeout');
    }
    now += 59_999;
    watch.delivered();
    expect(account.calls).toBe(1);
    now += 1;
    const next = once(account.called, 'call');
    watch.delivered();
    watch.delivered();
    await next;
    await watch.check();
    expect(account.calls).toBe(3);
  });

  it('closes when a job meets a refused key or no credit, the first reason standing, and retries until it reopens', async () => {
    const store = await open(await sqlite());
    const account = new ScriptedAccount([new ProviderAuthError('Unauthorized', 401), 30]);
    const { watch, told, waitForLine, count } = watching(store, account, { closedRetryMs: 10 });
    watch.providerError(new ProviderAuthError('Unauthorized', 401));
    watch.failed(JOB, 'no_credit');
    await waitForLine(/video closed for members/);
    expect(await watch.isOpen()).toBe(false);
    expect((await watch.recorded())?.state).toBe('key_refused');
    // Checked again on its own while closed: refused once more, then open.
    await waitForLine(/video reopened/);
    expect(await watch.isOpen()).toBe(true);
    expect(account.calls).toBe(2);
    expect(count(/video closed for members/)).toBe(1);
    expect(told).toEqual(['key_refused', 'open']);
  });

  it('a failed task for credit closes it as out of credit', async () => {
    const store = await open(await sqlite());
    const { watch, waitForLine } = watching(store, new ScriptedAccount([0]));
    watch.failed(JOB, 'no_credit');
    await waitForLine(/cannot pay for a video/);
    expect((await watch.recorded())?.state).toBe('no_credit');
  });

  describe.skipIf(skipReason !== undefined)('across processes on Redis', () => {
    it('closes for every process at once, and logs the change once between them', async () => {
      await redis.flush();
      const location: StoreLocation = { kind: 'redis', url: redis.url };
      const [one, two] = [await open(location), await open(location)];
      const first = watching(one, new ScriptedAccount([new ProviderAuthError('Unauthorized', 401)]));
      const second = watching(two, new ScriptedAccount([new ProviderAuthError('Unauthorized', 401), 25]));
      await Promise.all([first.watch.check(), second.watch.check()]);
      expect(await first.watch.isOpen()).toBe(false);
      expect(await second.watch.isOpen()).toBe(false);
      expect(first.count(/video closed for members/) + second.count(/video closed for members/)).toBe(1);

      // One process's good reading reopens it for the other, which tells its own servers.
      await second.watch.check();
      expect(await first.watch.isOpen()).toBe(true);
      expect(first.told).toEqual(['key_refused', 'open']);
    });
  });
});
