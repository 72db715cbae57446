import { EventEmitter } from 'node:events';
import type { KeyvStoreAdapter } from 'keyv';
import type { SqlQuery } from './sqlite-file.js';

/** The table and columns of `@keyv/sqlite`, which earlier versions of the bot used: their files open as they are. */
export const KEYV_SCHEMA = ['CREATE TABLE IF NOT EXISTS keyv (key VARCHAR(255) PRIMARY KEY, value TEXT)'];

/** Writes one pair, replacing what the key held. */
export const KEYV_UPSERT =
  'INSERT INTO keyv (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value';

/** Rows read per query while iterating a namespace. */
const PAGE_SIZE = 100;

/**
 * Keyv's records in the store's SQLite file. Keyv serialises each value (with its expiry) and
 * prefixes each key with the namespace and a colon; this adapter keeps the pairs.
 */
export class SqliteKeyvStore extends EventEmitter implements KeyvStoreAdapter {
  /** Keyv offers `iterator()` only on adapters whose dialect it knows. */
  readonly opts = { dialect: 'sqlite' };
  namespace?: string;
  readonly #query: SqlQuery;

  constructor(query: SqlQuery) {
    super();
    this.#query = query;
  }

  async get<Value>(key: string): Promise<Value | undefined> {
    const [row] = await this.#query('SELECT value FROM keyv WHERE key = ?', key);
    return row === undefined ? undefined : (row as { value: Value }).value;
  }

  /** One statement for all the keys: Keyv's fallback would swallow a failed read as a missing value. */
  async getMany<Value>(keys: string[]): Promise<Array<Value | undefined>> {
    const rows = (await this.#query(
      'SELECT key, value FROM keyv WHERE key IN (SELECT value FROM json_each(?))',
      JSON.stringify(keys),
    )) as Array<{ key: string; value: Value }>;
    const values = new Map(rows.map(({ key, value }) => [key, value]));
    return keys.map((key) => values.get(key));
  }

  async set(key: string, value: string): Promise<void> {
    await this.#query(KEYV_UPSERT, key, value);
  }

  async delete(key: string): Promise<boolean> {
    const deleted = await this.#query('DELETE FROM keyv WHERE key = ? RETURNING key', key);
    return deleted.length > 0;
  }

  async clear(): Promise<void> {
    await this.#query('DELETE FROM keyv WHERE key >= ? AND key < ?', ...keyRange(this.namespace));
  }

  /** Every pair in `namespace`, read a page at a time in key order. */
  async *iterator(namespace?: string): AsyncGenerator<[string, string]> {
    const [from, to] = keyRange(namespace);
    let rows = await this.#page('>=', from, to);
    for (;;) {
      for (const { key, value } of rows) yield [key, value];
      const last = rows.at(-1);
      if (rows.length < PAGE_SIZE || !last) return;
      rows = await this.#page('>', last.key, to);
    }
  }

  /** Up to a page of pairs from `bound` (included or not, by `comparison`) to `to` (excluded). */
  async #page(comparison: '>=' | '>', bound: string, to: string): Promise<Array<{ key: string; value: string }>> {
    const sql = `SELECT key, value FROM keyv WHERE key ${comparison} ? AND key < ? ORDER BY key LIMIT ?`;
    return (await this.#query(sql, bound, to, PAGE_SIZE)) as Array<{ key: string; value: string }>;
  }
}

/**
 * The keys Keyv writes for `namespace` ("jobs:…") sort from "jobs:" up to "jobs;", the
 * character after the colon: a range rather than LIKE, whose wildcards a name could contain.
 * Without a namespace, every key: keys compare as UTF-8 bytes, all below the last code point.
 */
export function keyRange(namespace: string | undefined): [string, string] {
  return namespace === undefined ? ['', '\u{10FFFF}'] : [`${namespace}:`, `${namespace};`];
}
