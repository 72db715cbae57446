import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { OutputRejectedError, ProviderTimeoutError, ProviderUnavailableError } from '../../src/provider/errors.js';
import { WaveSpeedClient, type WaveSpeedClientOptions } from '../../src/wavespeed/client.js';
import { isAllowedOutputUrl, type OutputOrigins } from '../../src/wavespeed/output-download.js';
import { fakeMp4, type SubmitScript, startWaveSpeedStandIn, type WaveSpeedStandIn } from '../stand-ins/wavespeed.js';

let standIn: WaveSpeedStandIn;
/** The stand-in under a second name: same server, a host the client does not allow by default. */
let otherOrigin: string;
/** Where downloads land; each test gets its own. */
let dir: string;
let path: string;

beforeEach(async () => {
  standIn = await startWaveSpeedStandIn();
  otherOrigin = standIn.baseUrl.replace('127.0.0.1', 'localhost');
  dir = mkdtempSync(join(tmpdir(), 'wan-bot-download-'));
  path = join(dir, 'video.mp4');
});
afterEach(async () => {
  vi.useRealTimers();
  await standIn.close();
  rmSync(dir, { recursive: true, force: true });
});

function connect(options: Partial<WaveSpeedClientOptions> = {}): WaveSpeedClient {
  return new WaveSpeedClient({
    baseUrl: standIn.baseUrl,
    apiKey: standIn.apiKey,
    outputHosts: [],
    ...options,
  });
}

/** Runs a generation to completion and returns its output URL. */
async function finishedVideo(client: WaveSpeedClient, script: SubmitScript = {}): Promise<string> {
  standIn.nextSubmit({ durationMs: 0, ...script });
  const { id } = await client.submit({
    model: 't2v-plus-480p',
    prompt: 'koi in a pond',
    size: '832*480',
    seed: 7,
    prompt_expansion: false,
  });
  const prediction = await client.result(id);
  if (prediction.status !== 'completed' || !prediction.outputs[0]) throw new Error('the stand-in did not finish');
  return prediction.outputs[0];
}

/** The refusal, once the partial file is already gone (the contract: removed before the promise rejects). */
async function rejection(download: Promise<number>): Promise<unknown> {
  return download.then(
    () => expect.unreachable('the download should have been refused'),
    (error: unknown) => {
      expect(readdirSync(dir)).toEqual([]);
      return error;
    },
  );
}

