import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { FaultRegistry, FaultSpec } from './faults.js';
import {
  ApiError,
  apiErrors,
  errorMessage,
  type ParsedBody,
  rateLimitHeaders,
  readBody,
  tooManyRequestsHeaders,
  writeResponse,
} from './http.js';
import type { MessageStore } from './messages.js';
import type { ChangeFeed, RecordedRequest, RequestAuth } from './recorder.js';
import { decodePath, type RouteContext, type RouteMatch, type Router } from './router.js';
import type { UserAttachments } from './user-attachments.js';

/** discord.js builds URLs as `${api}/v10${route}`. */
const API_PREFIX = '/api/v10';

/** What the HTTP front needs to route, fault, record and answer a request. */
export interface ApiServerOptions {
  readonly router: Router;
  readonly faults: FaultRegistry;
  readonly messages: MessageStore;
  readonly userAttachments: UserAttachments;
  readonly feed: ChangeFeed;
  readonly requests: RecordedRequest[];
  readonly token: string;
  readonly clock: () => number;
}

/** An answer about to be written: the reply or error, and whether a fault produced it. */
interface Outcome {
  readonly status: number;
  readonly body: unknown;
  readonly headers: OutgoingHttpHeaders;
  readonly errorCode: number | undefined;
  readonly faulted: boolean;
}

/**
 * The HTTP front of the stand-in: reads the body, applies faults and auth, runs the route,
 * records the exchange and writes Discord-shaped JSON.
 */
export function createRequestListener(options: ApiServerOptions) {
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const at = options.clock();
    const method = (request.method ?? 'GET').toUpperCase();
    const url = new URL(request.url ?? '/', 'http://stand-in.invalid');
    if (method === 'GET' && url.pathname.startsWith('/attachments/')) return serveAttachment(options, url, response);
    const cdnMethod = method === 'GET' || method === 'HEAD';
    if (
      cdnMethod &&
      (await options.userAttachments.serve(method, url, request.headers.authorization !== undefined, response))
    ) {
      return;
    }

    const auth = authOf(request.headers.authorization, options.token);
    const apiPath = url.pathname.startsWith(`${API_PREFIX}/`) ? url.pathname.slice(API_PREFIX.length) : undefined;
    let body: ParsedBody = { json: undefined, files: [] };
    let route: RouteMatch | undefined;
    let outcome: Outcome;
    try {
      body = await readBody(request);
      route = apiPath === undefined ? undefined : options.router.match(method, apiPath);
      const path = decodePath(apiPath ?? url.pathname);
      const fault = options.faults.take({ method, path, hasFiles: body.files.length > 0 });
      outcome = fault
        ? faultOutcome(fault, route?.template ?? url.pathname)
        : answer(route, auth, { query: url.searchParams, body, at });
    } catch (error) {
      outcome = failure(error);
    }

    options.requests.push({
      seq: options.requests.length + 1,
      at,
      method,
      path: url.pathname,
      route: route?.template ?? null,
      query: Object.fromEntries(url.searchParams),
      auth,
      body: body.json,
      files: body.files,
      status: outcome.status,
      errorCode: outcome.errorCode,
      faulted: outcome.faulted,
    });
    options.feed.notify();
    const bucket = route?.template ?? url.pathname;
    writeResponse(response, outcome.status, outcome.body, {
      ...(outcome.status < 400 ? rateLimitHeaders(`${method} ${bucket}`) : {}),
      ...outcome.headers,
    });
  };
}

function answer(route: RouteMatch | undefined, auth: RequestAuth, context: Omit<RouteContext, 'param'>): Outcome {
  if (!route) throw apiErrors.notFound();
  // A wrong token fails everywhere; a missing one only where the bot token is required.
  if (auth === 'invalid' || (route.auth === 'bot' && auth !== 'bot')) throw apiErrors.unauthorized();
  const param = (name: string): string => {
    const value = route.params.get(name);
    if (value === undefined) throw new Error(`Route ${route.template} has no parameter ${name}`);
    return value;
  };
  const reply = route.handle({ ...context, param });
  return { status: reply.status, body: reply.body, headers: {}, errorCode: undefined, faulted: false };
}

function failure(error: unknown): Outcome {
  if (error instanceof ApiError) {
    return { status: error.status, body: error.toBody(), headers: {}, errorCode: error.code, faulted: false };
  }
  // A bug in the stand-in, not a simulated failure: make it loud rather than a silent 500.
  console.error('Discord stand-in failed to handle a request:', error);
  return {
    status: 500,
    body: { message: '500: Internal Server Error', code: 0 },
    headers: {},
    errorCode: 0,
    faulted: false,
  };
}

function faultOutcome(fault: FaultSpec, bucket: string): Outcome {
  if (fault.status === 429) {
    const retryAfter = fault.retryAfter ?? 1;
    const global = fault.global ?? false;
    return {
      status: 429,
      body: {
        message: fault.message ?? 'You are being rate limited.',
        retry_after: retryAfter,
        global,
        code: fault.code ?? 0,
      },
      headers: tooManyRequestsHeaders(bucket, retryAfter, global),
      errorCode: fault.code ?? 0,
      faulted: true,
    };
  }
  const code = fault.code ?? 0;
  const message = fault.message ?? errorMessage(fault.status, code);
  return { status: fault.status, body: { message, code }, headers: {}, errorCode: code, faulted: true };
}

function authOf(header: string | undefined, token: string): RequestAuth {
  if (header === undefined) return 'none';
  return header === `Bot ${token}` ? 'bot' : 'invalid';
}

/** Serves uploaded files at their attachment URL, like Discord's CDN (not recorded). */
function serveAttachment(options: ApiServerOptions, url: URL, response: ServerResponse): void {
  const [, , , attachmentId] = url.pathname.split('/');
  const attachment = attachmentId === undefined ? undefined : options.messages.attachment(attachmentId);
  // Files over 1 MiB were never kept whole (see RecordedFile.bytes): the stand-in cannot serve them.
  if (!attachment?.bytes) {
    response.writeHead(404).end();
    return;
  }
  response
    .writeHead(200, { 'Content-Type': attachment.contentType, 'Content-Length': attachment.size })
    .end(Buffer.from(attachment.bytes));
}
