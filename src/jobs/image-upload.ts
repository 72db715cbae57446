import { GenerationFailedError, InvalidRequestError, OutputRejectedError, ProviderError } from '../provider/errors.js';
import { IMAGE_MAX_BYTES } from '../video/catalog.js';
import { failureReasonOf } from './generation.js';
import type { FailureReason, Job, JobStage } from './job.js';
import { enterStage, type JobContext } from './job-context.js';

/** Faulted attempts the image stage may have (with the step retry's doubling waits) before the member is told. */
export const IMAGE_ATTEMPTS = 4;
/** However its attempts went, the image stage ends this long after it began. */
export const IMAGE_STAGE_MS = 10 * 60_000;
/** A file may turn out this much larger than declared before its fetch is cut off. */
const DECLARED_SIZE_MARGIN = 64 * 1024;

/**
 * The stage of a job made from a member's image, before it joins the line: the image is fetched
 * from the chat platform and uploaded to the provider, whose copy the record then keeps, since
 * the platform's link expires before a resumed job may need it. It runs in the delivery lane
 * (a transfer, not a provider call that others' polls wait on). A fault is retried by the
 * runner and counted in the record; a bad image, or a stage out of attempts or time, ends the
 * job refunded.
 */
export class ImageUpload {
  constructor(private readonly context: JobContext) {}

  async prepare(job: Job): Promise<void> {
    const { deps } = this.context;
    const { request } = job;
    if (!('image' in request)) throw new Error(`job ${job.id} is preparing without an image`);
    job.stage ??= { since: job.createdAt, faults: 0 };
    if (this.spent(job.stage)) {
      this.context.log(job).warn({ faults: job.stage.faults }, 'image upload abandoned');
      return this.context.conclude(job, { kind: 'failure', reason: 'image_unavailable' });
    }
    const { image } = request;
    const source = {
      url: image.url,
      type: image.type,
      maxBytes: Math.min(image.bytes + DECLARED_SIZE_MARGIN, IMAGE_MAX_BYTES),
    };
    try {
      image.uploadedUrl = await deps.provider.uploadImage(source, deps.files.pathFor(job.id, 'image'));
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
      // The member's file being unusable is no fault of the provider's.
      if (!(error instanceof OutputRejectedError)) deps.observer?.providerError?.(error);
      if (error.transient) throw error;
      this.context.log(job).warn({ err: error }, 'image refused');
      return this.context.conclude(job, { kind: 'failure', reason: imageFailureOf(error) });
    }
    // Cancelled while its image was on the way: it stays ended.
    if (job.state !== 'preparing') return;
    const now = this.context.now();
    job.state = 'waiting';
    enterStage(job, now);
    await this.context.persist(job, 'preparing');
    this.context.log(job).info('image uploaded');
    await this.context.schedule(job, now);
  }

  private spent(stage: JobStage): boolean {
    return stage.faults >= IMAGE_ATTEMPTS || this.context.now() - stage.since >= IMAGE_STAGE_MS;
  }
}

/** What the member is told about an image that could not be used. */
function imageFailureOf(error: ProviderError): FailureReason {
  if (error instanceof OutputRejectedError) {
    return error.reason === 'wrong_type' || error.reason === 'too_large' ? 'image_refused' : 'image_unavailable';
  }
  // The upload refused the file itself (its format, its size).
  if (error instanceof InvalidRequestError || error instanceof GenerationFailedError) return 'image_refused';
  return failureReasonOf(error);
}
