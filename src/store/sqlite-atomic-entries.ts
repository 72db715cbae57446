import type Keyv from 'keyv';
import {
  type AtomicEntries,
  type ChangeOutcome,
  type EntryChange,
  type KeyvCodec,
  keyvCodec,
  keyvKey,
  planChange,
} from './atomic-entries.js';
import type { SqliteFile, SqlRun } from './sqlite-file.js';
import { KEYV_UPSERT, keyRange } from './sqlite-keyv-store.js';

/** How often a change also deletes the namespace's expired entries. */
const SWEEP_EVERY_MS = 10 * 60_000;
/**
 * Keyv deletes an expired entry only when it reads it, and nobody reads a day long gone; Redis
 * expires keys itself. Rows that are not Keyv's JSON are left alone.
 */
const SWEEP = `DELETE FROM keyv WHERE key >= ? AND key < ?
  AND (CASE WHEN json_valid(value) THEN json_extract(value, '$.expires') END) < ?`;

/**
 * Atomic entries in the `keyv` table of the store's SQLite file: each change is one unit of work
 * in the file's group commit, read, decided and written with nothing in between.
 */
export class SqliteAtomicEntries implements AtomicEntries {
  readonly #file: SqliteFile;
  readonly #namespace: string;
  readonly #codec: KeyvCodec;
  #sweptAt = Number.NEGATIVE_INFINITY;

  constructor(file: SqliteFile, keyv: Keyv, namespace: string) {
    this.#file = file;
    this.#namespace = namespace;
    this.#codec = keyvCodec(keyv);
  }

  apply(change: EntryChange): Promise<ChangeOutcome> {
    const clock = Date.now();
    const sweep = clock - this.#sweptAt >= SWEEP_EVERY_MS;
    if (sweep) this.#sweptAt = clock;
    return this.#file.atomically((run) => {
      if (sweep) run(SWEEP, ...keyRange(this.#namespace), clock);
      return this.applyWithin(run, change);
    });
  }

  /** Applies `change` inside a unit of work the caller runs, alongside its own statements. */
  applyWithin(run: SqlRun, change: EntryChange): ChangeOutcome {
    const stored = (key: string) => keyvKey(this.#namespace, key);
    const { outcome, writes } = planChange(
      (key) => {
        const [row] = run('SELECT value FROM keyv WHERE key = ?', stored(key)) as Array<{ value: string }>;
        return row && this.#codec.deserialize(row.value);
      },
      change,
      Date.now(),
    );
    for (const { key, entry } of writes) run(KEYV_UPSERT, stored(key), this.#codec.serialize(entry));
    return outcome;
  }
}
