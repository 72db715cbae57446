import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import { setTimeout as wait } from 'node:timers/promises';
import type { APIAttachment } from 'discord-api-types/v10';
import type { SnowflakeFactory } from './ids.js';
import type { ChangeFeed } from './recorder.js';

/** How the CDN answers for one attachment; by default with its bytes, type and length. */
export interface AttachmentServing {
  /** Answer with this status and no file: 404 is Discord's answer once a link has expired. */
  readonly status?: number;
  /** Send this Content-Type instead of the declared one. */
  readonly contentType?: string;
  /** Leave Content-Length out, so only counting bytes tells the size. */
  readonly omitContentLength?: boolean;
  /**
   * A slow host: the headers and the first `afterBytes` at once, then `bytesPerTick` every
   * `everyMs` (default 1000 ms); without `bytesPerTick`, nothing more until the client leaves.
   */
  readonly slow?: { readonly afterBytes: number; readonly bytesPerTick?: number; readonly everyMs?: number };
}

/** A file a member attaches to a slash command option; see {@link DiscordStandIn.userAttachment}. */
export interface UserAttachmentSpec {
  readonly filename: string;
  /** The type Discord reports (default from the extension: png, jpg/jpeg, webp, gif; else octet-stream). */
  readonly contentType?: string;
  /** The bytes the CDN serves; default `size` bytes that open with the type's signature. */
  readonly bytes?: Uint8Array;
  /** Length of the made-up bytes when `bytes` is absent (default 1024). Made up as sent, never held whole. */
  readonly size?: number;
  /** The `size` Discord reports (default the real length): less than the real length is a file bigger than declared. */
  readonly declaredSize?: number;
  readonly width?: number;
  readonly height?: number;
  readonly serve?: AttachmentServing;
}

/** An attachment a member uploaded with a command, served by the stand-in's CDN route. */
export interface UserAttachment {
  readonly id: string;
  readonly filename: string;
  /** The signed CDN URL, as in `url` and `proxy_url`. */
  readonly url: string;
  /** The object Discord puts in `data.resolved.attachments[id]`. */
  readonly payload: APIAttachment;
  /** Bytes actually served (what `declaredSize` may misstate). */
  readonly servedSize: number;
}

/** One GET (or HEAD) of a member's attachment. */
export interface AttachmentDownload {
  readonly attachmentId: string;
  readonly method: string;
  /** Whether the request carried an Authorization header: the CDN needs none, so a bot token sent here leaked. */
  readonly authorization: boolean;
  readonly status: number;
  bytesSent: number;
  complete: boolean;
}

interface Stored {
  readonly attachment: UserAttachment;
  readonly contentType: string;
  readonly bytes: Uint8Array | undefined;
  serving: AttachmentServing;
}

const CHUNK_BYTES = 64 * 1024;

const TYPES_BY_EXTENSION: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
};

/** Files that members attached, and the CDN route that serves them. */
export class UserAttachments {
  /** Every download, in arrival order. */
  readonly downloads: AttachmentDownload[] = [];
  readonly #byId = new Map<string, Stored>();
  readonly #snowflakes: SnowflakeFactory;
  readonly #feed: ChangeFeed;
  readonly #origin: () => string;
  readonly #applicationId: string;
  readonly #closing = new AbortController();

  constructor(snowflakes: SnowflakeFactory, feed: ChangeFeed, origin: () => string, applicationId: string) {
    this.#snowflakes = snowflakes;
    this.#feed = feed;
    this.#origin = origin;
    this.#applicationId = applicationId;
  }

  add(spec: UserAttachmentSpec): UserAttachment {
    const id = this.#snowflakes.next();
    const contentType = spec.contentType ?? typeOf(spec.filename);
    const servedSize = spec.bytes?.length ?? spec.size ?? 1024;
    const url = `${this.#origin()}${signedPath(this.#applicationId, id, spec.filename)}`;
    const payload: APIAttachment = {
      id,
      filename: spec.filename,
      size: spec.declaredSize ?? servedSize,
      url,
      proxy_url: url,
      content_type: contentType,
      // Files uploaded with a command are ephemeral until a message keeps them.
      ephemeral: true,
      ...(spec.width !== undefined && { width: spec.width }),
      ...(spec.height !== undefined && { height: spec.height }),
    };
    const attachment: UserAttachment = { id, filename: spec.filename, url, payload, servedSize };
    this.#byId.set(id, { attachment, contentType, bytes: spec.bytes, serving: spec.serve ?? {} });
    return attachment;
  }

  /** Changes how later downloads of this attachment are answered. */
  setServing(id: string, serving: AttachmentServing): void {
    const stored = this.#byId.get(id);
    if (!stored) throw new Error(`The Discord stand-in has no member attachment ${id}`);
    stored.serving = serving;
  }

