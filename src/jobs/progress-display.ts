import type { Delivery } from './delivery.js';
import type { Job } from './job.js';
import { PROGRESS_ACTIONS } from './job-actions.js';
import type { JobText, Progress } from './notices.js';
import { etaOf, type Learned, lateFrom } from './ready-estimate.js';

/**
 * The member's reply while their video is made. It is edited when the job's progress
 * changes, never two edits at once; the clock in it runs in the member's client, so an
 * unchanged stage is not edited again, and one whose edit failed or was skipped is tried
 * again at the job's next step. Each edit shows the job's ETA as it stands then, a live time
 * too; a changed ETA alone makes no edit. One exception, at most once a job: an ETA shown that
 * the job outruns by its grace ({@link lateFrom}) is marked overdue (`eta: 'overdue'`) by the job's
 * step at that moment ({@link stepAt}), so no timer is kept for it.
 */
export class ProgressDisplay {
  /** What each job's reply shows now, as far as this process knows. */
  private readonly shown = new Map<string, Progress>();
  private readonly inFlight = new Map<string, Promise<void>>();

  constructor(
    private readonly delivery: Delivery,
    private readonly text: JobText,
    private readonly options: {
      handoffNoticeMs: number;
      /** Saves the job once its hand-off notice is decided, so a restart does not give it twice. */
      persist(job: Job): Promise<void>;
      /** What the job's ETA is learned from. */
      learned(job: Job): Learned;
    },
  ) {}

  /**
   * `progress` with the job's ETA at `now`, when its model's durations are known. Once the reply
   * said the job is late it keeps saying so, even in line, where each estimate starts from now:
   * a member told their video is late is not promised a new time that could pass as well.
   */
  estimated(job: Job, progress: Progress, now: number): Progress {
    const eta = this.saidLate(job) ? 'overdue' : etaOf(job, progress, this.options.learned(job), now);
    return eta === undefined ? progress : { ...progress, eta };
  }

  /**
   * When the job's reply, its progress unchanged, is due its edit saying the job is late;
   * `undefined` when it never is: no ETA shown or already late, or the reply is no longer the
   * job's to edit (cancelled, handed off).
   */
  lateAt(job: Job): number | undefined {
    const eta = this.shown.get(job.id)?.eta;
    if (eta === undefined || eta === 'overdue' || job.cancelledBy !== undefined || job.handedOff) return undefined;
    return lateFrom(eta, this.options.learned(job));
  }

  /**
   * When the job's next step should run: `planned`, or sooner when the reply is due its late edit
   * before then, for that step to make it. Only a moment still ahead counts: one already past waits
   * for an edit under way, and must not make the job step again at once.
   */
  stepAt(job: Job, planned: number, now: number): number {
    const late = this.lateAt(job);
    return late !== undefined && late > now && late < planned ? late : planned;
  }

  /**
   * Edits the reply to show `progress`, unless it already does (its ETA aside, until that is
   * late) or an edit is under way. A cancelled job's reply says so, and keeps saying it while
   * the provider finishes the video.
   */
  show(job: Job, progress: Progress, now: number): void {
    if (job.cancelledBy !== undefined) return;
    // While Discord rate-limits an edit, later ones wait for the next step rather than queue behind it.
    if (!this.delivery.replyOpen(job.origin, now) || this.inFlight.has(job.id)) return;
    const handoff = !job.handedOff && now >= job.origin.tokenExpiresAt - this.options.handoffNoticeMs;
    const shown = this.shown.get(job.id);
    const late = (this.lateAt(job) ?? Number.POSITIVE_INFINITY) <= now;
    if (!handoff && !late && shown !== undefined && sameProgress(shown, progress)) return;
    if (handoff) {
      job.handedOff = true;
      void this.options.persist(job);
    }
    const withEta = late ? { ...progress, eta: 'overdue' as const } : this.estimated(job, progress, now);
    this.shown.set(job.id, withEta);
    const edit = this.delivery
      .progress(
        job.origin,
        (t) => this.text.render({ kind: 'progress', job, progress: withEta, handedOff: job.handedOff === true }, t),
        PROGRESS_ACTIONS,
      )
      .then((landed) => {
        if (!landed && this.shown.get(job.id) === withEta) this.shown.delete(job.id);
      })
      .finally(() => this.inFlight.delete(job.id));
    this.inFlight.set(job.id, edit);
  }

  /** Records that the reply already shows `progress` (the command answered with it). */
  showing(job: Job, progress: Progress): void {
    this.shown.set(job.id, progress);
  }

  /** Resolves once no edit is under way: a late progress edit must not land on top of the result. */
  async settled(job: Job): Promise<void> {
    await this.inFlight.get(job.id);
  }

  forget(job: Job): void {
    this.shown.delete(job.id);
  }

  private saidLate(job: Job): boolean {
    return this.shown.get(job.id)?.eta === 'overdue';
  }
}

function sameProgress(a: Progress, b: Progress): boolean {
  return a.stage === b.stage && (a.stage !== 'waiting' || b.stage !== 'waiting' || a.ahead === b.ahead);
}
