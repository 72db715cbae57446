import type Keyv from 'keyv';

/**
 * Atomic changes to the Keyv entries of one namespace, which Keyv alone cannot make: it has no
 * increment and no compare-and-set. The entries stay in Keyv's own key and value format, so
 * `keyv.get` reads what a change wrote. Each backend applies a change in one step (a SQLite
 * transaction, a Lua script); what the numbers mean and which limits apply is the caller's.
 */
export interface AtomicEntries {
  /** Applies `change` in full, or nothing of it and says why. */
  apply(change: EntryChange): Promise<ChangeOutcome>;
}

/**
 * One change, checked in this order: the record's field, the guards, then each addition's
 * maximum; written only if all hold. A key appears at most once in a change, except in `fields`,
 * where each object may have several fields written. Numbers read 0 and
 * objects `{}` when absent; entries past their Keyv expiry count as absent. Every number and
 * object written lives at least `ttlMs` (≥ 1) more; one Keyv keeps for ever stays so.
 */
export interface EntryChange {
  /**
   * A record replaced as a whole: written, to expire at `expires` (epoch ms; left out, Keyv keeps it
   * for ever), only while its stored `field` (`state` unless named) is `from` (`null`: no record
   * yet). A record moving from one state to the next names none; one written over the revision its
   * writer read names `revision`, a whole number.
   */
  readonly record?: {
    key: string;
    field?: string;
    from: string | number | null;
    value: object;
    expires?: number;
  };
  /** Numbers that must still hold what the caller read. */
  readonly unchanged?: ReadonlyArray<{ key: string; value: number }>;
  /**
   * Numbers to add to, each only if the sum stays at or below `max` (`null` or absent: no bound),
   * raised by the number in entry `raisedBy` if given. With `ifPresent`, an absent entry is left
   * absent: a day already forgotten stays forgotten.
   */
  readonly add?: ReadonlyArray<Addition>;
  /** Fields of object entries to set to a number, or to remove with `null`. */
  readonly fields?: ReadonlyArray<{ key: string; field: string; value: number | null; ttlMs: number }>;
}

export interface Addition {
  key: string;
  by: number;
  max?: number | null;
  raisedBy?: string;
  ttlMs: number;
  ifPresent?: boolean;
}

export type ChangeOutcome =
  | { applied: true }
  /** The record's field was not `from`: the record as it is stored, or `undefined` when there is none. */
  | { applied: false; record: StoredEntry | undefined }
  /** The guard at this index no longer holds. */
  | { applied: false; changed: number }
  /** The addition at this index would pass its maximum, `max` once raised. */
  | { applied: false; exceeded: number; max: number };

/** An entry as Keyv stores it: its value, and when it expires (epoch ms; none: never). */
export interface StoredEntry {
  value?: unknown;
  expires?: number | undefined;
}

/** The key Keyv hands its adapter for `key` in `namespace`. */
export function keyvKey(namespace: string, key: string): string {
  return `${namespace}:${key}`;
}

/** Keyv's own serializer and deserializer, which the entries must share with `keyv.get`. */
export interface KeyvCodec {
  serialize(entry: StoredEntry): string;
  deserialize(raw: string): StoredEntry | undefined;
}

/** The codec of `keyv`. Changes run inside a transaction or a script, so it must be synchronous, as Keyv's default is. */
export function keyvCodec(keyv: Keyv): KeyvCodec {
  const { serialize, deserialize } = keyv;
  if (!serialize || !deserialize) throw new Error('atomic entries need a Keyv that serializes its values');
  return {
    serialize(entry) {
      const raw = serialize(entry);
      if (typeof raw !== 'string') throw new Error('atomic entries need a synchronous Keyv serializer');
      return raw;
    },
    deserialize(raw) {
      const entry = deserialize<unknown>(raw);
      if (entry instanceof Promise) throw new Error('atomic entries need a synchronous Keyv deserializer');
      return entry ? { value: entry.value, expires: entry.expires } : undefined;
    },
  };
}

/** What a change writes once every check has passed. */
export type Writes = Array<{ key: string; entry: StoredEntry }>;

/**
 * Decides `change` against the entries as `read` finds them (absent or expired: `undefined`), at
 * `clock` (epoch ms). Backends that run TypeScript inside their atomic step (SQLite, memory) share
 * it; the Redis script is the same rule in Lua.
 */
