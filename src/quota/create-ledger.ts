import type { Store } from '../store/store.js';
import { KeyvLedger, QUOTA_NAMESPACE } from './keyv-ledger.js';
import type { QuotaLedger } from './ledger.js';

export interface LedgerOptions {
  /** The Keyv namespace of the entries. Default `quota`; tests sharing one store give each ledger its own. */
  namespace?: string;
  /**
   * How long to wait for the store before failing closed, in milliseconds. Default 2000. Covers a
   * Redis that stopped answering without closing the connection; a closed one fails at once.
   */
  timeoutMs?: number;
}

/** The `QuotaLedger` on the store's `quota` entries, whichever backend holds them. */
export function createLedger(
  store: Store,
  { namespace = QUOTA_NAMESPACE, timeoutMs = 2_000 }: LedgerOptions = {},
): QuotaLedger {
  return new KeyvLedger(store.keyv(namespace), store.atomic(namespace), { timeoutMs });
}
