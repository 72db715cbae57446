/**
 * A loopback stand-in for WaveSpeed's API, speaking the submit and result calls of the Wan 2.2
 * Plus models (text and image to video, 480p and 1080p), media upload and the balance as the
 * reference describes them, serving the finished videos and uploaded files from its own
 * origin, and posting signed result callbacks to a submit's `webhook` URL. Tests script what
 * it does next; nothing here reaches the network.
 */
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { EventEmitter, once, setMaxListeners } from 'node:events';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
  STATUS_CODES,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as wait } from 'node:timers/promises';
import { readUpload, type UploadRecord } from './wavespeed/media.js';
import { type ModelId, modelAt, refuseBody } from './wavespeed/models.js';

export { IMAGE_UPLOAD_LIMIT, type MediaKind, type UploadRecord } from './wavespeed/media.js';
export { MODEL_IDS, MODELS, type ModelId } from './wavespeed/models.js';

/** The key the stand-in accepts unless told otherwise. */
export const STAND_IN_API_KEY = 'stand-in-key';
/** The webhook secret the stand-in hands out and signs callbacks with unless told otherwise. */
export const STAND_IN_WEBHOOK_SECRET = 'whsec_stand-in-webhook-secret';

const RESULT_PATH = /^\/api\/v3\/predictions\/([^/]+)\/result$/;
const OUTPUT_PATH = /^\/outputs\/([^/]+)\.mp4$/;
const WEBHOOK_SECRET_PATH = '/api/v3/webhook/secret';
const UPLOAD_PATH = '/api/v3/media/upload/binary';
const BALANCE_PATH = '/api/v3/balance';
const MEDIA_PATH = /^\/media\/([^/]+)\/[^/]+$/;
const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** How a generation ends once its duration has passed. */
export type Outcome =
  | { status: 'completed'; nsfw?: boolean }
  | {
      status: 'failed';
      /** A task code such as 1200 (moderation) or 5003 (unavailable). */
      code?: number;
      error?: string;
      /** Where the code is reported: `data.code` (default) or the envelope's `code`. */
      codeIn?: 'data' | 'envelope';
    }
  /** Ends in a status outside the documented four, such as `cancelled`. */
  | { status: 'undocumented'; reported: string };

/** How the finished video is served. */
export interface OutputScript {
  /** Answer downloads with this status instead, e.g. 404 for an expired output. */
  status?: number;
  /** Serve bytes without the MP4 signature. */
  notMp4?: boolean;
  /** Stream without `Content-Length`, so only counting bytes reveals the size. */
  omitContentLength?: boolean;
  /** Redirect this many times before serving. */
  redirects?: number;
  /** Origin the last redirect points at (e.g. `http://localhost:1234`) instead of the stand-in's own. */
  redirectOrigin?: string;
  /**
   * A slow-loris host: send the headers and the first `afterBytes` at once, then
   * `bytesPerTick` every `everyMs` (the stand-in's own timer); without `bytesPerTick`, nothing
   * more until the client gives up or the stand-in closes.
   */
  slowLoris?: SlowLoris;
}

/** How a slow-loris output trickles; see {@link OutputScript.slowLoris}. */
export interface SlowLoris {
  afterBytes: number;
  bytesPerTick?: number;
  /** Default 1000 ms. */
  everyMs?: number;
}

/**
 * One output response's body as the stand-in sent it. Outputs are generated as they are
 * sent (never held whole), so an output of hundreds of MiB costs the test process nothing.
 */
export interface OutputServed {
  predictionId: string;
  /** Body bytes handed to the socket; a client that stops reading early leaves this short of the size. */
  bytesSent: number;
  /** Whether the whole body was sent. */
  complete: boolean;
}

/** How the result callback of a submit that named a `webhook` URL goes. By default it is sent once, on time. */
export interface WebhookScript {
  /** Never send it. */
  lose?: boolean;
  /** Send it this long after the generation ends. */
  delayMs?: number;
  /** Send the identical request (same id, timestamp and signature) a second time once the first is answered. */
  replay?: boolean;
  /** Sign it with a key other than the secret the stand-in hands out. */
  badSignature?: boolean;
}

