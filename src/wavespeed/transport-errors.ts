import { type ProviderError, ProviderTimeoutError, ProviderUnavailableError } from '../provider/errors.js';

/** Socket errors raised before a connection exists, when nothing can have been sent. */
const NOT_CONNECTED_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/**
 * The connection never opened, so the request never left: the one network fault after
 * which a submit may be sent again.
 */
export class ConnectionNotOpenedError extends ProviderUnavailableError {}

function errorCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

function neverConnected(cause: unknown): boolean {
  // A happy-eyeballs connect reports every address it tried in one AggregateError.
  if (cause instanceof AggregateError) return cause.errors.length > 0 && cause.errors.every(neverConnected);
  const code = errorCode(cause);
  return code !== undefined && NOT_CONNECTED_CODES.has(code);
}

/**
 * Maps a rejected fetch, or a body read that failed, to the provider error it stands for:
 * the request's own timeout, a connection that never opened, or one lost on the way.
 */
export function transportError(error: unknown, describe: string): ProviderError {
  if (!(error instanceof Error)) return new ProviderUnavailableError(`${describe} failed: ${String(error)}`);
  if (error.name === 'TimeoutError') return new ProviderTimeoutError(`${describe} timed out`);
  if (neverConnected(error.cause)) return new ConnectionNotOpenedError(`${describe} could not connect`);
  const code = errorCode(error.cause);
  return new ProviderUnavailableError(`${describe} failed: ${error.message}${code ? ` (${code})` : ''}`);
}
