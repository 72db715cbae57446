import type { ImageType, RequestOf, VideoModelId } from '../video/catalog.js';
import type { ProviderError } from './errors.js';

/** What a member asked for, already checked: a model of the catalog and that model's options. */
export type VideoRequest = { [Id in VideoModelId]: RequestOf<Id> }[VideoModelId];

/** A member's image to hand to the provider, from where the chat platform serves it. */
export interface ImageSource {
  url: string;
  type: ImageType;
  /** The largest it may turn out to be, in bytes. */
  maxBytes: number;
}

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

/**
 * Port for a video provider. WaveSpeed is the production adapter. Each call names its model
 * through the request, so one provider serves every model of the catalog.
 */
export interface VideoProvider {
  /**
   * Starts a generation with the request's model. Never retried once the request may have
   * reached the provider: the provider has no idempotency key, so a retry could bill the owner
   * twice. A request missing an input its model requires (an image not yet uploaded) is refused
   * before anything is sent.
   */
  submit(request: VideoRequest): Promise<{ id: string }>;
  /**
   * Copies a member's image into the provider's storage through the file at `path` (removed
   * before it resolves or rejects), and resolves with the URL a model is given. The fetch is
   * bounded like {@link download} and checks that the bytes are of the declared type; it never
   * sends the provider's key to the image's host. Safe to call again: an upload bills nothing.
   * Throws {@link OutputRejectedError} when the image cannot be used (gone, too large, not the
   * declared type), a non-transient error when the provider refuses the upload, a transient one
   * for what may work later.
   */
  uploadImage(source: ImageSource, path: string): Promise<string>;
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

/** Port for the provider account that pays for videos. */
export interface ProviderAccount {
  /**
   * The account's balance in US dollars. Throws a `ProviderAuthError` when the provider refuses
   * the key, a transient error for what may work later.
   */
  balance(): Promise<number>;
}
