import { apiErrors, type ParsedBody } from './http.js';

/** What a route handler gets: path parameters, query, parsed body and arrival time. */
export interface RouteContext {
  /** A path parameter by name; throws if the template has no such parameter. */
  param(name: string): string;
  readonly query: URLSearchParams;
  readonly body: ParsedBody;
  /** Clock reading when the request arrived. */
  readonly at: number;
}

/** A successful answer: 204 without a body, 200/201 with JSON. */
export interface Reply {
  readonly status: number;
  readonly body?: unknown;
}

/** `bot`: needs `Authorization: Bot <token>`; `none`: interaction and webhook routes. */
export type RouteAuth = 'bot' | 'none';

type Handler = (context: RouteContext) => Reply;

interface Route {
  readonly method: string;
  readonly template: string;
  readonly auth: RouteAuth;
  readonly handle: Handler;
}

/** A route found for a request, with its parameters. */
export interface RouteMatch {
  readonly template: string;
  readonly auth: RouteAuth;
  readonly params: ReadonlyMap<string, string>;
  readonly handle: Handler;
}

/** Matches `/channels/:channelId/messages`-style templates; the first registered match wins. */
export class Router {
  readonly #routes: Route[] = [];

  add(method: string, template: string, auth: RouteAuth, handle: Handler): this {
    this.#routes.push({ method, template, auth, handle });
    return this;
  }

  /**
   * The route for a request; throws 405 when the path exists for other methods only.
   * Returns undefined for unknown paths.
   */
  match(method: string, path: string): RouteMatch | undefined {
    const decoded = decodePath(path);
    let pathExists = false;
    for (const route of this.#routes) {
      const params = matchTemplate(route.template, decoded);
      if (!params) continue;
      pathExists = true;
      if (route.method === method) return { template: route.template, auth: route.auth, params, handle: route.handle };
    }
    if (pathExists) throw apiErrors.methodNotAllowed();
    return undefined;
  }
}

/** The parameters of `path` under a `/channels/:channelId`-style template, if it matches. */
export function matchTemplate(template: string, path: string): Map<string, string> | undefined {
  const expectedSegments = template.split('/');
  const actualSegments = path.split('/');
  if (expectedSegments.length !== actualSegments.length) return undefined;
  const params = new Map<string, string>();
  for (const [index, expected] of expectedSegments.entries()) {
    const actual = actualSegments[index] ?? '';
    if (expected.startsWith(':') && actual !== '') params.set(expected.slice(1), actual);
    else if (expected !== actual) return undefined;
  }
  return params;
}

/** Decodes each path segment: discord.js sends `@original` as `%40original`. */
export function decodePath(path: string): string {
  return path
    .split('/')
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        return segment;
      }
    })
    .join('/');
}
