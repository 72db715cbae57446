import { type Dispatcher, request } from 'undici';
import { OutputRejectedError, ProviderError, ProviderUnavailableError } from '../provider/errors.js';
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
  timeoutMs: number;
}

/**
 * Fetches a finished video: only from allowed origins (redirects included), at most
 * `maxBytes`, within one deadline, and only if it looks like an MP4.
 * Refusals are {@link OutputRejectedError}; 5xx, network faults and the deadline are the
 * transient provider errors, so the caller may try again later.
 */
export async function downloadOutput(url: string, maxBytes: number, context: DownloadContext): Promise<Buffer> {
  const signal = AbortSignal.timeout(context.timeoutMs);
  try {
    const response = await openFollowingRedirects(allowedUrl(url, context.origins), context, signal);
    const refusal = refusalOf(response, maxBytes);
    if (refusal) {
      await response.body.dump();
      throw refusal;
    }
    const video = await readAtMost(response, maxBytes);
    if (!isMp4(video)) throw new OutputRejectedError('output is not an MP4', 'not_mp4', response.statusCode);
    return video;
  } catch (error) {
    throw error instanceof ProviderError ? error : transportError(error, 'output download');
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
    return new OutputRejectedError('output is larger than allowed', 'too_large', status);
  }
  return undefined;
}

/** Reads the body but stops as soon as it grows past `maxBytes`, whatever the headers said. */
async function readAtMost(response: HttpAnswer, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let received = 0;
  // Leaving the loop early (the throw) destroys the body, which closes its connection.
  for await (const chunk of response.body as AsyncIterable<Buffer>) {
    received += chunk.byteLength;
    if (received > maxBytes) {
      throw new OutputRejectedError('output is larger than allowed', 'too_large', response.statusCode);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, received);
}

/** An MP4 opens with an `ftyp` box, whose type sits at byte offset 4. */
function isMp4(bytes: Buffer): boolean {
  return bytes.length >= 8 && bytes.toString('latin1', 4, 8) === 'ftyp';
}
