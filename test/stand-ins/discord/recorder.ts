/** One file part of a multipart request, as the stand-in received it. */
export interface RecordedFile {
  /** Form field name, e.g. `files[0]`. */
  readonly field: string;
  readonly name: string;
  readonly contentType: string;
  readonly size: number;
  /** SHA-256 of the whole file, in hex. */
  readonly sha256: string;
  /** The first 64 bytes (fewer when the file is shorter). */
  readonly head: Uint8Array;
  /**
   * Every byte, for files up to 1 MiB; larger ones keep only their size, hash and head, so
   * uploads of tens of MiB do not pile up in the test process.
   */
  readonly bytes?: Uint8Array;
}

/** How a request authenticated itself. */
export type RequestAuth = 'bot' | 'none' | 'invalid';

/** Every HTTP request the stand-in answered, in arrival order. */
export interface RecordedRequest {
  readonly seq: number;
  /** Clock reading (default `performance.now()`) when the request arrived. */
  readonly at: number;
  readonly method: string;
  /** Raw path as sent, including `/api/v10` and any token; without the query string. */
  readonly path: string;
  /** Route template relative to `/api/v10`, e.g. `/webhooks/:applicationId/:token`; `null` for unknown routes. */
  readonly route: string | null;
  readonly query: Readonly<Record<string, string>>;
  readonly auth: RequestAuth;
  /** Parsed JSON body, or the parsed `payload_json` of a multipart body. */
  readonly body: unknown;
  readonly files: readonly RecordedFile[];
  /** Status the stand-in answered with. */
  readonly status: number;
  /** Discord error code of a failed request (0 for plain HTTP errors). */
  readonly errorCode: number | undefined;
  /** Whether the answer came from `fault()` rather than the simulated API. */
  readonly faulted: boolean;
}

/** Options for {@link ChangeFeed.waitFor}. */
export interface WaitOptions {
  /** Give up after this long (default 5000 ms). */
  readonly timeoutMs?: number;
  /** Names what is awaited, for the timeout message. */
  readonly description?: string;
}

type Waiter = () => void;

/**
 * Lets tests wait for the stand-in's state to reach a condition: every state change calls
 * {@link notify}, which re-runs the pending checks, so nobody needs to sleep or poll.
 */
export class ChangeFeed {
  readonly #waiters = new Set<Waiter>();
  readonly #describeState: () => string;
  #closed = false;

  /** @param describeState - summarises the recorded state for timeout messages */
  constructor(describeState: () => string = () => '') {
    this.#describeState = describeState;
  }

  /** Re-runs every pending check; call after any recorded change. */
  notify(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }

  /**
   * Resolves with the first truthy result of `check`, which runs now and after every change.
   * Rejects when `check` throws, when the timeout passes or when the stand-in closes.
   */
  waitFor<T>(check: () => T | false | null | undefined, options: WaitOptions = {}): Promise<T> {
    const { timeoutMs = 5000, description = 'condition' } = options;
    return new Promise<T>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const finish = (error: Error | undefined, value?: T): void => {
        this.#waiters.delete(waiter);
        clearTimeout(timer);
        if (error) reject(error);
        else resolve(value as T);
      };
      const waiter: Waiter = () => {
        if (this.#closed) return finish(new Error(`Discord stand-in closed while waiting for ${description}`));
        try {
          const value = check();
          if (value) finish(undefined, value);
        } catch (error) {
          finish(error instanceof Error ? error : new Error(String(error)));
        }
      };
      this.#waiters.add(waiter);
      waiter();
      if (this.#waiters.has(waiter)) {
        timer = setTimeout(
          () =>
            finish(new Error(`Timed out after ${timeoutMs} ms waiting for ${description}. ${this.#describeState()}`)),
          timeoutMs,
        );
      }
    });
  }

  /** Fails every pending wait; later waits fail at once. */
  close(): void {
    this.#closed = true;
    this.notify();
  }
}
