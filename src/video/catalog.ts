import { z } from 'zod';
import type { MessageKey } from '../i18n/language.js';
import { type Translator, translator } from '../i18n/translator.js';
import { hasVisibleText, withoutControls } from './visible-text.js';

/**
 * What a video can be asked for, written once: Wan 2.2's models on WaveSpeed and the `/video`
 * options. The command's builder and validation, the request type, WaveSpeed's submit body and
 * the size labels are all read from here, so a new option or model is one entry. The names
 * WaveSpeed gives things (a model's `path`, an option's `field`) stand here too, for its
 * adapter to read; the rest of the bot goes by the option names.
 */

/** Frame sizes in WaveSpeed's `W*H` notation; each has its label in the message catalog (`size.832*480`). */
export const VIDEO_SIZES = ['832*480', '480*832', '1920*1080', '1080*1920'] as const;
export type VideoSize = (typeof VIDEO_SIZES)[number];

/** What members see for a frame size in `t`'s language, e.g. "Landscape 832×480". */
export function sizeLabel(size: VideoSize, t: Translator): string {
  return t.text(`size.${size}`);
}

/** Whether a frame is wider than tall. */
function isLandscape(size: VideoSize): boolean {
  const [width = 0, height = 0] = size.split('*').map(Number);
  return width >= height;
}

/** Of `sizes`, the frame of the same shape as `size` (landscape or portrait), or `size` when none is. */
function sameShape(sizes: readonly VideoSize[], size: VideoSize): VideoSize {
  return sizes.find((candidate) => isLandscape(candidate) === isLandscape(size)) ?? size;
}

/** Seconds of video Wan 2.2 Plus renders: the one duration it offers. */
export const CLIP_SECONDS = 5;

/** How long WaveSpeed keeps a finished video, from when it was made: 7 days. */
export const OUTPUT_RETENTION_MS = 7 * 24 * 60 * 60_000;

/** An input field of a model, as WaveSpeed's model pages name it. */
export type WaveSpeedField =
  | 'prompt'
  | 'negative_prompt'
  | 'image'
  | 'size'
  | 'duration'
  | 'seed'
  | 'enable_prompt_expansion';

/** One model a video can be made with. */
export interface VideoModel {
  /** WaveSpeed's id for the model, which is also its submit path under `/api/v3/`. */
  path: string;
  /** The frame sizes it renders, its default first; none when the input image sets the frame. */
  sizes: readonly VideoSize[];
  /** The input fields it accepts. */
  takes: readonly WaveSpeedField[];
  /** Those it cannot do without. */
  requires: readonly WaveSpeedField[];
  /** Fields always sent with the one value the model allows. */
  fixed: Readonly<Partial<Record<WaveSpeedField, string | number | boolean>>>;
  /** What one video costs the server owner, in US cents. */
  priceCents: number;
  /** What a member is told who leaves out an input it requires, where the option's own words do not fit. */
  missing?: Readonly<Partial<Record<WaveSpeedField, MessageKey>>>;
}

const TEXT_TO_VIDEO = ['prompt', 'negative_prompt', 'size', 'duration', 'seed', 'enable_prompt_expansion'] as const;
const IMAGE_TO_VIDEO = ['image', 'prompt', 'negative_prompt', 'seed', 'enable_prompt_expansion'] as const;

