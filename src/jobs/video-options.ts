import { z } from 'zod';
import { VIDEO_SIZES, type VideoRequest } from '../provider/video-provider.js';
import { UserError } from '../user-error.js';

/** Longest prompts the model accepts (its native API's limits). */
export const PROMPT_MAX = 800;
export const NEGATIVE_PROMPT_MAX = 500;
export const SEED_MAX = 2_147_483_647;

const NO_PROMPT = 'Describe the video you want in `prompt`.';

// Line breaks and tabs still separate words; other control characters (NUL above all) and
// lone surrogate halves are no text the model should receive.
const LINE_OR_TAB = /[\t\n\v\f\r\u0085\u2028\u2029]/g;
const CONTROL = /[\p{Cc}\p{Cs}]/gu;

/** Control characters out: breaks and tabs become spaces, the rest go. */
function withoutControls(text: string): string {
  return text.replace(LINE_OR_TAB, ' ').replace(CONTROL, '');
}

// What draws nothing on screen: format and control characters, spaces, default-ignorable code
// points (zero-width spaces, Hangul fillers, variation selectors, tags), combining marks with
// no base, and the blank look-alikes outside those classes (Braille blank, null notehead).
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Z}\s\p{Default_Ignorable_Code_Point}\p{M}\u2800\u{1D159}]/gu;

/** Whether `text` shows anything at all once what renders as nothing is taken out. */
function hasVisibleText(text: string): boolean {
  return text.replace(INVISIBLE, '') !== '';
}

// Discord enforces these too, but a forged or replayed interaction skips Discord's checks.
const videoOptions = z.object({
  prompt: z
    .string({ error: NO_PROMPT })
    .overwrite(withoutControls)
    .trim()
    .refine(hasVisibleText, NO_PROMPT)
    .max(PROMPT_MAX, `The prompt can be at most ${PROMPT_MAX} characters.`),
  // A negative prompt with nothing visible says nothing to avoid, so it is left out.
  negative_prompt: z
    .string()
    .overwrite(withoutControls)
    .trim()
    .max(NEGATIVE_PROMPT_MAX, `The negative prompt can be at most ${NEGATIVE_PROMPT_MAX} characters.`)
    .transform((text) => (hasVisibleText(text) ? text : undefined))
    .optional(),
  size: z.enum(VIDEO_SIZES, { error: 'Pick one of the offered sizes.' }).default('832*480'),
  seed: z
    .number()
    .int('The seed must be a whole number.')
    .min(-1, `The seed must be between -1 (random) and ${SEED_MAX}.`)
    .max(SEED_MAX, `The seed must be between -1 (random) and ${SEED_MAX}.`)
    .default(-1),
  prompt_expansion: z.boolean().default(false),
});

/** The raw `/video` options as Discord delivered them. */
export type RawVideoOptions = Partial<Record<keyof z.input<typeof videoOptions>, string | number | boolean | null>>;

/**
 * Validates `/video` options, with control characters stripped from the prompts. Throws a
 * {@link UserError} naming the first problem; a prompt with nothing visible counts as empty.
 */
export function parseVideoOptions(raw: RawVideoOptions): VideoRequest {
  const present = Object.fromEntries(Object.entries(raw).filter(([, value]) => value !== null && value !== undefined));
  const parsed = videoOptions.safeParse(present);
  if (!parsed.success) {
    throw new UserError('video.invalid_options', parsed.error.issues[0]?.message ?? 'Those options are not valid.');
  }
  const { prompt, negative_prompt, size, seed, prompt_expansion } = parsed.data;
  return {
    prompt,
    ...(negative_prompt && { negativePrompt: negative_prompt }),
    size,
    seed,
    promptExpansion: prompt_expansion,
  };
}
