import type { Dispatcher } from 'undici';

/**
 * One answer of undici's `request`: status, headers and a body that must be read or
 * destroyed, or its connection stays taken. The client uses `request` rather than fetch:
 * it is the undici discord.js already loads, and it skips fetch's WHATWG streams and
 * Response objects, which cost every call CPU.
 */
export type HttpAnswer = Dispatcher.ResponseData;

/**
 * Sent as `User-Agent`: fetch sent one of its own, `request` sends none, and some firewalls
 * and CDNs refuse a request without one.
 */
export const USER_AGENT = 'wan-video-bot';

/** Whether the status is 2xx, as fetch's `Response.ok` says. */
export function isOk(answer: HttpAnswer): boolean {
  return answer.statusCode >= 200 && answer.statusCode < 300;
}

/** A header as fetch's `Headers.get` reads it: a repeated one joined by `, `, an absent one `null`. */
export function headerOf(answer: HttpAnswer, name: string): string | null {
  const value = answer.headers[name];
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(', ') : value;
}
