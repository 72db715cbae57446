/**
 * WaveSpeed's result callbacks: checking that one is genuine, fresh and new, and handing
 * its prediction to the bot. Polling stays on as the reconciler, so a callback that is
 * lost or refused costs a little latency, never a job.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Logger } from 'pino';
import type { Prediction } from '../provider/video-provider.js';
import { predictionFromData } from './envelope.js';
import {
  type RejectionDetails,
  RejectionLog,
  rejectionAnswer,
  type WebhookAnswer,
  type WebhookObserver,
  type WebhookRejection,
} from './webhook-rejections.js';

export {
  WEBHOOK_REJECTIONS,
  type WebhookAnswer,
  type WebhookObserver,
  type WebhookRejection,
} from './webhook-rejections.js';

/** How far a callback's timestamp may be from the receiver's clock, either way. */
export const WEBHOOK_TOLERANCE_MS = 300_000;

const SECRET_PREFIX = 'whsec_';
/** One entry of `webhook-signature`: version 3, then the hex HMAC-SHA256. */
const V3_ENTRY = /^v3,([0-9a-f]{64})$/i;
/** Unix seconds, as WaveSpeed's examples show (`1758798328`). */
const UNIX_SECONDS = /^\d{1,12}$/;

/** What {@link verifyWebhookSignature} checks: the three headers, the raw body and the secret. */
export interface SignedCallback {
  /** The account's secret as `GET /api/v3/webhook/secret` returns it: `whsec_…`. */
  secret: string;
  /** `webhook-id` */
  id: string;
  /** `webhook-timestamp`, unix seconds. */
  timestamp: string;
  /** `webhook-signature`: `v3,<hex>`, or several such entries separated by spaces. */
  signature: string;
  /** The body exactly as received: any re-encoding would break the signature. */
  rawBody: Buffer | string;
  /** Epoch milliseconds. */
  now: number;
}

/** Why a callback was refused: a header that cannot be read, a timestamp out of bounds, or no matching signature. */
export type SignatureRejection = 'malformed' | 'stale' | 'mismatch';

/** The outcome of {@link verifyWebhookSignature}. */
export type SignatureVerdict =
  | {
      ok: true;
      /** Epoch ms when the signed timestamp stops being fresh: until then a replay would pass this check. */
      freshUntil: number;
    }
  | { ok: false; reason: SignatureRejection };

/**
 * Checks a callback as WaveSpeed signs it: HMAC-SHA256 over `{id}.{timestamp}.{raw body}`,
 * keyed by the secret without its `whsec_` prefix, taken as UTF-8 text (WaveSpeed's guide
 * says not to base64-decode it, unlike the Standard Webhooks scheme this resembles), sent
 * hex-encoded as `v3,<hex>`. A timestamp more than 300 s from `now` either way is stale.
 */
export function verifyWebhookSignature(callback: SignedCallback): SignatureVerdict {
  if (!UNIX_SECONDS.test(callback.timestamp)) return { ok: false, reason: 'malformed' };
  const sentAt = Number(callback.timestamp) * 1000;
  if (Math.abs(callback.now - sentAt) > WEBHOOK_TOLERANCE_MS) return { ok: false, reason: 'stale' };
  const candidates = signatureCandidates(callback.signature);
  if (candidates.length === 0) return { ok: false, reason: 'malformed' };
  const expected = expectedSignature(callback);
  return candidates.some((candidate) => timingSafeEqual(candidate, expected))
    ? { ok: true, freshUntil: sentAt + WEBHOOK_TOLERANCE_MS }
    : { ok: false, reason: 'mismatch' };
}

/** The `v3` digests in a signature header; entries of other versions or shapes are skipped. */
function signatureCandidates(header: string): Buffer[] {
  return header.split(' ').flatMap((entry) => {
    const hex = V3_ENTRY.exec(entry)?.[1];
    return hex ? [Buffer.from(hex, 'hex')] : [];
  });
}

