import { z } from 'zod';
import { MalformedResponseError, type ProviderError } from '../provider/errors.js';
import type { Prediction } from '../provider/video-provider.js';
import { errorForCode, errorForTask, type FailedPrediction } from './error-mapping.js';

// Codes are numbers in every documented example; the error body is undocumented, so a
// numeric string is tolerated too.
const code = z.union([
  z.number().int(),
  z
    .string()
    .regex(/^-?\d+$/)
    .transform(Number),
]);

/** `{ code, message, data }`, the wrapper around every WaveSpeed answer. */
export const envelopeSchema = z.object({
  code,
  message: z.string().nullish(),
  data: z.unknown(),
});
export type Envelope = z.infer<typeof envelopeSchema>;

/** `data` of a submit or result answer, or a webhook's whole body: the fields the bot reads. */
const predictionSchema = z.object({
  id: z.string().min(1),
  status: z.string().min(1),
  outputs: z.array(z.string()).nullish(),
  has_nsfw_contents: z.array(z.boolean()).nullish(),
  error: z.string().nullish(),
  // The reference leaves open whether a task code sits here or in the envelope.
  code: code.nullish(),
  timings: z.object({ inference: z.number().nonnegative().nullish() }).nullish(),
});
type PredictionData = z.infer<typeof predictionSchema>;

/** `data` of a submit answer: only the id matters there. */
export const submittedSchema = predictionSchema.pick({ id: true });

/**
 * `data` of the webhook secret answer. Its shape is undocumented: the secret is read from
 * `data.secret`, or from `data` itself when that is the string.
 */
export const webhookSecretSchema = z.union([
  z.string().min(1),
  z.object({ secret: z.string().min(1) }).transform((data) => data.secret),
]);

/** `data` of the balance answer: `{ balance }` in US dollars (a numeric string tolerated, as for codes). */
export const balanceSchema = z
  .object({
    balance: z.union([
      z.number().finite(),
      z
        .string()
        .regex(/^-?\d+(\.\d+)?$/)
        .transform(Number),
    ]),
  })
  .transform((data) => data.balance);

/** The body of a 4xx/5xx, as the official bot reads it. */
const errorBodySchema = z.object({ code: code.optional(), message: z.string().optional() });
export type ErrorBody = z.infer<typeof errorBodySchema>;

/** The `{ code, message }` of an error answer, or nothing when it has neither. */
export async function readErrorBody(body: { text(): Promise<string> }): Promise<ErrorBody> {
  try {
    const parsed = errorBodySchema.safeParse(JSON.parse(await body.text()));
    return parsed.success ? parsed.data : {};
  } catch {
    return {}; // The status alone decides, so an unreadable body costs nothing.
  }
}

/** "0 success" is listed among the task codes; the envelope itself says 200. */
const SUCCESS_CODES: ReadonlySet<number> = new Set([0, 200]);

/** Whether an envelope or task code means success. */
export function isSuccessCode(value: number): boolean {
  return SUCCESS_CODES.has(value);
}

const PENDING_STATUSES: ReadonlySet<string> = new Set(['created', 'processing']);

/** Any status besides the pending ones and `completed` ends the task without a video. */
function isFailure(data: PredictionData): boolean {
  return !PENDING_STATUSES.has(data.status) && data.status !== 'completed';
}

function failedPrediction(data: PredictionData, envelopeCode?: number): FailedPrediction {
  const taskCode = [data.code, envelopeCode].find((candidate) => candidate != null && !isSuccessCode(candidate));
  const error = data.error || `ended with status "${data.status}"`;
  return { id: data.id, status: 'failed', cause: errorForTask(data.id, taskCode ?? undefined, error) };
}

function toPrediction(data: PredictionData, envelopeCode?: number): Prediction {
  if (data.status === 'created' || data.status === 'processing') return { id: data.id, status: data.status };
  if (isFailure(data)) return failedPrediction(data, envelopeCode);
  const outputs = data.outputs ?? [];
  const flags = data.has_nsfw_contents ?? [];
  const inference = data.timings?.inference;
  return {
    id: data.id,
    status: 'completed',
    outputs,
    nsfw: outputs.map((_, index) => flags[index] ?? false),
    ...(inference != null && { inferenceMs: inference }),
  };
}

/**
 * Reads the prediction out of a result (or submit) envelope. A failed task may carry its
 * code in the envelope instead of `data`, so a non-success envelope around a failed
 * prediction is still that prediction; any other non-success envelope is an error.
 */
export function predictionFromEnvelope(envelope: Envelope, describe: string, status: number): Prediction {
  const data = predictionSchema.safeParse(envelope.data);
  if (isSuccessCode(envelope.code)) {
    if (!data.success) throw malformed(describe, z.prettifyError(data.error), status);
    return toPrediction(data.data, envelope.code);
  }
  if (data.success && isFailure(data.data)) return failedPrediction(data.data, envelope.code);
  throw envelopeError(envelope, describe, status);
}

/**
 * Reads a bare prediction object, as a webhook delivers it (no envelope around it).
 * Throws a {@link MalformedResponseError} when it is not one.
 */
export function predictionFromData(data: unknown, describe: string): Prediction {
  const parsed = predictionSchema.safeParse(data);
  if (!parsed.success) throw malformed(describe, z.prettifyError(parsed.error));
  return toPrediction(parsed.data);
}

/** The error a non-success envelope code stands for. */
export function envelopeError(envelope: Envelope, describe: string, status: number): ProviderError {
  const message = `${describe} answered code ${envelope.code}${envelope.message ? `: ${envelope.message}` : ''}`;
  return errorForCode(envelope.code, message, status);
}

/** An answer whose body is not the documented shape. */
export function malformed(describe: string, detail: string, status?: number): MalformedResponseError {
  return new MalformedResponseError(`${describe} answered an unexpected body: ${detail}`, status);
}
