import type { VideoRequest } from '../provider/video-provider.js';

/**
 * A request as jobs stored it before the catalog keyed requests by option name: two options
 * went by other names.
 */
interface RequestBeforeCatalog extends Omit<VideoRequest, 'negative_prompt' | 'prompt_expansion'> {
  negativePrompt?: string;
  promptExpansion: boolean;
}

/** A stored job's request in today's shape, whichever version of the bot stored it. */
export function storedRequest(stored: VideoRequest | RequestBeforeCatalog): VideoRequest {
  if (!('promptExpansion' in stored)) return stored;
  const { negativePrompt, promptExpansion, ...rest } = stored;
  return {
    ...rest,
    ...(negativePrompt !== undefined && { negative_prompt: negativePrompt }),
    prompt_expansion: promptExpansion,
  };
}
