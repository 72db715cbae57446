/**
 * Callbacks the webhook receiver turns away: why, what each reason answers, and a log that
 * stays a few lines long however many arrive, since anyone who finds the URL can send them.
 */
import type { Logger } from 'pino';

/** What to answer WaveSpeed. */
export interface WebhookAnswer {
  status: number;
  body: string;
}

/** Each reason a callback is turned away: the answer it gets and the line that reports it. */
const REJECTIONS = {
  unsigned: { status: 401, body: 'missing webhook signature headers', message: 'webhook refused: unsigned' },
  malformed: { status: 401, body: 'invalid webhook signature', message: 'webhook refused: unreadable signature' },
  stale: { status: 401, body: 'invalid webhook signature', message: 'webhook refused: timestamp out of window' },
  bad_signature: { status: 401, body: 'invalid webhook signature', message: 'webhook refused: signature mismatch' },
  replay: { status: 401, body: 'webhook already received', message: 'webhook refused: replayed' },
  not_a_prediction: { status: 400, body: 'not a prediction', message: 'webhook refused: body is not a prediction' },
  too_large: { status: 413, body: 'body too large', message: 'webhook refused: body too large' },
  unverifiable: { status: 503, body: 'cannot verify webhooks yet', message: 'cannot verify webhook: no usable secret' },
} as const satisfies Record<string, WebhookAnswer & { message: string }>;

/** Why a callback was turned away; `unverifiable` is the bot's own failure to read the secret. */
export type WebhookRejection = keyof typeof REJECTIONS;

/** Every {@link WebhookRejection}, e.g. to export each reason's counter from zero. */
export const WEBHOOK_REJECTIONS = Object.keys(REJECTIONS) as readonly WebhookRejection[];

/** What the receiver answers to a callback turned away for `reason`. */
export function rejectionAnswer(reason: WebhookRejection): WebhookAnswer {
  const { status, body } = REJECTIONS[reason];
  return { status, body };
}

/** What the webhook receiver reports, for metrics. Must not throw. */
export interface WebhookObserver {
  /** A callback was turned away. Called for every one, however few are logged. */
  webhookRejected?(reason: WebhookRejection): void;
}

/** Context for a rejection's own log line. Never the signature, the body or the secret. */
export interface RejectionDetails {
  /** `webhook-id` as sent; cut short before it is logged, since the sender chooses it. */
  webhookId?: string;
  predictionId?: string;
  err?: unknown;
}

/** The longest `webhook-id` logged whole; WaveSpeed's are far shorter. */
const LOGGED_ID_CHARS = 64;

/**
 * Logs rejected callbacks at a bounded rate: the first of each reason at once, with its
 * details; the rest as one summary line per `reportEveryMs`, by reason, for as long as they
 * keep coming. After a quiet interval the next one is logged at once again. A flood of any
 * size therefore costs one line per reason plus one line per interval.
 */
export class RejectionLog {
  readonly #logger: Logger;
  readonly #reportEveryMs: number;
  /** Reasons already logged on a line of their own since the log was last quiet. */
  readonly #shown = new Set<WebhookRejection>();
  /** Rejections since the last line, not on a line of their own. */
  readonly #unreported = new Map<WebhookRejection, number>();
  #timer: NodeJS.Timeout | undefined;

  constructor(logger: Logger, reportEveryMs: number) {
    this.#logger = logger;
    this.#reportEveryMs = reportEveryMs;
  }

  /** Records one rejection, logging it now or in the next summary. */
  add(reason: WebhookRejection, details: RejectionDetails): void {
    if (this.#shown.has(reason)) {
      this.#unreported.set(reason, (this.#unreported.get(reason) ?? 0) + 1);
    } else {
      this.#shown.add(reason);
      this.#logFirst(reason, details);
    }
    this.#timer ??= this.#arm();
  }

  #logFirst(reason: WebhookRejection, { webhookId, ...rest }: RejectionDetails): void {
    const fields = {
      reason,
      ...(webhookId !== undefined && { webhookId: webhookId.slice(0, LOGGED_ID_CHARS) }),
      ...rest,
    };
    const { message } = REJECTIONS[reason];
    if (reason === 'unverifiable') this.#logger.error(fields, message);
    else this.#logger.warn(fields, message);
  }

  #arm(): NodeJS.Timeout {
    // Not a reason to keep the process alive; the counter holds what a last summary would say.
    return setTimeout(() => this.#report(), this.#reportEveryMs).unref();
  }

  #report(): void {
    if (this.#unreported.size === 0) {
      this.#timer = undefined;
      this.#shown.clear();
      return;
    }
    const refused = Object.fromEntries(this.#unreported);
    const total = [...this.#unreported.values()].reduce((sum, count) => sum + count, 0);
    this.#unreported.clear();
    this.#logger.warn(
      { refused, total, intervalSeconds: this.#reportEveryMs / 1000 },
      'webhook callbacks refused since the last report',
    );
    this.#timer = this.#arm();
  }
}
