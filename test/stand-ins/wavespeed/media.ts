import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { readMultipart } from '../discord/multipart.js';
import type { RecordedFile } from '../discord/recorder.js';

/** What media upload accepts (docs: upload-files-api), by kind: its extensions, MIME types and size limit. */
const KINDS = {
  image: {
    extensions: ['jpg', 'jpeg', 'png', 'webp', 'gif', 'bmp', 'tif', 'tiff'],
    types: ['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/bmp', 'image/tiff'],
    maxBytes: 20 * 1024 * 1024,
  },
  video: {
    extensions: ['mp4', 'avi', 'mov', 'wmv', 'flv', 'webm', 'mkv', '3gp', 'ogv'],
    types: ['video/mp4', 'video/x-msvideo', 'video/quicktime', 'video/x-ms-wmv', 'video/x-flv', 'video/webm'],
    maxBytes: 100 * 1024 * 1024,
  },
  audio: {
    extensions: ['mp3', 'wav', 'ogg', 'aac', 'flac', 'm4a', 'opus'],
    types: [
      'audio/mpeg',
      'audio/wav',
      'audio/x-wav',
      'audio/ogg',
      'audio/aac',
      'audio/flac',
      'audio/mp4',
      'audio/opus',
    ],
    maxBytes: 50 * 1024 * 1024,
  },
} as const;

export type MediaKind = keyof typeof KINDS;

/** The largest image media upload takes: 20 MB. */
export const IMAGE_UPLOAD_LIMIT = KINDS.image.maxBytes;

/** A media upload request as the stand-in received it, recorded once its body was read. */
export interface UploadRecord {
  headers: IncomingHttpHeaders;
  /** Epoch milliseconds. */
  at: number;
  /** The `file` part's filename, type and size, when there was one. */
  filename?: string;
  contentType?: string;
  size?: number;
  /** SHA-256 of the file, in hex. */
  sha256?: string;
  /** Every byte, for files up to 20 MB (larger ones keep their size and hash). */
  bytes?: Uint8Array;
  /** The URL it answered with, when it accepted the file (pass it as a model's `image`). */
  downloadUrl?: string;
  kind?: MediaKind;
}

/** The file of an upload, or why it is refused, with WaveSpeed's status and `{ code, message }`. */
export type UploadVerdict =
  | { readonly accepted: true; readonly file: RecordedFile; readonly kind: MediaKind }
  | { readonly accepted: false; readonly status: number; readonly message: string };

/** Reads a `multipart/form-data` upload (its `file` part kept whole up to 20 MB) and records it. */
export async function readUpload(request: IncomingMessage): Promise<{ record: UploadRecord; verdict: UploadVerdict }> {
  const record: UploadRecord = { headers: request.headers, at: Date.now() };
  const contentType = request.headers['content-type'] ?? '';
  if (!contentType.startsWith('multipart/form-data')) {
    for await (const _ of request) {
      // Drain the body so the answer can go out on a healthy connection.
    }
    return {
      record,
      verdict: { accepted: false, status: 400, message: 'expected multipart/form-data with a file field' },
    };
  }
  const body = await readMultipart(request, contentType, IMAGE_UPLOAD_LIMIT).catch(() => undefined);
  const file = body?.files.find((part) => part.field === 'file');
  if (!file) return { record, verdict: { accepted: false, status: 400, message: 'file is required' } };
  Object.assign(record, {
    filename: file.name,
    contentType: file.contentType,
    size: file.size,
    sha256: file.sha256,
    ...(file.bytes && { bytes: file.bytes }),
  });
  const kind = kindOf(file);
  if (!kind) {
    return { record, verdict: { accepted: false, status: 400, message: `unsupported file format: ${file.name}` } };
  }
  if (file.size > KINDS[kind].maxBytes) {
    const limit = KINDS[kind].maxBytes / (1024 * 1024);
    return { record, verdict: { accepted: false, status: 413, message: `file too large: ${kind}s up to ${limit} MB` } };
  }
  record.kind = kind;
  return { record, verdict: { accepted: true, file, kind } };
}

/** A file's kind by its MIME type, or by its extension when the type says nothing (octet-stream). */
function kindOf(file: RecordedFile): MediaKind | undefined {
  const extension = /\.([^.]+)$/.exec(file.name)?.[1]?.toLowerCase() ?? '';
  const kinds = Object.keys(KINDS) as MediaKind[];
  const byType = kinds.find((kind) => (KINDS[kind].types as readonly string[]).includes(file.contentType));
  if (byType) return byType;
  if (file.contentType !== 'application/octet-stream') return undefined;
  return kinds.find((kind) => (KINDS[kind].extensions as readonly string[]).includes(extension));
}
