import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { RedisClientType } from '@keyv/redis';
import Keyv, { type KeyvStoreAdapter } from 'keyv';
import type { SqlQuery } from './sqlite-file.js';

/** Where state lives: a SQLite file for one process, Redis when processes share the work. */
export type StoreLocation = { kind: 'sqlite'; path: string } | { kind: 'redis'; url: string };

export type { SqlQuery } from './sqlite-file.js';
export { StoreBusyError, StoreLostError } from './store-errors.js';

/**
 * The bot's persistent state. Records go through Keyv; the few decisions that must be
 * atomic (quota reservations) use the backend directly, because Keyv has no
 * increment or compare-and-set.
 */
export interface Store {
  readonly location: StoreLocation;
  /** A Keyv for one kind of record. It throws on store errors, so callers fail closed. */
  keyv<Value>(namespace: string): Keyv<Value>;
  /** The backend itself, for atomic operations. */
  readonly backend: { kind: 'sqlite'; query: SqlQuery } | { kind: 'redis'; client: RedisClientType };
  /**
   * Calls `listener` once if the store is lost for good: its SQLite file (or directory) deleted
   * or replaced, or taken over by another process. The error names `STORE_URL` and the path, and
   * every query rejects with it from then on. Never on Redis, whose outages pass and fail each
   * command on its own.
   */
  onLost(listener: (error: Error) => void): void;
  close(): Promise<void>;
}

/** Redis commands fail at once while the server is away instead of queueing forever. */
function redisClient(createClient: typeof import('@keyv/redis').createClient, url: string): RedisClientType {
  return createClient({
    url,
    disableOfflineQueue: true,
    socket: { connectTimeout: 2_000, reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 2_000) },
  }) as RedisClientType;
}

/** The first connection gets a deadline: the reconnect strategy would otherwise retry forever. */
async function connectWithin(client: RedisClientType, url: string, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`could not reach Redis at ${new URL(url).host} within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    await Promise.race([client.connect(), deadline]);
  } catch (error) {
    client.destroy();
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

export interface OpenOptions {
  /** For a bot: refuse a SQLite file that another process has opened this way (see `SqliteFile`). */
  readonly exclusive?: boolean;
}

/** Opens the store. Connects to Redis (or creates the SQLite file) before returning. */
export async function openStore(location: StoreLocation, options: OpenOptions = {}): Promise<Store> {
  // Only the backend in use has its driver loaded: the Redis client's code alone is about 3 MB
  // of heap that a bot on SQLite would hold and never run.
  if (location.kind === 'sqlite') {
    const [{ SqliteFile }, { SqliteKeyvStore, KEYV_SCHEMA }] = await Promise.all([
      import('./sqlite-file.js'),
      import('./sqlite-keyv-store.js'),
    ]);
    mkdirSync(dirname(location.path), { recursive: true });
    const file = new SqliteFile(location.path, { schema: KEYV_SCHEMA, exclusive: options.exclusive });
    // Every namespace shares the one connection, so that one transaction commits them all.
    return storeOn(
      location,
      { kind: 'sqlite', query: file.query },
      () => new SqliteKeyvStore(file.query),
      () => file.close(),
      (listener) => file.onLost(listener),
    );
  }

  const { default: KeyvRedis, createClient } = await import('@keyv/redis');
  const client = redisClient(createClient, location.url);
  client.on('error', () => {
    // Reconnection is automatic; each failed command reports its own error to its caller.
  });
  await connectWithin(client, location.url, 5_000);
  // Every namespace shares the one connection, opened above, so none is used before it is up.
  const open = () => {
    const adapter = new KeyvRedis(client, { throwOnConnectError: true, throwOnErrors: true });
    adapter.on('error', () => {});
    return adapter;
  };
  return storeOn(
    location,
    { kind: 'redis', client },
    open,
    async () => void (await client.quit()),
    () => {},
  );
}

/** A store whose namespaces each get a Keyv over an adapter from `open`; `close` ends the connection they share. */
function storeOn(
  location: StoreLocation,
  backend: Store['backend'],
  open: () => KeyvStoreAdapter,
  close: () => Promise<void>,
  onLost: Store['onLost'],
): Store {
  const keyvs = new Map<string, Keyv>();
  return {
    location,
    backend,
    onLost,
    keyv<Value>(namespace: string): Keyv<Value> {
      let keyv = keyvs.get(namespace);
      if (!keyv) {
        keyv = new Keyv({ store: open(), namespace, throwOnErrors: true, emitErrors: false });
        keyvs.set(namespace, keyv);
      }
      return keyv as Keyv<Value>;
    },
    async close() {
      // Best effort: the bot is stopping, and a connection that fails to close is gone anyway.
      await close().catch(() => {});
    },
  };
}
