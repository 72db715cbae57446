/**
 * The store is there but another connection holds its write lock, past the bot's bounded wait.
 * Transient: callers refuse with "try again" or retry their step later.
 */
export class StoreBusyError extends Error {
  readonly code = 'STORE_BUSY';
  override readonly name = 'StoreBusyError';

  constructor(path: string, waitedMs: number) {
    super(`another connection has held the write lock on ${path} for ${waitedMs} ms; nothing of this batch was kept`);
  }
}

/**
 * The store's file is gone or no longer the one the bot opened (deleted, replaced, taken by
 * another process). Final: every later query rejects with it, and the bot must stop.
 */
export class StoreLostError extends Error {
  readonly code = 'STORE_LOST';
  override readonly name = 'StoreLostError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
