import { describe, expect, it } from 'vitest';
import {
  compileRule,
  FILTER_LIMITS,
  type FilterRule,
  foldPrompt,
  PromptFilter,
} from '../../src/moderation/prompt-filter.js';
import { UserError } from '../../src/user-error.js';

const word = (text: string): FilterRule => ({ kind: 'word', text });
const pattern = (text: string): FilterRule => ({ kind: 'pattern', text });
const refuses = (rules: FilterRule[], prompt: string) => PromptFilter.of(rules).check(prompt) !== undefined;

/** The `UserError` that compiling `rule` throws. */
function refusal(rule: FilterRule): UserError {
  try {
    compileRule(rule);
  } catch (error) {
    if (error instanceof UserError) return error;
    throw error;
  }
  throw new Error(`${rule.kind} ${rule.text} was accepted`);
}

describe('foldPrompt', () => {
  it.each([
    ['ＢＡＤ', 'bad'], // fullwidth, by NFKC
    ['𝐛𝐚𝐝 ⓑⓐⓓ', 'bad bad'], // styled and circled letters, by NFKC
    ['bаd', 'bad'], // Cyrillic а
    ['ВАD', 'bad'], // Cyrillic В and А, as capitals
    ['ΒΑD', 'bad'], // Greek Β and Α
    ['ʙᴀᴅ', 'bad'], // Latin small capitals
    ['b\u200Bad', 'bad'], // zero-width space
    ['b\u00ADa\u2060d', 'bad'], // soft hyphen, word joiner
    ['bàd', 'bad'],
    ['b̷̛a̶͠d̸̢', 'bad'], // zalgo
    ['STRAẞE', 'strasse'],
    ['  bad \n\t word  ', 'bad word'],
  ])('folds %j to %j', (text, folded) => {
    expect(foldPrompt(text)).toBe(folded);
  });

  it('keeps the marks that make another letter in scripts other than Latin, Greek and Cyrillic', () => {
    expect(foldPrompt('ばか')).toBe('ばか');
    expect(foldPrompt('ばか')).not.toBe(foldPrompt('はか'));
  });
});

describe('word rules', () => {
  it.each([
    'ass',
    'ASS',
    'kick ass!',
    'my ass.',
    '(ass)',
    'an ass-kicking',
    'ａｓｓ',
    'аss', // Cyrillic а
    'ａ\u200Bｓｓ',
    'a\u200Bss',
    'áss',
    '@ss',
    'a55',
    '4$$',
    'a s s',
    'a.s.s',
    'a - s - s',
    'i like a s s here',
  ])('"ass" matches %j', (prompt) => {
    expect(refuses([word('ass')], prompt)).toBe(true);
  });

  it.each([
    'class',
    'pass',
    'assistant',
    'bass guitar',
    'Ássistant',
    'cl@ss',
    'gl4ss',
    '$ass', // "sass": $ stands for s
    'c l a s s', // a letter of a longer word spelled apart
    'a s s i s t',
    'a ss',
    'as s',
  ])('"ass" does not match %j', (prompt) => {
    expect(refuses([word('ass')], prompt)).toBe(false);
  });

  it('reads digits and symbols as each letter they stand for, and only those', () => {
    expect(refuses([word('shit')], 'sh!t')).toBe(true);
    expect(refuses([word('shit')], 'SH1T')).toBe(true);
    expect(refuses([word('kill')], 'k1ll')).toBe(true);
    expect(refuses([word('kill')], 'ki||')).toBe(true);
    // i and l are not one letter: "hell" is not "heil".
    expect(refuses([word('heil')], 'hell yeah')).toBe(false);
    expect(refuses([word('hell')], 'hello')).toBe(false);
  });

  it('matches a rule written in leetspeak on the plain word', () => {
    expect(refuses([word('b4d')], 'bad')).toBe(true);
    expect(refuses([word('sh!t')], 'shit')).toBe(true);
  });

  it('reads a letter that looks like two Latin letters as either', () => {
    expect(refuses([word('nazi')], 'ΝΑΖΙ')).toBe(true); // Greek capitals: Ν reads as N
    expect(refuses([word('vile')], 'νile')).toBe(true); // Greek small ν reads as v
  });

  it('matches a phrase with any separators between its words, or spelled apart', () => {
    const rules = [word('Bad Word')];
    for (const prompt of ['a bad word here', 'BAD  WORD', 'bad-word', 'bad_word', 'bad\nword', 'b a d w o r d']) {
      expect(refuses(rules, prompt), prompt).toBe(true);
    }
    for (const prompt of ['badword', 'bad words', 'not bad, wordy']) {
      expect(refuses(rules, prompt), prompt).toBe(false);
    }
  });

  it('folds a rule in Cyrillic as it folds the prompt', () => {
    expect(refuses([word('дурак')], 'ты ДУРАК')).toBe(true);
    expect(refuses([word('дурак')], 'дураки')).toBe(false);
  });

  it('matches a rule in a script without spaces inside running text, and a Latin word beside it', () => {
    expect(refuses([word('坏蛋')], '他是个坏蛋啊')).toBe(true);
    expect(refuses([word('坏蛋')], '好蛋')).toBe(false);
    expect(refuses([word('sex')], '我想要sex视频')).toBe(true);
    expect(refuses([word('sex')], 'Sussex')).toBe(false);
    expect(refuses([word('ばか')], 'はかない')).toBe(false);
  });

  it('refuses a word without a letter or digit, and one too long', () => {
    expect(refusal(word(' !!! ')).identifier).toBe('filter.word_empty');
    expect(refusal(word('a'.repeat(FILTER_LIMITS.wordLength + 1))).message).toBe(
      `A word can be at most ${FILTER_LIMITS.wordLength} characters.`,
    );
    expect(() => compileRule(word('a'.repeat(FILTER_LIMITS.wordLength)))).not.toThrow();
  });
});