describe('WaveSpeedClient.download', () => {
  it("streams the video from the API's own origin into the file and resolves with its size", async () => {
    const client = connect();
    const url = await finishedVideo(client, { outputBytes: 10_000 });

    await expect(client.download(url, 10_000, path)).resolves.toBe(10_000);
    expect(readFileSync(path)).toEqual(fakeMp4(10_000));
  });

  it('truncates a file already at the path', async () => {
    const client = connect();
    const url = await finishedVideo(client, { outputBytes: 5_000 });
    const long = await finishedVideo(client, { outputBytes: 20_000 });
    await client.download(long, 1_000_000, path);

    await client.download(url, 1_000_000, path);

    expect(readFileSync(path)).toEqual(fakeMp4(5_000));
  });

  it('follows up to three redirects that stay on allowed hosts', async () => {
    const client = connect();
    const url = await finishedVideo(client, { output: { redirects: 3 } });

    await expect(client.download(url, 1_000_000, path)).resolves.toBe(4096);
    expect(standIn.downloads).toHaveLength(4);
  });

  it('accepts a redirect to a host listed in outputHosts', async () => {
    const client = connect({ outputHosts: [new URL(otherOrigin).host] });
    const url = await finishedVideo(client, { output: { redirects: 1, redirectOrigin: otherOrigin } });

    await expect(client.download(url, 1_000_000, path)).resolves.toBe(4096);
    expect(standIn.downloads[1]).toMatch(/^http:\/\/localhost:/);
  });

  it('refuses an output on a host not allowed, without contacting it', async () => {
    const error = await rejection(connect().download(`${otherOrigin}/outputs/anything.mp4`, 1_000_000, path));

    expect(error).toBeInstanceOf(OutputRejectedError);
    expect(error).toMatchObject({ reason: 'host' });
    expect(standIn.downloads).toEqual([]);
  });

  it('refuses a redirect to a host not allowed, without following it', async () => {
    const client = connect();
    const url = await finishedVideo(client, { output: { redirects: 1, redirectOrigin: otherOrigin } });

    expect(await rejection(client.download(url, 1_000_000, path))).toMatchObject({ reason: 'host' });
    expect(standIn.downloads).toEqual([url]);
  });

  it('refuses a fourth redirect', async () => {
    const client = connect();
    const url = await finishedVideo(client, { output: { redirects: 4 } });

    expect(await rejection(client.download(url, 1_000_000, path))).toMatchObject({ reason: 'unavailable' });
    expect(standIn.downloads).toHaveLength(4);
  });

  it('refuses an output whose Content-Length is over the limit, before reading its body', async () => {
    const client = connect();
    const url = await finishedVideo(client, { outputBytes: 50 * 1024 * 1024 });

    expect(await rejection(client.download(url, 1_000_000, path))).toMatchObject({ reason: 'too_large' });
    const [served] = await standIn.waitForOutputsEnded(1);
    expect(served?.complete).toBe(false);
  });

  it('stops reading an output streamed without a length once it passes the limit, and removes what it wrote', async () => {
    const client = connect();
    const url = await finishedVideo(client, { outputBytes: 400 * 1024 * 1024, output: { omitContentLength: true } });

    expect(await rejection(client.download(url, 1_000_000, path))).toMatchObject({ reason: 'too_large' });
    // The stand-in generates as it sends; socket buffers aside, it sent no more than the bot read.
    const [served] = await standIn.waitForOutputsEnded(1);
    expect(served?.complete).toBe(false);
    expect(served?.bytesSent).toBeLessThan(64 * 1024 * 1024);
  });

  it('refuses a streamed output one byte over the limit', async () => {
    const client = connect();
    const url = await finishedVideo(client, { outputBytes: 2_000_000, output: { omitContentLength: true } });

    expect(await rejection(client.download(url, 1_999_999, path))).toMatchObject({ reason: 'too_large' });
  });

  it('accepts a streamed output exactly at the limit', async () => {
    const client = connect();
    const url = await finishedVideo(client, { outputBytes: 100_000, output: { omitContentLength: true } });

    await expect(client.download(url, 100_000, path)).resolves.toBe(100_000);
    expect(readFileSync(path)).toEqual(fakeMp4(100_000));
  });

  it('refuses bytes that are not an MP4 as soon as their first bytes show it', async () => {
    const client = connect();
    const url = await finishedVideo(client, { outputBytes: 400 * 1024 * 1024, output: { notMp4: true } });

    expect(await rejection(client.download(url, 500 * 1024 * 1024, path))).toMatchObject({ reason: 'not_mp4' });
    const [served] = await standIn.waitForOutputsEnded(1);
    expect(served?.complete).toBe(false);
  });

  it('refuses an output too short to be an MP4', async () => {
    const client = connect();
    const url = await finishedVideo(client, { outputBytes: 6 });

    expect(await rejection(client.download(url, 1_000_000, path))).toMatchObject({ reason: 'not_mp4' });
  });

  it('reports an output that is gone as unavailable', async () => {
    const client = connect();
    const url = await finishedVideo(client, { output: { status: 404 } });

    const error = await rejection(client.download(url, 1_000_000, path));

    expect(error).toBeInstanceOf(OutputRejectedError);
    expect(error).toMatchObject({ reason: 'unavailable', status: 404 });
  });

  it('reports a failing output host as transient, so the download may be tried again', async () => {
    const client = connect();
    const url = await finishedVideo(client, { output: { status: 503 } });

    const error = await rejection(client.download(url, 1_000_000, path));

    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect(error).toMatchObject({ transient: true, status: 503 });
  });

  it('gives up on a download that outlives its timeout', async () => {
    const client = connect({ downloadTimeoutMs: 100 });
    const url = await finishedVideo(client);
    standIn.fault('output', { hang: true });

    expect(await rejection(client.download(url, 1_000_000, path))).toBeInstanceOf(ProviderTimeoutError);
  });

  it('gives up on a host that sends the head of the file and then nothing, and removes the partial file', async () => {
    const client = connect();
    const url = await finishedVideo(client, { outputBytes: 1_000_000, output: { slowLoris: { afterBytes: 40_000 } } });
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });

    const download = rejection(client.download(url, 1_000_000, path));
    await standIn.waitForDownloads(1);
    await vi.advanceTimersByTimeAsync(10_000);

    const error = await download;
    expect(error).toBeInstanceOf(ProviderTimeoutError);
    expect(error).toMatchObject({ transient: true, message: 'output download stalled' });
  });

  it('gives up on a host trickling a byte every few seconds within one stall window, not at the deadline', async () => {
    const client = connect();
    const slowLoris = { afterBytes: 100, bytesPerTick: 1, everyMs: 3_000 };
    const url = await finishedVideo(client, { outputBytes: 1_000_000, output: { slowLoris } });
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });

    const download = rejection(client.download(url, 1_000_000, path));
    await standIn.waitForDownloads(1);
    // Far short of the 120-s deadline: the first 10-s window has seen a few hundred bytes.
    await vi.advanceTimersByTimeAsync(10_000);

    expect(await download).toMatchObject({ message: 'output download stalled' });
  });

  it('keeps a slow but steady download going past several stall windows', async () => {
    // Real time, briefly: only a clock that runs for both ends shows bytes arriving in each window.
    const client = connect({ downloadStall: { windowMs: 300, minBytes: 1_000 } });
    const slowLoris = { afterBytes: 0, bytesPerTick: 2_000, everyMs: 60 };
    const url = await finishedVideo(client, { outputBytes: 10_000, output: { slowLoris } });

    await expect(client.download(url, 1_000_000, path)).resolves.toBe(10_000);
    expect(readFileSync(path)).toEqual(fakeMp4(10_000));
  });
});