/** Alibaba's Wan 2.2 Plus models on WaveSpeed. */
export const VIDEO_MODELS = {
  't2v-plus-480p': {
    path: 'alibaba/wan-2.2/t2v-plus-480p',
    sizes: ['832*480', '480*832'],
    takes: TEXT_TO_VIDEO,
    requires: ['prompt'],
    fixed: { duration: CLIP_SECONDS },
    priceCents: 5,
  },
  't2v-plus-1080p': {
    path: 'alibaba/wan-2.2/t2v-plus-1080p',
    sizes: ['1920*1080', '1080*1920'],
    takes: TEXT_TO_VIDEO,
    requires: ['prompt'],
    fixed: { duration: CLIP_SECONDS },
    priceCents: 80,
  },
  'i2v-plus-480p': {
    path: 'alibaba/wan-2.2/i2v-plus-480p',
    sizes: [],
    takes: IMAGE_TO_VIDEO,
    requires: ['image'],
    fixed: {},
    priceCents: 20,
  },
  'i2v-plus-1080p': {
    path: 'alibaba/wan-2.2/i2v-plus-1080p',
    sizes: [],
    takes: IMAGE_TO_VIDEO,
    requires: ['image', 'prompt'],
    fixed: {},
    priceCents: 80,
    missing: { prompt: 'video.prompt.missing_1080p_image' },
  },
} as const satisfies Record<string, VideoModel>;
export type VideoModelId = keyof typeof VIDEO_MODELS;

/** The catalog's entry for a request's model. */
export function modelOf(request: { model: VideoModelId }): VideoModel {
  return VIDEO_MODELS[request.model];
}

/** A price as members and admins read it: `$0.05`. */
export function dollars(cents: number): string {
  return usd(cents / 100);
}

/** An amount in US dollars (the provider account's balance, its warning level) written as a price is: `$4.20`. */
export function usd(amount: number): string {
  return `$${amount.toFixed(2)}`;
}

/** How sharp a video is asked for: 480p, or 1080p where a server allows it, at its own price and allowance. */
export const QUALITIES = ['480p', '1080p'] as const;
export type Quality = (typeof QUALITIES)[number];

const MODEL_BY_INPUT = {
  text: { '480p': 't2v-plus-480p', '1080p': 't2v-plus-1080p' },
  image: { '480p': 'i2v-plus-480p', '1080p': 'i2v-plus-1080p' },
} as const satisfies Record<'text' | 'image', Record<Quality, VideoModelId>>;

/** The model a video is made with: from the member's image or from text alone, at a quality (480p unless asked). */
export function modelFor(request: { fromImage: boolean; quality?: Quality }): VideoModelId {
  return MODEL_BY_INPUT[request.fromImage ? 'image' : 'text'][request.quality ?? '480p'];
}

/** The quality a model renders at. */
export function qualityOf(model: VideoModelId): Quality {
  const quality = QUALITIES.find((each) => Object.values(MODEL_BY_INPUT).some((input) => input[each] === model));
  if (!quality) throw new Error(`${model} is no model /video can ask for`);
  return quality;
}

/**
 * The models `/video` makes videos with, its default first: the options any of them takes are
 * the command's, and those all of them require are required.
 */
export const OFFERED_MODELS: readonly VideoModelId[] = QUALITIES.flatMap((quality) =>
  [false, true].map((fromImage) => modelFor({ fromImage, quality })),
);

/**
 * `/video`'s `quality`: not a model input but which model makes the video, with the image (see
 * {@link modelFor}). Whether the server allows 1080p is checked when the job is accepted.
 */
export const QUALITY_OPTION = {
  name: 'quality',
  description: 'Sharpness: 480p (default), or 1080p where this server allows it',
  choices: QUALITIES.map((value) => ({ value, label: qualityLabel(value) })),
  schema: z.enum(QUALITIES, { error: 'video.quality.invalid' satisfies MessageKey }).default('480p'),
} as const;

/** What one video costs the server owner, from text or from an image, at a quality (480p unless given): "$0.80". */
export function priceOf(request: { fromImage: boolean; quality?: Quality }): string {
  return dollars(VIDEO_MODELS[modelFor(request)].priceCents);
}

/** A quality with what a video costs at it: "1080p ($0.80)", "480p ($0.05, $0.20 from an image)". */
function qualityLabel(quality: Quality): string {
  const text = priceOf({ fromImage: false, quality });
  const image = priceOf({ fromImage: true, quality });
  return `${quality} (${text}${image === text ? '' : `, ${image} from an image`})`;
}

