import type { LocalizationMap, RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord-api-types/v10';
import type { Language } from './language.js';
import { LANGUAGES } from './languages.js';

type CommandData = RESTPostAPIChatInputApplicationCommandsJSONBody;

/** What a registration's parts have in common: a name, and its localizations once given. */
interface RegisteredPart {
  name: string;
  description?: string;
  value?: string | number;
  name_localizations?: LocalizationMap | null;
  description_localizations?: LocalizationMap | null;
  options?: RegisteredPart[];
  choices?: RegisteredPart[];
}

/** One named part of a command's registration, at its {@link CommandTable} path. */
export interface NamedPart {
  path: string;
  /** A choice is named only; the command, its groups, subcommands and options are described too. */
  choice: boolean;
  part: RegisteredPart;
}

/**
 * Every part of `command` that Discord shows a name for, the command first, each at its path:
 * names joined with dots, and for a choice its value (`video-admin.nsfw.policy.never`).
 */
export function namedParts(command: CommandData): NamedPart[] {
  const parts: NamedPart[] = [];
  const visit = (part: RegisteredPart, path: string, choice: boolean) => {
    parts.push({ path, choice, part });
    for (const option of part.options ?? []) visit(option, `${path}.${option.name}`, false);
    for (const offered of part.choices ?? []) visit(offered, `${path}.${String(offered.value)}`, true);
  };
  visit(command as RegisteredPart, command.name, false);
  return parts;
}

/**
 * `command`'s registration with each language's names and descriptions added for every Discord
 * locale the language serves, so the builders stay in US English. A part a language has no entry
 * for is left to Discord, which shows the default; the command tests list any such part.
 */
export function localizeCommand(command: CommandData, languages: readonly Language[] = LANGUAGES): CommandData {
  const localized = structuredClone(command);
  for (const { path, choice, part } of namedParts(localized)) {
    for (const language of languages) {
      const entry = language.commands[path];
      if (!entry) continue;
      for (const locale of language.discordLocales) {
        part.name_localizations = { ...part.name_localizations, [locale]: entry.name };
        if (!choice && entry.description !== undefined) {
          part.description_localizations = { ...part.description_localizations, [locale]: entry.description };
        }
      }
    }
  }
  return localized;
}
