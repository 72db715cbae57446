import { z } from 'zod';

/** Fields every Wan 2.2 Plus model takes besides its own (wavespeed-api.md). */
const common = {
  negative_prompt: z.string().optional(),
  enable_prompt_expansion: z.boolean().optional(),
  seed: z.number().int().min(-1).max(2_147_483_647).optional(),
  // The family renders 5-second clips; the reference lists the field for text to video, and
  // sending the one value it allows is harmless elsewhere.
  duration: z.literal(5).optional(),
};

/**
 * The models the stand-in serves, by submit path under `/api/v3/`: each one's body rules as
 * the reference gives them, checked strictly so a field another model takes (a `size` for image
 * to video) is refused as WaveSpeed refuses an invalid parameter.
 */
export const MODELS = {
  'alibaba/wan-2.2/t2v-plus-480p': {
    priceUsd: 0.05,
    body: z.strictObject({ ...common, prompt: z.string().min(1), size: z.enum(['832*480', '480*832']).optional() }),
  },
  'alibaba/wan-2.2/t2v-plus-1080p': {
    priceUsd: 0.8,
    body: z.strictObject({ ...common, prompt: z.string().min(1), size: z.enum(['1920*1080', '1080*1920']).optional() }),
  },
  'alibaba/wan-2.2/i2v-plus-480p': {
    priceUsd: 0.2,
    body: z.strictObject({ ...common, image: z.url(), prompt: z.string().optional() }),
  },
  'alibaba/wan-2.2/i2v-plus-1080p': {
    priceUsd: 0.8,
    body: z.strictObject({ ...common, image: z.url(), prompt: z.string().min(1) }),
  },
} as const;

/** A model the stand-in serves, e.g. `alibaba/wan-2.2/i2v-plus-480p`. */
export type ModelId = keyof typeof MODELS;

export const MODEL_IDS = Object.keys(MODELS) as ModelId[];

/** The model whose submit path this is, if the stand-in serves it. */
export function modelAt(pathname: string): ModelId | undefined {
  const path = pathname.replace(/^\/api\/v3\//, '');
  return MODEL_IDS.find((id) => id === path);
}

/** Why a body is refused, in WaveSpeed's task codes: 1400 a required field is missing, 1401 a field is invalid or unknown. */
export interface BodyRefusal {
  readonly code: 1400 | 1401;
  readonly message: string;
}

/** Checks a submit body against its model's rules; undefined when it is fine. */
export function refuseBody(model: ModelId, body: unknown): BodyRefusal | undefined {
  const parsed = MODELS[model].body.safeParse(body);
  if (parsed.success) return undefined;
  const missing = parsed.error.issues.some(
    (issue) =>
      issue.code === 'invalid_type' && issue.path.length === 1 && isRecord(body) && !(String(issue.path[0]) in body),
  );
  return { code: missing ? 1400 : 1401, message: z.prettifyError(parsed.error) };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