/** What one generation does. Fields left out come from the stand-in's defaults. */
export interface SubmitScript {
  /** Real time from submit to outcome. Default 20 ms. */
  durationMs?: number;
  /** Default `{ status: 'completed' }`. */
  outcome?: Outcome;
  /** Size of the served video. Default 4 KiB. */
  outputBytes?: number;
  output?: OutputScript;
  /** Applies only when the submit carried a `webhook` query parameter. */
  webhook?: WebhookScript;
}

/** A call the stand-in can misbehave on; `media` is the download of an uploaded file. */
export type Route = 'submit' | 'result' | 'output' | 'secret' | 'upload' | 'balance' | 'media';

/**
 * Misbehaviour for the next matching requests. `delayMs` postpones whatever follows; the
 * rest are alternatives, checked in this order: `hang`, `drop`, `malformed`, `status`,
 * `envelopeCode`. A fault with only `delayMs` answers normally, late.
 */
export interface Fault {
  /** How many requests it applies to. Default 1; `Infinity` for all. */
  times?: number;
  delayMs?: number;
  /** Never answer (until the stand-in closes). */
  hang?: boolean;
  /** Close the connection after reading the request, without answering. */
  drop?: boolean;
  /** HTTP 200 with a body that is not JSON, or JSON without a prediction. */
  malformed?: 'not_json' | 'wrong_shape';
  /** Answer this HTTP status with a `{ code, message }` body. */
  status?: number;
  /** Sent as `Retry-After` with `status`. */
  retryAfter?: string;
  /** `code` in the error body; defaults to `status`. */
  code?: number;
  message?: string;
  /** HTTP 200 with an envelope carrying this code and no data. */
  envelopeCode?: number;
}

/** A submit request as the stand-in received it, recorded on arrival. */
export interface SubmitRecord {
  /** The model whose path it was posted to. */
  model: ModelId;
  /** Parsed JSON, or the raw text when it was not JSON. */
  body: unknown;
  headers: IncomingHttpHeaders;
  /** Epoch milliseconds. */
  at: number;
  /** The prediction it created, if it got that far. */
  predictionId?: string;
  /** The `webhook` query parameter, when it had one. */
  webhook?: string;
  /**
   * An image-to-video submit's `image`, and the upload that issued that URL. The stand-in
   * fetches only URLs its media upload issued; any other makes the task fail with 1402.
   */
  image?: { url: string; upload: UploadRecord | undefined };
}

/** A result callback the stand-in sent, recorded once it was answered or failed. */
export interface WebhookCallRecord {
  url: string;
  predictionId: string;
  /** The `webhook-id` header. */
  webhookId: string;
  /** The receiver's HTTP status; absent when the call itself failed. */
  status?: number;
  /** Why the call failed, when it did. */
  error?: string;
}

export interface WaveSpeedStandInOptions {
  /** Default 0: any free port. */
  port?: number;
  /** Default {@link STAND_IN_API_KEY}. */
  apiKey?: string;
  /** Applies to every submit that {@link WaveSpeedStandIn.nextSubmit} does not script. */
  defaults?: SubmitScript;
  /** Served by `GET /api/v3/webhook/secret` and used to sign callbacks. Default {@link STAND_IN_WEBHOOK_SECRET}. */
  webhookSecret?: string;
  /** What `GET /api/v3/balance` reports, in USD. Default 100. */
  balance?: number;
}

/** {@link OutputServed} with whether the body has ended, for {@link WaveSpeedStandIn.waitForOutputsEnded}. */
interface ServedOutput extends OutputServed {
  ended: boolean;
}

interface Generation {
  id: string;
  model: ModelId;
  startedAt: number;
  /** The submit body, echoed as `input` in callbacks. */
  input: unknown;
  script: Required<Omit<SubmitScript, 'output' | 'webhook'>> & { output: OutputScript; webhook: WebhookScript };
}