describe('isAllowedOutputUrl', () => {
  const production: OutputOrigins = {
    api: new URL('https://api.wavespeed.ai'),
    hosts: ['.cloudfront.net', 'cdn.example.com'],
  };
  const allowed = (url: string, origins = production) => isAllowedOutputUrl(new URL(url), origins);

  it('allows the API host and listed hosts over https', () => {
    expect(allowed('https://api.wavespeed.ai/outputs/a.mp4')).toBe(true);
    expect(allowed('https://cdn.example.com/a.mp4')).toBe(true);
  });

  it('lets a leading-dot entry match subdomains only', () => {
    expect(allowed('https://d1q70pf5vjeyhc.cloudfront.net/a.mp4')).toBe(true);
    expect(allowed('https://cloudfront.net/a.mp4')).toBe(false);
    expect(allowed('https://evilcloudfront.net/a.mp4')).toBe(false);
    expect(allowed('https://d1.cloudfront.net.evil.com/a.mp4')).toBe(false);
  });

  it('matches exact entries exactly, port included', () => {
    expect(allowed('https://media.cdn.example.com/a.mp4')).toBe(false);
    expect(allowed('https://cdn.example.com:8443/a.mp4')).toBe(false);
    expect(allowed('https://d1.cloudfront.net:8443/a.mp4')).toBe(false);
  });

  it('is not fooled by credentials in the URL', () => {
    expect(allowed('https://api.wavespeed.ai@evil.example/a.mp4')).toBe(false);
  });

  it('allows plain http only when the API itself is plain http', () => {
    expect(allowed('http://api.wavespeed.ai/a.mp4')).toBe(false);
    expect(allowed('ftp://api.wavespeed.ai/a.mp4')).toBe(false);
    const standInOrigins: OutputOrigins = { api: new URL('http://127.0.0.1:8787'), hosts: [] };
    expect(allowed('http://127.0.0.1:8787/outputs/a.mp4', standInOrigins)).toBe(true);
    expect(allowed('http://127.0.0.1:9999/outputs/a.mp4', standInOrigins)).toBe(false);
  });
});
