import { rm } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { setTimeout as wait } from 'node:timers/promises';
import type { Logger } from 'pino';
import { Agent, type Dispatcher, request } from 'undici';
import {
  OutputRejectedError,
  ProviderError,
  ProviderRateLimitError,
  SubmitOutcomeUnknownError,
} from '../provider/errors.js';
import type {
  ImageSource,
  Prediction,
  ProviderAccount,
  VideoProvider,
  VideoRequest,
} from '../provider/video-provider.js';
import { type ModelOption, optionsOf, VIDEO_MODELS, type VideoModel } from '../video/catalog.js';
import {
  balanceSchema,
  type Envelope,
  envelopeError,
  envelopeSchema,
  isSuccessCode,
  malformed,
  predictionFromEnvelope,
  readErrorBody,
  submittedSchema,
  webhookSecretSchema,
} from './envelope.js';
import { errorForAnswer } from './error-mapping.js';
import { type HttpAnswer, headerOf, isOk, USER_AGENT } from './http.js';
import {
  IMAGE_SIGNATURES,
  MEDIA_UPLOAD_PATH,
  type MultipartFile,
  multipartImage,
  uploadedSchema,
} from './media-upload.js';
import { downloadOutput, type OutputOrigins, type StallRule } from './output-download.js';
import { backoffMs, parseRetryAfter } from './retry-timing.js';
import { ConnectionNotOpenedError, transportError } from './transport-errors.js';

const WEBHOOK_SECRET_PATH = '/api/v3/webhook/secret';
const BALANCE_PATH = '/api/v3/balance';
/** A balance read is tried once more at most: it is asked for in the background, and by an admin waiting on the answer. */
const BALANCE_RETRIES = 1;
/** Sent as `X-Client-Name`, which WaveSpeed uses for attribution. */
const CLIENT_NAME = 'wan-video-bot';
/** Retries for a submit that certainly created no task: a refused connection or a 429. */
const SUBMIT_RETRIES = 2;
/** A longer `Retry-After` is handed to the caller, as `retryAfterMs`, instead of waited out. */
const MAX_WAITED_RETRY_AFTER_MS = 30_000;
/**
 * Connections kept open to one origin (the API, an output host). Uncapped, a burst opens one
 * per request in flight: a thousand submits, a thousand connections and TLS handshakes. Capped,
 * requests beyond it wait for a free connection, which at WaveSpeed's answer times stays well
 * inside a call's deadline.
 */
const CONNECTIONS_PER_ORIGIN = 64;

/** How to reach WaveSpeed. Nothing is contacted until the first call. */
export interface WaveSpeedClientOptions {
  apiKey: string;
  /** `https://api.wavespeed.ai`, or a local stand-in over plain http. */
  baseUrl: string;
  /**
   * Hosts besides the API's own that outputs may be downloaded from: an exact host, or a
   * leading-dot entry such as `.cloudfront.net` for its subdomains.
   */
  outputHosts: readonly string[];
  /** Per API call, body included. Default 15 s. */
  requestTimeoutMs?: number;
  /**
   * Per download, redirects and body included. Default 120 s: a 100 MiB output at 1 MiB/s,
   * with room to spare; a 480p clip of a few MiB takes seconds.
   */
  downloadTimeoutMs?: number;
  /**
   * A download receiving fewer than `minBytes` in any `windowMs` is given up on as stalled, a
   * transient timeout. Default 64 KiB in 10 s: a slow-loris host fails within 10 s instead
   * of holding its transfer slot to the deadline.
   */
  downloadStall?: StallRule;
  /**
   * Per transfer of a member's image: its fetch, redirects and body included, and then each
   * upload attempt. Default 60 s: 20 MB at a third of a MiB a second.
   */
  imageTimeoutMs?: number;
  /** How many times a failed result (or webhook secret) read is tried again. Default 4. */
  resultRetries?: number;
  /**
   * Public URL WaveSpeed posts each finished prediction to, sent as the submit's `webhook`
   * query parameter. (One documentation page shows a `webhook_url` body field instead; the
   * query parameter is what the webhook pages describe, so only it is sent.)
   */
  webhookUrl?: string;
  /** Sends the requests; tests pass undici's `MockAgent`. Default: an agent of the client's own. */
  dispatcher?: Dispatcher;
  /** Waits between retries; tests pass one that records instead of waiting. */
  sleep?: (ms: number) => Promise<void>;
  logger?: Logger;
}

