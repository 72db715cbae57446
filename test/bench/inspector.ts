/**
 * Just enough of the V8 inspector protocol to force a full garbage collection in another
 * Node process started with `--inspect` and read the heap it leaves.
 */
import { once } from 'node:events';
import { WebSocket } from 'ws';

/** What Node prints on stderr when started with `--inspect`; group 1 is the URL to connect to. */
export const INSPECTOR_OUTPUT =
  /^(?:Debugger listening on (ws:\/\/\S+)|Debugger ending on |For help, see: |Debugger attached\.|Waiting for the debugger)/;

const TIMEOUT_MS = 10_000;

/** Collects garbage in the process whose inspector listens at `url`; resolves with the JS heap bytes still used. */
export async function collectGarbage(url: string): Promise<number> {
  const socket = new WebSocket(url);
  // A broken connection shows as the timeout of whatever call was waiting on it.
  socket.on('error', () => {});
  try {
    await withTimeout(once(socket, 'open'), 'the inspector connection');
    const session = new InspectorSession(socket);
    await withTimeout(session.call('HeapProfiler.collectGarbage'), 'a full garbage collection');
    const usage = await withTimeout(session.call('Runtime.getHeapUsage'), 'the heap usage');
    const usedSize = typeof usage === 'object' && usage !== null && 'usedSize' in usage ? usage.usedSize : undefined;
    if (typeof usedSize !== 'number') throw new Error('The inspector answered without a heap size');
    return usedSize;
  } finally {
    // A debugger left attached would hold the process at exit ("Waiting for the debugger to disconnect").
    socket.close();
  }
}

/** `process.memoryUsage()` of another process, in bytes; `external` includes `arrayBuffers` (Buffers among them). */
export interface ProcessMemory {
  readonly rss: number;
  readonly heapUsed: number;
  readonly external: number;
  readonly arrayBuffers: number;
}

/** Reads `process.memoryUsage()` in the process whose inspector listens at `url`. */
export async function readMemoryUsage(url: string): Promise<ProcessMemory> {
  const socket = new WebSocket(url);
  socket.on('error', () => {});
  try {
    await withTimeout(once(socket, 'open'), 'the inspector connection');
    const session = new InspectorSession(socket);
    const answer = await withTimeout(
      session.call('Runtime.evaluate', { expression: 'JSON.stringify(process.memoryUsage())', returnByValue: true }),
      'the memory usage',
    );
    const value =
      typeof answer === 'object' && answer !== null && 'result' in answer && typeof answer.result === 'object'
        ? (answer.result as { value?: unknown }).value
        : undefined;
    if (typeof value !== 'string') throw new Error('The inspector answered without the memory usage');
    return JSON.parse(value) as ProcessMemory;
  } finally {
    socket.close();
  }
}

/** Calls over one inspector (Chrome DevTools Protocol) connection, matched to answers by id. */
class InspectorSession {
  readonly #socket: WebSocket;
  #nextId = 1;

  constructor(socket: WebSocket) {
    this.#socket = socket;
  }

  /** Sends `method` and resolves with its `result`; rejects with the protocol's error. */
  call(method: string, params?: Readonly<Record<string, unknown>>): Promise<unknown> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const onMessage = (data: Buffer): void => {
        const answer = JSON.parse(data.toString('utf8')) as {
          id?: number;
          result?: unknown;
          error?: { message?: string };
        };
        if (answer.id !== id) return;
        this.#socket.off('message', onMessage);
        if (answer.error) reject(new Error(`${method}: ${answer.error.message ?? 'inspector error'}`));
        else resolve(answer.result);
      };
      this.#socket.on('message', onMessage);
      this.#socket.send(JSON.stringify({ id, method, ...(params && { params }) }));
    });
  }
}

async function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`Timed out after ${TIMEOUT_MS / 1000} s waiting for ${what}`)),
      TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
