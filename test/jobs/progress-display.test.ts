import { describe, expect, it } from 'vitest';
import { translator, type Wording } from '../../src/i18n/translator.js';
import type { Delivered, Delivery } from '../../src/jobs/delivery.js';
import type { Job, JobOrigin } from '../../src/jobs/job.js';
import type { JobText, Progress } from '../../src/jobs/notices.js';
import { ProgressDisplay } from '../../src/jobs/progress-display.js';
import type { Learned } from '../../src/jobs/ready-estimate.js';

/**
 * When the member's reply is edited for its ETA alone, at explicit times: a job that outran its
 * ETA by the grace (a fifth of the usual 40 s) is told once that it is taking longer than usual.
 */

const start = Date.UTC(2026, 10, 26, 12);
const MINUTE = 60_000;
/** The usual duration, 40 s: a job sent at `start` is likely ready at 40 s, late from 48 s on. */
const learned: Learned = { typicalMs: 40_000, slots: 4 };

/** Records the progress each edit showed (the text below writes it as JSON). */
class RecordingDelivery implements Delivery {
  readonly edits: Progress[] = [];
  async progress(_origin: JobOrigin, content: Wording): Promise<boolean> {
    this.edits.push(JSON.parse(content(translator('en-US'))) as Progress);
    return true;
  }
  async post(): Promise<Delivered> {
    throw new Error('no result is posted here');
  }
  replyOpen(origin: JobOrigin, now: number): boolean {
    return now < origin.tokenExpiresAt - MINUTE;
  }
}

const asJson: JobText = { render: (notice) => (notice.kind === 'progress' ? JSON.stringify(notice.progress) : '') };

function display(delivery: RecordingDelivery, known: Learned = learned): ProgressDisplay {
  return new ProgressDisplay(delivery, asJson, {
    handoffNoticeMs: 3 * MINUTE,
    persist: async () => {},
    learned: () => known,
  });
}

function sentJob(fields: Partial<Job> = {}): Job {
  return {
    id: '1000000000000000001',
    origin: { tokenExpiresAt: start + 15 * MINUTE } as JobOrigin,
    createdAt: start,
    submittedAt: start,
    ...fields,
  } as Job;
}

/** Shows `progress` at `at` and waits for the edit, if one was made, to land. */
async function showAt(progress: ProgressDisplay, job: Job, shown: Progress, at: number): Promise<void> {
  progress.show(job, shown, start + at);
  await progress.settled(job);
}

describe('ProgressDisplay: an ETA the job outran', () => {
  it('is replaced by "taking longer than usual" once it has passed by a fifth of the usual duration, once', async () => {
    const delivery = new RecordingDelivery();
    const progress = display(delivery);
    const job = sentJob();
    await showAt(progress, job, { stage: 'generating' }, 1_000);
    expect(delivery.edits).toEqual([{ stage: 'generating', eta: { at: start + 40_000 } }]);
    expect(progress.lateAt(job)).toBe(start + 48_000);

    // Past the ETA but within the grace: most jobs finish here, and the reply is left alone.
    await showAt(progress, job, { stage: 'generating' }, 41_000);
    await showAt(progress, job, { stage: 'generating' }, 47_999);
    expect(delivery.edits).toHaveLength(1);

    await showAt(progress, job, { stage: 'generating' }, 48_000);
    expect(delivery.edits.at(-1)).toEqual({ stage: 'generating', eta: 'overdue' });
    expect(progress.lateAt(job)).toBeUndefined();
    for (const at of [50_000, 2 * MINUTE, 5 * MINUTE]) await showAt(progress, job, { stage: 'generating' }, at);
    expect(delivery.edits).toHaveLength(2);
  });

  it('runs the job’s step at the moment the late edit is due, never sooner than planned nor at once', async () => {
    const progress = display(new RecordingDelivery());
    const job = sentJob();
    await showAt(progress, job, { stage: 'generating' }, 1_000);
    expect(progress.stepAt(job, start + 60_000, start + 30_000)).toBe(start + 48_000);
    expect(progress.stepAt(job, start + 45_000, start + 30_000)).toBe(start + 45_000);
    // Already due (an edit under way held it back): the step keeps its plan instead of running again now.
    expect(progress.stepAt(job, start + 60_000, start + 48_000)).toBe(start + 60_000);
  });

  it('makes no late edit for a job cancelled at the provider, or one whose reply was handed off', async () => {
    for (const fields of [{ cancelledBy: '5000000000000000002' }, { handedOff: true }]) {
      const delivery = new RecordingDelivery();
      const progress = display(delivery);
      const job = sentJob();
      await showAt(progress, job, { stage: 'generating' }, 1_000);
      Object.assign(job, fields);
      expect(progress.lateAt(job)).toBeUndefined();
      expect(progress.stepAt(job, start + 60_000, start + 30_000)).toBe(start + 60_000);
      await showAt(progress, job, { stage: 'generating' }, 50_000);
      expect(delivery.edits).toHaveLength(1);
    }
  });

  it('has nothing to replace while the model’s durations are not known, or once the job is forgotten', async () => {
    const delivery = new RecordingDelivery();
    const progress = display(delivery, { typicalMs: undefined, slots: 4 });
    const job = sentJob();
    await showAt(progress, job, { stage: 'generating' }, 1_000);
    await showAt(progress, job, { stage: 'generating' }, 5 * MINUTE);
    expect(delivery.edits).toEqual([{ stage: 'generating' }]);

    const known = display(new RecordingDelivery());
    await showAt(known, job, { stage: 'generating' }, 1_000);
    known.forget(job);
    expect(known.lateAt(job)).toBeUndefined();
  });

  it('says a job is late at the first edit of a process that never showed it, as after a restart', async () => {
    const delivery = new RecordingDelivery();
    await showAt(display(delivery), sentJob(), { stage: 'generating' }, 50_000);
    expect(delivery.edits).toEqual([{ stage: 'generating', eta: 'overdue' }]);
  });

  it('tells a job in line that outran its ETA it is late, and keeps saying so as it moves up and is sent', async () => {
    const delivery = new RecordingDelivery();
    const progress = display(delivery);
    const { submittedAt: _, ...inLine } = sentJob();
    const job = inLine as Job;
    // One ahead, 4 slots: a slot in 15 s, then 40 s; late 8 s after that.
    await showAt(progress, job, { stage: 'waiting', ahead: 1 }, 0);
    expect(delivery.edits).toEqual([{ stage: 'waiting', ahead: 1, eta: { at: start + 55_000 } }]);
    expect(progress.stepAt(job, start + 10_000, start)).toBe(start + 10_000);
    expect(progress.stepAt(job, start + 70_000, start + 60_000)).toBe(start + 63_000);
    await showAt(progress, job, { stage: 'waiting', ahead: 1 }, 62_999);
    await showAt(progress, job, { stage: 'waiting', ahead: 1 }, 63_000);
    await showAt(progress, job, { stage: 'waiting', ahead: 0 }, 70_000);
    await showAt(progress, job, { stage: 'submitting' }, 80_000);
    expect(delivery.edits.slice(1)).toEqual([
      { stage: 'waiting', ahead: 1, eta: 'overdue' },
      { stage: 'waiting', ahead: 0, eta: 'overdue' },
      { stage: 'submitting', eta: 'overdue' },
    ]);
  });
});