type Endpoint = { method: 'GET' | 'POST'; path: string; query?: URLSearchParams };

/** A request body: JSON text, or a stream whose length is known before it is sent. */
type Body = { type: string; data: string } | { type: string; data: Readable; length: number };

/** The WaveSpeed adapter, for every model of the catalog: each submit names its own. */
export class WaveSpeedClient implements VideoProvider, ProviderAccount {
  readonly #apiKey: string;
  readonly #baseUrl: string;
  readonly #origins: OutputOrigins;
  readonly #requestTimeoutMs: number;
  readonly #downloadTimeoutMs: number;
  readonly #downloadStall: StallRule;
  readonly #imageTimeoutMs: number;
  readonly #resultRetries: number;
  readonly #submitQuery: URLSearchParams | undefined;
  readonly #dispatcher: Dispatcher;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #logger: Logger | undefined;

  constructor(options: WaveSpeedClientOptions) {
    this.#apiKey = options.apiKey;
    this.#baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#origins = { api: new URL(options.baseUrl), hosts: options.outputHosts.map((host) => host.toLowerCase()) };
    this.#requestTimeoutMs = options.requestTimeoutMs ?? 15_000;
    this.#downloadTimeoutMs = options.downloadTimeoutMs ?? 120_000;
    this.#downloadStall = options.downloadStall ?? { windowMs: 10_000, minBytes: 64 * 1024 };
    this.#imageTimeoutMs = options.imageTimeoutMs ?? 60_000;
    this.#resultRetries = options.resultRetries ?? 4;
    this.#submitQuery =
      options.webhookUrl === undefined ? undefined : new URLSearchParams({ webhook: options.webhookUrl });
    this.#dispatcher = options.dispatcher ?? new Agent({ connections: CONNECTIONS_PER_ORIGIN });
    this.#sleep = options.sleep ?? ((ms) => wait(ms));
    this.#logger = options.logger;
  }

  /**
   * Starts a generation. Sent again only when WaveSpeed certainly did not take it (the
   * connection never opened, or an explicit 429); once it may have, a timeout or a broken
   * answer is a {@link SubmitOutcomeUnknownError}.
   */
  async submit(request: VideoRequest): Promise<{ id: string }> {
    const model: VideoModel = VIDEO_MODELS[request.model];
    const endpoint: Endpoint = {
      method: 'POST',
      path: `/api/v3/${model.path}`,
      ...(this.#submitQuery && { query: this.#submitQuery }),
    };
    const body = JSON.stringify(submitBody(model, request));
    return this.#withRetries(
      endpoint,
      SUBMIT_RETRIES,
      () => this.#submitOnce(endpoint, body),
      (error) => error instanceof ConnectionNotOpenedError || error instanceof ProviderRateLimitError,
    );
  }

