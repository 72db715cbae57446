import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { z } from 'zod';
import { OutputRejectedError } from '../provider/errors.js';
import { IMAGE_TYPES, type ImageType } from '../video/catalog.js';
import type { FileSignature } from './output-download.js';

/** WaveSpeed's media upload: one `multipart/form-data` field `file`, answered with the file's URL. */
export const MEDIA_UPLOAD_PATH = '/api/v3/media/upload/binary';

/** `data` of a media upload's answer: the URL to give a model. */
export const uploadedSchema = z.object({ download_url: z.url() }).transform((data) => data.download_url);

function signature(matches: (head: Buffer) => boolean, headBytes: number, type: ImageType): FileSignature {
  return {
    headBytes,
    matches: (head) => head.length >= headBytes && matches(head),
    refusal: (status) =>
      new OutputRejectedError(`the image is not the ${type} it was declared as`, 'wrong_type', status),
  };
}

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** How each image type a member may send opens: a file that says otherwise is refused before it is uploaded. */
export const IMAGE_SIGNATURES: Record<ImageType, FileSignature> = {
  'image/png': signature((head) => head.subarray(0, 8).equals(PNG), 8, 'image/png'),
  'image/jpeg': signature((head) => head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff, 3, 'image/jpeg'),
  'image/webp': signature(
    (head) => head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'WEBP',
    12,
    'image/webp',
  ),
};

/** A multipart body carrying one file from disk, with its length known before it is sent. */
export interface MultipartFile {
  contentType: string;
  length: number;
  /** A fresh stream of the whole body, for each attempt. */
  open(): Readable;
}

/**
 * The `file` field of a media upload, streamed from `path` (`bytes` long). The file goes under a
 * name the bot makes (`image.png`), so no member's file name reaches the request.
 */
export function multipartImage(path: string, bytes: number, type: ImageType): MultipartFile {
  const boundary = `----wan-video-bot-${randomBytes(12).toString('hex')}`;
  const head = Buffer.from(
    `--${boundary}\r\n` +
      `Content-Disposition: form-data; name="file"; filename="image.${IMAGE_TYPES[type]}"\r\n` +
      `Content-Type: ${type}\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    length: head.length + bytes + tail.length,
    open: () =>
      Readable.from(
        (async function* () {
          yield head;
          yield* createReadStream(path);
          yield tail;
        })(),
        { objectMode: false },
      ),
  };
}
