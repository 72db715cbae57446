import { describe, expect, it } from 'vitest';
import { quotePrompt } from '../../src/discord/messages.js';

// Characters Discord's Markdown reads somewhere in a line.
const MARKUP = new Set(['\\', '*', '_', '~', '|', '`', '[', ']', '<', '>', '#', '@']);

/** Markup characters Discord would still act on: not escaped and not inside a `<link>`. */
function liveMarkup(quote: string): string[] {
  const body = quote.slice('> '.length);
  const live: string[] = [];
  for (let i = 0; i < body.length; i++) {
    const char = body[i] ?? '';
    const link = /^<https?:\/\/[^\s<>]+>/i.exec(body.slice(i));
    if (link) {
      i += link[0].length - 1;
    } else if (char === '\\') {
      i++; // the next character is shown as itself
    } else if (MARKUP.has(char)) {
      live.push(`${char} at ${i}`);
    }
  }
  return live;
}

/** Links Discord would preview: any not wrapped in `<…>`. */
function previewedLinks(quote: string): string[] {
  return [...quote.matchAll(/https?:\/\/\S*/gi)].filter((m) => quote[m.index - 1] !== '<').map((m) => m[0]);
}

describe('quotePrompt', () => {
  it('shows a fake Nitro heading with a masked link literally, its link unpreviewed', () => {
    const quote = quotePrompt('# FREE NITRO [claim here](https://evil.example)');
    expect(quote).toBe('> \\# FREE NITRO \\[claim here\\](<https://evil.example>)');
    expect(liveMarkup(quote)).toEqual([]);
    expect(previewedLinks(quote)).toEqual([]);
  });

  it.each([
    ['subtext', '-# small print', '> \\-\\# small print'],
    ['a bullet', '- one', '> \\- one'],
    ['a numbered item', '12. twelve', '> 12\\. twelve'],
    ['a block quote', '>>> everything after', '> \\>\\>\\> everything after'],
    [
      'bold, italics, underline, strikethrough',
      '**b** *i* _i_ __u__ ~~s~~',
      '> \\*\\*b\\*\\* \\*i\\* \\_i\\_ \\_\\_u\\_\\_ \\~\\~s\\~\\~',
    ],
    ['a spoiler', '||the end||', '> \\|\\|the end\\|\\|'],
    ['code', '`x` ```block```', '> \\`x\\` \\`\\`\\`block\\`\\`\\`'],
    [
      'mentions and @everyone',
      '@everyone <@123> <@&456> <#789>',
      '> \\@everyone \\<\\@123\\> \\<\\@&456\\> \\<\\#789\\>',
    ],
    ['a timestamp and a custom emoji', '<t:0:R> <:nitro:1>', '> \\<t:0:R\\> \\<:nitro:1\\>'],
    ['backslashes the member typed', '\\*not bold\\*', '> \\\\\\*not bold\\\\\\*'],
  ])('shows %s literally', (_case, prompt, quote) => {
    expect(quotePrompt(prompt)).toBe(quote);
    expect(liveMarkup(quotePrompt(prompt))).toEqual([]);
  });

  it('keeps a forged prompt with line breaks on the quote’s one line', () => {
    expect(quotePrompt('a cat\n# FREE NITRO\r\n-# fine print\u2028> quote')).toBe(
      '> a cat \\# FREE NITRO -\\# fine print \\> quote',
    );
  });

  it('wraps every bare link so Discord previews none, and leaves the link itself intact', () => {
    const quote = quotePrompt(
      'see https://a.example/x_y*z, HTTP://B.EXAMPLE/path. and (https://c.example/q?a=1) <https://d.example>',
    );
    expect(quote).toBe(
      '> see <https://a.example/x_y*z>, <HTTP://B.EXAMPLE/path>. and (<https://c.example/q?a=1>) \\<<https://d.example>\\>',
    );
    expect(previewedLinks(quote)).toEqual([]);
    expect(liveMarkup(quote)).toEqual([]);
  });

  it('keeps a long prompt within the message budget, cut between graphemes', () => {
    const family = '\u{1f468}\u200d\u{1f469}\u200d\u{1f467}';
    const cases = [
      '*'.repeat(800),
      '\n'.repeat(800),
      '<@1>'.repeat(200),
      'http://a '.repeat(100),
      `${'x'.repeat(396)}${family}${family}`,
      `${'x'.repeat(398)}${'\u{1f600}'.repeat(5)}`,
      `${'a\u0301\u0302'.repeat(300)}`,
      `https://evil.example/${'_'.repeat(790)}`,
    ];
    for (const prompt of cases) {
      const quote = quotePrompt(prompt);
      expect(quote.length).toBeLessThanOrEqual(2 + 2 * 400);
      expect(quote).not.toMatch(/\p{Cs}/u); // no half of a split surrogate pair
      expect(liveMarkup(quote)).toEqual([]);
      expect(previewedLinks(quote)).toEqual([]);
    }
    // The family emoji is kept whole or left out, never split at a joiner.
    expect(quotePrompt(`${'x'.repeat(396)}${family}`)).toBe(`> ${'x'.repeat(396)}…`);
  });

  it('leaves a plain prompt as it is', () => {
    expect(quotePrompt('a paper boat on a rainy street, slow-motion, 35mm')).toBe(
      '> a paper boat on a rainy street, slow-motion, 35mm',
    );
  });
});