  /** Reads a prediction, retrying every transient failure with backoff. */
  result(id: string): Promise<Prediction> {
    const endpoint: Endpoint = { method: 'GET', path: `/api/v3/predictions/${encodeURIComponent(id)}/result` };
    return this.#withRetries(
      endpoint,
      this.#resultRetries,
      () => this.#resultOnce(endpoint),
      (error) => error.transient,
    );
  }

  /**
   * Reads the account's webhook signing secret (`whsec_…`), retried like a result read. Its
   * answer's shape is undocumented: `data.secret` and a bare string `data` are both read.
   */
  webhookSecret(): Promise<string> {
    const endpoint: Endpoint = { method: 'GET', path: WEBHOOK_SECRET_PATH };
    return this.#withRetries(
      endpoint,
      this.#resultRetries,
      () => this.#webhookSecretOnce(endpoint),
      (error) => error.transient,
    );
  }

  /** The account's balance in US dollars; a transient failure is tried once more. */
  balance(): Promise<number> {
    const endpoint: Endpoint = { method: 'GET', path: BALANCE_PATH };
    return this.#withRetries(
      endpoint,
      BALANCE_RETRIES,
      () => this.#balanceOnce(endpoint),
      (error) => error.transient,
    );
  }

  /** Streams a finished video into `path`; see {@link downloadOutput} for what is refused. */
  download(url: string, maxBytes: number, path: string): Promise<number> {
    return downloadOutput(url, maxBytes, path, {
      dispatcher: this.#dispatcher,
      origins: this.#origins,
      timeoutMs: this.#downloadTimeoutMs,
      stall: this.#downloadStall,
    });
  }

  /**
   * Fetches the member's image into `path` (from its own host only, bounded like an output,
   * checked against its declared type), then uploads it, retrying every transient failure: an
   * upload creates no task and bills nothing. The file is gone when this settles.
   */
  async uploadImage(source: ImageSource, path: string): Promise<string> {
    try {
      const bytes = await downloadOutput(source.url, source.maxBytes, path, {
        dispatcher: this.#dispatcher,
        // Only the image's own host, over its own scheme; the request carries no key.
        origins: { api: imageOrigin(source.url), hosts: [] },
        timeoutMs: this.#imageTimeoutMs,
        stall: this.#downloadStall,
        signature: IMAGE_SIGNATURES[source.type],
      });
      const file = multipartImage(path, bytes, source.type);
      const endpoint: Endpoint = { method: 'POST', path: MEDIA_UPLOAD_PATH };
      return await this.#withRetries(
        endpoint,
        this.#resultRetries,
        () => this.#uploadOnce(endpoint, file),
        (error) => error.transient,
      );
    } finally {
      await rm(path, { force: true });
    }
  }

  async #uploadOnce(endpoint: Endpoint, file: MultipartFile): Promise<string> {
    const describe = `${endpoint.method} ${endpoint.path}`;
    const body: Body = { type: file.contentType, data: file.open(), length: file.length };
    const response = await this.#send(endpoint, body, this.#imageTimeoutMs);
    if (!isOk(response)) throw await errorForResponse(response, describe);
    const envelope = await this.#readEnvelope(response, describe);
    if (!isSuccessCode(envelope.code)) throw envelopeError(envelope, describe, response.statusCode);
    const uploaded = uploadedSchema.safeParse(envelope.data);
    if (!uploaded.success) throw malformed(describe, 'no download_url', response.statusCode);
    return uploaded.data;
  }

  async #submitOnce(endpoint: Endpoint, body: string): Promise<{ id: string }> {
    const describe = `${endpoint.method} ${endpoint.path}`;
    const response = await this.#send(endpoint, { type: 'application/json', data: body }).catch(
      (error: ProviderError) => {
        throw error instanceof ConnectionNotOpenedError ? error : outcomeUnknown(error);
      },
    );
    if (!isOk(response)) throw await errorForResponse(response, describe);
    // From here the task may exist, so whatever cannot be read must not lead to a re-send.
    const envelope = await this.#readEnvelope(response, describe).catch((error: ProviderError) => {
      throw outcomeUnknown(error);
    });
    if (!isSuccessCode(envelope.code)) throw envelopeError(envelope, describe, response.statusCode);
    const submitted = submittedSchema.safeParse(envelope.data);
    if (!submitted.success) throw outcomeUnknown(malformed(describe, 'no prediction id', response.statusCode));
    return { id: submitted.data.id };
  }

  async #resultOnce(endpoint: Endpoint): Promise<Prediction> {
    const { envelope, status, describe } = await this.#get(endpoint);
    return predictionFromEnvelope(envelope, describe, status);
  }

  async #webhookSecretOnce(endpoint: Endpoint): Promise<string> {
    const { envelope, status, describe } = await this.#get(endpoint);
    if (!isSuccessCode(envelope.code)) throw envelopeError(envelope, describe, status);
    const secret = webhookSecretSchema.safeParse(envelope.data);
    if (!secret.success) throw malformed(describe, 'no webhook secret', status);
    return secret.data;
  }

  async #balanceOnce(endpoint: Endpoint): Promise<number> {
    const { envelope, status, describe } = await this.#get(endpoint);
    if (!isSuccessCode(envelope.code)) throw envelopeError(envelope, describe, status);
    const balance = balanceSchema.safeParse(envelope.data);
    if (!balance.success) throw malformed(describe, 'no balance', status);
    return balance.data;
  }

  /** One idempotent read: the envelope of a 2xx answer, or the error any other answer stands for. */
  async #get(endpoint: Endpoint): Promise<{ envelope: Envelope; status: number; describe: string }> {
    const describe = `${endpoint.method} ${endpoint.path}`;
    const response = await this.#send(endpoint);
    if (!isOk(response)) throw await errorForResponse(response, describe);
    return { envelope: await this.#readEnvelope(response, describe), status: response.statusCode, describe };
  }

  /** One request with its own deadline; every failure comes out as a {@link ProviderError}. */
  async #send({ method, path, query }: Endpoint, body?: Body, timeoutMs = this.#requestTimeoutMs): Promise<HttpAnswer> {
    const headers: Record<string, string> = {
      Authorization: `Bearer ${this.#apiKey}`,
      'User-Agent': USER_AGENT,
      'X-Client-Name': CLIENT_NAME,
      Accept: 'application/json',
      ...(body && { 'Content-Type': body.type }),
      ...(body && 'length' in body && { 'Content-Length': String(body.length) }),
    };
    try {
      // The signal's deadline covers the body too: undici destroys an unread body on abort.
      const response = await request(`${this.#baseUrl}${path}${query ? `?${query}` : ''}`, {
        dispatcher: this.#dispatcher,
        method,
        headers,
        signal: AbortSignal.timeout(timeoutMs),
        ...(body && { body: body.data }),
      });
      this.#logger?.debug({ method, path, status: response.statusCode }, 'WaveSpeed answered');
      return response;
    } catch (error) {
      throw transportError(error, `${method} ${path}`);
    }
  }

  async #readEnvelope(response: HttpAnswer, describe: string): Promise<Envelope> {
    const text = await response.body.text().catch((error: unknown) => {
      throw transportError(error, describe);
    });
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw malformed(describe, 'not JSON', response.statusCode);
    }
    const envelope = envelopeSchema.safeParse(json);
    if (!envelope.success) throw malformed(describe, 'no envelope', response.statusCode);
    return envelope.data;
  }

  /** Runs `call`, and again after each failure `retryable` accepts, at most `retries` more times. */
  async #withRetries<T>(
    endpoint: Endpoint,
    retries: number,
    call: () => Promise<T>,
    retryable: (error: ProviderError) => boolean,
  ): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await call();
      } catch (error) {
        if (!(error instanceof ProviderError) || attempt >= retries || !retryable(error)) throw error;
        const waitMs = waitBeforeRetry(error, attempt);
        if (waitMs === undefined) throw error;
        this.#logger?.warn(
          { method: endpoint.method, path: endpoint.path, status: error.status },
          'retrying WaveSpeed',
        );
        await this.#sleep(waitMs);
      }
    }
  }
}