/** The first model `/video` offers, whose sizes are the `size` choices. */
const DEFAULT_MODEL = VIDEO_MODELS['t2v-plus-480p'];
/** The 1080p model from text, whose frames the `size` choices name too. */
const SHARP_MODEL = VIDEO_MODELS[modelFor({ fromImage: false, quality: '1080p' })];

/** Image types a member may start a video from, with the file extension each is uploaded under. */
export const IMAGE_TYPES = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp' } as const;
export type ImageType = keyof typeof IMAGE_TYPES;

/** The largest image WaveSpeed's media upload takes: 20 MB. */
export const IMAGE_MAX_BYTES = 20 * 1024 * 1024;

/** A file a member attached, as the chat platform declared it. */
export interface AttachedFile {
  url: string;
  /** The MIME type declared; `null` when none was. */
  contentType: string | null;
  /** Bytes, as declared. */
  size: number;
}

/** The image a member starts a video from. */
export interface MemberImage {
  /** Where the chat platform serves the file: signed, and it expires (about a day). */
  url: string;
  type: ImageType;
  /** Its size as declared, in bytes. */
  bytes: number;
  /** The provider's copy once uploaded, kept there 7 days: what the model is given. */
  uploadedUrl?: string;
}

/** An offered value of an option, with what Discord shows for it. */
export interface OptionChoice<Value extends string = string> {
  value: Value;
  label: string;
}

/** One `/video` option: how Discord offers it, how the bot checks it, which input it fills. */
export interface VideoOption<Value = unknown, Field extends WaveSpeedField = WaveSpeedField> {
  /** Its Discord type. */
  type: 'string' | 'integer' | 'boolean' | 'attachment';
  description: string;
  /** Bounds Discord holds members to; `schema` holds a forged or replayed interaction to them too. */
  maxLength?: number;
  minValue?: number;
  maxValue?: number;
  choices?: readonly OptionChoice[];
  /** The refusal when a model requires the option and it was left out or shows nothing. */
  missing?: MessageKey;
  /** The refusal when it is given but the request's model takes no such input. */
  notTaken?: MessageKey;
  /** The values its refusals are worded with: its bounds, as `{max}` and `{min}`. */
  bounds?: Readonly<Record<'min' | 'max', number>> | Readonly<Record<'max', number>>;
  /**
   * Checks the value Discord delivered and gives the request's: the default when it was left
   * out, `undefined` when there is none. Its refusals' messages are catalog keys.
   */
  schema: z.ZodType<Value>;
  /** `schema` for one model, where the value depends on the model (a frame shape at its resolution). */
  schemaFor?(model: VideoModel): z.ZodType<Value>;
  /** The model input it fills. */
  field: Field;
  /** What the model is sent for a value, when it is not the value itself; `undefined` sends nothing. */
  sent?(value: Value): string | number | boolean | undefined;
}

/**
 * Text a member writes: control characters out (breaks and tabs become spaces), trimmed, and
 * counted after that. Text that shows nothing counts as left out.
 */
function text<const Field extends WaveSpeedField>(spec: {
  description: string;
  maxLength: number;
  tooLong: MessageKey;
  missing?: MessageKey;
  field: Field;
}): VideoOption<string | undefined, Field> {
  const { tooLong, ...option } = spec;
  const string = spec.missing === undefined ? z.string() : z.string({ error: spec.missing });
  return {
    type: 'string',
    ...option,
    bounds: { max: spec.maxLength },
    schema: string
      .overwrite(withoutControls)
      .trim()
      .transform((value) => (hasVisibleText(value) ? value : undefined))
      .pipe(z.string().max(spec.maxLength, tooLong).optional())
      .optional(),
  };
}

/**
 * A frame shape, offered as the default model's frames and given to each model as its own frame of
 * that shape: landscape 832×480 asks a 1080p model for 1920×1080. A model's own frames pass too, so
 * a stored request (the Remix of a 1080p video) reads back as it was made.
 */
