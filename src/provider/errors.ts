/**
 * Provider failures, one class per thing the bot does differently about it. Adapters map
 * HTTP statuses and task codes to these explicitly; nothing downstream reads messages.
 */
export abstract class ProviderError extends Error {
  /** Whether the same call may succeed if made again later. */
  abstract readonly transient: boolean;

  constructor(
    message: string,
    /** HTTP status, when the provider answered. */
    readonly status?: number,
    /** The provider's task or envelope code, when it gave one. */
    readonly code?: number,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** 401/403: the API key is wrong, or the account was never topped up or is suspended. */
export class ProviderAuthError extends ProviderError {
  readonly transient = false;
}

/** The account's balance cannot pay for the video. */
export class InsufficientBalanceError extends ProviderError {
  readonly transient = false;
}

/** 429: the account's rate limit. */
export class ProviderRateLimitError extends ProviderError {
  readonly transient = true;
  constructor(
    message: string,
    /** From `Retry-After`, when the provider sent one. */
    readonly retryAfterMs?: number,
    status = 429,
  ) {
    super(message, status);
  }
}

/** Task code 1200: the content filter refused the prompt. */
export class ModerationError extends ProviderError {
  readonly transient = false;
}

/** 400 or task codes 1400-1402: the provider refused the parameters. */
export class InvalidRequestError extends ProviderError {
  readonly transient = false;
}

/** 5xx, task codes 5000/5003, or a network fault: the provider is down or overloaded. */
export class ProviderUnavailableError extends ProviderError {
  readonly transient = true;
}

/** The request (or, with task code 5004, the generation) took too long. */
export class ProviderTimeoutError extends ProviderError {
  readonly transient = true;
}

/** The task failed for a reason the provider did not classify (1403, 1405, unknown status). */
export class GenerationFailedError extends ProviderError {
  readonly transient = false;
}

/** The provider answered with a body that does not match its documented shape. */
export class MalformedResponseError extends ProviderError {
  readonly transient = true;
}

/**
 * A submit failed after the request may have reached the provider (timeout or dropped
 * connection mid-request). The task may exist and may be billed; it must not be re-sent.
 */
export class SubmitOutcomeUnknownError extends ProviderError {
  readonly transient = false;
}

/**
 * A file (an output, or a member's image on its way to the provider) could not be fetched
 * safely: wrong host, too large, not an MP4 (or not the image type declared), or gone.
 */
export class OutputRejectedError extends ProviderError {
  readonly transient = false;
  constructor(
    message: string,
    readonly reason: 'host' | 'too_large' | 'not_mp4' | 'wrong_type' | 'unavailable',
    status?: number,
    /** For `too_large`: the size its host declared, when it declared one. */
    readonly declaredBytes?: number,
  ) {
    super(message, status);
  }
}
