import { matchTemplate } from './router.js';

/** A failure to inject into matching requests. */
export interface FaultSpec {
  /** HTTP method to match (any when omitted). */
  readonly method?: string;
  /**
   * A RegExp tested against the decoded path after `/api/v10` (e.g. `/channels/123/messages`),
   * or a template whose `:name` segments match any segment (`/channels/:channelId/messages`;
   * `/webhooks/:applicationId/:token/messages/:messageId` also matches `@original`).
   */
  readonly route: RegExp | string;
  /** Match only requests that upload files (true) or only those that do not (false). */
  readonly withFiles?: boolean;
  readonly status: number;
  /** Discord error code in the body (default 0). */
  readonly code?: number;
  readonly message?: string;
  /**
   * For 429: seconds until retry (default 1), sent as `retry_after`, `Retry-After` and
   * `X-RateLimit-Reset-After`. The header keeps fractions (Discord rounds it up) so tests stay fast.
   */
  readonly retryAfter?: number;
  /** For 429: a global limit (`X-RateLimit-Global: true`, scope `global`). */
  readonly global?: boolean;
  /** How many matching requests fail (default 1). */
  readonly times?: number;
}

/** A registered fault: how often it fired and how often it still will. */
export interface FaultHandle {
  readonly hits: number;
  readonly remaining: number;
  /** Stops it from firing again. */
  clear(): void;
}

interface ActiveFault {
  readonly spec: FaultSpec;
  hits: number;
  remaining: number;
}

/** Faults waiting to fire, first registered first. */
export class FaultRegistry {
  readonly #faults: ActiveFault[] = [];

  add(spec: FaultSpec): FaultHandle {
    const fault: ActiveFault = { spec, hits: 0, remaining: spec.times ?? 1 };
    this.#faults.push(fault);
    return {
      get hits() {
        return fault.hits;
      },
      get remaining() {
        return fault.remaining;
      },
      clear: () => {
        fault.remaining = 0;
      },
    };
  }

  /** The fault to answer this request with, if one matches; counts it as fired. */
  take(request: { readonly method: string; readonly path: string; readonly hasFiles: boolean }): FaultSpec | undefined {
    const fault = this.#faults.find(
      ({ spec, remaining }) =>
        remaining > 0 &&
        (spec.method === undefined || spec.method.toUpperCase() === request.method) &&
        (spec.withFiles === undefined || spec.withFiles === request.hasFiles) &&
        matches(spec.route, request.path),
    );
    if (!fault) return undefined;
    fault.hits += 1;
    fault.remaining -= 1;
    return fault.spec;
  }
}

function matches(route: RegExp | string, path: string): boolean {
  if (typeof route === 'string') return matchTemplate(route, path) !== undefined;
  // A global or sticky RegExp carries lastIndex between calls; reset it so every test starts at 0.
  route.lastIndex = 0;
  return route.test(path);
}
