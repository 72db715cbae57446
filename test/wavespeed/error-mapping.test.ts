import { describe, expect, it } from 'vitest';
import {
  GenerationFailedError,
  InsufficientBalanceError,
  InvalidRequestError,
  ModerationError,
  ProviderAuthError,
  ProviderRateLimitError,
  ProviderTimeoutError,
  ProviderUnavailableError,
} from '../../src/provider/errors.js';
import { errorForAnswer, errorForTask } from '../../src/wavespeed/error-mapping.js';

type ErrorClass = abstract new (...args: never[]) => Error;

describe('errorForAnswer', () => {
  const answer = (status: number, code?: number) =>
    errorForAnswer({ status, code, message: `answered ${status}`, retryAfterMs: undefined });

  it.each<{ status: number; expected: ErrorClass }>([
    { status: 401, expected: ProviderAuthError },
    { status: 403, expected: ProviderAuthError },
    { status: 402, expected: InsufficientBalanceError },
    { status: 400, expected: InvalidRequestError },
    { status: 404, expected: GenerationFailedError },
    { status: 422, expected: InvalidRequestError },
    { status: 408, expected: ProviderTimeoutError },
    { status: 500, expected: ProviderUnavailableError },
    { status: 504, expected: ProviderUnavailableError },
  ])('maps HTTP $status to $expected.name', ({ status, expected }) => {
    expect(answer(status)).toBeInstanceOf(expected);
    expect(answer(status)).toMatchObject({ status });
  });

  it('lets a documented code in the body refine a generic status', () => {
    expect(answer(400, 402)).toBeInstanceOf(InsufficientBalanceError);
    expect(answer(400, 1200)).toBeInstanceOf(ModerationError);
    expect(answer(500, 5004)).toBeInstanceOf(ProviderTimeoutError);
    expect(answer(400, 400)).toBeInstanceOf(InvalidRequestError);
  });

  it('never lets the body override an auth failure or a rate limit', () => {
    expect(answer(401, 1200)).toBeInstanceOf(ProviderAuthError);
    expect(answer(429, 1401)).toBeInstanceOf(ProviderRateLimitError);
  });

  it('carries Retry-After on a rate limit', () => {
    const error = errorForAnswer({ status: 429, code: undefined, message: 'slow down', retryAfterMs: 2_000 });

    expect(error).toBeInstanceOf(ProviderRateLimitError);
    expect(error).toMatchObject({ retryAfterMs: 2_000, transient: true });
  });
});

describe('errorForTask', () => {
  it.each<{ code: number | undefined; expected: ErrorClass; transient: boolean }>([
    { code: 1200, expected: ModerationError, transient: false },
    { code: 1400, expected: InvalidRequestError, transient: false },
    { code: 1401, expected: InvalidRequestError, transient: false },
    { code: 1402, expected: InvalidRequestError, transient: false },
    { code: 1403, expected: GenerationFailedError, transient: false },
    { code: 1405, expected: GenerationFailedError, transient: false },
    { code: 5000, expected: ProviderUnavailableError, transient: true },
    { code: 5003, expected: ProviderUnavailableError, transient: true },
    { code: 5004, expected: ProviderTimeoutError, transient: true },
    { code: 7777, expected: GenerationFailedError, transient: false },
    { code: undefined, expected: GenerationFailedError, transient: false },
  ])('explains task code $code as $expected.name', ({ code, expected, transient }) => {
    const error = errorForTask('p1', code, 'provider text');

    expect(error).toBeInstanceOf(expected);
    expect(error).toMatchObject({ code, transient });
  });
});
