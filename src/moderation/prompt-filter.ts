import { RE2JS, RE2JSSyntaxException } from 're2js';
import { UserError } from '../user-error.js';

/**
 * One of a server's prompt filters, as an admin added it: a `word` (or phrase) matched whole on
 * the prompt's folded form, or a `pattern`, a regular expression in RE2 syntax.
 */
export interface FilterRule {
  readonly kind: 'word' | 'pattern';
  readonly text: string;
}

/**
 * A check costs at most (prompt length × RE2 instructions) steps, so these bound it for every
 * prompt. Word rules compile to short, narrow automata that the length limit bounds; patterns
 * are checked on two forms of the prompt and can keep many states alive at once, so their
 * instructions are counted, each and together.
 */
export const FILTER_LIMITS = {
  rulesPerGuild: 100,
  wordLength: 50,
  patternLength: 200,
  patternProgram: 250,
  guildPatternProgram: 1_200,
} as const;

// Marks that accents and zalgo stacks are made of. Other scripts' marks (kana voicing, Indic
// vowel signs) change the letter, so they stay.
const DIACRITICS = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/gu;
// Characters that show nothing: format characters (zero-width space and joiners, soft hyphen,
// direction marks), variation selectors and the Hangul fillers that render as blank.
const INVISIBLE = /\p{Cf}|[\ufe00-\ufe0f\u{e0100}-\u{e01ef}]|[\u115f\u1160\u3164\uffa0]/gu;
// Outside ASCII, whatever is not a letter, digit or mark separates words: quotes, dashes, bullets, emoji.
const NON_ASCII_SEPARATOR = /[^\p{L}\p{N}\p{M}\p{ASCII}]/gu;
const SPACES = /\s+/gu;

// Letters of other scripts, and Latin letter forms, that read as one Latin letter. Only small
// letters are listed: text is case folded first, so a capital (Cyrillic К) takes its small
// letter's place (к, shaped like a small capital K). Those that read as two letters (Greek ν: v,
// or n as a capital) stay, and a word rule reads them as either (see STAND_INS).
const LOOKALIKES: ReadonlyMap<string, string> = new Map(
  [
    // Cyrillic
    'аa вb еe кk мm нh оo рp сc тt уy хx ѕs іi јj үy һh ԛq ԝw ԁd',
    // Greek
    'αa βb γy εe ζz ιi κk οo ρp τt χx ωw',
    // Latin small capitals and letter variants
    'ᴀa ʙb ᴄc ᴅd ᴇe ɢg ʜh ɪi ᴊj ᴋk ʟl ᴍm ɴn ᴏo ᴘp ʀr ꜱs ᴛt ᴜu ᴠv ᴡw ʏy ᴢz ɑa ɡg ȷj',
  ]
    .flatMap((line) => line.split(' '))
    .map((pair) => [pair.slice(0, 1), pair.slice(1)] as const),
);

/**
 * The form of `text` that rules are matched on: NFKC (fullwidth, ligatures, styled and circled
 * letters become plain ones), case folded, accents stripped, look-alike letters of other scripts
 * made Latin, invisible characters removed, punctuation and symbols outside ASCII made spaces and
 * each run of spaces one space. ASCII digits and symbols stay as typed: a word rule reads them as
 * the letters they stand for.
 */
export function foldPrompt(text: string): string {
  // Lower, upper, then lower case approximates Unicode's full case folding: ẞ → ß → SS → ss, ς → Σ → σ.
  const bare = stripDiacritics(text.normalize('NFKC').toLowerCase().toUpperCase().toLowerCase());
  return Array.from(bare, (char) => LOOKALIKES.get(char) ?? char)
    .join('')
    .replace(INVISIBLE, '')
    .replace(NON_ASCII_SEPARATOR, ' ')
    .replace(SPACES, ' ')
    .trim()
    .normalize('NFC');
}

function stripDiacritics(text: string): string {
  return text.normalize('NFD').replace(DIACRITICS, '');
}

// Digits, symbols and two-faced letters written for a letter. A character of a word rule matches
// every character of each group it belongs to: 'i' matches 1 ! |, and '1' matches i and l.
const STAND_INS: readonly string[] = [
  'a4@',
  'b8',
  'e3',
  'g9',
  'i1!|ӏ',
  'l1|ӏ',
  'o0',
  's5$',
  't7+',
  // Greek and Cyrillic letters that read as one Latin letter small and another as a capital.
  'hη',
  'nην',
  'mμ',
  'uμυ',
  'vν',
  'yυ',
];

