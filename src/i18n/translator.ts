import { enUS } from './en-US.js';
import type { Language, MessageKey, SourceMessages } from './language.js';
import { LANGUAGES } from './languages.js';
import { type Message, type ParamsOf, renderMessage } from './message.js';

/** The values `key` is rendered with; none for a message without placeholders. */
export type ParamsArgument<Key extends MessageKey> = keyof ParamsOf<SourceMessages[Key]> extends never
  ? []
  : [params: ParamsOf<SourceMessages[Key]>];

/** Text to be worded in a reader's language, once it is known whose: a refusal, a post whose route picks its reader. */
export type Wording = (t: Translator) => string;

/** The catalog in one language. */
export interface Translator {
  /** The language's BCP 47 tag, for `Intl` formatting: `ja`, `es-ES`. */
  readonly locale: string;
  /** The message `key`, its placeholders filled with `params` (already escaped by the caller). */
  text<Key extends MessageKey>(key: Key, ...params: ParamsArgument<Key>): string;
  /** Items of a sentence's list (channels, roles, permissions), joined as the language writes them. */
  list(items: readonly string[]): string;
  /**
   * What a member's client shows for a command, subcommand or option at its path
   * (`video-admin.limits.user_daily`), for messages that name one; the registered name where the
   * language has none.
   */
  commandName(path: string): string;
}

function translatorFor(locale: string, messages: Readonly<Record<MessageKey, Message>>, language?: Language) {
  const plurals = new Intl.PluralRules(locale);
  const text = (key: MessageKey, params: Readonly<Record<string, string | number>> = {}) =>
    renderMessage(messages[key], params, plurals);
  return {
    locale,
    text,
    list: (items) => items.join(text('list.separator')),
    commandName: (path) => language?.commands[path]?.name ?? path.slice(path.lastIndexOf('.') + 1),
  } as Translator;
}

const SOURCE = translatorFor('en-US', enUS);
const BY_DISCORD_LOCALE = new Map(
  LANGUAGES.flatMap((language) => {
    const translator = translatorFor(language.locale, language.messages, language);
    return language.discordLocales.map((locale) => [locale as string, translator] as const);
  }),
);

/**
 * The catalog in the language of a Discord locale: an interaction's `locale` for what only its
 * member reads, the server's `guild_locale` for posts to a channel. A locale the bot has no
 * language for (`en-GB`, `fr`), or none at all, reads US English.
 */
export function translator(discordLocale: string | null | undefined): Translator {
  return (discordLocale && BY_DISCORD_LOCALE.get(discordLocale)) || SOURCE;
}
