import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  InsufficientBalanceError,
  InvalidRequestError,
  ModerationError,
  ProviderAuthError,
  ProviderRateLimitError,
  ProviderUnavailableError,
  SubmitOutcomeUnknownError,
} from '../../src/provider/errors.js';
import type { VideoRequest } from '../../src/provider/video-provider.js';
import { WaveSpeedClient, type WaveSpeedClientOptions } from '../../src/wavespeed/client.js';
import { type Fault, startWaveSpeedStandIn, type WaveSpeedStandIn } from '../stand-ins/wavespeed.js';

const request: VideoRequest = {
  model: 't2v-plus-480p',
  prompt: 'a red fox trotting through fresh snow at dawn',
  size: '480*832',
  seed: 42,
  prompt_expansion: true,
};

type ErrorClass = abstract new (...args: never[]) => Error;

let standIn: WaveSpeedStandIn;
let waits: number[];

beforeEach(async () => {
  standIn = await startWaveSpeedStandIn();
  waits = [];
});
afterEach(() => standIn.close());

function connect(options: Partial<WaveSpeedClientOptions> = {}): WaveSpeedClient {
  return new WaveSpeedClient({
    baseUrl: standIn.baseUrl,
    apiKey: standIn.apiKey,
    outputHosts: [],
    sleep: async (ms) => {
      waits.push(ms);
    },
    ...options,
  });
}

/** A port nothing listens on: one a stand-in has just let go of. */
async function deadPort(): Promise<number> {
  const scratch = await startWaveSpeedStandIn();
  await scratch.close();
  return Number(new URL(scratch.baseUrl).port);
}

