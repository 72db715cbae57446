import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { type Dispatcher, request } from 'undici';
import {
  OutputRejectedError,
  ProviderError,
  ProviderTimeoutError,
  ProviderUnavailableError,
} from '../provider/errors.js';
import { type HttpAnswer, headerOf, isOk, USER_AGENT } from './http.js';
import { transportError } from './transport-errors.js';

const MAX_REDIRECTS = 3;
const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

/** Where finished videos may be fetched from. */
export interface OutputOrigins {
  /** The API's origin: its host is always allowed, and plain http only when it is http. */
  api: URL;
  /** More hosts: an exact `host` (with `:port` when not the default), or `.example.com` for its subdomains. */
  hosts: readonly string[];
}

/** Whether `url` points somewhere an output may be fetched from. */
export function isAllowedOutputUrl(url: URL, origins: OutputOrigins): boolean {
  // Plain http is for local stand-ins only, which the API origin itself reveals.
  const protocolAllowed = url.protocol === 'https:' || (url.protocol === 'http:' && origins.api.protocol === 'http:');
  const hostAllowed = url.host === origins.api.host || origins.hosts.some((entry) => hostMatches(url.host, entry));
  return protocolAllowed && hostAllowed;
}

function hostMatches(host: string, entry: string): boolean {
  return entry.startsWith('.') ? host.endsWith(entry) : host === entry;
}

/** What {@link downloadOutput} needs from the client. */
export interface DownloadContext {
  dispatcher: Dispatcher;
  origins: OutputOrigins;
  /** The whole download, redirects and body included. */
  timeoutMs: number;
  /** The low-speed rule: fewer than `minBytes` received in any window of `windowMs` is a stall. */
  stall: StallRule;
  /** What the file must open with; default {@link MP4}. */
  signature?: FileSignature;
}

/** How a type of file opens, checked on its first bytes as they arrive. */
export interface FileSignature {
  /** Bytes `matches` reads. */
  headBytes: number;
  matches(head: Buffer): boolean;
  /** The refusal when they do not match. */
  refusal(status: number): OutputRejectedError;
}

/** An MP4 opens with an `ftyp` box, whose type sits at byte offset 4. */
export const MP4: FileSignature = {
  headBytes: 8,
  matches: (head) => head.length >= 8 && head.toString('latin1', 4, 8) === 'ftyp',
  refusal: (status) => new OutputRejectedError('output is not an MP4', 'not_mp4', status),
};

/** Like curl's low-speed limit: a host that sends too little for too long is given up on. */
export interface StallRule {
  windowMs: number;
  minBytes: number;
}

/**
 * Streams a finished video into `path` (created or truncated): only from allowed origins
 * (redirects included), at most `maxBytes`, within one deadline, never stalling past the
 * {@link StallRule}, and only if it opens like an MP4 (or the context's other signature). Resolves with the byte count once the
 * file is written and closed; on any failure the partial file is removed first.
 * Refusals are {@link OutputRejectedError}; 5xx, network faults, the deadline and a stall are
 * the transient provider errors, so the caller may try again later.
 */
export async function downloadOutput(
  url: string,
  maxBytes: number,
  path: string,
  context: DownloadContext,
): Promise<number> {
  const watch = new StallWatch(context.stall);
  const signal = AbortSignal.any([AbortSignal.timeout(context.timeoutMs), watch.signal]);
  try {
    const response = await openFollowingRedirects(allowedUrl(url, context.origins), context, signal);
    const refusal = refusalOf(response, maxBytes);
    if (refusal) {
      await response.body.dump();
      throw refusal;
    }
    return await writeAtMost(response, maxBytes, path, watch, context.signature ?? MP4);
  } catch (error) {
    await rm(path, { force: true });
    throw error instanceof ProviderError ? error : transportError(error, 'output download');
  } finally {
    watch.stop();
  }
}

