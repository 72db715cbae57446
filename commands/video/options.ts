import type { ChatInputCommandInteraction, SlashCommandBuilder, SlashCommandOptionsOnlyBuilder } from 'discord.js';
import { z } from 'zod';
import { enUS } from '../../src/i18n/en-US.js';
import type { MessageKey } from '../../src/i18n/language.js';
import type { VideoRequest } from '../../src/provider/video-provider.js';
import { UserError } from '../../src/user-error.js';
import {
  type AttachedFile,
  modelFor,
  OFFERED_MODELS,
  type OptionName,
  offeredOptions,
  optionsOf,
  QUALITY_OPTION,
  qualityOf,
  VIDEO_MODELS,
  type VideoModel,
  type VideoModelId,
  type VideoOption,
} from '../../src/video/catalog.js';

/** `/video`'s options as the catalog describes them; Discord wants the required ones first. */
const OFFERED = offeredOptions().sort((a, b) => Number(b.required) - Number(a.required));

/**
 * Adds `/video`'s options to its builder, each with the description, bounds and choices the
 * catalog gives it, then the `quality` that picks the model.
 */
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
    } else if (option.type === 'attachment') {
      builder.addAttachmentOption((file) =>
        file.setName(name).setDescription(option.description).setRequired(required),
      );
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
  return builder.addStringOption((quality) =>
    quality
      .setName(QUALITY_OPTION.name)
      .setDescription(QUALITY_OPTION.description)
      .setRequired(false)
      .addChoices(...QUALITY_OPTION.choices.map(({ value, label }) => ({ name: label, value }))),
  );
}

/** The raw `/video` options as Discord delivered them. */
export type RawVideoOptions = Partial<
  Record<OptionName | typeof QUALITY_OPTION.name, string | number | boolean | AttachedFile | null>
>;

type Resolver = ChatInputCommandInteraction['options'];
const READERS: Record<
  VideoOption['type'],
  (options: Resolver, name: string) => string | number | boolean | AttachedFile | null
> = {
  string: (options, name) => options.getString(name),
  integer: (options, name) => options.getInteger(name),
  boolean: (options, name) => options.getBoolean(name),
  // What Discord declared of the file; its bytes are fetched, and checked, only once the job is paid for.
  attachment: (options, name) => {
    const file = options.getAttachment(name);
    return file && { url: file.url, contentType: file.contentType, size: file.size };
  },
};

/** Reads each `/video` option by its Discord type. */
export function rawVideoOptions(options: Resolver): RawVideoOptions {
  return {
    ...Object.fromEntries(OFFERED.map(({ name, option }) => [name, READERS[option.type](options, name)])),
    [QUALITY_OPTION.name]: options.getString(QUALITY_OPTION.name),
  };
}

/**
 * Each offered model's request schema: the options it takes, those it requires required.
 * Discord enforces the bounds too, but a forged or replayed interaction skips Discord's checks.
 */
const SCHEMAS = new Map(
  OFFERED_MODELS.map((id) => {
    const model: VideoModel = VIDEO_MODELS[id];
    const options = optionsOf(model);
    const shape = Object.fromEntries(
      options.map(({ name, option, required }) => {
        const schema = option.schemaFor?.(model) ?? option.schema;
        const missing = model.missing?.[option.field] ?? option.missing ?? 'video.invalid_options';
        return [name, required ? schema.pipe(z.custom((value) => value !== undefined, { error: missing })) : schema];
      }),
    );
    return [id, { takes: new Set<string>(options.map(({ name }) => name)), schema: z.object(shape) }];
  }),
);

/**
 * The refusal a failed check stands for: the catalog message its schema names, worded with the
 * bounds of the option it checked. A check the catalog gave no words (a forged payload's odd
 * type) reads as options not valid.
 */
function refusal(issue: z.core.$ZodIssue | undefined): UserError {
  const key = issue?.message;
  if (key === undefined || !(key in enUS)) return UserError.of('video.invalid_options');
  return optionRefusal(key as MessageKey, issue?.path[0]);
}

/** The catalog's `key`, whose placeholders are the bounds of the option `name`. */
function optionRefusal(key: MessageKey, name: PropertyKey | undefined): UserError {
  const bounds = OFFERED.find((offered) => offered.name === name)?.option.bounds ?? {};
  // A key picked at run time, so its parameters go unchecked: the option tests render each refusal.
  return new UserError(key, (t) => (t.text as (key: MessageKey, params: object) => string)(key, bounds));
}

/**
 * Validates `/video` options for the model they ask for (an image makes it image to video, the
 * quality picks the resolution), with control characters stripped from the prompts. Throws a
 * {@link UserError} naming the first problem: an option that model takes no input for, or a
 * value it refuses; a prompt with nothing visible counts as empty. Whether the server allows
 * the quality is for the job's admission.
 */
export function parseVideoOptions(raw: RawVideoOptions): VideoRequest {
  const present = Object.fromEntries(Object.entries(raw).filter(([, value]) => value !== null && value !== undefined));
  const quality = QUALITY_OPTION.schema.safeParse(present.quality);
  if (!quality.success) throw refusal(quality.error.issues[0]);
  const model: VideoModelId = modelFor({ fromImage: present.image !== undefined, quality: quality.data });
  const rules = SCHEMAS.get(model);
  if (!rules) throw new Error(`/video does not offer ${model}`);
  const unused = OFFERED.find(({ name }) => name in present && !rules.takes.has(name));
  if (unused) throw optionRefusal(unused.option.notTaken ?? 'video.invalid_options', unused.name);
  const parsed = rules.schema.safeParse(present);
  if (!parsed.success) throw refusal(parsed.error.issues[0]);
  // The schema is assembled from the catalog, as `VideoRequest` is; an option left out has no key.
  const values = Object.fromEntries(Object.entries(parsed.data).filter(([, value]) => value !== undefined));
  return { model, ...values } as VideoRequest;
}

/**
 * The raw options that ask for `request` again, as Discord would deliver them: what a take started
 * from a video's buttons is parsed from, with the member's changes on top.
 */
export function rawOptionsOf(request: VideoRequest): RawVideoOptions {
  const { model, ...options } = request;
  return {
    ...(options as RawVideoOptions),
    // The parser reads the image as Discord declares an attachment.
    ...('image' in request && {
      image: { url: request.image.url, contentType: request.image.type, size: request.image.bytes },
    }),
    [QUALITY_OPTION.name]: qualityOf(model),
  };
}
