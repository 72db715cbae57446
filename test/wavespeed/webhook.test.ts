import { createHmac } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import pino from 'pino';
import { type Dispatcher, MockAgent } from 'undici';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type OpsServer, startOpsServer } from '../../src/ops/http-server.js';
import { BotMetrics } from '../../src/ops/metrics.js';
import { GenerationFailedError, ModerationError, ProviderUnavailableError } from '../../src/provider/errors.js';
import type { Prediction, VideoRequest } from '../../src/provider/video-provider.js';
import { WaveSpeedClient } from '../../src/wavespeed/client.js';
import {
  MemoryReplayGuard,
  verifyWebhookSignature,
  type WebhookCallback,
  WebhookReceiver,
  type WebhookReceiverOptions,
} from '../../src/wavespeed/webhook.js';
import { type SubmitScript, startWaveSpeedStandIn, type WaveSpeedStandIn } from '../stand-ins/wavespeed.js';

const logger = pino({ level: 'silent' });
const SECRET = 'whsec_c2VjcmV0LWtleS1mb3ItdGVzdHM';
const NOW = Date.UTC(2026, 10, 26, 12, 0, 0);
const NOW_SECONDS = String(NOW / 1000);
const WEBHOOK_PATH = '/wavespeed/webhook';

const completed = {
  id: 'b1f3c0de',
  model: 'alibaba/wan-2.2/t2v-plus-480p',
  input: { prompt: 'a paper boat on a rainy street' },
  outputs: ['https://cdn.wavespeed.ai/outputs/b1f3c0de.mp4'],
  urls: { get: 'https://api.wavespeed.ai/api/v3/predictions/b1f3c0de/result' },
  has_nsfw_contents: [true],
  status: 'completed',
  created_at: '2026-11-26T11:59:00.000Z',
  error: '',
};

/** Signs as WaveSpeed does: hex HMAC-SHA256 of `id.timestamp.body`, keyed by the secret's text after `whsec_`. */
function signature(content: { id: string; timestamp: string; body: string | Buffer }, secret = SECRET): string {
  const hmac = createHmac('sha256', Buffer.from(secret.replace(/^whsec_/, ''), 'utf8'));
  return `v3,${hmac.update(`${content.id}.${content.timestamp}.`).update(content.body).digest('hex')}`;
}

function callback(
  body: unknown,
  { id = 'msg-1', timestamp = NOW_SECONDS, secret = SECRET } = {},
  headers: IncomingHttpHeaders = {},
): WebhookCallback {
  const raw = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  return {
    body: raw,
    headers: {
      'webhook-id': id,
      'webhook-timestamp': timestamp,
      'webhook-signature': signature({ id, timestamp, body: raw }, secret),
      ...headers,
    },
  };
}

