import { randomUUID } from 'node:crypto';
import type Keyv from 'keyv';
import { compileRule, type FilterRule, PromptFilter, ruleKey } from './prompt-filter.js';

/** A filter as stored: the rule, who added it and when (epoch ms). */
export interface StoredFilterRule extends FilterRule {
  readonly addedBy: string;
  readonly addedAt: number;
}

/** One guild's filters. `revision` is new on every write, so a process can tell its compiled copy is stale. */
export interface GuildFilters {
  readonly rules: readonly StoredFilterRule[];
  readonly revision: string;
}

export interface PromptFilterStoreOptions {
  readonly now?: () => number;
  /** How many guilds' compiled filters to keep; the least recently checked go first. */
  readonly compiledGuilds?: number;
}

/**
 * Each guild's prompt filters in Keyv. Admin changes are rare and whole-record, so last write
 * wins, as with guild settings. Every check reads the record (one Keyv get, as `/video` does
 * for the guild's settings), so a change made by any process applies to the next prompt, and
 * recompiles only when its revision changed.
 */
export class PromptFilterStore {
  private readonly compiled = new Map<string, { revision: string; filter: PromptFilter<StoredFilterRule> }>();
  private readonly now: () => number;
  private readonly compiledGuilds: number;

  constructor(
    private readonly keyv: Keyv<GuildFilters>,
    { now = Date.now, compiledGuilds = 1_000 }: PromptFilterStoreOptions = {},
  ) {
    this.now = now;
    this.compiledGuilds = compiledGuilds;
  }

  /** The guild's filters in the order they were added. */
  async list(guildId: string): Promise<readonly StoredFilterRule[]> {
    return (await this.keyv.get(guildId))?.rules ?? [];
  }

  /**
   * Adds `rule` unless the guild has it already (the same word once folded, or the same
   * pattern), and says which. Throws a `UserError` for a rule that cannot be a filter, or one
   * past the guild's limits, and saves nothing then.
   */
  async add(guildId: string, rule: FilterRule, addedBy: string): Promise<'added' | 'present'> {
    compileRule(rule); // Throws the reason this rule cannot be a filter, which `PromptFilter.of` would set aside.
    const rules = await this.list(guildId);
    const key = ruleKey(rule);
    if (rules.some((stored) => ruleKey(stored) === key)) return 'present';
    PromptFilter.of([...rules, rule]).assertWithinLimits();
    const added: StoredFilterRule = { kind: rule.kind, text: rule.text, addedBy, addedAt: this.now() };
    await this.keyv.set(guildId, { rules: [...rules, added], revision: randomUUID() });
    return 'added';
  }

  /** Removes the guild's filter that is the same as `rule` and gives it back, as it was added; none when it had none. */
  async remove(guildId: string, rule: FilterRule): Promise<StoredFilterRule | undefined> {
    const rules = await this.list(guildId);
    const key = ruleKey(rule);
    const removed = rules.find((stored) => ruleKey(stored) === key);
    if (!removed) return undefined;
    const kept = rules.filter((stored) => stored !== removed);
    if (kept.length === 0) await this.keyv.delete(guildId);
    else await this.keyv.set(guildId, { rules: kept, revision: randomUUID() });
    return removed;
  }

  /** The guild's filters, compiled; none outside a guild. */
  async filterFor(guildId: string | null): Promise<PromptFilter<StoredFilterRule>> {
    if (!guildId) return PromptFilter.EMPTY;
    const stored = await this.keyv.get(guildId);
    const cached = this.compiled.get(guildId);
    this.compiled.delete(guildId);
    if (!stored) return PromptFilter.EMPTY;
    const filter = cached?.revision === stored.revision ? cached.filter : PromptFilter.of(stored.rules);
    // Re-inserted, the guild becomes the most recently checked; the oldest is first in the map.
    this.compiled.set(guildId, { revision: stored.revision, filter });
    const oldest = this.compiled.keys().next();
    if (this.compiled.size > this.compiledGuilds && !oldest.done) this.compiled.delete(oldest.value);
    return filter;
  }
}
