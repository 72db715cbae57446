import type Keyv from 'keyv';
import type { AtomicEntries } from '../store/atomic-entries.js';

/** Moves lost to another process in a row before giving up: each loser re-reads what won. */
const MOVE_ATTEMPTS = 5;

/** A mark: its `state`, and whatever else is kept beside it. */
export interface Mark {
  readonly state: string;
}

/**
 * Marks kept in the store that move atomically, so that a change several processes see at once
 * (the provider's balance falling low, a log channel refusing posts) is acted on once: by the
 * process whose move landed. Keyv alone has no compare-and-set; the store's atomic record does.
 * A mark is kept until it is cleared: forgetting one would tell its note again.
 */
export class StateMarks<Value extends Mark> {
  constructor(
    /** The namespace's Keyv, which may hold other records besides these marks. */
    private readonly keyv: Keyv<unknown>,
    private readonly atomic: AtomicEntries,
  ) {}

  async get(key: string): Promise<Value | undefined> {
    // Only `move` writes a mark's key.
    return (await this.keyv.get(key)) as Value | undefined;
  }

  /**
   * Writes `next(current)` at `key` unless it returns `undefined`, provided no other process wrote
   * the mark in between; otherwise runs `next` again on what that process wrote. Resolves with the
   * mark as it was before the write that landed, and what was written (`undefined`: nothing).
   */
  async move(
    key: string,
    next: (current: Value | undefined) => Value | undefined,
  ): Promise<{ before: Value | undefined; written: Value | undefined }> {
    let current = await this.get(key);
    for (let attempt = 0; attempt < MOVE_ATTEMPTS; attempt++) {
      const value = next(current);
      if (value === undefined) return { before: current, written: undefined };
      const outcome = await this.atomic.apply({
        record: { key, from: current?.state ?? null, value },
      });
      if (outcome.applied) return { before: current, written: value };
      current = 'record' in outcome ? (outcome.record?.value as Value | undefined) : await this.get(key);
    }
    throw new Error(`the mark ${key} kept changing under ${MOVE_ATTEMPTS} moves`);
  }

  /** Forgets the mark: the next move starts from none. */
  async clear(key: string): Promise<void> {
    await this.keyv.delete(key);
  }
}
