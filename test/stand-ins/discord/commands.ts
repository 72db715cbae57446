import {
  type APIApplicationCommand,
  ApplicationCommandOptionType,
  ApplicationCommandType,
  Locale,
} from 'discord-api-types/v10';
import { apiErrors } from './http.js';
import type { SnowflakeFactory } from './ids.js';

type Path = (string | number)[];

const NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;
const MAX_OPTIONS = 25;
const MAX_CHOICES = 25;
const MAX_STRING_LENGTH = 6000;
/** `integration_types`: guild install (0), user install (1). */
const INTEGRATION_TYPES: ReadonlySet<unknown> = new Set([0, 1]);
/** `contexts`: guild (0), the bot's DM (1), DMs and group DMs between users (2). */
const CONTEXTS: ReadonlySet<unknown> = new Set([0, 1, 2]);
const LOCALES: ReadonlySet<string> = new Set(Object.values(Locale));

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Registered application commands, global and per guild. Overwrites keep a command's id when
 * its name and type stay the same, as Discord does.
 */
export class CommandRegistry {
  readonly #global: APIApplicationCommand[] = [];
  readonly #guilds = new Map<string, APIApplicationCommand[]>();
  readonly #applicationId: string;
  readonly #snowflakes: SnowflakeFactory;

  constructor(applicationId: string, snowflakes: SnowflakeFactory) {
    this.#applicationId = applicationId;
    this.#snowflakes = snowflakes;
  }

  /** The global commands, or a guild's when `guildId` is given. */
  list(guildId?: string): readonly APIApplicationCommand[] {
    return guildId === undefined ? this.#global : (this.#guilds.get(guildId) ?? []);
  }

  /** The id of the command a user would run under this name (a guild command wins). */
  idFor(name: string, guildId: string | undefined): string | undefined {
    const inGuild = guildId === undefined ? undefined : this.#guilds.get(guildId)?.find((c) => c.name === name);
    return (inGuild ?? this.#global.find((command) => command.name === name))?.id;
  }

  /** `PUT …/commands`: replaces the whole list. */
  overwrite(guildId: string | undefined, body: unknown): APIApplicationCommand[] {
    if (!Array.isArray(body)) throw apiErrors.invalidFormBody([], 'BASE_TYPE_BAD_TYPE', 'Must be an array.');
    const seen = new Set<string>();
    const previous = this.list(guildId);
    const next = body.map((input: unknown, index) => {
      const command = this.#build(input, [index], guildId, previous);
      const key = `${command.type}:${command.name}`;
      if (seen.has(key)) {
        throw apiErrors.invalidFormBody(
          [index, 'name'],
          'APPLICATION_COMMANDS_DUPLICATE_NAME',
          'Application command names must be unique',
        );
      }
      seen.add(key);
      return command;
    });
    this.#store(guildId, next);
    return next;
  }

  /** `POST …/commands`: creates or replaces one command; `created` tells 201 from 200. */
  upsert(guildId: string | undefined, body: unknown): { command: APIApplicationCommand; created: boolean } {
    const previous = this.list(guildId);
    const command = this.#build(body, [], guildId, previous);
    const created = !previous.some((existing) => existing.id === command.id);
    this.#store(guildId, [...previous.filter((existing) => existing.id !== command.id), command]);
    return { command, created };
  }

  #store(guildId: string | undefined, commands: APIApplicationCommand[]): void {
    if (guildId === undefined) this.#global.splice(0, this.#global.length, ...commands);
    else this.#guilds.set(guildId, commands);
  }

  #build(
    input: unknown,
    path: Path,
    guildId: string | undefined,
    previous: readonly APIApplicationCommand[],
  ): APIApplicationCommand {
    if (!isRecord(input)) throw apiErrors.invalidFormBody(path, 'BASE_TYPE_BAD_TYPE', 'Must be an object.');
    const type =
      typeof input.type === 'number' ? (input.type as ApplicationCommandType) : ApplicationCommandType.ChatInput;
    const chatInput = type === ApplicationCommandType.ChatInput;
    checkName(input.name, [...path, 'name'], chatInput);
    checkDescription(input.description, [...path, 'description'], chatInput);
    checkLocalizations(input, path, chatInput);
    if (input.options !== undefined) checkOptions(input.options, [...path, 'options']);
    checkMembers(input.integration_types, [...path, 'integration_types'], INTEGRATION_TYPES);
    checkMembers(input.contexts, [...path, 'contexts'], CONTEXTS);
    const name = input.name as string;
    const kept = previous.find((command) => command.name === name && command.type === type);
    return {
      ...(input as Partial<APIApplicationCommand>),
      id: kept?.id ?? this.#snowflakes.next(),
      application_id: this.#applicationId,
      version: this.#snowflakes.next(),
      type,
      name,
      description: typeof input.description === 'string' ? input.description : '',
      default_member_permissions:
        typeof input.default_member_permissions === 'string' ? input.default_member_permissions : null,
      nsfw: input.nsfw === true,
      ...(guildId === undefined ? {} : { guild_id: guildId }),
    };
  }
}

