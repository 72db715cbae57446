import Keyv from 'keyv';
import { MemoryAtomicEntries } from '../store/atomic-entries.js';
import { KeyvLedger, QUOTA_NAMESPACE } from './keyv-ledger.js';

/** The Keyv ledger on entries held in memory, for tests and stand-ins. Nothing survives a restart. */
export class MemoryLedger extends KeyvLedger {
  constructor() {
    const map = new Map<string, string>();
    const keyv = new Keyv({ store: map, namespace: QUOTA_NAMESPACE });
    super(keyv, new MemoryAtomicEntries(map, keyv, QUOTA_NAMESPACE));
  }
}
