import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { RedisClientType } from '@keyv/redis';
import Keyv, { type KeyvStoreAdapter } from 'keyv';
import type { AtomicEntries } from './atomic-entries.js';
import { RedisAtomicEntries } from './redis-atomic-entries.js';
import { SqliteAtomicEntries } from './sqlite-atomic-entries.js';
import type { SqliteFile } from './sqlite-file.js';

/** Where state lives: a SQLite file for one process, Redis when processes share the work. */
export type StoreLocation = { kind: 'sqlite'; path: string } | { kind: 'redis'; url: string };

export { StoreBusyError, StoreLostError } from './store-errors.js';

/**
 * The bot's persistent state, all of it Keyv entries. The few decisions that must be atomic
 * (quota reservations) change entries through {@link Store.atomic}, because Keyv has no
 * increment or compare-and-set; they stay entries that `keyv.get` reads.
 */
export interface Store {
  readonly location: StoreLocation;
  /** A Keyv for one kind of record. It throws on store errors, so callers fail closed. */
  keyv<Value>(namespace: string): Keyv<Value>;
  /** Atomic changes to the entries of `keyv(namespace)`. */
  atomic(namespace: string): AtomicEntries;
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
  return storeOn(location, await openDriver(location, options));
}

/**
 * The connection under a store. Only the backend factory (`backend.ts`, which also runs the
 * generation line and migrations on it) and the store's adapters touch it.
 */
export type StoreDriver = { kind: 'sqlite'; file: SqliteFile } | { kind: 'redis'; client: RedisClientType };

/** Opens the SQLite file (creating it) or connects to Redis. */
export async function openDriver(location: StoreLocation, options: OpenOptions = {}): Promise<StoreDriver> {
  // Only the backend in use has its driver loaded: the Redis client's code alone is about 3 MB
  // of heap that a bot on SQLite would hold and never run.
  if (location.kind === 'sqlite') {
    const [{ SqliteFile }, { KEYV_SCHEMA }] = await Promise.all([
      import('./sqlite-file.js'),
      import('./sqlite-keyv-store.js'),
    ]);
    mkdirSync(dirname(location.path), { recursive: true });
    return {
      kind: 'sqlite',
      file: new SqliteFile(location.path, { schema: KEYV_SCHEMA, exclusive: options.exclusive }),
    };
  }
  const { createClient } = await import('@keyv/redis');
  const client = redisClient(createClient, location.url);
  client.on('error', () => {
    // Reconnection is automatic; each failed command reports its own error to its caller.
  });
  await connectWithin(client, location.url, 5_000);
  return { kind: 'redis', client };
}

/** The store on an open driver. Every namespace shares the driver's one connection, so none is used before it is up. */
export async function storeOn(location: StoreLocation, driver: StoreDriver): Promise<Store> {
  if (driver.kind === 'sqlite') {
    const { file } = driver;
    const { SqliteKeyvStore } = await import('./sqlite-keyv-store.js');
    // One connection, so that one transaction commits every namespace's writes.
    return storeWith(location, {
      open: () => new SqliteKeyvStore(file.query),
      atomic: (keyv, namespace) => new SqliteAtomicEntries(file, keyv, namespace),
      close: () => file.close(),
      onLost: (listener) => file.onLost(listener),
    });
  }
  const { client } = driver;
  const { default: KeyvRedis } = await import('@keyv/redis');
  return storeWith(location, {
    open: () => {
      const adapter = new KeyvRedis(client, { throwOnConnectError: true, throwOnErrors: true });
      adapter.on('error', () => {});
      return adapter;
    },
    atomic: (keyv, namespace) => new RedisAtomicEntries(client, keyv, namespace),
    close: async () => void (await client.quit()),
    onLost: () => {},
  });
}

interface StoreParts {
  /** A Keyv adapter for one namespace. */
  open(): KeyvStoreAdapter;
  atomic(keyv: Keyv, namespace: string): AtomicEntries;
  /** Ends the connection every namespace shares. */
  close(): Promise<void>;
  onLost: Store['onLost'];
}

function storeWith(location: StoreLocation, parts: StoreParts): Store {
  const keyvs = new Map<string, Keyv>();
  const atomics = new Map<string, AtomicEntries>();
  const keyv = <Value>(namespace: string): Keyv<Value> => {
    let found = keyvs.get(namespace);
    if (!found) {
      found = new Keyv({ store: parts.open(), namespace, throwOnErrors: true, emitErrors: false });
      keyvs.set(namespace, found);
    }
    return found as Keyv<Value>;
  };
  return {
    location,
    onLost: parts.onLost,
    keyv,
    atomic(namespace) {
      let found = atomics.get(namespace);
      if (!found) {
        found = parts.atomic(keyv(namespace), namespace);
        atomics.set(namespace, found);
      }
      return found;
    },
    async close() {
      // Best effort: the bot is stopping, and a connection that fails to close is gone anyway.
      await parts.close().catch(() => {});
    },
  };
}