describe('verifyWebhookSignature', () => {
  const body = JSON.stringify(completed);
  const signed = { secret: SECRET, id: 'msg-1', timestamp: NOW_SECONDS, rawBody: body, now: NOW };

  it('accepts a genuine signature, fresh until 300 s after it was made', () => {
    expect(
      verifyWebhookSignature({ ...signed, signature: signature({ id: 'msg-1', timestamp: NOW_SECONDS, body }) }),
    ).toEqual({
      ok: true,
      freshUntil: NOW + 300_000,
    });
  });

  it('accepts when any of several space-separated signatures matches', () => {
    const genuine = signature({ id: 'msg-1', timestamp: NOW_SECONDS, body });
    const header = `v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4= v3,${'0'.repeat(64)} ${genuine}`;

    expect(verifyWebhookSignature({ ...signed, signature: header }).ok).toBe(true);
  });

  it('keys the HMAC with the secret text itself, not its base64 decoding', () => {
    const decodedKey = Buffer.from(SECRET.slice('whsec_'.length), 'base64');
    const hex = createHmac('sha256', decodedKey).update(`msg-1.${NOW_SECONDS}.${body}`).digest('hex');

    expect(verifyWebhookSignature({ ...signed, signature: `v3,${hex}` })).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('checks the raw bytes, whatever their encoding', () => {
    const raw = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]);
    const header = signature({ id: 'msg-1', timestamp: NOW_SECONDS, body: raw });

    expect(verifyWebhookSignature({ ...signed, rawBody: raw, signature: header }).ok).toBe(true);
    expect(verifyWebhookSignature({ ...signed, rawBody: raw.toString('utf8'), signature: header }).ok).toBe(false);
  });

  it.each([
    [
      'another secret',
      { signature: signature({ id: 'msg-1', timestamp: NOW_SECONDS, body }, 'whsec_other') },
      'mismatch',
    ],
    ['a tampered body', { rawBody: body.replace('true', 'false') }, 'mismatch'],
    ['another id', { id: 'msg-2' }, 'mismatch'],
    ['a timestamp 301 s old', { now: NOW + 301_000 }, 'stale'],
    ['a timestamp 301 s ahead', { now: NOW - 301_000 }, 'stale'],
    ['a timestamp in milliseconds', { timestamp: String(NOW) }, 'malformed'],
    ['a timestamp that is not a number', { timestamp: '2026-11-26T12:00:00Z' }, 'malformed'],
    ['a signature of another version', { signature: `v1,${'a'.repeat(64)}` }, 'malformed'],
    ['a signature that is not hex', { signature: `v3,${'z'.repeat(64)}` }, 'malformed'],
    ['a bare digest', { signature: 'a'.repeat(64) }, 'malformed'],
  ] as const)('refuses %s', (_, change, reason) => {
    const genuine = signature({ id: 'msg-1', timestamp: NOW_SECONDS, body });
    expect(verifyWebhookSignature({ ...signed, signature: genuine, ...change })).toEqual({ ok: false, reason });
  });

  it('accepts a timestamp exactly 300 s old', () => {
    const genuine = signature({ id: 'msg-1', timestamp: NOW_SECONDS, body });
    expect(verifyWebhookSignature({ ...signed, signature: genuine, now: NOW + 300_000 }).ok).toBe(true);
  });

  it('refuses to verify with an empty secret', () => {
    expect(() => verifyWebhookSignature({ ...signed, secret: 'whsec_', signature: `v3,${'0'.repeat(64)}` })).toThrow(
      /empty/,
    );
  });
});

describe('MemoryReplayGuard', () => {
  it('refuses an id it holds, until its time runs out', async () => {
    let now = NOW;
    const guard = new MemoryReplayGuard({ now: () => now });

    expect(await guard.claim('msg-1', 1_000)).toBe(true);
    expect(await guard.claim('msg-1', 1_000)).toBe(false);
    now += 1_000;
    expect(await guard.claim('msg-1', 1_000)).toBe(true);
  });

  it('forgets a released id', async () => {
    const guard = new MemoryReplayGuard({ now: () => NOW });
    await guard.claim('msg-1', 1_000);
    await guard.release('msg-1');

    expect(await guard.claim('msg-1', 1_000)).toBe(true);
  });

  it('holds at most maxEntries ids, forgetting the oldest first', async () => {
    const guard = new MemoryReplayGuard({ maxEntries: 2, now: () => NOW });
    for (const id of ['a', 'b', 'c']) await guard.claim(id, 60_000);

    expect(await guard.claim('c', 60_000)).toBe(false);
    expect(await guard.claim('b', 60_000)).toBe(false);
    expect(await guard.claim('a', 60_000)).toBe(true);
  });
});