function expectedSignature({ secret, id, timestamp, rawBody }: SignedCallback): Buffer {
  const key = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  // An empty key is one anybody can sign with.
  if (!key) throw new Error('the webhook secret is empty');
  return createHmac('sha256', key).update(`${id}.${timestamp}.`).update(rawBody).digest();
}

/**
 * Remembers callback ids while their signatures are still fresh, so a captured callback
 * cannot be played again. The in-memory {@link MemoryReplayGuard} serves one process; a
 * shared store (Redis `SET NX PX`) can back the same contract for several.
 */
export interface ReplayGuard {
  /** Records `id` for `ttlMs`; false when it is already recorded. Must be atomic. */
  claim(id: string, ttlMs: number): Promise<boolean>;
  /** Forgets `id`, so a callback whose handling failed can be delivered again. */
  release(id: string): Promise<void>;
}

export interface MemoryReplayGuardOptions {
  /** Ids remembered at most; the oldest are forgotten first. Default 10,000. */
  maxEntries?: number;
  now?: () => number;
}

/** A {@link ReplayGuard} for a single process, bounded in size. */
export class MemoryReplayGuard implements ReplayGuard {
  /** Id → epoch ms it may be forgotten. Insertion order is roughly expiry order. */
  readonly #seen = new Map<string, number>();
  readonly #maxEntries: number;
  readonly #now: () => number;

  constructor(options: MemoryReplayGuardOptions = {}) {
    this.#maxEntries = options.maxEntries ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  async claim(id: string, ttlMs: number): Promise<boolean> {
    const now = this.#now();
    this.#forgetExpired(now);
    const until = this.#seen.get(id);
    if (until !== undefined && until > now) return false;
    this.#seen.set(id, now + ttlMs);
    this.#forgetOverflow();
    return true;
  }

  async release(id: string): Promise<void> {
    this.#seen.delete(id);
  }

  #forgetExpired(now: number): void {
    for (const [id, until] of this.#seen) {
      if (until > now) return;
      this.#seen.delete(id);
    }
  }

  /** Past the bound, the oldest ids go first: they are the nearest to going stale anyway. */
  #forgetOverflow(): void {
    for (const id of this.#seen.keys()) {
      if (this.#seen.size <= this.#maxEntries) return;
      this.#seen.delete(id);
    }
  }
}

/** A callback as the HTTP listener received it. */
export interface WebhookCallback {
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface WebhookReceiverOptions {
  /** The path callbacks arrive on: the path of the public webhook URL. */
  path: string;
  /**
   * Reads the `whsec_…` secret, e.g. `() => client.webhookSecret()`. Called on the first
   * callback and kept; a failed read is tried again on the next one.
   */
  secret: () => Promise<string>;
  /** Takes a genuine prediction; the callback is acknowledged once this resolves. */
  onPrediction: (prediction: Prediction) => Promise<void>;
  /** Default: a {@link MemoryReplayGuard}. */
  replayGuard?: ReplayGuard;
  /** Told of every callback turned away, e.g. {@link BotMetrics} counting them by reason. */
  observer?: WebhookObserver;
  logger: Logger;
  /**
   * After the first of each reason, rejected callbacks are logged as one summary line per
   * this interval, so a flood of forged calls cannot flood the log. Default 60 s.
   */
  rejectionReportMs?: number;
  now?: () => number;
}

const ACCEPTED: WebhookAnswer = { status: 200, body: 'ok' };
const FAILED: WebhookAnswer = { status: 500, body: 'prediction not taken' };

/** The receiver's name for each way {@link verifyWebhookSignature} refuses. */
const SIGNATURE_REJECTIONS = {
  malformed: 'malformed',
  stale: 'stale',
  mismatch: 'bad_signature',
} as const satisfies Record<SignatureRejection, WebhookRejection>;

type SignatureHeaders = Pick<SignedCallback, 'id' | 'timestamp' | 'signature'>;

/**
 * Receives WaveSpeed's result callbacks: checks the signature, freshness and novelty of
 * each, reads the bare prediction in its body and hands it to `onPrediction`. Answers 2xx
 * only once the prediction was taken; 401 for a callback that is unsigned, forged, stale
 * or replayed; 400 for a body that is not a prediction. Every callback turned away is
 * reported to the observer, and logged at a bounded rate (see `rejectionReportMs`).
 */
export class WebhookReceiver {
  readonly path: string;
  readonly #options: WebhookReceiverOptions;
  readonly #replayGuard: ReplayGuard;
  readonly #rejections: RejectionLog;
  readonly #now: () => number;
  #secret: Promise<string> | undefined;