export function planChange(
  read: (key: string) => StoredEntry | undefined,
  change: EntryChange,
  clock: number,
): { outcome: ChangeOutcome; writes: Writes } {
  const live = (key: string) => {
    const entry = read(key);
    return entry && !expired(entry, clock) ? entry : undefined;
  };
  const writes: Writes = [];
  const refuse = (outcome: ChangeOutcome) => ({ outcome, writes: [] });

  const { record } = change;
  if (record) {
    const stored = live(record.key);
    if (fieldOf(stored, record.field ?? 'state') !== record.from) return refuse({ applied: false, record: stored });
    writes.push({ key: record.key, entry: { value: record.value, expires: record.expires } });
  }
  for (const [index, guard] of (change.unchanged ?? []).entries()) {
    if (numberIn(live(guard.key)) !== guard.value) return refuse({ applied: false, changed: index });
  }
  for (const [index, addition] of (change.add ?? []).entries()) {
    const stored = live(addition.key);
    if (!stored && addition.ifPresent) continue;
    const sum = numberIn(stored) + addition.by;
    if (addition.max !== undefined && addition.max !== null) {
      const max = addition.max + (addition.raisedBy === undefined ? 0 : numberIn(live(addition.raisedBy)));
      if (sum > max) return refuse({ applied: false, exceeded: index, max });
    }
    writes.push({ key: addition.key, entry: { value: sum, expires: laterExpiry(stored, clock, addition.ttlMs) } });
  }
  const objects = new Map<string, StoredEntry>();
  for (const write of change.fields ?? []) {
    let object = objects.get(write.key);
    if (!object) {
      const stored = live(write.key);
      object = { value: { ...objectIn(stored) }, expires: stored ? stored.expires : clock + write.ttlMs };
      objects.set(write.key, object);
    }
    const fields = object.value as Record<string, unknown>;
    if (write.value === null) delete fields[write.field];
    else fields[write.field] = write.value;
    if (typeof object.expires === 'number') object.expires = Math.max(object.expires, clock + write.ttlMs);
  }
  for (const [key, entry] of objects) writes.push({ key, entry });
  return { outcome: { applied: true }, writes };
}

/** Keyv's own test: an entry is gone once the clock has passed its `expires`. */
function expired(entry: StoredEntry, clock: number): boolean {
  return typeof entry.expires === 'number' && clock > entry.expires;
}

function laterExpiry(stored: StoredEntry | undefined, clock: number, ttlMs: number): number | undefined {
  if (stored && typeof stored.expires !== 'number') return undefined;
  return Math.max(stored?.expires ?? 0, clock + ttlMs);
}

function fieldOf(entry: StoredEntry | undefined, field: string): string | number | null {
  const value = entry?.value;
  if (value === undefined) return null;
  const held = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[field] : undefined;
  if (typeof held !== 'string' && typeof held !== 'number') throw new Error(`an atomic record has no ${field}`);
  return held;
}

function numberIn(entry: StoredEntry | undefined): number {
  if (!entry) return 0;
  if (typeof entry.value !== 'number') throw new Error(`an atomic counter holds ${typeof entry.value}, not a number`);
  return entry.value;
}

function objectIn(entry: StoredEntry | undefined): Record<string, unknown> {
  if (!entry) return {};
  if (typeof entry.value !== 'object' || entry.value === null) throw new Error('an atomic map holds no object');
  return entry.value as Record<string, unknown>;
}

/**
 * Atomic entries in the `Map` of a Keyv kept in memory (`new Keyv({ store: map })`), for tests and
 * stand-ins. A change reads and writes without awaiting, so changes cannot interleave.
 */
export class MemoryAtomicEntries implements AtomicEntries {
  readonly #map: Map<string, string>;
  readonly #namespace: string;
  readonly #codec: KeyvCodec;

  constructor(map: Map<string, string>, keyv: Keyv, namespace: string) {
    this.#map = map;
    this.#namespace = namespace;
    this.#codec = keyvCodec(keyv);
  }

  async apply(change: EntryChange): Promise<ChangeOutcome> {
    const stored = (key: string) => keyvKey(this.#namespace, key);
    const { outcome, writes } = planChange(
      (key) => {
        const raw = this.#map.get(stored(key));
        return raw === undefined ? undefined : this.#codec.deserialize(raw);
      },
      change,
      Date.now(),
    );
    for (const { key, entry } of writes) this.#map.set(stored(key), this.#codec.serialize(entry));
    return outcome;
  }
}
