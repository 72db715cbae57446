/**
 * An expected refusal, explained to the member in one short ephemeral message. Anything
 * else that escapes a command is logged and answered with a generic apology.
 */
export class UserError extends Error {
  override name = 'UserError';

  constructor(
    /** Stable name for logs and tests, e.g. `quota.user_daily`. */
    readonly identifier: string,
    /** What the member reads. */
    message: string,
  ) {
    super(message);
  }
}
