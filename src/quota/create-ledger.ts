import type { Store } from '../store/store.js';
import type { QuotaLedger } from './ledger.js';
import { RedisLedger, type RedisLedgerOptions } from './redis-ledger.js';
import { SqliteLedger } from './sqlite-ledger.js';

/** Options for `createLedger`; they apply to the Redis backend only. */
export type LedgerOptions = RedisLedgerOptions;

/** The `QuotaLedger` for the store's backend: in the SQLite file, or in Redis. */
export function createLedger(store: Store, options: LedgerOptions = {}): QuotaLedger {
  const { backend } = store;
  return backend.kind === 'sqlite' ? new SqliteLedger(backend.query) : new RedisLedger(backend.client, options);
}