describe('pattern rules', () => {
  it('match case-insensitively on the folded prompt', () => {
    const rules = [pattern('\\b1[0-7] ?y(ea)?rs? ?old\\b')];
    expect(refuses(rules, 'a 15 YEAR OLD')).toBe(true);
    expect(refuses(rules, 'a 15 yеar оld')).toBe(true); // Cyrillic е and о
    expect(refuses(rules, 'a 25 year old')).toBe(false);
    expect(refuses([pattern('n[a4]zi')], 'nаzі')).toBe(true);
  });

  it('match a pattern in another script on the prompt as typed', () => {
    expect(refuses([pattern('дура+к')], 'ДУРААК')).toBe(true);
  });

  it('accept a pattern that backtracking engines take exponential time over, and answer at once', () => {
    // RE2 semantics: the automaton steps through the input once, whatever the nesting, so the
    // prompt that makes a backtracking engine try 2^800 ways is answered in one pass.
    const filter = PromptFilter.of([pattern('(a+)+$'), pattern('(x+x+)+y'), pattern('(.*a){20}$')]);
    expect(filter.unusable).toEqual([]);
    expect(filter.check(`${'a'.repeat(799)}!`)).toBeUndefined();
    expect(filter.check('x'.repeat(800))).toBeUndefined();
    expect(filter.check('aaa')).toEqual(pattern('(a+)+$'));
  });

  it.each([
    ['a{1001}', 'filter.pattern_too_complex'],
    ['((a{100}){100}){100}', 'filter.pattern_too_complex'],
    ['[ab]{1,200}c', 'filter.pattern_too_complex'],
    ['(?=a)b', 'filter.pattern_unsupported'],
    ['(?<!a)b', 'filter.pattern_unsupported'],
    ['(a)\\1', 'filter.pattern_unsupported'],
    ['[a', 'filter.pattern_invalid'],
    ['a**', 'filter.pattern_invalid'],
    ['x*', 'filter.pattern_matches_empty'],
    ['^|bad', 'filter.pattern_matches_empty'],
    ['a'.repeat(FILTER_LIMITS.patternLength + 1), 'filter.pattern_too_long'],
  ])('refuse %j (%s)', (source, identifier) => {
    expect(refusal(pattern(source)).identifier).toBe(identifier);
  });

  it('say why in a short message that does not quote the pattern', () => {
    expect(refusal(pattern('[secret')).message).toBe('That is not a valid pattern (missing closing ]).');
    expect(refusal(pattern('(a{50}){50}')).message).toBe(
      'That pattern is too complex to check quickly: use fewer or smaller repeats.',
    );
  });
});

describe('PromptFilter', () => {
  it('names the first rule matched, in the order the rules were added', () => {
    const filter = PromptFilter.of([word('blood'), pattern('gore+')]);
    expect(filter.check('goreee and blood')).toEqual(word('blood'));
    expect(filter.check('a field, GOREE')).toEqual(pattern('gore+'));
    expect(filter.check('a field of flowers')).toBeUndefined();
  });

  it('gives back the rule as it was given, with what the caller keeps beside it', () => {
    const stored = { ...word('blood'), addedBy: '200000000000000001' };
    expect(PromptFilter.of([stored]).check('BL00D')).toBe(stored);
  });

  it('leaves out, and names, a stored rule that no longer compiles', () => {
    const tooLong = pattern('b'.repeat(FILTER_LIMITS.patternLength + 1));
    const filter = PromptFilter.of([tooLong, word('bad')]);
    expect(filter.unusable.map(({ rule, error }) => [rule, error.identifier])).toEqual([
      [tooLong, 'filter.pattern_too_long'],
    ]);
    expect(filter.check('bad')).toEqual(word('bad'));
  });

  it('refuses more rules than a server may have, and patterns too complex together', () => {
    const many = Array.from({ length: FILTER_LIMITS.rulesPerGuild + 1 }, (_, i) => word(`word${i}`));
    expect(() => PromptFilter.of(many.slice(1)).assertWithinLimits()).not.toThrow();
    expect(() => PromptFilter.of(many).assertWithinLimits()).toThrow(
      expect.objectContaining({ identifier: 'filter.too_many' }),
    );
    // Each at most the size one pattern may be; together past what a server's may be.
    const large = Array.from({ length: 10 }, (_, i) => pattern(`[ab]{1,60}c${i}`));
    expect(compileRule(large[0] as FilterRule).size).toBeLessThanOrEqual(FILTER_LIMITS.patternProgram);
    expect(() => PromptFilter.of(large).assertWithinLimits()).toThrow(
      expect.objectContaining({ identifier: 'filter.patterns_too_large' }),
    );
  });
});
