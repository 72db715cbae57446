import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IMAGE_UPLOAD_LIMIT, startWaveSpeedStandIn, type WaveSpeedStandIn } from './wavespeed.js';

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(3000, 9)]);

let standIn: WaveSpeedStandIn;

beforeEach(async () => {
  // Generations end at once, so the first result call sees the outcome.
  standIn = await startWaveSpeedStandIn({ defaults: { durationMs: 0 } });
});

afterEach(() => standIn.close());

interface Answer {
  status: number;
  body: { code: number; message: string; data?: Record<string, unknown> | null };
}

async function call(path: string, init: RequestInit = {}, key = standIn.apiKey): Promise<Answer> {
  const response = await fetch(`${standIn.baseUrl}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${key}`, ...init.headers },
  });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

function submit(model: string, body: unknown, key?: string): Promise<Answer> {
  return call(
    `/api/v3/${model}`,
    { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
    key,
  );
}

function upload(file: Blob, filename: string, key?: string): Promise<Answer> {
  const form = new FormData();
  form.append('file', file, filename);
  return call('/api/v3/media/upload/binary', { method: 'POST', body: form }, key);
}

/** The prediction as the result call reports it. */
async function result(id: string): Promise<Record<string, unknown>> {
  return (await call(`/api/v3/predictions/${id}/result`)).body.data ?? {};
}

describe('WaveSpeed stand-in: the sibling models', () => {
  it('takes each model at its own path and records which one a submit hit', async () => {
    const image = (await upload(new Blob([PNG], { type: 'image/png' }), 'cat.png')).body.data?.download_url;
    const accepted = await Promise.all([
      submit('alibaba/wan-2.2/t2v-plus-480p', { prompt: 'a cat', size: '480*832', duration: 5, seed: 7 }),
      submit('alibaba/wan-2.2/t2v-plus-1080p', { prompt: 'a cat', size: '1920*1080', seed: 7 }),
      submit('alibaba/wan-2.2/i2v-plus-480p', { image, seed: 7 }),
      submit('alibaba/wan-2.2/i2v-plus-1080p', { image, prompt: 'the cat walks', enable_prompt_expansion: false }),
    ]);

    expect(accepted.map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
    expect(standIn.submits.map((record) => record.model).sort()).toEqual([
      'alibaba/wan-2.2/i2v-plus-1080p',
      'alibaba/wan-2.2/i2v-plus-480p',
      'alibaba/wan-2.2/t2v-plus-1080p',
      'alibaba/wan-2.2/t2v-plus-480p',
    ]);
    const byId = new Map(standIn.submits.map((record) => [record.predictionId, record.model]));
    for (const answer of accepted) {
      const id = String(answer.body.data?.id);
      expect(answer.body.data?.model).toBe(byId.get(id));
      expect(await result(id)).toMatchObject({ status: 'completed', model: byId.get(id) });
    }
  });

  it.each([
    ['t2v-plus-1080p', 'a 480p size', { prompt: 'a cat', size: '832*480' }, 1401],
    ['t2v-plus-480p', 'a 1080p size', { prompt: 'a cat', size: '1920*1080' }, 1401],
    ['t2v-plus-1080p', 'no prompt', { size: '1080*1920' }, 1400],
    ['i2v-plus-480p', 'a size', { image: 'http://127.0.0.1:1/cat.png', size: '832*480' }, 1401],
    ['i2v-plus-480p', 'no image', { prompt: 'a cat' }, 1400],
    ['i2v-plus-480p', 'an image that is no URL', { image: 'cat.png' }, 1401],
    ['i2v-plus-1080p', 'no prompt', { image: 'http://127.0.0.1:1/cat.png' }, 1400],
    ['t2v-plus-480p', 'an unknown field', { prompt: 'a cat', fps: 30 }, 1401],
    ['t2v-plus-480p', 'a seed out of range', { prompt: 'a cat', seed: 2_147_483_648 }, 1401],
  ])('refuses %s with %s: HTTP 400, task code %i', async (model, _what, body, code) => {
    const answer = await submit(`alibaba/wan-2.2/${model}`, body);

    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ code, data: null });
    expect(answer.body.message).not.toBe('');
    expect(standIn.submits[0]?.predictionId).toBeUndefined();
  });

  it('fails an image-to-video task whose image it did not issue, as WaveSpeed fails a URL it cannot fetch', async () => {
    const foreign = 'http://127.0.0.1:9/attachments/1/2/cat.png';
    const answer = await submit('alibaba/wan-2.2/i2v-plus-480p', { image: foreign });

    expect(answer.status).toBe(200);
    expect(standIn.submits[0]?.image).toEqual({ url: foreign, upload: undefined });
    expect(await result(String(answer.body.data?.id))).toMatchObject({ status: 'failed', code: 1402 });
  });
});