describe('WebhookReceiver', () => {
  let received: Prediction[];
  beforeEach(() => {
    received = [];
  });

  function receiver(options: Partial<WebhookReceiverOptions> = {}): WebhookReceiver {
    return new WebhookReceiver({
      path: WEBHOOK_PATH,
      secret: async () => SECRET,
      onPrediction: async (prediction) => {
        received.push(prediction);
      },
      logger,
      now: () => NOW,
      ...options,
    });
  }

  it('hands over a completed prediction and answers 200', async () => {
    const answer = await receiver().receive(callback(completed));

    expect(answer.status).toBe(200);
    expect(received).toEqual([{ id: 'b1f3c0de', status: 'completed', outputs: [completed.outputs[0]], nsfw: [true] }]);
  });

  it('hands over a failed prediction with its classified cause', async () => {
    const webhook = receiver();
    await webhook.receive(callback({ ...completed, status: 'failed', outputs: [], code: 1200, error: 'flagged' }));
    await webhook.receive(
      callback({ ...completed, id: 'c2', status: 'failed', outputs: [], error: 'boom' }, { id: 'msg-2' }),
    );

    expect(received).toMatchObject([
      { id: 'b1f3c0de', status: 'failed', cause: expect.any(ModerationError) },
      { id: 'c2', status: 'failed', cause: expect.any(GenerationFailedError) },
    ]);
    const [moderated] = received;
    expect(moderated?.status === 'failed' && moderated.cause.message).toMatch(/flagged/);
  });

  it.each([
    ['a wrong secret', callback(completed, { secret: 'whsec_guessed' })],
    ['a tampered body', { ...callback(completed), body: Buffer.from(JSON.stringify({ ...completed, id: 'other' })) }],
    ['a stale timestamp', callback(completed, { timestamp: String(NOW / 1000 - 301) })],
    ['a future timestamp', callback(completed, { timestamp: String(NOW / 1000 + 301) })],
    ['a malformed signature header', callback(completed, {}, { 'webhook-signature': 'v3=deadbeef' })],
    ['no webhook-id', callback(completed, {}, { 'webhook-id': undefined })],
    ['no webhook-timestamp', callback(completed, {}, { 'webhook-timestamp': undefined })],
    ['no webhook-signature', callback(completed, {}, { 'webhook-signature': undefined })],
    ['an empty webhook-signature', callback(completed, {}, { 'webhook-signature': '' })],
  ])('answers 401 to %s and hands nothing over', async (_, delivery) => {
    expect((await receiver().receive(delivery)).status).toBe(401);
    expect(received).toEqual([]);
  });

  it('answers 401 to a replayed callback', async () => {
    const webhook = receiver();
    const delivery = callback(completed);

    expect((await webhook.receive(delivery)).status).toBe(200);
    expect((await webhook.receive(delivery)).status).toBe(401);
    expect(received).toHaveLength(1);
  });

  it.each([
    ['not JSON', '{"id":'],
    ['JSON without a prediction', { id: 42, status: 'completed' }],
    ['an envelope around the prediction', { code: 200, message: 'success', data: completed }],
  ])('answers 400 to a genuine body that is %s', async (_, body) => {
    expect((await receiver().receive(callback(body))).status).toBe(400);
    expect(received).toEqual([]);
  });

  it('answers 500 when the prediction is not taken, and takes the same callback when it comes again', async () => {
    const onPrediction = vi.fn<(prediction: Prediction) => Promise<void>>();
    onPrediction.mockRejectedValueOnce(new Error('store down')).mockResolvedValueOnce();
    const webhook = receiver({ onPrediction });
    const delivery = callback(completed);

    expect((await webhook.receive(delivery)).status).toBe(500);
    expect((await webhook.receive(delivery)).status).toBe(200);
    expect(onPrediction).toHaveBeenCalledTimes(2);
  });

  it('reads the secret once, and again after a failed read', async () => {
    const secret = vi.fn<() => Promise<string>>();
    secret.mockRejectedValueOnce(new ProviderUnavailableError('503')).mockResolvedValue(SECRET);
    const webhook = receiver({ secret });

    expect((await webhook.receive(callback(completed, { id: 'msg-1' }))).status).toBe(503);
    expect((await webhook.receive(callback(completed, { id: 'msg-2' }))).status).toBe(200);
    expect((await webhook.receive(callback(completed, { id: 'msg-3' }))).status).toBe(200);
    expect(secret).toHaveBeenCalledTimes(2);
  });
});

