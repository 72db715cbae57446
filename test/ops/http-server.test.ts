import { once } from 'node:events';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type OpsServer, type OpsServerOptions, startOpsServer } from '../../src/ops/http-server.js';
import { BotMetrics } from '../../src/ops/metrics.js';
import { WebhookReceiver } from '../../src/wavespeed/webhook.js';

const logger = pino({ level: 'silent' });
const WEBHOOK_PATH = '/wavespeed/webhook';

let server: OpsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(options: Partial<OpsServerOptions> = {}): Promise<OpsServer> {
  server = await startOpsServer({
    port: 0,
    host: '127.0.0.1',
    metrics: new BotMetrics({ processMetrics: false }),
    ready: () => true,
    logger,
    ...options,
  });
  return server;
}

function receiver(observer?: BotMetrics): WebhookReceiver {
  return new WebhookReceiver({
    path: WEBHOOK_PATH,
    secret: async () => 'whsec_test-secret',
    onPrediction: async () => {},
    logger,
    ...(observer && { observer }),
  });
}

/** Sends `body` in chunks without a Content-Length, so only counting reveals its size. */
async function postChunked(url: string, chunks: Buffer[]): Promise<IncomingMessage> {
  const request = httpRequest(url, { method: 'POST' });
  // The server may close the connection before it has read everything sent.
  request.on('error', () => {});
  for (const chunk of chunks) request.write(chunk);
  request.end();
  const [response] = (await once(request, 'response')) as [IncomingMessage];
  response.resume();
  return response;
}

describe('startOpsServer', () => {
  it('answers /healthz while the process runs', async () => {
    const { url } = await start({ ready: () => false });

    const response = await fetch(`${url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('ok');
  });

  it('answers /readyz with 200 when ready and 503 when not', async () => {
    let ready = false;
    const { url } = await start({ ready: async () => ready });

    expect((await fetch(`${url}/readyz`)).status).toBe(503);
    ready = true;
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
  });

  it('is not ready when the readiness check throws', async () => {
    const { url } = await start({
      ready: () => {
        throw new Error('store unreachable');
      },
    });

    expect((await fetch(`${url}/readyz`)).status).toBe(503);
  });

  it('serves the metrics in the Prometheus text format', async () => {
    const metrics = new BotMetrics({ processMetrics: false });
    metrics.refused('user_daily');
    const { url } = await start({ metrics });

    const response = await fetch(`${url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(metrics.contentType);
    expect(await response.text()).toContain('videobot_quota_denials_total{limit="user_daily"} 1');
  });

  it('answers 404 for unknown routes and 405 for the wrong method', async () => {
    const { url } = await start();

    expect((await fetch(`${url}/admin`)).status).toBe(404);
    expect((await fetch(`${url}${WEBHOOK_PATH}`, { method: 'POST', body: '{}' })).status).toBe(404);
    const wrongMethod = await fetch(`${url}/metrics`, { method: 'POST', body: '' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET, HEAD');
  });

  it('hands POSTs on the webhook path to the receiver, and only POSTs', async () => {
    const { url } = await start({ webhook: receiver() });

    expect((await fetch(`${url}${WEBHOOK_PATH}?attempt=1`, { method: 'POST', body: '{}' })).status).toBe(401);
    expect((await fetch(`${url}${WEBHOOK_PATH}`)).status).toBe(405);
  });

  it('refuses a body declared larger than the cap without reading it, and counts it', async () => {
    const metrics = new BotMetrics({ processMetrics: false });
    const { url } = await start({ metrics, webhook: receiver(metrics), maxBodyBytes: 1024 });

    const response = await fetch(`${url}${WEBHOOK_PATH}`, { method: 'POST', body: 'x'.repeat(2048) });
    expect(response.status).toBe(413);
    expect(await metrics.metrics()).toContain('videobot_webhook_rejections_total{reason="too_large"} 1');
  });

  it('refuses a chunked body once it passes the cap, and counts it', async () => {
    const metrics = new BotMetrics({ processMetrics: false });
    const { url } = await start({ metrics, webhook: receiver(metrics), maxBodyBytes: 1024 });

    const response = await postChunked(`${url}${WEBHOOK_PATH}`, [Buffer.alloc(600), Buffer.alloc(600)]);
    expect(response.statusCode).toBe(413);
    expect(await metrics.metrics()).toContain('videobot_webhook_rejections_total{reason="too_large"} 1');
  });

  it('stops listening on close', async () => {
    const { url } = await start();
    await server?.close();
    server = undefined;

    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });
});