/**
 * Aborts its signal when a window of the stall rule passes with too few bytes received: a
 * host trickling a byte every few seconds would otherwise hold the download to its deadline.
 * Armed from the request on, so a host that never answers its headers stalls too.
 */
class StallWatch {
  readonly #controller = new AbortController();
  readonly #rule: StallRule;
  #received = 0;
  #atWindowStart = 0;
  #timer: NodeJS.Timeout;

  constructor(rule: StallRule) {
    this.#rule = rule;
    this.#timer = this.#arm();
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  received(bytes: number): void {
    this.#received += bytes;
  }

  stop(): void {
    clearTimeout(this.#timer);
  }

  #arm(): NodeJS.Timeout {
    return setTimeout(() => {
      if (this.#received - this.#atWindowStart < this.#rule.minBytes) {
        this.#controller.abort(new ProviderTimeoutError('output download stalled'));
        return;
      }
      this.#atWindowStart = this.#received;
      this.#timer = this.#arm();
    }, this.#rule.windowMs);
  }
}

function allowedUrl(raw: string, origins: OutputOrigins, base?: URL): URL {
  const url = URL.canParse(raw, base?.href) ? new URL(raw, base) : undefined;
  if (url && isAllowedOutputUrl(url, origins)) return url;
  throw new OutputRejectedError(`output host ${url?.host ?? '(unparseable URL)'} is not allowed`, 'host');
}

/**
 * Follows redirects by hand so that every hop passes the origin check (undici's `request`
 * follows none by itself). The signal's deadline covers every hop and the body.
 */
async function openFollowingRedirects(start: URL, context: DownloadContext, signal: AbortSignal): Promise<HttpAnswer> {
  let url = start;
  for (let hops = 0; ; hops++) {
    const response = await request(url, {
      dispatcher: context.dispatcher,
      signal,
      headers: { 'User-Agent': USER_AGENT },
    });
    const location = REDIRECT_STATUSES.has(response.statusCode) ? headerOf(response, 'location') : null;
    if (location === null) return response;
    await response.body.dump();
    if (hops === MAX_REDIRECTS) throw new OutputRejectedError('output redirected too often', 'unavailable');
    url = allowedUrl(location, context.origins, url);
  }
}

/** Why a response cannot be read as the video, judged from its status and headers alone. */
function refusalOf(response: HttpAnswer, maxBytes: number): ProviderError | undefined {
  const status = response.statusCode;
  if (status >= 500) return new ProviderUnavailableError('output host failed', status);
  if (!isOk(response)) return new OutputRejectedError('output is not available', 'unavailable', status);
  const declared = headerOf(response, 'content-length');
  if (declared !== null && Number(declared) > maxBytes) {
    return new OutputRejectedError('output is larger than allowed', 'too_large', status, Number(declared));
  }
  return undefined;
}

/**
 * Streams the body to `path`, stopping as soon as it grows past `maxBytes` whatever the
 * headers said, or as soon as its first bytes show it is not what `signature` describes.
 * Nothing but the chunk in hand is held in memory.
 */
async function writeAtMost(
  response: HttpAnswer,
  maxBytes: number,
  path: string,
  watch: StallWatch,
  signature: FileSignature,
): Promise<number> {
  let received = 0;
  let head = Buffer.alloc(0);
  const status = response.statusCode;
  async function* checked(body: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    for await (const chunk of body) {
      received += chunk.byteLength;
      watch.received(chunk.byteLength);
      if (received > maxBytes) throw new OutputRejectedError('output is larger than allowed', 'too_large', status);
      if (head.length < signature.headBytes) {
        head = Buffer.concat([head, chunk.subarray(0, signature.headBytes - head.length)]);
        if (head.length === signature.headBytes && !signature.matches(head)) throw signature.refusal(status);
      }
      yield chunk;
    }
  }
  // A failure anywhere destroys every stream: the body's connection closes and so does the file.
  await pipeline(response.body, checked, createWriteStream(path));
  if (!signature.matches(head)) throw signature.refusal(status);
  return received;
}
