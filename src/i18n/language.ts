import type { Locale } from 'discord-api-types/v10';
import type { enUS } from './en-US.js';
import type { PluralMessage } from './message.js';

/** The catalog's messages, as US English defines them. */
export type SourceMessages = typeof enUS;
export type MessageKey = keyof SourceMessages;

/**
 * A language's messages: every key of the source, each a template where the source has one and
 * plural forms where it has those. A key left out or not in the source is a type error.
 */
export type Translation = {
  readonly [Key in MessageKey]: SourceMessages[Key] extends string ? string : PluralMessage;
};

/**
 * What a command registration's parts are called in a language, by path: the command's name, then
 * its groups', subcommands' and options' names (`video-admin.limits.user_daily`), and for a
 * choice its value (`video-admin.nsfw.policy.never`). A choice has a name only; the rest have
 * both, since Discord shows both.
 */
export type CommandTable = Readonly<Record<string, { readonly name: string; readonly description?: string }>>;

/** One language the bot speaks besides US English: one file under `src/i18n/`, listed in `languages.ts`. */
export interface Language {
  /** Its BCP 47 tag, which chooses its plural forms: `es-ES`. */
  readonly locale: string;
  /** The Discord locales it serves: a member whose client is set to one reads it (`es-ES`, `es-419`). */
  readonly discordLocales: readonly `${Locale}`[];
  readonly messages: Translation;
  readonly commands: CommandTable;
}