type Matched =
  | { route: 'submit'; model: ModelId }
  | { route: 'result'; id: string }
  | { route: 'output'; id: string; hop: number }
  | { route: 'secret' }
  | { route: 'upload' }
  | { route: 'balance' }
  | { route: 'media'; id: string };

/** Starts a stand-in on 127.0.0.1. Close it after the test. */
export function startWaveSpeedStandIn(options: WaveSpeedStandInOptions = {}): Promise<WaveSpeedStandIn> {
  return WaveSpeedStandIn.start(options);
}

export class WaveSpeedStandIn {
  /** `http://127.0.0.1:PORT`, for `WaveSpeedClient`'s `baseUrl`. */
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly webhookSecret: string;

  readonly #server: Server;
  readonly #events = new EventEmitter();
  readonly #closing = new AbortController();
  readonly #generations = new Map<string, Generation>();
  readonly #scripts: SubmitScript[] = [];
  readonly #faults = new Map<Route, Array<Fault & { times: number }>>();
  readonly #submits: SubmitRecord[] = [];
  readonly #resultCalls: string[] = [];
  readonly #downloads: string[] = [];
  readonly #served: ServedOutput[] = [];
  readonly #webhookCalls: WebhookCallRecord[] = [];
  readonly #uploads: UploadRecord[] = [];
  /** Accepted uploads by the id in their download URL. */
  readonly #media = new Map<string, UploadRecord>();
  #balanceCalls = 0;
  #balance: number;
  #defaults: SubmitScript;