function frame<const Field extends WaveSpeedField>(spec: {
  description: string;
  offered: readonly [VideoSize, ...VideoSize[]];
  label: (size: VideoSize) => string;
  invalid: MessageKey;
  notTaken: MessageKey;
  field: Field;
}): VideoOption<VideoSize, Field> & Required<Pick<VideoOption<VideoSize>, 'schemaFor'>> {
  const { offered, label, invalid, ...option } = spec;
  const accepting = (sizes: readonly VideoSize[]) =>
    z.enum([...new Set(sizes)], { error: invalid }).default(offered[0]);
  return {
    type: 'string',
    ...option,
    choices: offered.map((value) => ({ value, label: label(value) })),
    schema: accepting(offered),
    schemaFor: (model) => accepting([...offered, ...model.sizes]).transform((size) => sameShape(model.sizes, size)),
  };
}

/** A whole number between two bounds, the default when left out. */
function integer<const Field extends WaveSpeedField>(spec: {
  description: string;
  minValue: number;
  maxValue: number;
  default: number;
  notWhole: MessageKey;
  outOfRange: MessageKey;
  field: Field;
}): VideoOption<number, Field> {
  const { notWhole, outOfRange: range, default: fallback, ...option } = spec;
  return {
    type: 'integer',
    ...option,
    bounds: { min: spec.minValue, max: spec.maxValue },
    // Not a number at all (text typed into a modal, a forged payload) is refused in the same words.
    schema: z
      .number({ error: notWhole })
      .int(notWhole)
      .min(spec.minValue, range)
      .max(spec.maxValue, range)
      .default(fallback),
  };
}

/** On or off, the default when left out. */
function flag<const Field extends WaveSpeedField>(spec: {
  description: string;
  default: boolean;
  field: Field;
}): VideoOption<boolean, Field> {
  const { default: fallback, ...option } = spec;
  return { type: 'boolean', ...option, schema: z.boolean().default(fallback) };
}

/**
 * An image the member attaches, checked as declared (type and size) before anything is spent;
 * its bytes are checked again when it is fetched. The model is sent the provider's copy.
 */
function image<const Field extends WaveSpeedField>(spec: {
  description: string;
  notImage: MessageKey;
  tooLarge: MessageKey;
  field: Field;
}): VideoOption<MemberImage | undefined, Field> {
  const { notImage, tooLarge, ...option } = spec;
  const types = Object.keys(IMAGE_TYPES) as ImageType[];
  // Discord may add parameters to a type (`image/png; charset=…`), and types are case-insensitive.
  const declaredType = z
    .string()
    .nullable()
    .transform((type) => type?.split(';')[0]?.trim().toLowerCase() ?? '')
    .pipe(z.enum(types, { error: notImage }));
  const megabytes = IMAGE_MAX_BYTES / (1024 * 1024);
  const schema: z.ZodType<MemberImage | undefined> = z
    .object({
      url: z.url({ protocol: /^https?$/, error: notImage }),
      contentType: declaredType,
      size: z.number().int(notImage).nonnegative(notImage).max(IMAGE_MAX_BYTES, tooLarge),
    })
    .transform(({ url, contentType, size }): MemberImage => ({ url, type: contentType, bytes: size }))
    .optional();
  return { type: 'attachment', ...option, bounds: { max: megabytes }, schema, sent: (value) => value?.uploadedUrl };
}

