import type { Config } from '../config.js';
import type { GuildSettingsStore } from '../guilds/guild-settings.js';
import type { Logger } from '../logger.js';
import type { AdmissionGate } from '../moderation/moderation.js';
import type { PromptFilterStore } from '../moderation/prompt-filters-store.js';
import type { VideoProvider } from '../provider/video-provider.js';
import type { QuotaLedger } from '../quota/ledger.js';
import type { Delivery } from './delivery.js';
import type { GenerationLine } from './generation-line.js';
import type { Job, JobOutcome, JobState } from './job.js';
import type { JobObserver } from './job-observer.js';
import type { JobStore } from './job-store.js';
import type { JobText } from './notices.js';
import type { PollPlanner } from './poll-planner.js';
import type { ProgressDisplay } from './progress-display.js';
import type { StepQueue } from './scheduler.js';
import type { VideoFiles } from './video-files.js';

export interface JobRunnerOptions {
  quota: Config['quota'];
  jobTimeoutMs: number;
  /** First wait before retrying a step that hit a fault; doubles up to two minutes. */
  retryDelayMs: number;
  /** Longer than any submit can take: a job still `submitting` after this lost its process mid-submit. */
  submitGraceMs: number;
  /** How long before the reply token dies the member is told the result will come in the channel. */
  handoffNoticeMs: number;
  /** Largest output ever downloaded (`OUTPUT_MAX_MB`), whatever the interaction's upload limit. */
  outputMaxBytes: number;
}

/**
 * The two lanes job steps run in, each with its own bound on steps at once: provider calls
 * (line, submit, poll) wait on WaveSpeed, transfers (a member's image on its way to the
 * provider, deliveries: download, upload) on other hosts and Discord, so a stuck transfer
 * never holds up anyone's submit or poll.
 */
export interface StepLanes {
  provider: StepQueue;
  delivery: StepQueue;
}

export type Lane = keyof StepLanes;

export interface JobRunnerDeps {
  jobs: JobStore;
  ledger: QuotaLedger;
  provider: VideoProvider;
  delivery: Delivery;
  /** Words what a job tells its member (progress, result, failure, refusal). */
  text: JobText;
  /** Where outputs are downloaded to before their upload. */
  files: VideoFiles;
  settings: GuildSettingsStore;
  /** Each server's prompt filters, checked before anything is spent. */
  filters: PromptFilterStore;
  /** The studio's state and the server's blocked members, checked before anything is spent. */
  gate?: AdmissionGate;
  /** Runs job steps: in this process, or shared through Redis. */
  steps: StepLanes;
  /** Where jobs wait for one of the account's generation slots. */
  line: GenerationLine;
  /** Decides when each job is checked next. */
  planner: PollPlanner;
  logger: Logger;
  observer?: JobObserver;
  now?: () => number;
}

/** What every stage of a job (admission, generation, settlement) shares, provided by the job runner. */
export interface JobContext {
  readonly deps: JobRunnerDeps;
  readonly options: JobRunnerOptions;
  readonly progress: ProgressDisplay;
  now(): number;
  log(job: Job): Logger;
  /**
   * Writes the job over the record it was read from, `from` the state that record was in (the
   * job's own unless it just moved on). Should another write have come first, a record still in
   * `from` gets this change again, keeping the facts that write added (a cancel, the hand-off
   * notice); one that moved on stands, and this rejects with {@link JobSuperseded}, for the step
   * to end there. A store fault is logged and the next transition writes again.
   */
  persist(job: Job, from?: JobState): Promise<void>;
  /** {@link persist}, but a store fault rejects too: for a write that must land before what follows it. */
  write(job: Job, from: JobState): Promise<void>;
  /** Runs the job's next step at `at`, in the lane of its state. */
  schedule(job: Job, at: number): Promise<void>;
  /** Records the outcome, gives the generation slot to the next in line and hands the job to the delivery lane. */
  conclude(job: Job, outcome: JobOutcome): Promise<void>;
  /** Tells the runner that jobs in line now number `waiting` (or that jobs in flight changed). */
  reportLoad(waiting?: number): void;
}

/**
 * A job's write lost to a newer record that moved the job on (another process's step, a cancel):
 * that record stands, and whoever wrote it takes the job on from there.
 */
export class JobSuperseded extends Error {
  constructor(
    jobId: string,
    /** The record that stands; `undefined` once it is gone. */
    readonly newer: Job | undefined,
  ) {
    super(`job ${jobId} was moved on by another write`);
    this.name = 'JobSuperseded';
  }
}

/** The lane a job's next step runs in, by its state. */
export function laneOf(job: Job): Lane {
  return job.state === 'preparing' || job.state === 'delivering' ? 'delivery' : 'provider';
}

/** Starts a new stage: its deadline counts from now and its faults from zero. */
export function enterStage(job: Job, now: number): void {
  job.stage = { since: now, faults: 0 };
}
