import type { ChatInputCommandInteraction, SlashCommandBuilder, SlashCommandOptionsOnlyBuilder } from 'discord.js';
import { z } from 'zod';
import type { VideoRequest } from '../../src/provider/video-provider.js';
import { UserError } from '../../src/user-error.js';
import { OFFERED_MODEL, type OptionName, optionsOf, type VideoOption } from '../../src/video/catalog.js';

/** `/video`'s options as the catalog describes them; Discord wants the required ones first. */
const OFFERED = optionsOf(OFFERED_MODEL).sort((a, b) => Number(b.required) - Number(a.required));

const NOT_VALID = 'Those options are not valid.';

/** Adds `/video`'s options to its builder, each with the description, bounds and choices the catalog gives it. */
export function withVideoOptions(builder: SlashCommandBuilder): SlashCommandOptionsOnlyBuilder {
  for (const { name, option, required } of OFFERED) {
    if (option.type === 'integer') {
      builder.addIntegerOption((integer) => {
        integer.setName(name).setDescription(option.description).setRequired(required);
        if (option.minValue !== undefined) integer.setMinValue(option.minValue);
        if (option.maxValue !== undefined) integer.setMaxValue(option.maxValue);
        return integer;
      });
    } else if (option.type === 'boolean') {
      builder.addBooleanOption((flag) => flag.setName(name).setDescription(option.description).setRequired(required));
    } else {
      builder.addStringOption((string) => {
        string.setName(name).setDescription(option.description).setRequired(required);
        // Discord then refuses an empty one before the bot sees it.
        if (required) string.setMinLength(1);
        if (option.maxLength !== undefined) string.setMaxLength(option.maxLength);
        if (option.choices) string.addChoices(...option.choices.map(({ value, label }) => ({ name: label, value })));
        return string;
      });
    }
  }
  return builder;
}

/** The raw `/video` options as Discord delivered them. */
export type RawVideoOptions = Partial<Record<OptionName, string | number | boolean | null>>;

type Resolver = ChatInputCommandInteraction['options'];
const READERS: Record<VideoOption['type'], (options: Resolver, name: string) => string | number | boolean | null> = {
  string: (options, name) => options.getString(name),
  integer: (options, name) => options.getInteger(name),
  boolean: (options, name) => options.getBoolean(name),
};

/** Reads each `/video` option by its Discord type. */
export function rawVideoOptions(options: Resolver): RawVideoOptions {
  return Object.fromEntries(OFFERED.map(({ name, option }) => [name, READERS[option.type](options, name)]));
}

// Discord enforces the bounds too, but a forged or replayed interaction skips Discord's checks.
const requestSchema = z.object(
  Object.fromEntries(
    OFFERED.map(({ name, option, required }) => [
      name,
      required
        ? option.schema.pipe(z.custom((value) => value !== undefined, { error: option.missing ?? NOT_VALID }))
        : option.schema,
    ]),
  ),
);

/**
 * Validates `/video` options, with control characters stripped from the prompts. Throws a
 * {@link UserError} naming the first problem; a prompt with nothing visible counts as empty.
 */
export function parseVideoOptions(raw: RawVideoOptions): VideoRequest {
  const present = Object.fromEntries(Object.entries(raw).filter(([, value]) => value !== null && value !== undefined));
  const parsed = requestSchema.safeParse(present);
  if (!parsed.success) {
    throw new UserError('video.invalid_options', parsed.error.issues[0]?.message ?? NOT_VALID);
  }
  // The schema is assembled from the catalog, as `VideoRequest` is; an option left out has no key.
  return Object.fromEntries(Object.entries(parsed.data).filter(([, value]) => value !== undefined)) as VideoRequest;
}
