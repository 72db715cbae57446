import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  GenerationFailedError,
  InsufficientBalanceError,
  InvalidRequestError,
  MalformedResponseError,
  ModerationError,
  ProviderAuthError,
  ProviderRateLimitError,
  ProviderTimeoutError,
  ProviderUnavailableError,
} from '../../src/provider/errors.js';
import { WaveSpeedClient, type WaveSpeedClientOptions } from '../../src/wavespeed/client.js';
import { type Fault, type SubmitScript, startWaveSpeedStandIn, type WaveSpeedStandIn } from '../stand-ins/wavespeed.js';

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

/** Submits a generation scripted to finish at once, and returns its id. */
async function generation(client: WaveSpeedClient, script: SubmitScript = {}): Promise<string> {
  standIn.nextSubmit({ durationMs: 0, ...script });
  const { id } = await client.submit({
    model: 't2v-plus-480p',
    prompt: 'a lighthouse in a storm',
    size: '832*480',
    seed: -1,
    prompt_expansion: false,
  });
  return id;
}

describe('WaveSpeedClient.result', () => {
  it('reports a generation still running as processing', async () => {
    const client = connect();
    const id = await generation(client, { durationMs: 60_000 });

    await expect(client.result(id)).resolves.toEqual({ id, status: 'processing' });
  });

  it('reads a completed prediction: its outputs, their NSFW flags and the inference time', async () => {
    const client = connect();
    const id = await generation(client, { durationMs: 0 });

    await expect(client.result(id)).resolves.toEqual({
      id,
      status: 'completed',
      outputs: [`${standIn.baseUrl}/outputs/${id}.mp4`],
      nsfw: [false],
      inferenceMs: 0,
    });
  });

  it('passes on the NSFW flag of a flagged output', async () => {
    const client = connect();
    const id = await generation(client, { outcome: { status: 'completed', nsfw: true } });

    await expect(client.result(id)).resolves.toMatchObject({ status: 'completed', nsfw: [true] });
  });

  it.each(['data', 'envelope'] as const)('reads the task code of a failed prediction from the %s', async (codeIn) => {
    const client = connect();
    const id = await generation(client, {
      outcome: { status: 'failed', code: 1200, error: 'content flagged', codeIn },
    });

    const prediction = await client.result(id);
    assert(prediction.status === 'failed');
    expect(prediction.cause).toBeInstanceOf(ModerationError);
    expect(prediction.cause).toMatchObject({ code: 1200, message: expect.stringContaining('content flagged') });
    expect(waits).toEqual([]);
  });

  it.each(['cancelled', 'timeout', 'deleted', 'reticulating'])(
    'folds the status "%s" into failed instead of waiting on it forever',
    async (reported) => {
      const client = connect();
      const id = await generation(client, { outcome: { status: 'undocumented', reported } });

      const prediction = await client.result(id);
      assert(prediction.status === 'failed');
      expect(prediction.cause).toBeInstanceOf(GenerationFailedError);
      expect(prediction.cause.message).toContain(`ended with status "${reported}"`);
    },
  );

  it.each<{ code: number; expected: ErrorClass }>([
    { code: 1200, expected: ModerationError },
    { code: 1400, expected: InvalidRequestError },
    { code: 1401, expected: InvalidRequestError },
    { code: 1402, expected: InvalidRequestError },
    { code: 1403, expected: GenerationFailedError },
    { code: 1405, expected: GenerationFailedError },
    { code: 5000, expected: ProviderUnavailableError },
    { code: 5003, expected: ProviderUnavailableError },
    { code: 5004, expected: ProviderTimeoutError },
  ])('explains a task that failed with code $code as $expected.name', async ({ code, expected }) => {
    const client = connect();
    const id = await generation(client, { outcome: { status: 'failed', code } });

    const prediction = await client.result(id);

    assert(prediction.status === 'failed');
    expect(prediction.cause).toBeInstanceOf(expected);
    expect(prediction.cause.code).toBe(code);
  });

  it('puts the prediction id in the path encoded', async () => {
    await expect(connect().result('a/b c')).rejects.toMatchObject({ status: 404 });
    expect(standIn.resultCalls).toEqual(['a/b c']);
  });

  it('asks again after 5xx answers with growing, jittered backoff', async () => {
    const client = connect();
    const id = await generation(client);
    standIn.fault('result', { status: 503, times: 3 });

    await expect(client.result(id)).resolves.toMatchObject({ id, status: 'completed' });

    expect(standIn.resultCallsFor(id)).toBe(4);
    expect(waits).toHaveLength(3);
    waits.forEach((wait, attempt) => {
      expect(wait).toBeGreaterThanOrEqual(250 * 2 ** attempt);
      expect(wait).toBeLessThanOrEqual(500 * 2 ** attempt);
    });
  });

  it('asks again after a request that timed out', async () => {
    const client = connect({ requestTimeoutMs: 100 });
    const id = await generation(client);
    standIn.fault('result', { delayMs: 300 });

    await expect(client.result(id)).resolves.toMatchObject({ status: 'completed' });
    expect(standIn.resultCallsFor(id)).toBe(2);
  });

  it('honours Retry-After given in seconds', async () => {
    const client = connect();
    const id = await generation(client);
    standIn.fault('result', { status: 429, retryAfter: '3' });

    await client.result(id);

    expect(waits).toEqual([3_000]);
  });

  it('honours Retry-After given as an HTTP date', async () => {
    const client = connect();
    const id = await generation(client);
    standIn.fault('result', { status: 429, retryAfter: new Date(Date.now() + 5_000).toUTCString() });

    await client.result(id);

    expect(waits).toHaveLength(1);
    // HTTP dates have whole seconds, so up to one second is lost to rounding.
    expect(waits[0]).toBeGreaterThan(3_000);
    expect(waits[0]).toBeLessThanOrEqual(5_000);
  });

  it.each<{ answer: string; fault: Fault; expected: ErrorClass }>([
    { answer: '503', fault: { status: 503 }, expected: ProviderUnavailableError },
    { answer: '500', fault: { status: 500 }, expected: ProviderUnavailableError },
    { answer: '429', fault: { status: 429 }, expected: ProviderRateLimitError },
    { answer: 'a body that is not JSON', fault: { malformed: 'not_json' }, expected: MalformedResponseError },
    { answer: 'a body without a prediction', fault: { malformed: 'wrong_shape' }, expected: MalformedResponseError },
    { answer: 'envelope code 5000', fault: { envelopeCode: 5000 }, expected: ProviderUnavailableError },
    { answer: 'envelope code 5004', fault: { envelopeCode: 5004 }, expected: ProviderTimeoutError },
    { answer: 'no answer', fault: { hang: true }, expected: ProviderTimeoutError },
    { answer: 'a dropped connection', fault: { drop: true }, expected: ProviderUnavailableError },
  ])('throws $expected.name once resultRetries of $answer are spent', async ({ fault, expected }) => {
    const client = connect({ resultRetries: 2, requestTimeoutMs: 100 });
    const id = await generation(client);
    standIn.fault('result', { ...fault, times: Infinity });

    await expect(client.result(id)).rejects.toBeInstanceOf(expected);
    expect(standIn.resultCallsFor(id)).toBe(3);
    expect(waits).toHaveLength(2);
  });

  it.each<{ answer: string; fault: Fault; expected: ErrorClass }>([
    { answer: '401', fault: { status: 401 }, expected: ProviderAuthError },
    { answer: '403', fault: { status: 403 }, expected: ProviderAuthError },
    { answer: '402', fault: { status: 402 }, expected: InsufficientBalanceError },
    { answer: '400', fault: { status: 400 }, expected: InvalidRequestError },
    { answer: 'envelope code 1401', fault: { envelopeCode: 1401 }, expected: InvalidRequestError },
    { answer: 'envelope code 1403', fault: { envelopeCode: 1403 }, expected: GenerationFailedError },
  ])('throws $expected.name at once after $answer, which asking again will not change', async ({ fault, expected }) => {
    const client = connect();
    const id = await generation(client);
    standIn.fault('result', fault);

    await expect(client.result(id)).rejects.toBeInstanceOf(expected);
    expect(standIn.resultCallsFor(id)).toBe(1);
    expect(waits).toEqual([]);
  });
});