describe('WaveSpeed stand-in: media upload', () => {
  it('answers an image with its download URL, records the bytes and serves them there', async () => {
    const answer = await upload(new Blob([PNG], { type: 'image/png' }), 'cat.png');

    expect(answer).toMatchObject({
      status: 200,
      body: { code: 200, message: 'success', data: { type: 'image', filename: 'cat.png', size: PNG.length } },
    });
    const url = String(answer.body.data?.download_url);
    expect(standIn.uploads).toMatchObject([
      { filename: 'cat.png', contentType: 'image/png', size: PNG.length, downloadUrl: url },
    ]);
    expect(Buffer.from(standIn.uploads[0]?.bytes ?? [])).toEqual(PNG);
    expect(standIn.uploadAt(url)).toBe(standIn.uploads[0]);
    const served = await fetch(url);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await served.arrayBuffer())).toEqual(PNG);

    // Passing the download URL on is what ties the task to the upload.
    await submit('alibaba/wan-2.2/i2v-plus-480p', { image: url, prompt: 'the cat blinks' });
    expect(standIn.submits[0]?.image?.upload).toBe(standIn.uploads[0]);
  });

  it('refuses a bad key, a missing file, a type it does not take and an image over 20 MB', async () => {
    const png = new Blob([PNG], { type: 'image/png' });
    expect((await upload(png, 'cat.png', 'wrong-key')).status).toBe(401);

    const empty = await call('/api/v3/media/upload/binary', { method: 'POST', body: new FormData() });
    expect(empty).toMatchObject({ status: 400, body: { code: 400 } });
    expect((await upload(new Blob(['<html>'], { type: 'text/html' }), 'page.html')).status).toBe(400);
    // A generic type is judged by the extension.
    const generic = await upload(new Blob([PNG], { type: 'application/octet-stream' }), 'cat.webp');
    expect(generic).toMatchObject({ status: 200, body: { data: { type: 'image' } } });

    const tooBig = await upload(new Blob([Buffer.alloc(IMAGE_UPLOAD_LIMIT + 1)], { type: 'image/jpeg' }), 'big.jpg');
    expect(tooBig).toMatchObject({ status: 413, body: { code: 413 } });
    expect(standIn.uploads.map((record) => record.downloadUrl !== undefined)).toEqual([
      false,
      false,
      false,
      true,
      false,
    ]);
    expect(standIn.uploads[4]?.size).toBe(IMAGE_UPLOAD_LIMIT + 1);
  });

  it('misbehaves on the upload route when told, recording the upload all the same', async () => {
    standIn.fault('upload', { status: 503, message: 'busy' });
    const png = new Blob([PNG], { type: 'image/png' });

    expect(await upload(png, 'cat.png')).toMatchObject({ status: 503, body: { code: 503, message: 'busy' } });
    expect((await upload(png, 'cat.png')).status).toBe(200);
    expect(standIn.uploads.map((record) => record.downloadUrl !== undefined)).toEqual([false, true]);
  });
});

describe('WaveSpeed stand-in: balance', () => {
  it('reports the balance a test sets, refuses a bad key and faults when told', async () => {
    expect(await call('/api/v3/balance')).toEqual({
      status: 200,
      body: { code: 200, message: 'success', data: { balance: 100 } },
    });
    standIn.setBalance(0.42);
    expect((await call('/api/v3/balance')).body.data).toEqual({ balance: 0.42 });
    expect((await call('/api/v3/balance', {}, 'wrong-key')).status).toBe(401);
    standIn.fault('balance', { status: 500 });
    expect((await call('/api/v3/balance')).status).toBe(500);
    expect(standIn.balanceCalls).toBe(4);
  });
});
