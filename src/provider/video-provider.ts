import type { OFFERED_MODEL, RequestFor } from '../video/catalog.js';
import type { ProviderError } from './errors.js';

/** What a member asked for, already checked: the options of the model `/video` offers. */
export type VideoRequest = RequestFor<typeof OFFERED_MODEL>;

/**
 * A prediction as the bot understands it. Statuses the provider may add later are
 * folded into `failed` by the adapter, so a job never waits forever on a status it
 * does not know.
 */
export type Prediction =
  | { id: string; status: 'created' | 'processing' }
  | {
      id: string;
      status: 'completed';
      outputs: string[];
      /** `nsfw[i]` flags `outputs[i]`. */
      nsfw: boolean[];
      inferenceMs?: number;
    }
  | {
      id: string;
      status: 'failed';
      /**
       * Why, classified by the adapter (a ModerationError for the content filter, a
       * ProviderUnavailableError for an internal fault, …). Its message holds the provider's
       * own text, for logs only: never shown to members verbatim.
       */
      cause: ProviderError;
    };

/** Port for a text-to-video provider. WaveSpeed is the production adapter. */
export interface VideoProvider {
  /** Model id, as the provider names it. */
  readonly model: string;
  /** What one video costs the server owner, in US cents. */
  readonly priceCents: number;
  /**
   * Starts a generation. Never retried once the request may have reached the provider:
   * the provider has no idempotency key, so a retry could bill the owner twice.
   */
  submit(request: VideoRequest): Promise<{ id: string }>;
  /** Reads a prediction's state. Idempotent, retried on 429, 5xx and network faults. */
  result(id: string): Promise<Prediction>;
  /**
   * Streams a finished output into the file at `path` (created or truncated) with a size
   * cap, a deadline, a stall limit and an allow-listed origin, and checks that it is an MP4.
   * Resolves with its size in bytes once the file is written and closed. Throws
   * {@link OutputRejectedError} for what must not be fetched (`too_large` past `maxBytes`,
   * declared or counted), a transient error for what may work later; either way the partial
   * file is removed first.
   */
  download(url: string, maxBytes: number, path: string): Promise<number>;
}
