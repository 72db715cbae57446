import { z } from 'zod';
import { VIDEO_SIZES, type VideoRequest } from '../provider/video-provider.js';
import { UserError } from '../user-error.js';

/** Longest prompts the model accepts (its native API's limits). */
export const PROMPT_MAX = 800;
export const NEGATIVE_PROMPT_MAX = 500;
export const SEED_MAX = 2_147_483_647;

// Discord enforces these too, but a forged or replayed interaction skips Discord's checks.
const videoOptions = z.object({
  prompt: z
    .string({ error: 'Describe the video you want in `prompt`.' })
    .trim()
    .min(1, 'Describe the video you want in `prompt`.')
    .max(PROMPT_MAX, `The prompt can be at most ${PROMPT_MAX} characters.`),
  negative_prompt: z
    .string()
    .trim()
    .max(NEGATIVE_PROMPT_MAX, `The negative prompt can be at most ${NEGATIVE_PROMPT_MAX} characters.`)
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

/** Validates `/video` options. Throws a {@link UserError} naming the first problem. */
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
