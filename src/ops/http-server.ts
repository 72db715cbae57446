import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as wait } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { WebhookReceiver } from '../wavespeed/webhook.js';

/** What `GET /metrics` serves; {@link BotMetrics} is one. */
export interface MetricsSource {
  readonly contentType: string;
  metrics(): Promise<string>;
}

export interface OpsServerOptions {
  /** 0 picks a free port. */
  port: number;
  host: string;
  metrics: MetricsSource;
  /** Whether the bot can take work: its gateway is connected and its store answers. */
  ready: () => boolean | Promise<boolean>;
  /** When given, WaveSpeed's callbacks are taken on its path. */
  webhook?: WebhookReceiver;
  logger: Logger;
  /** Larger request bodies are refused with 413. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Time allowed to receive a request, for `ready()` to answer and for a quiet connection. Default 10 s. */
  timeoutMs?: number;
}

/** A listening operations server. */
export interface OpsServer {
  /** `http://HOST:PORT`, with the port it actually got. */
  readonly url: string;
  /** Stops listening and waits for requests in progress to finish. */
  close(): Promise<void>;
}

interface Reply {
  status: number;
  body: string;
  headers?: Record<string, string>;
}

type Settings = OpsServerOptions & { maxBodyBytes: number; timeoutMs: number };

const TEXT = 'text/plain; charset=utf-8';

class BodyTooLargeError extends Error {
  override name = 'BodyTooLargeError';
}

/**
 * Starts the operations listener: `GET /metrics` (Prometheus text), `GET /healthz` (200
 * while the process runs), `GET /readyz` (200 when `ready()` says so, else 503) and, with
 * a receiver, `POST` on the webhook path. Keep it off the public internet except for the
 * webhook path, which a reverse proxy forwards.
 */
export async function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  const settings: Settings = { maxBodyBytes: 1024 * 1024, timeoutMs: 10_000, ...options };
  const server = createServer({ requestTimeout: settings.timeoutMs, headersTimeout: settings.timeoutMs });
  // A handler that stalls (a stuck `onPrediction`) does not hold its connection forever.
  server.setTimeout(settings.timeoutMs);
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    void answer(request, response, settings);
  });
  server.listen(settings.port, settings.host);
  await once(server, 'listening');

  const url = urlOf(server.address() as AddressInfo);
  settings.logger.info({ url, webhookPath: settings.webhook?.path }, 'ops listener ready');
  return {
    url,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      }),
  };
}

async function answer(request: IncomingMessage, response: ServerResponse, settings: Settings): Promise<void> {
  let reply: Reply;
  try {
    reply = await route(request, settings);
  } catch (error) {
    reply = failure(error, request, settings.logger);
  }
  if (response.headersSent || response.destroyed) return;
  response.writeHead(reply.status, { 'content-type': TEXT, ...reply.headers }).end(reply.body);
}

async function route(request: IncomingMessage, settings: Settings): Promise<Reply> {
  const [path = '/'] = (request.url ?? '/').split('?', 1);
  const { webhook } = settings;
  if (webhook && path === webhook.path) {
    return request.method === 'POST' ? receiveWebhook(request, webhook, settings) : methodNotAllowed('POST');
  }
  const read = reads.get(path);
  if (!read) return { status: 404, body: 'not found' };
  return request.method === 'GET' || request.method === 'HEAD' ? read(settings) : methodNotAllowed('GET, HEAD');
}

/** The `GET` routes. */
const reads = new Map<string, (settings: Settings) => Promise<Reply>>([
  [
    '/metrics',
    async ({ metrics }) => ({
      status: 200,
      body: await metrics.metrics(),
      headers: { 'content-type': metrics.contentType },
    }),
  ],
  ['/healthz', async () => ({ status: 200, body: 'ok' })],
  [
    '/readyz',
    async (settings) =>
      (await isReady(settings)) ? { status: 200, body: 'ready' } : { status: 503, body: 'not ready' },
  ],
]);

async function receiveWebhook(request: IncomingMessage, webhook: WebhookReceiver, settings: Settings): Promise<Reply> {
  let body: Buffer;
  try {
    body = await readBody(request, settings.maxBodyBytes);
  } catch (error) {
    // Refused like any other forged callback: counted, and logged at the receiver's bounded rate.
    if (error instanceof BodyTooLargeError) webhook.refuseOversized();
    throw error;
  }
  return webhook.receive({ headers: request.headers, body });
}

function methodNotAllowed(allow: string): Reply {
  return { status: 405, body: 'method not allowed', headers: { allow } };
}

/** `ready()`'s answer; false when it throws or takes longer than the timeout. */
async function isReady({ ready, timeoutMs, logger }: Settings): Promise<boolean> {
  const deadline = new AbortController();
  try {
    return await Promise.race([ready(), wait(timeoutMs, false, { signal: deadline.signal })]);
  } catch (error) {
    logger.warn({ err: error }, 'readiness check failed');
    return false;
  } finally {
    deadline.abort();
  }
}

/** Reads a body of at most `maxBytes`, refusing a larger one without reading the rest. */
function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer> {
  if (Number(request.headers['content-length'] ?? 0) > maxBytes) return Promise.reject(new BodyTooLargeError());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const take = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        request.off('data', take).pause();
        reject(new BodyTooLargeError());
      } else {
        chunks.push(chunk);
      }
    };
    request.on('data', take);
    request.once('end', () => resolve(Buffer.concat(chunks, size)));
    request.once('error', reject);
  });
}

function failure(error: unknown, request: IncomingMessage, logger: Logger): Reply {
  // Closing the connection spares reading the rest of a body that will not be used.
  if (error instanceof BodyTooLargeError)
    return { status: 413, body: 'body too large', headers: { connection: 'close' } };
  logger.error({ err: error, method: request.method, url: request.url }, 'ops request failed');
  return { status: 500, body: 'internal error' };
}

function urlOf({ address, family, port }: AddressInfo): string {
  return `http://${family === 'IPv6' ? `[${address}]` : address}:${port}`;
}