describe('WebhookReceiver with forged callbacks', () => {
  const REPORT_MS = 60_000;
  let lines: Array<Record<string, unknown>>;
  let metrics: BotMetrics;

  beforeEach(() => {
    vi.useFakeTimers();
    lines = [];
    metrics = new BotMetrics({ processMetrics: false });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function receiver(): WebhookReceiver {
    const capture = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    return new WebhookReceiver({
      path: WEBHOOK_PATH,
      secret: async () => SECRET,
      onPrediction: async () => {},
      observer: metrics,
      logger: capture,
      now: () => NOW,
    });
  }

  const forged = (n: number) => callback(completed, { id: `forged-${n}`, secret: 'whsec_guessed' });

  async function rejections(reason: string): Promise<string | undefined> {
    const prefix = `videobot_webhook_rejections_total{reason="${reason}"} `;
    return (await metrics.metrics()).split('\n').find((line) => line.startsWith(prefix));
  }

  it('counts 2,000 forged callbacks and logs them in two lines: the first at once, a summary a minute later', async () => {
    const webhook = receiver();
    for (let n = 0; n < 2_000; n += 1) expect((await webhook.receive(forged(n))).status).toBe(401);

    expect(await rejections('bad_signature')).toBe('videobot_webhook_rejections_total{reason="bad_signature"} 2000');
    expect(lines).toMatchObject([{ level: 40, reason: 'bad_signature', webhookId: 'forged-0' }]);

    await vi.advanceTimersByTimeAsync(REPORT_MS);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatchObject({ level: 40, refused: { bad_signature: 1_999 }, total: 1_999 });

    // A quiet minute: nothing more to say, and the next forged call is news again.
    await vi.advanceTimersByTimeAsync(10 * REPORT_MS);
    expect(lines).toHaveLength(2);
    await webhook.receive(forged(2_000));
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatchObject({ reason: 'bad_signature', webhookId: 'forged-2000' });
  });

  it('logs a steady flood as one summary line a minute', async () => {
    const webhook = receiver();
    // 2,000 forged calls over 5 minutes, one every 150 ms.
    for (let n = 0; n < 2_000; n += 1) {
      await webhook.receive(forged(n));
      await vi.advanceTimersByTimeAsync(150);
    }
    await vi.advanceTimersByTimeAsync(2 * REPORT_MS);

    expect(await rejections('bad_signature')).toBe('videobot_webhook_rejections_total{reason="bad_signature"} 2000');
    const [first, ...summaries] = lines;
    expect(first).toMatchObject({ reason: 'bad_signature' });
    expect(summaries).toHaveLength(5);
    expect(summaries.reduce((sum, line) => sum + Number(line.total), 0)).toBe(1_999);
  });

  it('logs the first of each reason at once and counts each under its own reason', async () => {
    const webhook = receiver();
    const genuine = callback(completed, { id: 'genuine-1' });
    await webhook.receive(genuine);
    await webhook.receive(genuine);
    await webhook.receive(callback(completed, {}, { 'webhook-signature': undefined }));
    await webhook.receive(callback(completed, { timestamp: String(NOW / 1000 - 301) }));
    await webhook.receive(callback(completed, {}, { 'webhook-signature': 'v3=deadbeef' }));
    await webhook.receive(callback({ id: 42 }, { id: 'genuine-2' }));
    await webhook.receive(forged(1));
    await webhook.receive(forged(2));

    expect(lines.map((line) => line.reason)).toEqual([
      'replay',
      'unsigned',
      'stale',
      'malformed',
      'not_a_prediction',
      'bad_signature',
    ]);
    for (const reason of ['replay', 'unsigned', 'stale', 'malformed', 'not_a_prediction']) {
      expect(await rejections(reason)).toMatch(/ 1$/);
    }
    expect(await rejections('bad_signature')).toMatch(/ 2$/);
  });

  it('logs an unreadable secret as an error, at the same bounded rate', async () => {
    const webhook = new WebhookReceiver({
      path: WEBHOOK_PATH,
      secret: async () => {
        throw new ProviderUnavailableError('503');
      },
      onPrediction: async () => {},
      observer: metrics,
      logger: pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) }),
      now: () => NOW,
    });
    for (let n = 0; n < 50; n += 1) expect((await webhook.receive(forged(n))).status).toBe(503);
    await vi.advanceTimersByTimeAsync(REPORT_MS);

    expect(await rejections('unverifiable')).toMatch(/ 50$/);
    expect(lines).toMatchObject([
      { level: 50, reason: 'unverifiable', err: { type: 'ProviderUnavailableError' } },
      { level: 40, refused: { unverifiable: 49 } },
    ]);
  });

  it('logs no signature or secret, and cuts a long webhook-id short', async () => {
    const webhook = receiver();
    const long = callback(completed, { id: 'x'.repeat(10_000), secret: 'whsec_guessed' });
    await webhook.receive(long);
    await webhook.receive(forged(1));
    await vi.advanceTimersByTimeAsync(REPORT_MS);

    const logged = JSON.stringify(lines);
    expect(logged).not.toContain(String(long.headers['webhook-signature']).slice(3));
    expect(logged).not.toContain(SECRET.slice('whsec_'.length));
    expect(String(lines[0]?.webhookId)).toHaveLength(64);
  });
});

const request: VideoRequest = {
  model: 't2v-plus-480p',
  prompt: 'a paper boat on a rainy street',
  size: '832*480',
  seed: -1,
  prompt_expansion: false,
};