  /** Serves `/ephemeral-attachments/:applicationId/:id/:filename`; false when the path is not one. */
  async serve(method: string, url: URL, authorization: boolean, response: ServerResponse): Promise<boolean> {
    const [, root, , id] = url.pathname.split('/');
    if (root !== 'ephemeral-attachments' || id === undefined) return false;
    const stored = this.#byId.get(id);
    const status = stored ? (stored.serving.status ?? 200) : 404;
    const download: AttachmentDownload = {
      attachmentId: id,
      method,
      authorization,
      status,
      bytesSent: 0,
      complete: false,
    };
    this.downloads.push(download);
    this.#feed.notify();
    try {
      if (!stored || status !== 200) {
        response.writeHead(status, { 'Content-Type': 'text/plain' }).end('This content is no longer available.');
        return true;
      }
      await this.#send(stored, method === 'HEAD', response, download);
    } finally {
      this.#feed.notify();
    }
    return true;
  }

  /** Ends slow downloads still running. */
  close(): void {
    this.#closing.abort();
  }

  async #send(
    stored: Stored,
    headOnly: boolean,
    response: ServerResponse,
    download: AttachmentDownload,
  ): Promise<void> {
    const { serving, attachment } = stored;
    response.writeHead(200, {
      'Content-Type': serving.contentType ?? stored.contentType,
      ...(!serving.omitContentLength && { 'Content-Length': attachment.servedSize }),
    });
    if (headOnly) {
      download.complete = true;
      response.end();
      return;
    }
    const gone = new AbortController();
    response.once('close', () => gone.abort());
    const signal = AbortSignal.any([gone.signal, this.#closing.signal]);
    const slow = serving.slow;
    let budget = slow ? slow.afterBytes : Number.POSITIVE_INFINITY;
    try {
      for (const chunk of chunksOf(stored)) {
        for (let offset = 0; offset < chunk.length; ) {
          signal.throwIfAborted();
          if (budget <= 0 && slow) {
            if (!slow.bytesPerTick) await once(signal, 'abort');
            await wait(slow.everyMs ?? 1000, undefined, { signal });
            budget = slow.bytesPerTick ?? 0;
          }
          const piece = chunk.subarray(offset, offset + Math.min(budget, chunk.length - offset));
          offset += piece.length;
          budget -= piece.length;
          download.bytesSent += piece.length;
          if (!response.write(piece)) await once(response, 'drain', { signal });
        }
      }
      download.complete = true;
      response.end();
    } catch (error) {
      // The client gave up (or the stand-in closed): a body cut short, as a real CDN's would be.
      if (!signal.aborted) throw error;
      response.destroy();
    }
  }
}

/** A path shaped like Discord's signed CDN links: `ex` (expiry), `is` (issued) and `hm` (signature). */
function signedPath(scope: string, id: string, filename: string): string {
  const issued = Math.floor(Date.now() / 1000);
  const hex = (seconds: number) => seconds.toString(16);
  const signature = randomBytes(32).toString('hex');
  return `/ephemeral-attachments/${scope}/${id}/${encodeURIComponent(filename)}?ex=${hex(issued + 86_400)}&is=${hex(issued)}&hm=${signature}&`;
}

function typeOf(filename: string): string {
  const extension = /\.([^.]+)$/.exec(filename)?.[1]?.toLowerCase() ?? '';
  return TYPES_BY_EXTENSION[extension] ?? 'application/octet-stream';
}

/** The served bytes in chunks: the given ones, or the type's signature then zeros, made as they are sent. */
function* chunksOf(stored: Stored): Generator<Uint8Array> {
  if (stored.bytes) {
    for (let offset = 0; offset < stored.bytes.length; offset += CHUNK_BYTES) {
      yield stored.bytes.subarray(offset, offset + CHUNK_BYTES);
    }
    return;
  }
  const size = stored.attachment.servedSize;
  const head = signature(stored.contentType, size).subarray(0, size);
  yield head;
  const zeros = Buffer.alloc(CHUNK_BYTES);
  for (let left = size - head.length; left > 0; left -= CHUNK_BYTES)
    yield zeros.subarray(0, Math.min(left, CHUNK_BYTES));
}

/** The first bytes a file of this type starts with, so type sniffing sees the real thing. */
function signature(contentType: string, size: number): Buffer {
  switch (contentType) {
    case 'image/png':
      return Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    case 'image/jpeg':
      return Buffer.from([0xff, 0xd8, 0xff, 0xe0]);
    case 'image/gif':
      return Buffer.from('GIF89a', 'latin1');
    case 'image/webp': {
      const riff = Buffer.from('RIFF\0\0\0\0WEBP', 'latin1');
      riff.writeUInt32LE(Math.max(0, size - 8), 4);
      return riff;
    }
    default:
      return Buffer.alloc(0);
  }
}
