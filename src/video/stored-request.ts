import type { VideoRequest } from '../provider/video-provider.js';
import type { RequestOf } from './catalog.js';

/** A request as jobs stored it before requests named their model: every one was text to video at 480p. */
type RequestBeforeModels = Omit<RequestOf<'t2v-plus-480p'>, 'model'>;

/**
 * A request as jobs stored it before the catalog keyed requests by option name: two options
 * went by other names.
 */
interface RequestBeforeCatalog extends Omit<RequestBeforeModels, 'negative_prompt' | 'prompt_expansion'> {
  negativePrompt?: string;
  promptExpansion: boolean;
}

/** A stored job's request in today's shape, whichever version of the bot stored it. */
export function storedRequest(stored: VideoRequest | RequestBeforeModels | RequestBeforeCatalog): VideoRequest {
  if ('model' in stored) return stored;
  if (!('promptExpansion' in stored)) return { model: 't2v-plus-480p', ...stored };
  const { negativePrompt, promptExpansion, ...rest } = stored;
  return {
    model: 't2v-plus-480p',
    ...rest,
    ...(negativePrompt !== undefined && { negative_prompt: negativePrompt }),
    prompt_expansion: promptExpansion,
  };
}