describe('WaveSpeedClient and webhooks', () => {
  let standIn: WaveSpeedStandIn;
  beforeEach(async () => {
    standIn = await startWaveSpeedStandIn();
  });
  afterEach(() => standIn.close());

  function connect(options: { webhookUrl?: string; dispatcher?: Dispatcher } = {}): WaveSpeedClient {
    return new WaveSpeedClient({
      baseUrl: standIn.baseUrl,
      apiKey: standIn.apiKey,
      outputHosts: [],
      sleep: async () => {},
      ...options,
    });
  }

  it('reads the webhook secret from data.secret', async () => {
    await expect(connect().webhookSecret()).resolves.toBe(standIn.webhookSecret);
  });

  it('reads a webhook secret sent as a bare string in data', async () => {
    const answer = new MockAgent();
    answer.disableNetConnect();
    answer
      .get(standIn.baseUrl)
      .intercept({ path: '/api/v3/webhook/secret' })
      .reply(200, { code: 200, message: 'success', data: 'whsec_bare' });

    await expect(connect({ dispatcher: answer }).webhookSecret()).resolves.toBe('whsec_bare');
  });

  it('retries a failed secret read like a result read', async () => {
    standIn.fault('secret', { status: 503, times: 2 });

    await expect(connect().webhookSecret()).resolves.toBe(standIn.webhookSecret);
  });

  it('names the webhook URL as the submit query parameter, and nowhere else', async () => {
    const webhookUrl = 'https://bot.example.com/wavespeed/webhook?tag=a&b=c';
    await connect({ webhookUrl }).submit(request);

    const [submit] = standIn.submits;
    expect(submit?.webhook).toBe(webhookUrl);
    expect(submit?.body).not.toHaveProperty('webhook_url');
  });

  it('sends no webhook parameter without a webhook URL', async () => {
    await connect().submit(request);

    expect(standIn.submits[0]).not.toHaveProperty('webhook');
  });
});

describe('result callbacks from the stand-in', () => {
  let standIn: WaveSpeedStandIn;
  let ops: OpsServer;
  let client: WaveSpeedClient;
  let received: Prediction[];

  beforeEach(async () => {
    received = [];
    standIn = await startWaveSpeedStandIn({ defaults: { durationMs: 0 } });
    const secretReader = new WaveSpeedClient({
      baseUrl: standIn.baseUrl,
      apiKey: standIn.apiKey,
      outputHosts: [],
    });
    const webhook = new WebhookReceiver({
      path: WEBHOOK_PATH,
      secret: () => secretReader.webhookSecret(),
      onPrediction: async (prediction) => {
        received.push(prediction);
      },
      logger,
    });
    ops = await startOpsServer({
      port: 0,
      host: '127.0.0.1',
      metrics: new BotMetrics({ processMetrics: false }),
      ready: () => true,
      webhook,
      logger,
    });
    client = new WaveSpeedClient({
      baseUrl: standIn.baseUrl,
      apiKey: standIn.apiKey,
      outputHosts: [],
      webhookUrl: `${ops.url}${WEBHOOK_PATH}`,
    });
  });
  afterEach(async () => {
    await standIn.close();
    await ops.close();
  });

  async function submit(script: SubmitScript = {}): Promise<string> {
    standIn.nextSubmit(script);
    return (await client.submit(request)).id;
  }

  it('delivers a completed prediction to onPrediction', async () => {
    const id = await submit();
    const [call] = await standIn.waitForWebhookCalls(1);

    expect(call).toMatchObject({ predictionId: id, status: 200 });
    expect(received).toEqual([
      { id, status: 'completed', outputs: [`${standIn.baseUrl}/outputs/${id}.mp4`], nsfw: [false], inferenceMs: 0 },
    ]);
  });

  it('delivers a failed prediction with its classified cause', async () => {
    const id = await submit({ outcome: { status: 'failed', code: 1200, error: 'prompt flagged' } });
    await standIn.waitForWebhookCalls(1);

    expect(received).toMatchObject([{ id, status: 'failed', cause: expect.any(ModerationError) }]);
  });

  it('takes a replayed callback once', async () => {
    await submit({ webhook: { replay: true } });
    const calls = await standIn.waitForWebhookCalls(2);

    expect(calls.map((call) => call.status)).toEqual([200, 401]);
    expect(received).toHaveLength(1);
  });

  it('refuses a badly signed callback', async () => {
    await submit({ webhook: { badSignature: true } });
    const [call] = await standIn.waitForWebhookCalls(1);

    expect(call?.status).toBe(401);
    expect(received).toEqual([]);
  });

  it('can lose a callback or send it late', async () => {
    const lost = await submit({ webhook: { lose: true } });
    const late = await submit({ webhook: { delayMs: 250 } });
    const prompt = await submit();
    const calls = await standIn.waitForWebhookCalls(2);

    expect(calls.map((call) => call.predictionId)).toEqual([prompt, late]);
    expect(received.map((prediction) => prediction.id)).not.toContain(lost);
  });
});
