import { createHash } from 'node:crypto';
import { type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse, STATUS_CODES } from 'node:http';
import { readMultipart } from './multipart.js';
import type { RecordedFile } from './recorder.js';

/** One entry of a Discord "Invalid Form Body" error tree. */
export interface FieldError {
  readonly code: string;
  readonly message: string;
}

/** Discord's error tree: nested by field path, leaves under `_errors`. */
export interface FormErrors {
  readonly [key: string]: FormErrors | readonly FieldError[];
}

/** An error answered the way Discord does: `{ message, code, errors? }` with an HTTP status. */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly errors?: FormErrors,
  ) {
    super(message);
  }

  /** The JSON body Discord sends for this error. */
  toBody(): Record<string, unknown> {
    return { message: this.message, code: this.code, ...(this.errors ? { errors: this.errors } : {}) };
  }
}

/** Discord's message for each error code the stand-in produces. */
const ERROR_MESSAGES: Readonly<Record<number, string>> = {
  10002: 'Unknown Application',
  10003: 'Unknown Channel',
  10004: 'Unknown Guild',
  10008: 'Unknown Message',
  10013: 'Unknown User',
  10015: 'Unknown Webhook',
  10062: 'Unknown interaction',
  40005: 'Request entity too large',
  40060: 'Interaction has already been acknowledged.',
  40094: 'This interaction has hit the maximum number of follow up messages',
  50001: 'Missing Access',
  50006: 'Cannot send an empty message',
  50007: 'Cannot send messages to this user',
  50013: 'Missing Permissions',
  50027: 'Invalid Webhook Token',
  50035: 'Invalid Form Body',
  50109: 'The request body contains invalid JSON.',
};

/** Discord's message for an error code, or the generic `<status>: <reason>` it uses for code 0. */
export function errorMessage(status: number, code: number): string {
  return ERROR_MESSAGES[code] ?? `${status}: ${STATUS_CODES[status] ?? 'Error'}`;
}

const apiError = (status: number, code: number) => new ApiError(status, code, errorMessage(status, code));

/** The errors the stand-in produces, with Discord's status, code and message. */
export const apiErrors = {
  unauthorized: () => apiError(401, 0),
  notFound: () => apiError(404, 0),
  methodNotAllowed: () => apiError(405, 0),
  unknownApplication: () => apiError(404, 10002),
  unknownChannel: () => apiError(404, 10003),
  unknownGuild: () => apiError(404, 10004),
  unknownMessage: () => apiError(404, 10008),
  unknownUser: () => apiError(404, 10013),
  unknownWebhook: () => apiError(404, 10015),
  unknownInteraction: () => apiError(404, 10062),
  entityTooLarge: () => apiError(413, 40005),
  alreadyAcknowledged: () => apiError(400, 40060),
  tooManyFollowups: () => apiError(400, 40094),
  missingAccess: () => apiError(403, 50001),
  emptyMessage: () => apiError(400, 50006),
  cannotMessageUser: () => apiError(403, 50007),
  missingPermissions: () => apiError(403, 50013),
  invalidWebhookToken: () => apiError(401, 50027),
  invalidJson: () => apiError(400, 50109),
  /** 400 / 50035 with one field error at `path`, e.g. `['embeds', 0, 'title']`. */
  invalidFormBody: (path: readonly (string | number)[], code: string, message: string) =>
    new ApiError(400, 50035, errorMessage(400, 50035), errorTree(path, { code, message })),
};

function errorTree(path: readonly (string | number)[], error: FieldError): FormErrors {
  let tree: FormErrors = { _errors: [error] };
  for (const key of [...path].reverse()) tree = { [String(key)]: tree };
  return tree;
}

/** A request body: JSON (or a multipart `payload_json`) plus any uploaded files. */
export interface ParsedBody {
  readonly json: unknown;
  readonly files: readonly RecordedFile[];
}

/**
 * Reads and parses a JSON or multipart/form-data body, as @discordjs/rest sends them. A
 * multipart body is parsed as it streams in (see {@link readMultipart}); JSON is small.
 */
export async function readBody(request: IncomingMessage): Promise<ParsedBody> {
  const contentType = request.headers['content-type'] ?? '';
  if (contentType.startsWith('multipart/form-data')) {
    const { fields, files } = await readMultipart(request, contentType);
    return { json: multipartJson(fields), files };
  }
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  if (raw.length === 0) return { json: undefined, files: [] };
  try {
    return { json: JSON.parse(raw.toString('utf8')), files: [] };
  } catch {
    throw apiErrors.invalidJson();
  }
}

function multipartJson(fields: ReadonlyMap<string, string>): unknown {
  const payload = fields.get('payload_json');
  if (payload !== undefined) {
    try {
      return JSON.parse(payload);
    } catch {
      throw apiErrors.invalidJson();
    }
  }
  // Without payload_json, discord.js sends plain fields (`appendToFormData`).
  return fields.size > 0 ? Object.fromEntries(fields) : undefined;
}

/**
 * Rate-limit headers for a successful response. The stand-in never limits on its own (use
 * `fault()` for 429s), but @discordjs/rest sizes its per-route queues from these.
 */
export function rateLimitHeaders(route: string): OutgoingHttpHeaders {
  return {
    'X-RateLimit-Limit': '5',
    'X-RateLimit-Remaining': '4',
    'X-RateLimit-Reset': ((Date.now() + 1000) / 1000).toFixed(3),
    'X-RateLimit-Reset-After': '1.000',
    'X-RateLimit-Bucket': bucketHash(route),
  };
}

/**
 * Headers of a 429. `X-RateLimit-Global` is sent only for a global limit: @discordjs/rest
 * treats the header's mere presence as global, whatever its value.
 */
export function tooManyRequestsHeaders(route: string, retryAfterSeconds: number, global: boolean): OutgoingHttpHeaders {
  return {
    'Retry-After': String(retryAfterSeconds),
    'X-RateLimit-Limit': '5',
    'X-RateLimit-Remaining': '0',
    'X-RateLimit-Reset': ((Date.now() + retryAfterSeconds * 1000) / 1000).toFixed(3),
    'X-RateLimit-Reset-After': retryAfterSeconds.toFixed(3),
    'X-RateLimit-Bucket': bucketHash(route),
    'X-RateLimit-Scope': global ? 'global' : 'user',
    ...(global ? { 'X-RateLimit-Global': 'true' } : {}),
  };
}

function bucketHash(route: string): string {
  return createHash('md5').update(route).digest('hex');
}

/** Writes a JSON response, or an empty one for 204. */
export function writeResponse(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: OutgoingHttpHeaders,
): void {
  if (status === 204 || body === undefined) {
    response.writeHead(status, headers).end();
    return;
  }
  const text = JSON.stringify(body);
  response
    .writeHead(status, {
      ...headers,
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(text),
    })
    .end(text);
}