  private constructor(server: Server, options: WaveSpeedStandInOptions) {
    this.#server = server;
    // Every pending wait and scripted callback listens for the close: dozens at once in a burst.
    setMaxListeners(0, this.#closing.signal);
    this.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    this.apiKey = options.apiKey ?? STAND_IN_API_KEY;
    this.webhookSecret = options.webhookSecret ?? STAND_IN_WEBHOOK_SECRET;
    this.#defaults = options.defaults ?? {};
    this.#balance = options.balance ?? 100;
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      this.#handle(request, response).catch((error: unknown) => this.#failLoudly(response, error));
    });
  }

  static async start(options: WaveSpeedStandInOptions): Promise<WaveSpeedStandIn> {
    const server = createServer();
    server.listen(options.port ?? 0, '127.0.0.1');
    await once(server, 'listening');
    return new WaveSpeedStandIn(server, options);
  }

  /** Submit requests received, in order, faulted ones included. */
  get submits(): readonly SubmitRecord[] {
    return this.#submits;
  }

  /** Prediction ids of result requests received, in order, faulted ones included. */
  get resultCalls(): readonly string[] {
    return this.#resultCalls;
  }

  /** Output URLs requested, as `http://{Host header}{path}`, redirect hops included. */
  get downloads(): readonly string[] {
    return this.#downloads;
  }

  /** Output bodies served (redirects and faults not included), in the order they began, updated as they are sent. */
  get outputsServed(): readonly OutputServed[] {
    return this.#served;
  }

  /** Resolves once at least `count` output requests (redirect hops included) have arrived. */
  waitForDownloads(count = 1): Promise<readonly string[]> {
    return this.#until(() => (this.#downloads.length >= count ? this.#downloads : undefined));
  }

  /** Resolves once `count` output bodies have ended, sent whole or cut off by the client. */
  waitForOutputsEnded(count = 1): Promise<readonly OutputServed[]> {
    return this.#until(() =>
      this.#served.filter((served) => served.ended).length >= count ? this.#served : undefined,
    );
  }

  /** Result callbacks sent, in the order they were answered. */
  get webhookCalls(): readonly WebhookCallRecord[] {
    return this.#webhookCalls;
  }

  /** Media upload requests, in the order their bodies were read, refused and faulted ones included. */
  get uploads(): readonly UploadRecord[] {
    return this.#uploads;
  }

  /** The upload that issued this download URL, if the stand-in issued it. */
  uploadAt(downloadUrl: string): UploadRecord | undefined {
    return [...this.#media.values()].find((upload) => upload.downloadUrl === downloadUrl);
  }

  /** Resolves once at least `count` upload requests have been read. */
  waitForUploads(count = 1): Promise<readonly UploadRecord[]> {
    return this.#until(() => (this.#uploads.length >= count ? this.#uploads : undefined));
  }

  /** Balance requests received, faulted ones included. */
  get balanceCalls(): number {
    return this.#balanceCalls;
  }

  /** What `GET /api/v3/balance` reports from now on, in USD. */
  setBalance(usd: number): void {
    this.#balance = usd;
  }

  /** How many result requests asked for `id`. */
  resultCallsFor(id: string): number {
    return this.#resultCalls.filter((called) => called === id).length;
  }

  /** Deletes a prediction and its output, as WaveSpeed does 7 days after it was made: both answer 404 from now on. */
  forget(predictionId: string): void {
    if (!this.#generations.delete(predictionId)) throw new Error(`No prediction ${predictionId} to forget`);
  }

  /** Scripts the next submit that has none yet; calls queue up in order. */
  nextSubmit(script: SubmitScript): void {
    this.#scripts.push(script);
  }

  /** Replaces the defaults for every later unscripted submit. */
  setDefaults(script: SubmitScript): void {
    this.#defaults = script;
  }

  /** Queues misbehaviour on `route`; faults on one route apply in the order given. */
  fault(route: Route, fault: Fault): void {
    const queue = this.#faults.get(route) ?? [];
    queue.push({ ...fault, times: fault.times ?? 1 });
    this.#faults.set(route, queue);
  }

  clearFaults(): void {
    this.#faults.clear();
  }

  /** Resolves once at least `count` submits have arrived. */
  waitForSubmits(count = 1): Promise<readonly SubmitRecord[]> {
    return this.#until(() => (this.#submits.length >= count ? this.#submits : undefined));
  }

  /** Resolves once at least `count` result requests have arrived. */
  waitForResultCalls(count = 1): Promise<readonly string[]> {
    return this.#until(() => (this.#resultCalls.length >= count ? this.#resultCalls : undefined));
  }

  /** Resolves once at least `count` result callbacks have been answered (or have failed). */
  waitForWebhookCalls(count = 1): Promise<readonly WebhookCallRecord[]> {
    return this.#until(() => (this.#webhookCalls.length >= count ? this.#webhookCalls : undefined));
  }

  /** Stops listening, cuts every open connection (hanging ones included) and sends no more callbacks. */
  async close(): Promise<void> {
    this.#closing.abort();
    const closed = new Promise<void>((resolve, reject) =>
      this.#server.close((error) => (error ? reject(error) : resolve())),
    );
    this.#server.closeAllConnections();
    await closed;
  }

  async #until<T>(ready: () => T | undefined): Promise<T> {
    for (let value = ready(); ; value = ready()) {
      if (value !== undefined) return value;
      await once(this.#events, 'change', { signal: this.#closing.signal });
    }
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', this.baseUrl);
    const matched = match(request.method, url);
    if (!matched) {
      await readText(request);
      return sendJson(response, 404, { code: 404, message: 'no such endpoint' });
    }
    const upload = matched.route === 'upload' ? await readUpload(request) : undefined;
    const text = upload ? '' : await readText(request);
    const submit = this.#record(matched, request, url, text);
    if (upload) this.#uploads.push(upload.record);
    if (matched.route === 'balance') this.#balanceCalls += 1;
    this.#events.emit('change');

    const fault = this.#takeFault(matched.route);
    if (fault?.delayMs) await wait(fault.delayMs, undefined, { signal: this.#closing.signal });
    if (fault && misbehave(fault, request, response)) return;

    if (matched.route === 'output') return await this.#serveOutput(response, matched.id, matched.hop);
    if (matched.route === 'media') return this.#serveMedia(response, matched.id);
    if (request.headers.authorization !== `Bearer ${this.apiKey}`) {
      return sendJson(response, 401, { code: 401, message: 'Unauthorized' });
    }
    if (matched.route === 'result') return this.#answerResult(response, matched.id);
    if (matched.route === 'secret') return sendJson(response, 200, this.#secretEnvelope());
    if (matched.route === 'balance') {
      return sendJson(response, 200, { code: 200, message: 'success', data: { balance: this.#balance } });
    }
    if (upload) return this.#answerUpload(response, upload);
    if (submit) this.#answerSubmit(response, submit);
  }

  #record(matched: Matched, request: IncomingMessage, url: URL, text: string): SubmitRecord | undefined {
    let submit: SubmitRecord | undefined;
    if (matched.route === 'submit') {
      const webhook = url.searchParams.get('webhook');
      submit = {
        model: matched.model,
        body: parseJson(text),
        headers: request.headers,
        at: Date.now(),
        ...(webhook !== null && { webhook }),
      };
      this.#submits.push(submit);
    } else if (matched.route === 'result') {
      this.#resultCalls.push(matched.id);
    } else if (matched.route === 'output') {
      this.#downloads.push(`http://${request.headers.host}${url.pathname}${url.search}`);
    }
    return submit;
  }

  #takeFault(route: Route): Fault | undefined {
    const queue = this.#faults.get(route);
    const fault = queue?.[0];
    if (!queue || !fault) return undefined;
    fault.times -= 1;
    if (fault.times <= 0) queue.shift();
    return fault;
  }

  #answerSubmit(response: ServerResponse, submit: SubmitRecord): void {
    const refusal = refuseBody(submit.model, submit.body);
    if (refusal) {
      sendJson(response, 400, { code: refusal.code, message: refusal.message, data: null });
      return;
    }
    const image = (submit.body as { image?: unknown }).image;
    if (typeof image === 'string') submit.image = { url: image, upload: this.uploadAt(image) };
    const generation = this.#startGeneration(submit);
    submit.predictionId = generation.id;
    sendJson(response, 200, { code: 200, message: 'success', data: this.#prediction(generation, 'created') });
    if (submit.webhook !== undefined) this.#callBackLater(generation, submit.webhook);
  }

  #startGeneration(submit: SubmitRecord): Generation {
    const script = { ...this.#defaults, ...this.#scripts.shift() };
    // WaveSpeed fetches the image when the task runs; the stand-in can only fetch its own uploads.
    const unfetchable = submit.image !== undefined && submit.image.upload === undefined;
    const generation: Generation = {
      id: randomUUID().replaceAll('-', ''),
      model: submit.model,
      startedAt: Date.now(),
      input: submit.body,
      script: {
        durationMs: script.durationMs ?? 20,
        outcome: unfetchable
          ? { status: 'failed', code: 1402, error: `media URL could not be fetched: ${submit.image?.url}` }
          : (script.outcome ?? { status: 'completed' }),
        outputBytes: script.outputBytes ?? 4096,
        output: script.output ?? {},
        webhook: script.webhook ?? {},
      },
    };
    this.#generations.set(generation.id, generation);
    return generation;
  }

  #answerResult(response: ServerResponse, id: string): void {
    const generation = this.#generations.get(id);
    if (!generation) sendJson(response, 404, { code: 404, message: 'prediction not found' });
    else sendJson(response, 200, this.#resultEnvelope(generation));
  }

  #resultEnvelope(generation: Generation): Record<string, unknown> {
    if (Date.now() - generation.startedAt < generation.script.durationMs) {
      return { code: 200, message: 'success', data: this.#prediction(generation, 'processing') };
    }
    const { outcome } = generation.script;
    const codeInEnvelope = outcome.status === 'failed' && outcome.codeIn === 'envelope' ? outcome.code : undefined;
    return {
      code: codeInEnvelope ?? 200,
      message: codeInEnvelope === undefined ? 'success' : 'task failed',
      data: this.#finished(generation),
    };
  }

  /** The `data` of an answer, before the outcome is known. */
  #prediction(generation: Generation, status: string): Record<string, unknown> {
    return {
      id: generation.id,
      model: generation.model,
      outputs: [],
      urls: { get: `${this.baseUrl}/api/v3/predictions/${generation.id}/result` },
      has_nsfw_contents: [],
      status,
      created_at: new Date(generation.startedAt).toISOString(),
      error: '',
    };
  }

  #finished(generation: Generation): Record<string, unknown> {
    const { outcome, durationMs } = generation.script;
    switch (outcome.status) {
      case 'completed':
        return {
          ...this.#prediction(generation, 'completed'),
          outputs: [`${this.baseUrl}/outputs/${generation.id}.mp4`],
          has_nsfw_contents: [outcome.nsfw ?? false],
          timings: { inference: durationMs },
        };
      case 'failed':
        return {
          ...this.#prediction(generation, 'failed'),
          error: outcome.error ?? 'task failed',
          ...(outcome.codeIn !== 'envelope' && outcome.code !== undefined && { code: outcome.code }),
        };
      case 'undocumented':
        return this.#prediction(generation, outcome.reported);
    }
  }

  #secretEnvelope(): Record<string, unknown> {
    // The answer's shape is undocumented; the client also reads a bare string `data`.
    return { code: 200, message: 'success', data: { secret: this.webhookSecret } };
  }

  /** Posts the result callback once the generation ends, as its script says; only completed and failed tasks call back. */
  #callBackLater(generation: Generation, url: string): void {
    const { webhook, durationMs, outcome } = generation.script;
    if (webhook.lose || outcome.status === 'undocumented') return;
    const signal = this.#closing.signal;
    void wait(durationMs + (webhook.delayMs ?? 0), undefined, { signal })
      .then(() => this.#callBack(generation, url))
      .catch((error: unknown) => {
        if (!signal.aborted) throw error;
      });
  }

  async #callBack(generation: Generation, url: string): Promise<void> {
    const { webhook } = generation.script;
    const body = JSON.stringify({ ...this.#finished(generation), input: generation.input });
    const webhookId = randomUUID().replaceAll('-', '');
    const timestamp = String(Math.floor(Date.now() / 1000));
    const secret = webhook.badSignature ? `${this.webhookSecret}-forged` : this.webhookSecret;
    const headers = {
      'content-type': 'application/json',
      'webhook-id': webhookId,
      'webhook-timestamp': timestamp,
      'webhook-signature': signCallback(secret, `${webhookId}.${timestamp}.${body}`),
    };
    for (let sent = 0; sent < (webhook.replay ? 2 : 1); sent++) {
      const record = await this.#post(url, headers, body);
      this.#webhookCalls.push({ url, predictionId: generation.id, webhookId, ...record });
      this.#events.emit('change');
    }
  }

  async #post(
    url: string,
    headers: Record<string, string>,
    body: string,
  ): Promise<{ status: number } | { error: string }> {
    try {
      if (!LOOPBACK_HOSTS.has(new URL(url).hostname)) return { error: 'not a loopback URL; the stand-in stays local' };
      const response = await fetch(url, { method: 'POST', headers, body, signal: this.#closing.signal });
      await response.arrayBuffer();
      return { status: response.status };
    } catch (error) {
      return { error: String(error) };
    }
  }

  #answerUpload(response: ServerResponse, { record, verdict }: Awaited<ReturnType<typeof readUpload>>): void {
    if (!verdict.accepted) {
      sendJson(response, verdict.status, { code: verdict.status, message: verdict.message });
      return;
    }
    const id = randomUUID().replaceAll('-', '');
    record.downloadUrl = `${this.baseUrl}/media/${id}/${encodeURIComponent(verdict.file.name)}`;
    this.#media.set(id, record);
    const data = {
      type: verdict.kind,
      download_url: record.downloadUrl,
      filename: verdict.file.name,
      size: verdict.file.size,
    };
    sendJson(response, 200, { code: 200, message: 'success', data });
  }

  /** An uploaded file at its download URL, as WaveSpeed's CDN serves it (no key needed). */
  #serveMedia(response: ServerResponse, id: string): void {
    const { bytes, contentType } = this.#media.get(id) ?? {};
    if (!bytes) {
      sendJson(response, 404, { code: 404, message: 'no such file' });
      return;
    }
    response
      .writeHead(200, { 'content-type': contentType ?? 'application/octet-stream', 'content-length': bytes.length })
      .end(Buffer.from(bytes));
  }

  async #serveOutput(response: ServerResponse, id: string, hop: number): Promise<void> {
    const generation = this.#generations.get(id);
    if (generation?.script.outcome.status !== 'completed') {
      sendJson(response, 404, { code: 404, message: 'no such output' });
      return;
    }
    const { output, outputBytes } = generation.script;
    const redirects = output.redirects ?? 0;
    if (hop < redirects) {
      const origin = hop + 1 === redirects && output.redirectOrigin ? output.redirectOrigin : this.baseUrl;
      response.writeHead(302, { location: `${origin}/outputs/${id}.mp4?hop=${hop + 1}` }).end();
      return;
    }
    if (output.status !== undefined) {
      sendJson(response, output.status, { message: STATUS_CODES[output.status] });
      return;
    }
    const served: ServedOutput = { predictionId: id, bytesSent: 0, complete: false, ended: false };
    this.#served.push(served);
    try {
      await this.#sendOutput(response, output, outputBytes, served);
    } finally {
      served.ended = true;
      this.#events.emit('change');
    }
  }

  /** Sends the body chunk by chunk, waiting for the socket to drain, and stops when the client goes. */
  async #sendOutput(response: ServerResponse, output: OutputScript, size: number, served: ServedOutput): Promise<void> {
    const gone = new AbortController();
    response.once('close', () => gone.abort());
    const signal = AbortSignal.any([gone.signal, this.#closing.signal]);
    // Without a length, Node sends the body chunked.
    response.writeHead(200, {
      'content-type': 'video/mp4',
      ...(!output.omitContentLength && { 'content-length': size }),
    });
    const bytes = output.notMp4 ? notAnMp4Chunks(size) : fakeMp4Chunks(size);
    const loris = output.slowLoris;
    let budget = loris ? loris.afterBytes : Number.POSITIVE_INFINITY;
    try {
      for (const chunk of bytes) {
        for (let offset = 0; offset < chunk.length; ) {
          if (budget <= 0 && loris) {
            if (!loris.bytesPerTick) await aborted(signal);
            await wait(loris.everyMs ?? 1000, undefined, { signal });
            budget = loris.bytesPerTick ?? 0;
          }
          signal.throwIfAborted();
          const piece = chunk.subarray(offset, offset + Math.min(budget, chunk.length - offset));
          offset += piece.length;
          budget -= piece.length;
          served.bytesSent += piece.length;
          if (!response.write(piece)) await once(response, 'drain', { signal });
        }
      }
      served.complete = true;
      response.end();
    } catch (error) {
      // The client left (or the stand-in closed): a body cut short, as a real host's would be.
      if (!signal.aborted) throw error;
      response.destroy();
    }
  }

  #failLoudly(response: ServerResponse, error: unknown): void {
    if (this.#closing.signal.aborted) return;
    if (response.headersSent) response.destroy();
    else sendJson(response, 500, { code: 500, message: `stand-in bug: ${String(error)}` });
  }
}

/** Resolves never; rejects with the signal's reason once it aborts. */
function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

function match(method: string | undefined, url: URL): Matched | undefined {
  const model = method === 'POST' ? modelAt(url.pathname) : undefined;
  if (model) return { route: 'submit', model };
  if (method === 'POST' && url.pathname === UPLOAD_PATH) return { route: 'upload' };
  if (method === 'GET' && url.pathname === BALANCE_PATH) return { route: 'balance' };
  if (method === 'GET' && url.pathname === WEBHOOK_SECRET_PATH) return { route: 'secret' };
  const media = method === 'GET' ? MEDIA_PATH.exec(url.pathname) : null;
  if (media?.[1]) return { route: 'media', id: media[1] };
  const result = method === 'GET' ? RESULT_PATH.exec(url.pathname) : null;
  if (result?.[1]) return { route: 'result', id: decodeURIComponent(result[1]) };
  const output = method === 'GET' ? OUTPUT_PATH.exec(url.pathname) : null;
  if (output?.[1]) return { route: 'output', id: output[1], hop: Number(url.searchParams.get('hop') ?? 0) };
  return undefined;
}

/** Answers as `fault` says; false when the request should be answered normally. */
function misbehave(fault: Fault, request: IncomingMessage, response: ServerResponse): boolean {
  if (fault.hang) return true;
  if (fault.drop) {
    request.socket.destroy();
    return true;
  }
  if (fault.malformed === 'not_json') {
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"code":200,"data":');
    return true;
  }
  if (fault.malformed === 'wrong_shape') {
    sendJson(response, 200, { code: 200, message: 'success', data: { id: 42 } });
    return true;
  }
  if (fault.status !== undefined) {
    if (fault.retryAfter !== undefined) response.setHeader('retry-after', fault.retryAfter);
    const message = fault.message ?? STATUS_CODES[fault.status] ?? 'error';
    sendJson(response, fault.status, { code: fault.code ?? fault.status, message });
    return true;
  }
  if (fault.envelopeCode !== undefined) {
    sendJson(response, 200, { code: fault.envelopeCode, message: fault.message ?? 'error', data: null });
    return true;
  }
  return false;
}

async function readText(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/** `webhook-signature` as WaveSpeed sends it: `v3,` then the hex HMAC-SHA256 keyed by the secret without `whsec_`. */
function signCallback(secret: string, content: string): string {
  const key = secret.replace(/^whsec_/, '');
  return `v3,${createHmac('sha256', key).update(content).digest('hex')}`;
}

/** Chunks of at most this size make up every served output; the zeros are shared. */
const CHUNK_BYTES = 64 * 1024;
const ZEROS = Buffer.alloc(CHUNK_BYTES);

/** `size` bytes that pass for an MP4: an `ftyp` box, then an `mdat` box of zeros. */
export function fakeMp4(size: number): Buffer {
  return Buffer.concat([...fakeMp4Chunks(size)], size);
}

/** {@link fakeMp4}'s bytes in chunks made as they are asked for, so a large one is never held whole. */
export function* fakeMp4Chunks(size: number): Generator<Buffer> {
  const ftyp = Buffer.from('\0\0\0\0ftypisom\0\0\x02\0isomiso2mp41', 'latin1');
  ftyp.writeUInt32BE(ftyp.length, 0);
  // The mdat header only goes in when the whole of it fits.
  if (size < ftyp.length + 8) return yield* sized(ftyp, ZEROS, size);
  const mdat = Buffer.alloc(8);
  mdat.writeUInt32BE(Math.min(size - ftyp.length, 0xffff_ffff), 0);
  mdat.write('mdat', 4, 'latin1');
  yield* sized(Buffer.concat([ftyp, mdat]), ZEROS, size);
}

/** The SHA-256 (hex) of {@link fakeMp4}`(size)`, computed chunk by chunk. */
export function fakeMp4Sha256(size: number): string {
  const hash = createHash('sha256');
  for (const chunk of fakeMp4Chunks(size)) hash.update(chunk);
  return hash.digest('hex');
}

const NOT_FOUND_PAGE = Buffer.alloc(CHUNK_BYTES, '<!doctype html><title>Not found</title>');

function* notAnMp4Chunks(size: number): Generator<Buffer> {
  yield* sized(Buffer.alloc(0), NOT_FOUND_PAGE, size);
}

/** `head`, then `fill` repeated, cut to `size` bytes in all. */
function* sized(head: Buffer, fill: Buffer, size: number): Generator<Buffer> {
  let left = size;
  if (head.length > 0) {
    const first = head.subarray(0, left);
    left -= first.length;
    yield first;
  }
  while (left > 0) {
    const chunk = fill.subarray(0, Math.min(left, fill.length));
    left -= chunk.length;
    yield chunk;
  }
}