  constructor(options: WebhookReceiverOptions) {
    this.path = options.path;
    this.#options = options;
    this.#replayGuard = options.replayGuard ?? new MemoryReplayGuard();
    this.#rejections = new RejectionLog(options.logger, options.rejectionReportMs ?? 60_000);
    this.#now = options.now ?? Date.now;
  }

  /** Handles one callback. Rejects only when the replay guard fails; the listener answers 500 then. */
  async receive(callback: WebhookCallback): Promise<WebhookAnswer> {
    const headers = signatureHeaders(callback.headers);
    if (!headers) return this.#reject('unsigned');
    const webhookId = headers.id;

    let verdict: SignatureVerdict;
    try {
      const secret = await this.#readSecret();
      verdict = verifyWebhookSignature({ ...headers, secret, rawBody: callback.body, now: this.#now() });
    } catch (error) {
      return this.#reject('unverifiable', { webhookId, err: error });
    }
    if (!verdict.ok) return this.#reject(SIGNATURE_REJECTIONS[verdict.reason], { webhookId });

    const prediction = readPrediction(callback.body);
    if (!prediction) return this.#reject('not_a_prediction', { webhookId });
    return this.#handOver(webhookId, prediction, verdict.freshUntil);
  }

  /** Counts and logs a callback the listener refused for its size, before it reached {@link receive}. */
  refuseOversized(): void {
    this.#reject('too_large');
  }

  async #handOver(id: string, prediction: Prediction, freshUntil: number): Promise<WebhookAnswer> {
    // Kept until the signature goes stale, after which the freshness check refuses a replay by itself.
    if (!(await this.#replayGuard.claim(id, Math.max(1, freshUntil - this.#now())))) {
      return this.#reject('replay', { webhookId: id, predictionId: prediction.id });
    }
    const log = this.#options.logger.child({ webhookId: id, predictionId: prediction.id });
    try {
      await this.#options.onPrediction(prediction);
      log.debug({ status: prediction.status }, 'webhook taken');
      return ACCEPTED;
    } catch (error) {
      log.error({ err: error }, 'webhook prediction not taken');
      await this.#replayGuard.release(id);
      return FAILED;
    }
  }

  #reject(reason: WebhookRejection, details: RejectionDetails = {}): WebhookAnswer {
    this.#options.observer?.webhookRejected?.(reason);
    this.#rejections.add(reason, details);
    return rejectionAnswer(reason);
  }

  #readSecret(): Promise<string> {
    this.#secret ??= this.#options.secret().catch((error: unknown) => {
      this.#secret = undefined;
      throw error;
    });
    return this.#secret;
  }
}

/** The three signature headers, or nothing when one is missing or empty. */
function signatureHeaders(headers: IncomingHttpHeaders): SignatureHeaders | undefined {
  const id = text(headers['webhook-id']);
  const timestamp = text(headers['webhook-timestamp']);
  const signature = text(headers['webhook-signature']);
  return id && timestamp && signature ? { id, timestamp, signature } : undefined;
}

function text(header: string | string[] | undefined): string | undefined {
  return typeof header === 'string' ? header : undefined;
}

/** The prediction in a callback body, or nothing when it is not JSON of that shape. */
function readPrediction(body: Buffer): Prediction | undefined {
  try {
    return predictionFromData(JSON.parse(body.toString('utf8')), 'webhook body');
  } catch {
    return undefined;
  }
}