function checkName(name: unknown, path: Path, lowercase: boolean): void {
  if (typeof name !== 'string' || !NAME.test(name) || (lowercase && name !== name.toLowerCase())) {
    throw apiErrors.invalidFormBody(path, 'APPLICATION_COMMAND_INVALID_NAME', 'Command name is invalid');
  }
}

function checkDescription(description: unknown, path: Path, required: boolean): void {
  if (!required) return;
  if (typeof description !== 'string' || description.length < 1 || description.length > 100) {
    throw apiErrors.invalidFormBody(path, 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 100 in length.');
  }
}

/** A choice's name, like a description, is 1 to 100 characters, in every language it is given in. */
function checkChoices(choices: unknown[], path: Path): void {
  choices.forEach((choice: unknown, index) => {
    if (!isRecord(choice))
      throw apiErrors.invalidFormBody([...path, index], 'BASE_TYPE_BAD_TYPE', 'Must be an object.');
    checkDescription(choice.name, [...path, index, 'name'], true);
    checkLocalizationMap(choice.name_localizations, [...path, index, 'name_localizations'], (value, at) =>
      checkDescription(value, at, true),
    );
  });
}

/** A part's `name_localizations` and `description_localizations`: Discord locales, each held to the default's rules. */
function checkLocalizations(part: Record<string, unknown>, path: Path, chatInput: boolean): void {
  checkLocalizationMap(part.name_localizations, [...path, 'name_localizations'], (value, at) =>
    checkName(value, at, chatInput),
  );
  checkLocalizationMap(part.description_localizations, [...path, 'description_localizations'], (value, at) =>
    checkDescription(value, at, chatInput),
  );
}

function checkLocalizationMap(map: unknown, path: Path, check: (value: unknown, path: Path) => void): void {
  if (map === undefined || map === null) return;
  if (!isRecord(map)) throw apiErrors.invalidFormBody(path, 'BASE_TYPE_BAD_TYPE', 'Must be an object.');
  for (const [locale, value] of Object.entries(map)) {
    if (!LOCALES.has(locale)) throw apiErrors.invalidFormBody([...path, locale], 'LOCALE_INVALID', 'Invalid locale.');
    check(value, [...path, locale]);
  }
}

/** A list of enum values, as `integration_types` and `contexts` are; absent or `null` is the app's default. */
function checkMembers(values: unknown, path: Path, allowed: ReadonlySet<unknown>): void {
  if (values === undefined || values === null) return;
  if (!Array.isArray(values)) throw apiErrors.invalidFormBody(path, 'BASE_TYPE_BAD_TYPE', 'Must be an array.');
  values.forEach((value: unknown, index) => {
    if (!allowed.has(value)) {
      throw apiErrors.invalidFormBody(
        [...path, index],
        'ENUM_TYPE_COERCE',
        `Value "${String(value)}" is not a valid enum value.`,
      );
    }
  });
}

function checkOptions(options: unknown, path: Path): void {
  if (!Array.isArray(options)) throw apiErrors.invalidFormBody(path, 'BASE_TYPE_BAD_TYPE', 'Must be an array.');
  if (options.length > MAX_OPTIONS) {
    throw apiErrors.invalidFormBody(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${MAX_OPTIONS} or fewer in length.`);
  }
  options.forEach((option: unknown, index) => {
    const at = [...path, index];
    if (!isRecord(option)) throw apiErrors.invalidFormBody(at, 'BASE_TYPE_BAD_TYPE', 'Must be an object.');
    checkName(option.name, [...at, 'name'], true);
    checkDescription(option.description, [...at, 'description'], true);
    checkLocalizations(option, at, true);
    if (Array.isArray(option.choices) && option.choices.length > MAX_CHOICES) {
      throw apiErrors.invalidFormBody(
        [...at, 'choices'],
        'BASE_TYPE_MAX_LENGTH',
        `Must be ${MAX_CHOICES} or fewer in length.`,
      );
    }
    if (Array.isArray(option.choices)) checkChoices(option.choices, [...at, 'choices']);
    for (const bound of ['min_length', 'max_length'] as const) {
      const value = option[bound];
      if (value !== undefined && (typeof value !== 'number' || value < 0 || value > MAX_STRING_LENGTH)) {
        throw apiErrors.invalidFormBody(
          [...at, bound],
          'NUMBER_TYPE_MAX',
          `int value should be less than or equal to ${MAX_STRING_LENGTH}.`,
        );
      }
    }
    const nests =
      option.type === ApplicationCommandOptionType.Subcommand ||
      option.type === ApplicationCommandOptionType.SubcommandGroup;
    if (nests && option.options !== undefined) checkOptions(option.options, [...at, 'options']);
  });
}