// In RE2 syntax, on the folded form. A word character is a letter, digit or mark, or one of the
// stand-ins that are not punctuation anywhere else (@ $), so "cl@ss" is one word and "ass" does
// not match inside it. Outside ASCII folding left nothing else, and naming the range is much
// cheaper for RE2 than Unicode's letter classes.
const WORD = '0-9a-zA-Z@$\\x{80}-\\x{10ffff}';
// Stand-ins that are punctuation too: inside a word they are letters ("sh!t"), after one they end it ("bad!").
const PUNCTUATION_STAND_INS = '!|+';
// Separators: anything that is neither a word character nor a stand-in.
const SEPARATOR = `[^${WORD}${PUNCTUATION_STAND_INS}]`;
// Scripts written without spaces between words: a rule in them matches inside running text, and
// a Latin word beside them still ends there.
const UNSPACED = '[\\p{Han}\\p{Hiragana}\\p{Katakana}\\p{Thai}\\p{Lao}\\p{Khmer}\\p{Myanmar}]';
const NOT_WORD = `[^${WORD}]|${UNSPACED}`;
// Ends of a word spelled one character at a time ("b a d"): next to it, past any separators, is
// nothing, a character that is no separator and no letter, or a token of two characters or more,
// so a letter of a longer spaced-out word ("c l a s s") is not read as the start of one.
const SPACED_BEFORE = `(?:^${SEPARATOR}*|[${PUNCTUATION_STAND_INS}]${SEPARATOR}*|${UNSPACED}${SEPARATOR}*|[${WORD}]{2}${SEPARATOR}+)`;
const SPACED_AFTER = `(?:${SEPARATOR}*$|${SEPARATOR}*[${PUNCTUATION_STAND_INS}]|${SEPARATOR}*${UNSPACED}|${SEPARATOR}+[${WORD}]{2})`;
const SEPARATORS = RE2JS.compile(`${SEPARATOR}+`);
const HAS_WORD_CHAR = RE2JS.compile(`[${WORD}]`);
const IS_UNSPACED = RE2JS.compile(UNSPACED);

const literal = (char: string) => `\\x{${(char.codePointAt(0) ?? 0).toString(16)}}`;

/** The RE2 class of characters in a prompt that may stand for `char` of a word rule. */
function standInClass(char: string): string {
  const chars = new Set([char, ...STAND_INS.filter((group) => group.includes(char)).flatMap((group) => [...group])]);
  return chars.size === 1 ? literal(char) : `[${[...chars].map(literal).join('')}]`;
}

/**
 * The RE2 source of a word rule, from its folded words. It matches the words in a row, any separators
 * between them, or every character spelled apart ("b a d", "b.a.d"); either way, only where the
 * whole sequence stands as a word: not inside "class" for "ass".
 */
function wordSource(words: readonly string[]): string {
  const chars = words.flatMap((word) => [...word]);
  const first = chars[0] ?? '';
  const last = chars.at(-1) ?? '';
  const bounded = (source: string, before: string, after: string) =>
    `${IS_UNSPACED.test(first) ? '' : before}${source}${IS_UNSPACED.test(last) ? '' : after}`;
  const whole = bounded(
    words.map((word) => [...word].map(standInClass).join('')).join(`${SEPARATOR}+`),
    `(?:^|${NOT_WORD})`,
    `(?:$|${NOT_WORD})`,
  );
  if (chars.length < 2) return whole;
  const spaced = bounded(chars.map(standInClass).join(`${SEPARATOR}+`), SPACED_BEFORE, SPACED_AFTER);
  return `${whole}|${spaced}`;
}

/** The two forms of a text a rule may match: as typed (NFKC), and folded. */
interface Forms {
  readonly typed: string;
  readonly folded: string;
}

/** A rule ready to check prompts. */
export interface CompiledRule<R extends FilterRule = FilterRule> {
  readonly rule: R;
  /** RE2 instructions: what one check of this rule costs per character of prompt. */
  readonly size: number;
  matches(forms: Forms): boolean;
}

/**
 * `rule` compiled for RE2JS, whose automata run in time linear in the prompt's length, or a
 * `UserError` saying why it cannot be a filter. No rule ever reaches a backtracking engine.
 */
export function compileRule<R extends FilterRule>(rule: R): CompiledRule<R> {
  return rule.kind === 'word' ? compileWord(rule) : compilePattern(rule);
}

/** A word rule's text folded and cut into its words, which separators of any kind divide. */
function foldedWords(text: string): string[] {
  return SEPARATORS.split(foldPrompt(text)).filter((word) => word !== '');
}

