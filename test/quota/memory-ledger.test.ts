import { MemoryLedger } from '../../src/quota/memory-ledger.js';
import { describeLedger } from './ledger-behaviour.js';

describeLedger('MemoryLedger', async () => ({ ledger: new MemoryLedger(), close: async () => {} }));
