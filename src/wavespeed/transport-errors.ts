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

function neverConnected(error: unknown): boolean {
  // A happy-eyeballs connect reports every address it tried in one AggregateError.
  if (error instanceof AggregateError) return error.errors.length > 0 && error.errors.every(neverConnected);
  const code = errorCode(error);
  return code !== undefined && NOT_CONNECTED_CODES.has(code);
}

/**
 * Maps a rejected request, or a body read that failed, to the provider error it stands for:
 * the request's own timeout, a connection that never opened, or one lost on the way.
 * undici rejects with the socket's own error (its code included) or with the signal's reason.
 */
export function transportError(error: unknown, describe: string): ProviderError {
  if (!(error instanceof Error)) return new ProviderUnavailableError(`${describe} failed: ${String(error)}`);
  if (error.name === 'TimeoutError') return new ProviderTimeoutError(`${describe} timed out`);
  if (neverConnected(error)) return new ConnectionNotOpenedError(`${describe} could not connect`);
  const code = errorCode(error);
  return new ProviderUnavailableError(`${describe} failed: ${error.message}${code ? ` (${code})` : ''}`);
}