describe('WaveSpeedClient.submit', () => {
  it("sends exactly the member's options, with the key and the client name", async () => {
    const { id } = await connect().submit({ ...request, negative_prompt: 'blurry, text' });

    const [submit] = standIn.submits;
    expect(submit?.body).toEqual({
      prompt: 'a red fox trotting through fresh snow at dawn',
      negative_prompt: 'blurry, text',
      size: '480*832',
      duration: 5,
      enable_prompt_expansion: true,
      seed: 42,
    });
    expect(submit?.headers).toMatchObject({
      authorization: `Bearer ${standIn.apiKey}`,
      'content-type': 'application/json',
      'x-client-name': 'wan-video-bot',
    });
    expect(id).toBe(submit?.predictionId);
  });

  it('leaves negative_prompt out when the member gave none', async () => {
    await connect().submit(request);

    expect(standIn.submits[0]?.body).not.toHaveProperty('negative_prompt');
  });

  it('reports a rejected key as ProviderAuthError without sending again', async () => {
    const submitting = connect({ apiKey: 'not-the-key' }).submit(request);

    await expect(submitting).rejects.toBeInstanceOf(ProviderAuthError);
    await expect(submitting).rejects.toMatchObject({ status: 401 });
    expect(standIn.submits).toHaveLength(1);
  });

  it.each<{ answer: string; fault: Fault; expected: ErrorClass }>([
    { answer: '403 (suspended account)', fault: { status: 403 }, expected: ProviderAuthError },
    { answer: '402', fault: { status: 402, message: 'Insufficient balance' }, expected: InsufficientBalanceError },
    { answer: '400 carrying code 402', fault: { status: 400, code: 402 }, expected: InsufficientBalanceError },
    { answer: '400', fault: { status: 400 }, expected: InvalidRequestError },
    { answer: '422', fault: { status: 422 }, expected: InvalidRequestError },
    { answer: '400 carrying task code 1200', fault: { status: 400, code: 1200 }, expected: ModerationError },
    { answer: '500', fault: { status: 500 }, expected: ProviderUnavailableError },
    { answer: '502', fault: { status: 502 }, expected: ProviderUnavailableError },
    { answer: '503', fault: { status: 503 }, expected: ProviderUnavailableError },
    { answer: 'envelope code 1401 on HTTP 200', fault: { envelopeCode: 1401 }, expected: InvalidRequestError },
    { answer: 'envelope code 1200 on HTTP 200', fault: { envelopeCode: 1200 }, expected: ModerationError },
    { answer: 'envelope code 5003 on HTTP 200', fault: { envelopeCode: 5003 }, expected: ProviderUnavailableError },
  ])('maps $answer to $expected.name and never sends again', async ({ fault, expected }) => {
    standIn.fault('submit', fault);

    await expect(connect().submit(request)).rejects.toBeInstanceOf(expected);
    expect(standIn.submits).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it('sends again after a 429, honouring Retry-After', async () => {
    standIn.fault('submit', { status: 429, retryAfter: '2' });

    const { id } = await connect().submit(request);

    expect(waits).toEqual([2_000]);
    expect(standIn.submits.map((submit) => submit.predictionId)).toEqual([undefined, id]);
  });

  it('sends again after a 429 without Retry-After, backing off with jitter', async () => {
    standIn.fault('submit', { status: 429 });

    await connect().submit(request);

    expect(standIn.submits).toHaveLength(2);
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThanOrEqual(250);
    expect(waits[0]).toBeLessThanOrEqual(500);
  });

  it('gives up on a lasting 429 after two more tries, with ProviderRateLimitError', async () => {
    standIn.fault('submit', { status: 429, retryAfter: '1', times: Infinity });

    const submitting = connect().submit(request);

    await expect(submitting).rejects.toBeInstanceOf(ProviderRateLimitError);
    await expect(submitting).rejects.toMatchObject({ retryAfterMs: 1_000 });
    expect(standIn.submits).toHaveLength(3);
  });

  it('hands a long Retry-After back to the caller instead of waiting it out', async () => {
    standIn.fault('submit', { status: 429, retryAfter: '3600' });

    const submitting = connect().submit(request);

    await expect(submitting).rejects.toBeInstanceOf(ProviderRateLimitError);
    await expect(submitting).rejects.toMatchObject({ retryAfterMs: 3_600_000 });
    expect(waits).toEqual([]);
    expect(standIn.submits).toHaveLength(1);
  });

  it.each<[string, Fault]>([
    ['never answers', { hang: true }],
    ['answers after the timeout', { delayMs: 300 }],
    ['drops the connection mid-request', { drop: true }],
    ['answers 200 with a body that is not JSON', { malformed: 'not_json' }],
    ['answers 200 without a prediction id', { malformed: 'wrong_shape' }],
  ])('never sends again when WaveSpeed %s, since the task may exist', async (_, fault) => {
    standIn.fault('submit', fault);

    await expect(connect({ requestTimeoutMs: 100 }).submit(request)).rejects.toBeInstanceOf(SubmitOutcomeUnknownError);
    expect(standIn.submits).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it('sends again when the connection was refused, since nothing was sent', async () => {
    const port = await deadPort();
    let revived: WaveSpeedStandIn | undefined;
    const client = connect({
      baseUrl: `http://127.0.0.1:${port}`,
      sleep: async (ms) => {
        waits.push(ms);
        revived ??= await startWaveSpeedStandIn({ port });
      },
    });

    try {
      const { id } = await client.submit(request);

      expect(waits).toHaveLength(1);
      expect(revived?.submits.map((submit) => submit.predictionId)).toEqual([id]);
    } finally {
      await revived?.close();
    }
  });

  it('reports a server that stays unreachable as ProviderUnavailableError, not an unknown outcome', async () => {
    const submitting = connect({ baseUrl: `http://127.0.0.1:${await deadPort()}` }).submit(request);

    await expect(submitting).rejects.toBeInstanceOf(ProviderUnavailableError);
    await expect(submitting).rejects.not.toBeInstanceOf(SubmitOutcomeUnknownError);
    expect(waits).toHaveLength(2);
  });

  it('logs method, path and status, never the API key', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
    standIn.fault('submit', { status: 429 });

    await connect({ logger }).submit(request);

    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('\n')).not.toContain(standIn.apiKey);
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({
      method: 'POST',
      path: '/api/v3/alibaba/wan-2.2/t2v-plus-480p',
      status: 429,
    });
  });
});
