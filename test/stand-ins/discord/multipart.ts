import { createHash, type Hash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { ApiError, errorMessage } from './http.js';
import type { RecordedFile } from './recorder.js';

/** Files up to this size keep their bytes; larger ones keep their size, hash and first bytes only. */
export const KEPT_FILE_BYTES = 1024 * 1024;
/** How many of a file's first bytes are kept whatever its size. */
export const HEAD_BYTES = 64;
/** A text field (such as `payload_json`) longer than this is refused, as Discord would. */
const MAX_FIELD_BYTES = 1024 * 1024;

/** A multipart/form-data body as parsed: its text fields by name and its files in order. */
export interface MultipartBody {
  readonly fields: ReadonlyMap<string, string>;
  readonly files: readonly RecordedFile[];
}

const CRLF = Buffer.from('\r\n');
const HEADERS_END = Buffer.from('\r\n\r\n');

type State = 'preamble' | 'afterDelimiter' | 'headers' | 'body' | 'done';

/**
 * Parses a multipart/form-data body as it streams in, holding one chunk at a time: an upload
 * of tens of MiB costs the stand-in its hash and first bytes, not its size in memory. Files up
 * to `keepFileBytes` (default {@link KEPT_FILE_BYTES}) keep their bytes.
 */
export async function readMultipart(
  source: Readable,
  contentType: string,
  keepFileBytes = KEPT_FILE_BYTES,
): Promise<MultipartBody> {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  const value = boundary?.[1] ?? boundary?.[2];
  if (!value) throw badRequest();
  // Every delimiter after the first follows a CRLF; a CRLF in front makes the first one alike.
  const delimiter = Buffer.from(`\r\n--${value.trim()}`);
  const parser = new Parser(delimiter, keepFileBytes);
  parser.push(CRLF);
  for await (const chunk of source) parser.push(chunk as Buffer);
  return parser.end();
}

/** One part being read: a text field, or a file being hashed. */
interface Part {
  readonly name: string;
  readonly filename: string | undefined;
  readonly contentType: string;
  size: number;
  readonly hash: Hash;
  head: Buffer;
  /** Kept while the part is small enough (a text field always is, or it is refused). */
  kept: Buffer[] | undefined;
}

class Parser {
  readonly #delimiter: Buffer;
  readonly #keepFileBytes: number;
  readonly #fields = new Map<string, string>();
  readonly #files: RecordedFile[] = [];
  #state: State = 'preamble';
  #pending: Buffer = Buffer.alloc(0);
  #part: Part | undefined;

  constructor(delimiter: Buffer, keepFileBytes: number) {
    this.#delimiter = delimiter;
    this.#keepFileBytes = keepFileBytes;
  }

  push(chunk: Buffer): void {
    this.#pending = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    while (this.#step()) {
      // Each step consumes what it can; it returns false when it needs more bytes.
    }
  }

  end(): MultipartBody {
    if (this.#state !== 'done') throw badRequest();
    return { fields: this.#fields, files: this.#files };
  }

  #step(): boolean {
    switch (this.#state) {
      case 'preamble':
      case 'body':
        return this.#untilDelimiter();
      case 'afterDelimiter':
        return this.#afterDelimiter();
      case 'headers':
        return this.#headers();
      case 'done':
        this.#pending = Buffer.alloc(0);
        return false;
    }
  }

  /** Hands the bytes before the next delimiter to the part (none in the preamble). */
  #untilDelimiter(): boolean {
    const at = this.#pending.indexOf(this.#delimiter);
    if (at === -1) {
      // The delimiter may straddle chunks: keep its length less one at the end.
      const safe = Math.max(0, this.#pending.length - (this.#delimiter.length - 1));
      this.#write(this.#pending.subarray(0, safe));
      this.#pending = this.#pending.subarray(safe);
      return false;
    }
    this.#write(this.#pending.subarray(0, at));
    this.#finishPart();
    this.#pending = this.#pending.subarray(at + this.#delimiter.length);
    this.#state = 'afterDelimiter';
    return true;
  }

  #afterDelimiter(): boolean {
    if (this.#pending.length < 2) return false;
    const next = this.#pending.toString('latin1', 0, 2);
    this.#pending = this.#pending.subarray(2);
    if (next === '--') this.#state = 'done';
    else if (next === '\r\n') this.#state = 'headers';
    else throw badRequest();
    return true;
  }

  #headers(): boolean {
    const at = this.#pending.indexOf(HEADERS_END);
    if (at === -1) {
      if (this.#pending.length > 16 * 1024) throw badRequest();
      return false;
    }
    const lines = this.#pending.toString('utf8', 0, at).split('\r\n');
    this.#pending = this.#pending.subarray(at + HEADERS_END.length);
    const header = (name: string) =>
      lines
        .find((line) => line.toLowerCase().startsWith(`${name}:`))
        ?.slice(name.length + 1)
        .trim();
    const disposition = header('content-disposition') ?? '';
    const name = /(?:^|;)\s*name="([^"]*)"/.exec(disposition)?.[1];
    if (name === undefined) throw badRequest();
    const filename = /;\s*filename="([^"]*)"/.exec(disposition)?.[1];
    this.#part = {
      name,
      filename,
      contentType: header('content-type') ?? (filename === undefined ? 'text/plain' : 'application/octet-stream'),
      size: 0,
      hash: createHash('sha256'),
      head: Buffer.alloc(0),
      kept: [],
    };
    this.#state = 'body';
    return true;
  }

  #write(bytes: Buffer): void {
    const part = this.#part;
    if (!part || bytes.length === 0) return;
    part.size += bytes.length;
    part.hash.update(bytes);
    if (part.head.length < HEAD_BYTES) {
      part.head = Buffer.concat([part.head, bytes.subarray(0, HEAD_BYTES - part.head.length)]);
    }
    const limit = part.filename === undefined ? MAX_FIELD_BYTES : this.#keepFileBytes;
    if (part.size > limit) {
      if (part.filename === undefined) throw badRequest();
      part.kept = undefined;
    } else {
      // A copy: `bytes` is a view of a chunk that is about to be reused.
      part.kept?.push(Buffer.from(bytes));
    }
  }

  #finishPart(): void {
    const part = this.#part;
    this.#part = undefined;
    if (!part) return;
    const kept = part.kept && Buffer.concat(part.kept, part.size);
    if (part.filename === undefined) {
      this.#fields.set(part.name, kept?.toString('utf8') ?? '');
      return;
    }
    this.#files.push({
      field: part.name,
      name: part.filename,
      contentType: part.contentType,
      size: part.size,
      sha256: part.hash.digest('hex'),
      head: new Uint8Array(part.head),
      ...(kept && { bytes: new Uint8Array(kept.buffer, kept.byteOffset, kept.byteLength) }),
    });
  }
}

function badRequest(): ApiError {
  return new ApiError(400, 0, errorMessage(400, 0));
}
