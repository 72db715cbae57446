import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OutputRejectedError, ProviderTimeoutError, ProviderUnavailableError } from '../../src/provider/errors.js';
import { WaveSpeedClient, type WaveSpeedClientOptions } from '../../src/wavespeed/client.js';
import { isAllowedOutputUrl, type OutputOrigins } from '../../src/wavespeed/output-download.js';
import { fakeMp4, type SubmitScript, startWaveSpeedStandIn, type WaveSpeedStandIn } from '../stand-ins/wavespeed.js';

let standIn: WaveSpeedStandIn;
/** The stand-in under a second name: same server, a host the client does not allow by default. */
let otherOrigin: string;

beforeEach(async () => {
  standIn = await startWaveSpeedStandIn();
  otherOrigin = standIn.baseUrl.replace('127.0.0.1', 'localhost');
});
afterEach(() => standIn.close());

function connect(options: Partial<WaveSpeedClientOptions> = {}): WaveSpeedClient {
  return new WaveSpeedClient({ baseUrl: standIn.baseUrl, apiKey: standIn.apiKey, outputHosts: [], ...options });
}

/** Runs a generation to completion and returns its output URL. */
async function finishedVideo(client: WaveSpeedClient, script: SubmitScript = {}): Promise<string> {
  standIn.nextSubmit({ durationMs: 0, ...script });
  const { id } = await client.submit({ prompt: 'koi in a pond', size: '832*480', seed: 7, promptExpansion: false });
  const prediction = await client.result(id);
  if (prediction.status !== 'completed' || !prediction.outputs[0]) throw new Error('the stand-in did not finish');
  return prediction.outputs[0];
}

async function rejection(download: Promise<Buffer>): Promise<unknown> {
  return download.then(
    () => expect.unreachable('the download should have been refused'),
    (error: unknown) => error,
  );
}

describe('WaveSpeedClient.download', () => {
  it("returns the video from the API's own origin", async () => {
    const client = connect();
    const url = await finishedVideo(client, { outputBytes: 10_000 });

    await expect(client.download(url, 10_000)).resolves.toEqual(fakeMp4(10_000));
  });

  it('follows up to three redirects that stay on allowed hosts', async () => {
    const client = connect();
    const url = await finishedVideo(client, { output: { redirects: 3 } });

    await expect(client.download(url, 1_000_000)).resolves.toHaveLength(4096);
    expect(standIn.downloads).toHaveLength(4);
  });

  it('accepts a redirect to a host listed in outputHosts', async () => {
    const client = connect({ outputHosts: [new URL(otherOrigin).host] });
    const url = await finishedVideo(client, { output: { redirects: 1, redirectOrigin: otherOrigin } });

    await expect(client.download(url, 1_000_000)).resolves.toHaveLength(4096);
    expect(standIn.downloads[1]).toMatch(/^http:\/\/localhost:/);
  });

  it('refuses an output on a host not allowed, without contacting it', async () => {
    const error = await rejection(connect().download(`${otherOrigin}/outputs/anything.mp4`, 1_000_000));

    expect(error).toBeInstanceOf(OutputRejectedError);
    expect(error).toMatchObject({ reason: 'host' });
    expect(standIn.downloads).toEqual([]);
  });

  it('refuses a redirect to a host not allowed, without following it', async () => {
    const client = connect();
    const url = await finishedVideo(client, { output: { redirects: 1, redirectOrigin: otherOrigin } });

    await expect(client.download(url, 1_000_000)).rejects.toMatchObject({ reason: 'host' });
    expect(standIn.downloads).toEqual([url]);
  });

  it('refuses a fourth redirect', async () => {
    const client = connect();
    const url = await finishedVideo(client, { output: { redirects: 4 } });

    await expect(client.download(url, 1_000_000)).rejects.toMatchObject({ reason: 'unavailable' });
    expect(standIn.downloads).toHaveLength(4);
  });

  it('refuses an output whose Content-Length is over the limit', async () => {
    const client = connect();
    const url = await finishedVideo(client, { outputBytes: 10_000 });

    await expect(client.download(url, 9_999)).rejects.toMatchObject({ reason: 'too_large' });
  });

  it('stops reading an output streamed without a length once it passes the limit', async () => {
    const client = connect();
    const url = await finishedVideo(client, { outputBytes: 2_000_000, output: { omitContentLength: true } });

    await expect(client.download(url, 100_000)).rejects.toMatchObject({ reason: 'too_large' });
  });

  it('accepts a streamed output exactly at the limit', async () => {
    const client = connect();
    const url = await finishedVideo(client, { outputBytes: 100_000, output: { omitContentLength: true } });

    await expect(client.download(url, 100_000)).resolves.toHaveLength(100_000);
  });

  it('refuses bytes that are not an MP4', async () => {
    const client = connect();
    const url = await finishedVideo(client, { output: { notMp4: true } });

    await expect(client.download(url, 1_000_000)).rejects.toMatchObject({ reason: 'not_mp4' });
  });

  it('reports an output that is gone as unavailable', async () => {
    const client = connect();
    const url = await finishedVideo(client, { output: { status: 404 } });

    const error = await rejection(client.download(url, 1_000_000));

    expect(error).toBeInstanceOf(OutputRejectedError);
    expect(error).toMatchObject({ reason: 'unavailable', status: 404 });
  });

  it('reports a failing output host as transient, so the download may be tried again', async () => {
    const client = connect();
    const url = await finishedVideo(client, { output: { status: 503 } });

    const error = await rejection(client.download(url, 1_000_000));

    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect(error).toMatchObject({ transient: true, status: 503 });
  });

  it('gives up on a download that outlives its timeout', async () => {
    const client = connect({ downloadTimeoutMs: 100 });
    const url = await finishedVideo(client);
    standIn.fault('output', { hang: true });

    await expect(client.download(url, 1_000_000)).rejects.toBeInstanceOf(ProviderTimeoutError);
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