/** The `/video` options, in the order Discord lists them. */
export const VIDEO_OPTIONS = {
  prompt: text({
    description: 'What happens in the video: subject, action, camera, light',
    // The model's native API's limit; WaveSpeed states none.
    maxLength: 800,
    tooLong: 'video.prompt.too_long',
    missing: 'video.prompt.missing',
    field: 'prompt',
  }),
  image: image({
    description: 'A picture to bring to life instead of starting from text (PNG, JPEG or WebP, up to 20 MB)',
    notImage: 'video.image.not_image',
    tooLarge: 'video.image.too_large',
    field: 'image',
  }),
  negative_prompt: text({
    description: 'What the video should avoid',
    maxLength: 500,
    tooLong: 'video.negative_prompt.too_long',
    field: 'negative_prompt',
  }),
  size: frame({
    description: 'Frame shape (default landscape)',
    offered: DEFAULT_MODEL.sizes,
    // The registration's own words, in US English: each language names the choices in its file.
    label: (size) =>
      `${sizeLabel(size, translator('en-US'))}, or ${sameShape(SHARP_MODEL.sizes, size).replace('*', '×')} at 1080p`,
    invalid: 'video.size.invalid',
    notTaken: 'video.size.not_taken',
    field: 'size',
  }),
  seed: integer({
    description: 'Same seed and prompt give a similar video; -1 picks one at random',
    minValue: -1,
    maxValue: 2_147_483_647,
    default: -1,
    notWhole: 'video.seed.not_whole',
    outOfRange: 'video.seed.out_of_range',
    field: 'seed',
  }),
  prompt_expansion: flag({
    description: 'Let the model enrich a short prompt (default off)',
    default: false,
    field: 'enable_prompt_expansion',
  }),
};
type Options = typeof VIDEO_OPTIONS;
export type OptionName = keyof Options;

/** An option as one model takes it. */
export interface ModelOption {
  name: OptionName;
  option: VideoOption;
  required: boolean;
}

/** The options `model` takes, in the catalog's order, each with whether the model requires it. */
export function optionsOf(model: VideoModel): ModelOption[] {
  return (Object.entries(VIDEO_OPTIONS) as [OptionName, VideoOption][])
    .filter(([, option]) => model.takes.includes(option.field))
    .map(([name, option]) => ({ name, option, required: model.requires.includes(option.field) }));
}

type ValueOf<Name extends OptionName> = z.output<Options[Name]['schema']>;
type TakenBy<M extends VideoModel> = {
  [Name in OptionName]: Options[Name]['field'] extends M['takes'][number] ? Name : never;
}[OptionName];
type RequiredBy<M extends VideoModel> = {
  [Name in TakenBy<M>]: Options[Name]['field'] extends M['requires'][number] ? Name : never;
}[TakenBy<M>];
type OthersOf<M extends VideoModel> = Exclude<TakenBy<M>, RequiredBy<M>>;

/**
 * The options `/video` offers: each one any offered model takes, in the catalog's order, required
 * only when every offered model requires it.
 */
export function offeredOptions(): ModelOption[] {
  const models: VideoModel[] = OFFERED_MODELS.map((id) => VIDEO_MODELS[id]);
  return (Object.entries(VIDEO_OPTIONS) as [OptionName, VideoOption][])
    .filter(([, option]) => models.some((model) => model.takes.includes(option.field)))
    .map(([name, option]) => ({
      name,
      option,
      required: models.every((model) => model.requires.includes(option.field)),
    }));
}

/**
 * A checked request for model `M`, keyed by option name: an option the model requires, or one
 * with a default, is always there; any other only when the member gave it.
 */
export type RequestFor<M extends VideoModel> = { [Name in RequiredBy<M>]: Exclude<ValueOf<Name>, undefined> } & {
  [Name in OthersOf<M> as undefined extends ValueOf<Name> ? never : Name]: ValueOf<Name>;
} & {
  [Name in OthersOf<M> as undefined extends ValueOf<Name> ? Name : never]?: Exclude<ValueOf<Name>, undefined>;
};

/** A checked request for the model `Id`: the model, and its options as {@link RequestFor} gives them. */
export type RequestOf<Id extends VideoModelId> = { model: Id } & RequestFor<(typeof VIDEO_MODELS)[Id]>;
