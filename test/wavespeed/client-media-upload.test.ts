import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidRequestError, OutputRejectedError } from '../../src/provider/errors.js';
import type { ImageSource } from '../../src/provider/video-provider.js';
import { WaveSpeedClient } from '../../src/wavespeed/client.js';
import { startWaveSpeedStandIn, type WaveSpeedStandIn } from '../stand-ins/wavespeed.js';

/**
 * A member's image on its way to WaveSpeed through the real client: fetched from where the chat
 * platform serves it (here a loopback host of the test's own), checked, uploaded, and the file
 * on disk gone afterwards.
 */

const FILES: Record<string, { type: string; bytes: Buffer }> = {
  '/cat.png': {
    type: 'image/png',
    bytes: Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(500, 7)]),
  },
  '/cat.jpg': { type: 'image/jpeg', bytes: Buffer.concat([Buffer.from('ffd8ffe0', 'hex'), Buffer.alloc(500, 8)]) },
  '/cat.webp': {
    type: 'image/webp',
    bytes: Buffer.concat([Buffer.from('RIFF\u0000\u0000\u0000\u0000WEBPVP8 ', 'latin1'), Buffer.alloc(500, 9)]),
  },
  '/gif-named-png': { type: 'image/png', bytes: Buffer.from('GIF89a, not a PNG at all') },
};

let standIn: WaveSpeedStandIn;
let host: Server;
let origin: string;
/** The image host under a second name: another host as far as the client can tell. */
let otherOrigin: string;
/** The Authorization header of each request the image host received. */
let authorizations: (string | undefined)[];
let dir: string;
let path: string;

beforeEach(async () => {
  standIn = await startWaveSpeedStandIn();
  authorizations = [];
  host = createServer((request, response) => {
    authorizations.push(request.headers.authorization);
    const url = new URL(request.url ?? '/', origin);
    if (url.pathname === '/elsewhere') return response.writeHead(302, { location: `${otherOrigin}/cat.png` }).end();
    if (url.pathname === '/moved') return response.writeHead(302, { location: '/cat.png' }).end();
    const file = FILES[url.pathname];
    if (!file) return response.writeHead(404).end('This content is no longer available.');
    response.writeHead(200, { 'content-type': file.type, 'content-length': file.bytes.length }).end(file.bytes);
  });
  await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
  const { port } = host.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;
  otherOrigin = `http://localhost:${port}`;
  dir = mkdtempSync(join(tmpdir(), 'wan-bot-image-'));
  path = join(dir, 'job.image');
});
afterEach(async () => {
  await standIn.close();
  await new Promise((resolve) => host.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

function connect(): WaveSpeedClient {
  // Retries wait for nothing: the test counts them, not their backoff.
  return new WaveSpeedClient({
    baseUrl: standIn.baseUrl,
    apiKey: standIn.apiKey,
    outputHosts: [],
    sleep: async () => {},
  });
}

function source(pathname: string, type: ImageSource['type'] = 'image/png', maxBytes = 1_000_000): ImageSource {
  return { url: `${origin}${pathname}`, type, maxBytes };
}

/** The refusal, with the file already gone and nothing uploaded. */
async function refusal(upload: Promise<string>): Promise<unknown> {
  const error = await upload.then(
    () => expect.unreachable('the image should have been refused'),
    (caught: unknown) => caught,
  );
  expect(readdirSync(dir)).toEqual([]);
  expect(standIn.uploads).toEqual([]);
  return error;
}

describe('WaveSpeedClient.uploadImage', () => {
  it.each([
    ['/cat.png', 'image/png', 'image.png'],
    ['/cat.jpg', 'image/jpeg', 'image.jpg'],
    ['/cat.webp', 'image/webp', 'image.webp'],
  ] as const)('uploads %s byte for byte as %s, under a name of its own', async (pathname, type, filename) => {
    const url = await connect().uploadImage(source(pathname, type), path);

    const [upload] = standIn.uploads;
    expect(url).toBe(upload?.downloadUrl);
    expect(upload).toMatchObject({ filename, contentType: type, kind: 'image' });
    expect(Buffer.from(upload?.bytes ?? [])).toEqual(FILES[pathname]?.bytes);
    expect(readdirSync(dir)).toEqual([]);
    // The key goes to WaveSpeed only, never to the image's host.
    expect(upload?.headers.authorization).toBe(`Bearer ${standIn.apiKey}`);
    expect(authorizations).toEqual([undefined]);
  });

  it('refuses a file whose bytes are not the type it was declared as', async () => {
    const error = await refusal(connect().uploadImage(source('/gif-named-png'), path));
    expect(error).toBeInstanceOf(OutputRejectedError);
    expect(error).toMatchObject({ reason: 'wrong_type' });
  });

  it('refuses a file larger than it may be', async () => {
    expect(await refusal(connect().uploadImage(source('/cat.png', 'image/png', 100), path))).toMatchObject({
      reason: 'too_large',
    });
  });

  it('refuses a link that is gone, as unavailable', async () => {
    expect(await refusal(connect().uploadImage(source('/expired.png'), path))).toMatchObject({ reason: 'unavailable' });
  });

  it('follows a redirect on the image’s own host, and refuses one to another host', async () => {
    await connect().uploadImage(source('/moved'), path);
    expect(standIn.uploads).toHaveLength(1);
    await expect(connect().uploadImage(source('/elsewhere'), path)).rejects.toMatchObject({ reason: 'host' });
    expect(standIn.uploads).toHaveLength(1);
  });

  it('uploads again after a 5xx, fetching once', async () => {
    standIn.fault('upload', { status: 502, times: 2 });
    const url = await connect().uploadImage(source('/cat.png'), path);
    expect(standIn.uploads).toHaveLength(3);
    expect(url).toBe(standIn.uploads[2]?.downloadUrl);
    expect(authorizations).toHaveLength(1);
  });

  it('gives up at once when WaveSpeed refuses the file itself', async () => {
    standIn.fault('upload', { status: 400, message: 'unsupported file format' });
    const error = await connect()
      .uploadImage(source('/cat.png'), path)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(standIn.uploads).toHaveLength(1);
    expect(readdirSync(dir)).toEqual([]);
  });
});
