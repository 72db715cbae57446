import type { FailureReason, Job } from '../jobs/job.js';
import type { JobObserver } from '../jobs/job-observer.js';
import type { Logger } from '../logger.js';
import { InsufficientBalanceError, ProviderAuthError, type ProviderError } from '../provider/errors.js';
import type { ProviderAccount } from '../provider/video-provider.js';
import type { Mark, StateMarks } from './state-marks.js';

/**
 * What the provider account allows: videos (`open`), videos with the balance below the warning
 * level (`low`), or none, the studio closed for members because the provider refused the key
 * (`key_refused`) or the account cannot pay for a video (`no_credit`).
 */
export type AccountCondition = 'open' | 'low' | 'key_refused' | 'no_credit';

export function isClosed(condition: AccountCondition | null): boolean {
  return condition === 'key_refused' || condition === 'no_credit';
}

/** The account as last seen, in the store: every process reads it before it accepts a video. */
export interface AccountState extends Mark {
  readonly state: AccountCondition;
  /** Epoch ms when it came to this condition. */
  readonly since: number;
  /** The latest balance read, in US dollars, and when. */
  readonly balanceUsd?: number;
  readonly checkedAt?: number;
}

/** A change of the account that a server's moderation log is told, from what it was told before. */
export interface AccountChange {
  readonly from: AccountCondition;
  readonly to: AccountCondition;
  readonly balanceUsd?: number;
  readonly warnUsd: number | null;
}

/** What a balance check found: the account as it now stands, and whether the balance could be read. */
export interface AccountReport {
  readonly state: AccountState | undefined;
  readonly read: boolean;
}

export interface AccountWatchOptions {
  /** Below this balance (US dollars) the logs are warned, once until it recovers; `null`: never. */
  warnUsd: number | null;
  /** The cheapest video's price: a balance below it pays for none. */
  minimumUsd: number;
  /** Least time between the checks that finished jobs prompt. Default 5 minutes. */
  checkEveryMs?: number;
  /** While the studio is closed, time between the checks that may reopen it. Default 1 minute. */
  closedRetryMs?: number;
  now?: () => number;
}

export interface AccountWatchDeps {
  account: ProviderAccount;
  /** Where the account's state is kept for every process. */
  marks: StateMarks<AccountState>;
  /** Tells the moderation logs of this process's servers that the account is now in `state`. */
  tell(state: AccountState): Promise<void>;
  logger: Logger;
}

const KEY = 'account';

/** The log line of the process whose move changed the account's condition: one line between all processes. */
function changeLine(from: AccountCondition, to: AccountCondition): string {
  const reopened = isClosed(from) ? 'video reopened: WaveSpeed answered a balance check' : undefined;
  switch (to) {
    case 'open':
      return reopened ?? 'WaveSpeed balance back above BALANCE_WARN_USD';
    case 'low':
      return reopened
        ? `${reopened}; the balance is below BALANCE_WARN_USD`
        : 'WaveSpeed balance below BALANCE_WARN_USD';
    case 'key_refused':
      return 'video closed for members: WaveSpeed refused the API key (WAVESPEED_API_KEY)';
    case 'no_credit':
      return 'video closed for members: the WaveSpeed account cannot pay for a video';
  }
}

/**
 * Watches the provider account: its balance, read at start, after finished jobs at most every few
 * minutes and, while the studio is closed, every minute; and the jobs that failed because of it.
 * An invalid key or an empty account closes the studio for every process (members are refused
 * before anything is reserved) until a balance read shows it can pay again. Each change is logged
 * once and told once to each server's moderation log.
 */
export class AccountWatch implements JobObserver {
  private readonly checkEveryMs: number;
  private readonly closedRetryMs: number;
  private readonly now: () => number;
  private lastCheckAt = Number.NEGATIVE_INFINITY;
  /** The condition this process last had its servers' logs told, so each change is told once. */
  private told: AccountCondition | undefined;
  private retry: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Checks and closures, one after another: each reads what the one before wrote. */
  private changes: Promise<unknown> = Promise.resolve();
  private tellings: Promise<void> = Promise.resolve();

