import { describe, expect, it } from 'vitest';
import { enUS } from '../../src/i18n/en-US.js';
import type { MessageKey } from '../../src/i18n/language.js';
import { LANGUAGES } from '../../src/i18n/languages.js';
import { type Message, placeholdersOf } from '../../src/i18n/message.js';
import { translator } from '../../src/i18n/translator.js';

/** Each language's catalog against the US English source it translates. */

const source: Readonly<Record<MessageKey, Message>> = enUS;
const KEYS = Object.keys(source).sort() as MessageKey[];
const everyLanguage = [{ locale: 'en-US', messages: source }, ...LANGUAGES];

function templatesOf(message: Message): string[] {
  return typeof message === 'string' ? [message] : Object.values(message).filter((form) => form !== undefined);
}

/** A message's placeholders over all its forms, sorted. */
function placeholders(message: Message): string[] {
  return [...new Set(templatesOf(message).flatMap(placeholdersOf))].sort();
}

/** What a translation must carry over from the source besides placeholders: emoji, bold, code, numbers. */
function marks(template: string) {
  const text = template.replace(/\{[^{}]+\}/g, '');
  return {
    emoji: [...text.matchAll(/\p{Extended_Pictographic}/gu)].map(([emoji]) => emoji).sort(),
    bold: text.split('**').length - 1,
    code: text.split('`').length - 1,
  };
}
const numbersIn = (text: string) => new Set(text.replace(/\{[^{}]+\}/g, '').match(/\d+(?:[.,×]\d+)*/g) ?? []);

describe.each(LANGUAGES.map((language) => [language.locale, language] as const))('the %s catalog', (_, language) => {
  const messages: Readonly<Record<string, Message>> = language.messages;
  const categories = new Intl.PluralRules(language.locale).resolvedOptions().pluralCategories;

  it('has every message of the source, and no other', () => {
    expect(Object.keys(messages).sort()).toEqual(KEYS);
  });

  it('fills the same placeholders as the source in every form of every message', () => {
    const differing = KEYS.flatMap((key) => {
      const wanted = placeholders(source[key]);
      return templatesOf(messages[key] ?? '')
        .filter((template) => placeholdersOf(template).sort().join() !== wanted.join())
        .map((template) => `${key}: ${template}`);
    });
    expect(differing).toEqual([]);
  });

  it(`gives a plural message exactly the forms ${language.locale} uses, and a plain one none`, () => {
    for (const key of KEYS) {
      const message = messages[key];
      if (typeof source[key] === 'string') expect(typeof message, key).toBe('string');
      else expect(Object.keys(message ?? {}).sort(), key).toEqual([...categories].sort());
    }
  });

  it("keeps the source's emoji, bold, code spans and numbers", () => {
    for (const key of KEYS) {
      const wanted = marks(templatesOf(source[key])[0] ?? '');
      const numbers = numbersIn(templatesOf(source[key]).join(' '));
      for (const template of templatesOf(messages[key] ?? '')) {
        expect(marks(template), `${key}: ${template}`).toEqual(wanted);
        for (const number of numbers) expect(template, key).toContain(number);
      }
    }
  });
});

describe('every catalog', () => {
  it('gives the source the English forms, one and other', () => {
    const plurals = KEYS.map((key) => source[key]).filter((message) => typeof message !== 'string');
    expect(plurals.length).toBeGreaterThan(0);
    for (const message of plurals) expect(Object.keys(message).sort()).toEqual(['one', 'other']);
  });

  it('renders every message with its placeholders filled, whatever the count, leaving no braces', () => {
    for (const { locale } of everyLanguage) {
      // Every key at once, so without the per-key parameter types.
      const text = translator(locale).text as (key: MessageKey, params: Record<string, string | number>) => string;
      for (const key of KEYS) {
        const values = Object.fromEntries(placeholders(source[key]).map((name) => [name, `<${name}>`]));
        for (const count of [0, 1, 2, 5, 21, 1_000_000]) {
          const rendered = text(key, { ...values, count });
          expect(rendered, `${locale} ${key}`).not.toMatch(/[{}]/);
          for (const name of placeholders(source[key])) {
            if (name !== 'count') expect(rendered, `${locale} ${key}`).toContain(`<${name}>`);
          }
          if (values.count) expect(rendered, `${locale} ${key}`).toContain(String(count));
        }
      }
    }
  });

  it("holds button labels to Discord's 80 characters and the modal's texts to 45", () => {
    for (const { locale, messages } of everyLanguage) {
      for (const key of KEYS) {
        const text = messages[key];
        if (typeof text !== 'string') continue;
        if (key.startsWith('button.')) expect(text.length, `${locale} ${key}`).toBeLessThanOrEqual(80);
        if (key.startsWith('remix.')) expect(text.length, `${locale} ${key}`).toBeLessThanOrEqual(45);
      }
    }
  });
});

describe('translator', () => {
  it("reads a member's Discord locale, and US English for one the bot has no language for", () => {
    expect(translator('ja').text('admin.saved')).toBe('保存しました。');
    expect(translator('zh-CN').text('admin.saved')).toBe('已保存。');
    expect(translator('pt-BR').text('admin.saved')).toBe('Salvo.');
    // Spanish from Latin America reads the Spanish there is.
    expect([translator('es-ES'), translator('es-419')].map((t) => t.locale)).toEqual(['es-ES', 'es-ES']);
    for (const other of ['en-US', 'en-GB', 'fr', 'zh-TW', '', null, undefined]) {
      expect(translator(other).locale, String(other)).toBe('en-US');
      expect(translator(other).text('admin.saved')).toBe('Saved.');
    }
  });

  it("picks a plural form by the language's rules", () => {
    const en = translator('en-US');
    const [one, two] = [1, 2].map((count) => en.text('admin.granted', { member: '@m', count }));
    expect([one, two]).toEqual(['@m can make 1 more video today.', '@m can make 2 more videos today.']);
    // Spanish says "de" after round millions.
    expect(translator('es-ES').text('admin.granted', { member: '@m', count: 1_000_000 })).toBe(
      '@m puede hacer 1000000 de vídeos más hoy.',
    );
    expect(translator('pt-BR').text('admin.granted', { member: '@m', count: 0 })).toBe(
      '@m pode fazer mais 0 vídeo hoje.',
    );
    expect(translator('ja').text('admin.granted', { member: '@m', count: 1 })).toBe(
      '@m さんは今日あと 1 本多く動画を作れます。',
    );
  });

  it('puts values in as they are: braces in them are not placeholders', () => {
    expect(translator('en-US').text('filter.removed.word', { text: '`{text}`' })).toBe('Removed the word `{text}`.');
    expect(translator('ja').text('channel_refused', { channels: '{channels}' })).toBe(
      'このチャンネルでは動画を作れません。{channels} でお試しください。',
    );
  });

  it('joins a list as the language writes it', () => {
    expect(translator('en-US').list(['<#1>', '<#2>', '<#3>'])).toBe('<#1>, <#2>, <#3>');
    expect(translator('ja').list(['<#1>', '<#2>'])).toBe('<#1>、<#2>');
    expect(translator('fr').list([])).toBe('');
  });

  it("names a command's parts as the member's client shows them", () => {
    expect(translator('ja').commandName('video-admin.limits.user_daily')).toBe('メンバー上限');
    expect(translator('es-419').commandName('video')).toBe('vídeo');
    expect(translator('en-GB').commandName('video-admin.limits.user_daily')).toBe('user_daily');
    expect(translator('en-US').commandName('quota')).toBe('quota');
  });
});