/**
 * Exactly the member's options, under the model's names for them, and the values it fixes.
 * A request missing an input the model requires (an image not uploaded yet) is never sent.
 */
function submitBody(model: VideoModel, request: VideoRequest): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  const values = request as Partial<Record<ModelOption['name'], unknown>>;
  for (const { name, option } of optionsOf(model)) {
    const value = values[name];
    const sent = value === undefined || !option.sent ? value : option.sent(value);
    if (sent !== undefined) body[option.field] = sent;
  }
  const missing = model.requires.filter((field) => body[field] === undefined);
  if (missing.length > 0) throw new Error(`${model.path} needs ${missing.join(', ')}; nothing was sent`);
  return { ...body, ...model.fixed };
}

/** The origin a member's image may be fetched from: its own URL's. */
function imageOrigin(url: string): URL {
  if (!URL.canParse(url)) throw new OutputRejectedError('the image URL cannot be read', 'host');
  return new URL(url);
}

async function errorForResponse(response: HttpAnswer, describe: string): Promise<ProviderError> {
  const body = await readErrorBody(response.body);
  return errorForAnswer({
    status: response.statusCode,
    code: body.code,
    message: `${describe} answered ${response.statusCode}${body.message ? `: ${body.message}` : ''}`,
    retryAfterMs: parseRetryAfter(headerOf(response, 'retry-after')),
  });
}

function outcomeUnknown(cause: ProviderError): SubmitOutcomeUnknownError {
  return new SubmitOutcomeUnknownError(`${cause.message}; the task may have been created`, cause.status);
}

/** Honours a `Retry-After` short enough to wait out; backs off when there is none. */
function waitBeforeRetry(error: ProviderError, attempt: number): number | undefined {
  if (!(error instanceof ProviderRateLimitError) || error.retryAfterMs === undefined) return backoffMs(attempt);
  return error.retryAfterMs <= MAX_WAITED_RETRY_AFTER_MS ? error.retryAfterMs : undefined;
}
