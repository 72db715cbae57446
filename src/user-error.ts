import type { MessageKey } from './i18n/language.js';
import { type ParamsArgument, translator, type Wording } from './i18n/translator.js';

/**
 * An expected refusal, explained to the member in one short ephemeral message, in the language
 * of their client. Anything else that escapes a command is logged and answered with a generic
 * apology. Its `message` is the US English wording, for logs and tests.
 */
export class UserError extends Error {
  override name = 'UserError';
  /** Stable name for logs and tests, e.g. `quota.user_daily`. */
  readonly identifier: string;
  /** What the member reads, in the language of `t`. */
  readonly wording: Wording;

  constructor(identifier: string, wording: Wording) {
    super(wording(translator(undefined)));
    this.identifier = identifier;
    this.wording = wording;
  }

  /** A refusal that reads the catalog's message `key`, which is its identifier too. */
  static of<Key extends MessageKey>(key: Key, ...params: ParamsArgument<Key>): UserError {
    return new UserError(key, (t) => t.text(key, ...params));
  }
}
