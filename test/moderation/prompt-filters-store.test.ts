import { describe, expect, it, onTestFinished } from 'vitest';
import { FILTER_LIMITS, type FilterRule } from '../../src/moderation/prompt-filter.js';
import { type GuildFilters, PromptFilterStore } from '../../src/moderation/prompt-filters-store.js';
import { openStore } from '../../src/store/store.js';
import { tempFileForTest } from '../support/temp-file.js';

/** Prompt filters on a real SQLite store. */

const GUILD = '100000000000000001';
const OTHER_GUILD = '100000000000000002';
const ADMIN = '200000000000000001';
const word = (text: string): FilterRule => ({ kind: 'word', text });
const pattern = (text: string): FilterRule => ({ kind: 'pattern', text });

async function openAt(path: string) {
  const store = await openStore({ kind: 'sqlite', path });
  onTestFinished(() => store.close());
  return store.keyv<GuildFilters>('prompt-filters');
}

async function filterStore(options: ConstructorParameters<typeof PromptFilterStore>[1] = {}) {
  const keyv = await openAt(await tempFileForTest('bot.sqlite'));
  return { keyv, filters: new PromptFilterStore(keyv, { now: () => 1_700_000_000_000, ...options }) };
}

describe('PromptFilterStore', () => {
  it('adds, lists and removes a guild’s filters, in the order added', async () => {
    const { filters } = await filterStore();
    expect(await filters.add(GUILD, word('Gore'), ADMIN)).toBe('added');
    expect(await filters.add(GUILD, pattern('blood+'), ADMIN)).toBe('added');
    expect(await filters.list(GUILD)).toEqual([
      { kind: 'word', text: 'Gore', addedBy: ADMIN, addedAt: 1_700_000_000_000 },
      { kind: 'pattern', text: 'blood+', addedBy: ADMIN, addedAt: 1_700_000_000_000 },
    ]);
    expect(await filters.list(OTHER_GUILD)).toEqual([]);

    expect(await filters.remove(GUILD, word('GORE'))).toEqual({
      ...word('Gore'),
      addedBy: ADMIN,
      addedAt: 1_700_000_000_000,
    });
    expect(await filters.remove(GUILD, word('gore'))).toBeUndefined();
    expect((await filters.list(GUILD)).map(({ text }) => text)).toEqual(['blood+']);
    expect(await filters.remove(GUILD, pattern('blood+'))).toMatchObject(pattern('blood+'));
    expect(await filters.list(GUILD)).toEqual([]);
  });

  it('adds a word once however it is written, and a pattern with the same text as its own rule', async () => {
    const { filters } = await filterStore();
    await filters.add(GUILD, word('bad word'), ADMIN);
    expect(await filters.add(GUILD, word('  BAD-Wörd '), '200000000000000002')).toBe('present');
    expect(await filters.add(GUILD, pattern('bad word'), ADMIN)).toBe('added');
    expect((await filters.list(GUILD)).map(({ kind, text }) => [kind, text])).toEqual([
      ['word', 'bad word'],
      ['pattern', 'bad word'],
    ]);
  });

  it('saves nothing for a refused rule or one past the guild’s limits', async () => {
    const { filters } = await filterStore();
    await expect(filters.add(GUILD, pattern('(?=x)'), ADMIN)).rejects.toMatchObject({
      identifier: 'filter.pattern_unsupported',
    });
    for (let i = 0; i < FILTER_LIMITS.rulesPerGuild; i++) await filters.add(GUILD, word(`word${i}`), ADMIN);
    await expect(filters.add(GUILD, word('one more'), ADMIN)).rejects.toMatchObject({ identifier: 'filter.too_many' });
    const listed = await filters.list(GUILD);
    expect(listed).toHaveLength(FILTER_LIMITS.rulesPerGuild);
    expect(listed.map(({ text }) => text)).not.toContain('one more');
  });

  it('checks prompts against the guild’s filters, and none outside a guild', async () => {
    const { filters } = await filterStore();
    await filters.add(GUILD, word('gore'), ADMIN);
    expect((await filters.filterFor(GUILD)).check('G0RE everywhere')).toEqual({
      ...word('gore'),
      addedBy: ADMIN,
      addedAt: 1_700_000_000_000,
    });
    expect((await filters.filterFor(OTHER_GUILD)).check('gore')).toBeUndefined();
    expect((await filters.filterFor(null)).check('gore')).toBeUndefined();
  });

  it('compiles a guild’s filters again only when they changed', async () => {
    const { filters } = await filterStore();
    await filters.add(GUILD, word('gore'), ADMIN);
    const first = await filters.filterFor(GUILD);
    expect(await filters.filterFor(GUILD)).toBe(first);
    await filters.add(GUILD, word('blood'), ADMIN);
    const changed = await filters.filterFor(GUILD);
    expect(changed).not.toBe(first);
    expect(changed.check('blood')).toBeDefined();
  });

  it('applies a change made by another process to the next check', async () => {
    const path = await tempFileForTest('bot.sqlite');
    const mine = new PromptFilterStore(await openAt(path));
    const theirs = new PromptFilterStore(await openAt(path));
    await mine.add(GUILD, word('gore'), ADMIN);
    expect((await theirs.filterFor(GUILD)).check('gore')).toBeDefined();

    await mine.remove(GUILD, word('gore'));
    await mine.add(GUILD, word('blood'), ADMIN);
    const now = await theirs.filterFor(GUILD);
    expect(now.check('gore')).toBeUndefined();
    expect(now.check('blood')).toBeDefined();
  });

  it('keeps the compiled filters of only the guilds checked most recently', async () => {
    const { filters } = await filterStore({ compiledGuilds: 1 });
    await filters.add(GUILD, word('gore'), ADMIN);
    await filters.add(OTHER_GUILD, word('blood'), ADMIN);
    const first = await filters.filterFor(GUILD);
    expect(await filters.filterFor(GUILD)).toBe(first);
    await filters.filterFor(OTHER_GUILD);
    expect(await filters.filterFor(GUILD)).not.toBe(first);
  });

  it('checks the rules that still compile and names the one stored before a limit was lowered', async () => {
    const { keyv, filters } = await filterStore();
    const tooLong = 'x'.repeat(FILTER_LIMITS.patternLength + 1);
    await keyv.set(GUILD, {
      rules: [
        { kind: 'pattern', text: tooLong, addedBy: ADMIN, addedAt: 1 },
        { kind: 'word', text: 'gore', addedBy: ADMIN, addedAt: 2 },
      ],
      revision: 'stored-by-an-older-bot',
    });
    const filter = await filters.filterFor(GUILD);
    expect(filter.unusable.map(({ rule }) => rule.text)).toEqual([tooLong]);
    expect(filter.check('gore')).toMatchObject(word('gore'));
    // It still counts toward the guild's rules, so the admin sees it and can remove it.
    expect(await filters.remove(GUILD, pattern(tooLong))).toMatchObject(pattern(tooLong));
  });
});