  constructor(
    private readonly deps: AccountWatchDeps,
    private readonly options: AccountWatchOptions,
  ) {
    this.checkEveryMs = options.checkEveryMs ?? 5 * 60_000;
    this.closedRetryMs = options.closedRetryMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  /** Starts with a check, off the start-up path. */
  start(): void {
    this.background(this.check());
  }

  /** Starts no more checks, and resolves once the one under way (and what it tells the logs) is done. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    await this.changes;
    await this.tellings;
  }

  /** Whether members may start videos now, as the store says; closed, a timed check will try to reopen. */
  async isOpen(): Promise<boolean> {
    const state = await this.deps.marks.get(KEY);
    // The member's answer does not wait for the logs.
    void this.observe(state);
    return !isClosed(state?.state ?? null);
  }

  /** Reads the balance now and records what it says; resolves once the logs have the news queued. */
  check(): Promise<AccountReport> {
    // Counted from when it was asked for, so that a burst of finished jobs asks once.
    this.lastCheckAt = this.now();
    return this.serially(() => this.checkNow());
  }

  /** The account as last recorded, without asking the provider. */
  recorded(): Promise<AccountState | undefined> {
    return this.deps.marks.get(KEY);
  }

  providerError(error: ProviderError): void {
    if (error instanceof ProviderAuthError) this.background(this.close('key_refused'));
    else if (error instanceof InsufficientBalanceError) this.background(this.close('no_credit'));
  }

  failed(_job: Job, reason: FailureReason): void {
    // A failure the provider gave in a task rather than as an error answer: no error came before it.
    if (reason === 'no_credit') this.background(this.close('no_credit'));
    else this.paced();
  }

  delivered(): void {
    this.paced();
  }

  /** A check, when the last one is long enough ago. */
  private paced(): void {
    if (!this.stopped && this.now() - this.lastCheckAt >= this.checkEveryMs) this.background(this.check());
  }

  private async checkNow(): Promise<AccountReport> {
    const now = this.now();
    let balanceUsd: number;
    try {
      balanceUsd = await this.deps.account.balance();
    } catch (error) {
      if (error instanceof ProviderAuthError) return { state: await this.moveTo('key_refused', {}), read: false };
      this.deps.logger.warn({ err: error }, 'could not read the WaveSpeed balance');
      const state = await this.deps.marks.get(KEY);
      await this.observe(state);
      return { state, read: false };
    }
    return { state: await this.moveTo(this.conditionOf(balanceUsd), { balanceUsd, checkedAt: now }), read: true };
  }

  private conditionOf(balanceUsd: number): AccountCondition {
    if (balanceUsd < this.options.minimumUsd) return 'no_credit';
    const { warnUsd } = this.options;
    return warnUsd !== null && balanceUsd < warnUsd ? 'low' : 'open';
  }

  /** Closes the studio for `reason`, unless it is closed already: the first reason stands. */
  private close(reason: AccountCondition): Promise<unknown> {
    return this.serially(async () => {
      const { before, written } = await this.deps.marks.move(KEY, (current) =>
        isClosed(current?.state ?? null) ? undefined : { ...current, state: reason, since: this.now() },
      );
      if (written) this.logChange(before, written);
      await this.observe(written ?? before);
    });
  }

  /** Records the account in `condition` with the latest reading; logs the change when this move made it. */
  private async moveTo(
    condition: AccountCondition,
    reading: Pick<AccountState, 'balanceUsd' | 'checkedAt'>,
  ): Promise<AccountState | undefined> {
    const { before, written } = await this.deps.marks.move(KEY, (current) => ({
      ...current,
      ...reading,
      state: condition,
      since: current?.state === condition ? current.since : this.now(),
    }));
    if (written && before?.state !== written.state) this.logChange(before, written);
    await this.observe(written);
    return written;
  }

  private logChange(before: AccountState | undefined, after: AccountState): void {
    // Never checked is as good as open: a first reading that finds the account usable is no news.
    const from = before?.state ?? 'open';
    if (from === after.state) return;
    const fields = { from, to: after.state, balanceUsd: after.balanceUsd, warnUsd: this.options.warnUsd };
    const line = changeLine(from, after.state);
    if (after.state === 'open') this.deps.logger.info(fields, line);
    else this.deps.logger.warn(fields, line);
  }

  /**
   * Acts on the account as this process last saw it: has its servers' logs told of a change, and
   * while the studio is closed keeps a check coming. Resolves once the logs were told; never rejects.
   */
  private observe(state: AccountState | undefined): Promise<void> {
    const condition = state?.state ?? 'open';
    if (isClosed(condition)) this.retryLater();
    if (condition === this.told || !state) return this.tellings;
    this.told = condition;
    this.tellings = this.tellings
      .then(() => this.deps.tell(state))
      .catch((error: unknown) =>
        this.deps.logger.error({ err: error }, 'could not tell the moderation logs about the WaveSpeed account'),
      );
    return this.tellings;
  }

  private retryLater(): void {
    if (this.retry || this.stopped) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      this.background(this.check());
    }, this.closedRetryMs);
    // A bot stopping does not wait for the next check.
    this.retry.unref();
  }

  private serially<T>(change: () => Promise<T>): Promise<T> {
    const run = this.changes.then(change, change);
    this.changes = run.catch(() => {});
    return run;
  }

  /** Runs work the caller does not wait for; its failure is logged. */
  private background(work: Promise<unknown>): void {
    work.catch((error: unknown) => this.deps.logger.error({ err: error }, 'could not record the WaveSpeed account'));
  }
}