function compileWord<R extends FilterRule>(rule: R): CompiledRule<R> {
  const words = foldedWords(rule.text);
  if ([...words.join(' ')].length > FILTER_LIMITS.wordLength) {
    throw UserError.of('filter.word_too_long', { max: FILTER_LIMITS.wordLength });
  }
  if (!words.some((word) => HAS_WORD_CHAR.test(word))) {
    throw UserError.of('filter.word_empty');
  }
  const re = RE2JS.compile(wordSource(words));
  return { rule, size: re.programSize(), matches: ({ folded }) => re.test(folded) };
}

function compilePattern<R extends FilterRule>(rule: R): CompiledRule<R> {
  if ([...rule.text].length > FILTER_LIMITS.patternLength) {
    throw UserError.of('filter.pattern_too_long', { max: FILTER_LIMITS.patternLength });
  }
  const re = withinSize(parsePattern(rule.text));
  if (re.test('')) throw UserError.of('filter.pattern_matches_empty');
  // The typed form keeps what folding would change (Cyrillic words, accents, digits), so a
  // pattern written for either form finds its match.
  return { rule, size: re.programSize(), matches: ({ typed, folded }) => re.test(typed) || re.test(folded) };
}

// RE2's errors for patterns whose automaton would be too large.
const TOO_LARGE = new Set(['expression too large', 'invalid repeat count', 'expression nests too deeply']);
// What RE2 leaves out because only backtracking can match it, named so the admin learns why.
const LOOKAROUND_OR_BACKREFERENCE = /\(\?<?[=!]|\\[1-9]|\\k</;

function parsePattern(source: string): RE2JS {
  try {
    return RE2JS.compile(source, RE2JS.CASE_INSENSITIVE);
  } catch (error) {
    if (!(error instanceof RE2JSSyntaxException)) throw error;
    if (TOO_LARGE.has(error.error)) throw tooComplex();
    if (LOOKAROUND_OR_BACKREFERENCE.test(source)) throw UserError.of('filter.pattern_unsupported');
    // RE2's description names the fault without quoting the pattern back.
    throw UserError.of('filter.pattern_invalid', { error: error.error });
  }
}

function withinSize(re: RE2JS): RE2JS {
  if (re.programSize() > FILTER_LIMITS.patternProgram) throw tooComplex();
  return re;
}

const tooComplex = () => UserError.of('filter.pattern_too_complex');

/** What two rules are the same filter by: words compare folded, patterns as written. */
export function ruleKey(rule: FilterRule): string {
  return `${rule.kind}:${rule.kind === 'word' ? foldedWords(rule.text).join(' ') : rule.text}`;
}

/** A rule that cannot be checked any more, and why: one stored before a limit was lowered. */
export interface UnusableRule<R extends FilterRule = FilterRule> {
  readonly rule: R;
  readonly error: UserError;
}

/**
 * A server's rules, compiled: checks a prompt before anything is spent. `R` is the rules as
 * given, so a hit comes back with whatever the caller keeps beside a rule (who added it).
 */
export class PromptFilter<R extends FilterRule = FilterRule> {
  static readonly EMPTY: PromptFilter<never> = new PromptFilter<never>([], []);

  private constructor(
    private readonly rules: readonly CompiledRule<R>[],
    /** Rules left out of the check, for the bot to report; the admin still sees them listed. */
    readonly unusable: readonly UnusableRule<R>[],
  ) {}

  /** Compiles `rules`, leaving out (into `unusable`) those that no longer compile. */
  static of<R extends FilterRule>(rules: readonly R[]): PromptFilter<R> {
    const compiled: CompiledRule<R>[] = [];
    const unusable: UnusableRule<R>[] = [];
    for (const rule of rules) {
      try {
        compiled.push(compileRule(rule));
      } catch (error) {
        if (!(error instanceof UserError)) throw error;
        unusable.push({ rule, error });
      }
    }
    return new PromptFilter(compiled, unusable);
  }

  /** Throws the `UserError` for rules too many, or too complex together, to check each prompt against quickly. */
  assertWithinLimits(): void {
    if (this.rules.length + this.unusable.length > FILTER_LIMITS.rulesPerGuild) {
      throw UserError.of('filter.too_many', { max: FILTER_LIMITS.rulesPerGuild });
    }
    const patterns = this.rules.filter(({ rule }) => rule.kind === 'pattern').reduce((sum, { size }) => sum + size, 0);
    if (patterns > FILTER_LIMITS.guildPatternProgram) throw UserError.of('filter.patterns_too_large');
  }

  /**
   * The first rule, in the order added, that `prompt` matches. Only the prompt is checked: a
   * negative prompt is where members keep unwanted things out, and it cannot make the model show any.
   */
  check(prompt: string): R | undefined {
    if (this.rules.length === 0) return undefined;
    const forms = { typed: prompt.normalize('NFKC'), folded: foldPrompt(prompt) };
    return this.rules.find((compiled) => compiled.matches(forms))?.rule;
  }
}
