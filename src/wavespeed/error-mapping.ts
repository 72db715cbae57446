import {
  GenerationFailedError,
  InsufficientBalanceError,
  InvalidRequestError,
  ModerationError,
  ProviderAuthError,
  type ProviderError,
  ProviderRateLimitError,
  ProviderTimeoutError,
  ProviderUnavailableError,
} from '../provider/errors.js';
import type { Prediction } from '../provider/video-provider.js';

/** A prediction that ended without a video. */
export type FailedPrediction = Extract<Prediction, { status: 'failed' }>;

type CodedErrorClass = new (message: string, status?: number, code?: number) => ProviderError;

/** WaveSpeed's task codes. 1xxx are the user's to fix, 5xxx are transient. */
const TASK_CODE_ERRORS: ReadonlyMap<number, CodedErrorClass> = new Map<number, CodedErrorClass>([
  [1200, ModerationError],
  [1400, InvalidRequestError], // missing parameter
  [1401, InvalidRequestError], // invalid parameter
  [1402, InvalidRequestError], // media URL could not be fetched
  [1403, GenerationFailedError],
  [1405, GenerationFailedError],
  [5000, ProviderUnavailableError], // internal error
  [5003, ProviderUnavailableError], // service unavailable
  [5004, ProviderTimeoutError],
]);

/** HTTP-like codes, which WaveSpeed also uses in its envelope's `code`. */
function classForHttpCode(code: number): CodedErrorClass {
  if (code === 401 || code === 403) return ProviderAuthError;
  // No status is documented for an empty balance; 402 is the one that means it.
  if (code === 402) return InsufficientBalanceError;
  if (code === 408) return ProviderTimeoutError;
  if (code === 400 || code === 422) return InvalidRequestError;
  if (code >= 500 && code < 600) return ProviderUnavailableError;
  // Any other refusal (a 404 for a prediction that is gone, say) is not the member's to fix.
  return GenerationFailedError;
}

/**
 * Maps an envelope or task code (an HTTP-like 4xx/5xx or one of WaveSpeed's task codes) to
 * the error the bot acts on. Codes nobody documented become {@link GenerationFailedError}.
 */
export function errorForCode(code: number, message: string, status?: number): ProviderError {
  if (code === 429) return new ProviderRateLimitError(message, undefined, status);
  const ErrorClass = TASK_CODE_ERRORS.get(code) ?? classForHttpCode(code);
  return new ErrorClass(message, status, code);
}

/** What WaveSpeed said besides the status, on an answer that is not 2xx. */
export interface ErrorAnswer {
  status: number;
  /** `code` from the body, when it had one. */
  code: number | undefined;
  message: string;
  /** From `Retry-After`, when present. */
  retryAfterMs: number | undefined;
}

/**
 * Maps a non-2xx answer. The status decides, except that a documented task code (or 402)
 * in the body is more specific than a generic status; it never overrides 401, 403 or 429.
 */
export function errorForAnswer(answer: ErrorAnswer): ProviderError {
  const { status, code, message } = answer;
  if (status === 429) return new ProviderRateLimitError(message, answer.retryAfterMs, status);
  if (status === 401 || status === 403) return new ProviderAuthError(message, status, code);
  const specific = code !== undefined && (TASK_CODE_ERRORS.has(code) || code === 402);
  return specific ? errorForCode(code, message, status) : errorForCode(status, message, status);
}

/**
 * The error that explains a failed task, for telling the member what went wrong and
 * whether trying again later may help. A failure without a code is unclassified.
 */
export function errorForTask(id: string, code: number | undefined, text: string): ProviderError {
  const message = `WaveSpeed task ${id} failed${code === undefined ? '' : ` with code ${code}`}: ${text}`;
  return code === undefined ? new GenerationFailedError(message) : errorForCode(code, message);
}
