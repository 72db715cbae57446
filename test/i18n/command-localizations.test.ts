import { describe, expect, it } from 'vitest';
import { commands } from '../../commands/index.js';
import { localizeCommand, type NamedPart, namedParts } from '../../src/i18n/command-localizations.js';
import { enUS } from '../../src/i18n/en-US.js';
import type { CommandTable, Language } from '../../src/i18n/language.js';
import { LANGUAGES } from '../../src/i18n/languages.js';
import type { Message } from '../../src/i18n/message.js';

/**
 * Every part of every registered command has its name and description in every language, valid
 * as Discord requires: a command, option or choice added or renamed shows up here until each
 * language has it.
 */

// Discord's rule for names; a command's must be lowercase where the letter has a case.
const NAME = /^[-_\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;
const PARTS = commands.flatMap((command) => namedParts(command.data));
const numbersIn = (text: string) => text.match(/\d+(?:[.,×]\d+)*/g) ?? [];

/** The parts with one parent (the top-level commands, or one part's options or choices), by the parent's path. */
function siblings(parts: readonly NamedPart[]): Map<string, NamedPart[]> {
  const byParent = new Map<string, NamedPart[]>();
  for (const part of parts) {
    const parent = part.path.includes('.') ? part.path.slice(0, part.path.lastIndexOf('.')) : '';
    byParent.set(parent, [...(byParent.get(parent) ?? []), part]);
  }
  return byParent;
}

describe.each(LANGUAGES.map((language) => [language.locale, language] as const))('commands in %s', (_, language) => {
  const table: CommandTable = language.commands;

  it('name and describe every command, group, subcommand, option and choice', () => {
    const missing = PARTS.filter(({ path, choice }) => {
      const entry = table[path];
      return !entry || (!choice && entry.description === undefined);
    }).map(({ path }) => path);
    expect(missing).toEqual([]);
  });

  it('have no entry for a part no command has', () => {
    const paths = new Set(PARTS.map(({ path }) => path));
    expect(Object.keys(table).filter((path) => !paths.has(path))).toEqual([]);
  });

  it("keep to Discord's rules: names lowercase and at most 32, descriptions and choices 1 to 100 characters", () => {
    for (const { path, choice } of PARTS) {
      const entry = table[path];
      if (!entry) continue;
      if (choice) {
        expect(entry.name.length, path).toBeGreaterThanOrEqual(1);
        expect(entry.name.length, path).toBeLessThanOrEqual(100);
        expect(entry.description, path).toBeUndefined();
      } else {
        expect(entry.name, path).toMatch(NAME);
        expect(entry.name, path).toBe(entry.name.toLowerCase());
        expect(entry.description?.length, path).toBeGreaterThanOrEqual(1);
        expect(entry.description?.length, path).toBeLessThanOrEqual(100);
      }
    }
  });

  it('give the parts of one level different names', () => {
    for (const [parent, parts] of siblings(PARTS)) {
      const names = parts.filter(({ choice }) => !choice).map(({ path }) => table[path]?.name ?? path);
      expect(names.length, parent).toBe(new Set(names).size);
    }
  });

  it('keep the numbers of the default text: sizes, prices, limits', () => {
    for (const { path, part } of PARTS) {
      const entry = table[path];
      if (!entry) continue;
      const text = part.description ?? part.name;
      for (const number of numbersIn(text)) expect(entry.description ?? entry.name, path).toContain(number);
    }
  });
});

describe('command references in messages', () => {
  /** The path of a command, or of a subcommand under `parent`, that `name` is in `language` (or the default). */
  function resolve(name: string, parent: string | undefined, language: Language | undefined): string | undefined {
    return PARTS.find(({ path, choice }) => {
      if (choice) return false;
      const within = parent === undefined ? !path.includes('.') : path.startsWith(`${parent}.`);
      const level = parent === undefined ? path : path.slice(parent.length + 1);
      return within && !level.includes('.') && (language?.commands[path]?.name ?? level) === name;
    })?.path;
  }

  /** Every `/name` a text mentions: in a code span, with the subcommands after it. */
  function references(text: string): string[][] {
    const spans = [...text.matchAll(/`\/([^`{}]+)`/g)].map(([, span]) => (span ?? '').split(' '));
    const bare = [...text.replace(/`[^`]*`/g, '').matchAll(/(?<![\p{L}\p{N}}])\/([\p{L}\p{N}_-]+)/gu)];
    return [...spans, ...bare.map(([, name]) => [name ?? ''])];
  }

  it.each([['en-US', undefined] as const, ...LANGUAGES.map((language) => [language.locale, language] as const)])(
    'name in %s the commands as that language shows them',
    (_, language) => {
      const messages: Record<string, Message> = language?.messages ?? enUS;
      const texts = [
        ...Object.values(messages).flatMap((message) =>
          typeof message === 'string' ? [message] : Object.values(message),
        ),
        ...Object.values(language?.commands ?? {}).flatMap(({ description }) => description ?? []),
      ];
      const found = texts.flatMap(references);
      expect(found.length).toBeGreaterThan(5);
      for (const words of found) {
        let path: string | undefined;
        for (const word of words) {
          path = resolve(word, path, language);
          expect(path, `/${words.join(' ')}`).toBeDefined();
        }
      }
    },
  );
});

describe('localizeCommand', () => {
  const japanese = LANGUAGES.find(({ locale }) => locale === 'ja');
  const spanish = LANGUAGES.find(({ locale }) => locale === 'es-ES');
  const video = commands.find(({ data }) => data.name === 'video')?.data;
  const admin = commands.find(({ data }) => data.name === 'video-admin')?.data;
  if (!japanese || !spanish || !video || !admin) throw new Error('the commands and languages tested are missing');

  it('adds each language for every Discord locale it serves, down to the choices', () => {
    const localized = localizeCommand(admin);
    expect(localized.name).toBe('video-admin');
    expect(localized.name_localizations).toMatchObject({
      ja: '動画管理',
      'es-ES': 'vídeo-admin',
      'es-419': 'vídeo-admin',
    });
    const nsfw = localized.options?.find((option) => option.name === 'nsfw');
    const policy = nsfw && 'options' in nsfw ? nsfw.options?.[0] : undefined;
    expect(policy?.description_localizations?.['pt-BR']).toBe('Para onde vão os vídeos marcados');
    const never =
      policy && 'choices' in policy ? policy.choices?.find((choice) => choice.value === 'never') : undefined;
    expect(never?.name).toBe('Nowhere');
    expect(never?.name_localizations).toEqual({
      'zh-CN': '不发布',
      ja: 'どこにも投稿しない',
      'es-ES': 'A ningún sitio',
      'es-419': 'A ningún sitio',
      'pt-BR': 'Em nenhum lugar',
    });
  });

  it('leaves the registration it is given as it was', () => {
    const before = structuredClone(video);
    localizeCommand(video);
    expect(video).toStrictEqual(before);
  });

  it("leaves a part a language has no entry for to Discord's default", () => {
    const { video: _dropped, ...others } = japanese.commands;
    const partial: Language = { ...japanese, commands: others };
    const localized = localizeCommand(video, [partial]);
    expect(localized.name_localizations).toBeUndefined();
    expect(localized.description_localizations).toBeUndefined();
    expect(localized.options?.[0]?.name_localizations).toEqual({ ja: 'プロンプト' });
  });
});
