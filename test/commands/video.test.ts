import { describe, expect, it } from 'vitest';
import video from '../../commands/video.js';

/** `/video`'s registration, built from the catalog, exactly as deploy-commands sends it. */

describe('/video', () => {
  // A prompt is optional now that an image can start a video; the rest is as registered before.
  it('registers the command with its image option, the prompt optional since an image can start a video', () => {
    // As sent: JSON leaves out the builder's unset fields.
    expect(JSON.parse(JSON.stringify(video.data))).toStrictEqual({
      name: 'video',
      description: 'Make a 5-second video from a text prompt or an image',
      // Installed to a server or to a member's account; in servers, the bot's DM, and DMs and group DMs.
      contexts: [0, 1, 2],
      integration_types: [0, 1],
      type: 1,
      options: [
        {
          type: 3,
          name: 'prompt',
          description: 'What happens in the video: subject, action, camera, light',
          required: false,
          max_length: 800,
        },
        {
          type: 11,
          name: 'image',
          description: 'A picture to bring to life instead of starting from text (PNG, JPEG or WebP, up to 20 MB)',
          required: false,
        },
        {
          type: 3,
          name: 'negative_prompt',
          description: 'What the video should avoid',
          required: false,
          max_length: 500,
        },
        {
          type: 3,
          name: 'size',
          description: 'Frame shape (default landscape)',
          required: false,
          choices: [
            { name: 'Landscape 832×480, or 1920×1080 at 1080p', value: '832*480' },
            { name: 'Portrait 480×832, or 1080×1920 at 1080p', value: '480*832' },
          ],
        },
        {
          type: 4,
          name: 'seed',
          description: 'Same seed and prompt give a similar video; -1 picks one at random',
          required: false,
          min_value: -1,
          max_value: 2147483647,
        },
        {
          type: 5,
          name: 'prompt_expansion',
          description: 'Let the model enrich a short prompt (default off)',
          required: false,
        },
        {
          type: 3,
          name: 'quality',
          description: 'Sharpness: 480p (default), or 1080p where this server allows it',
          required: false,
          choices: [
            { name: '480p ($0.05, $0.20 from an image)', value: '480p' },
            { name: '1080p ($0.80)', value: '1080p' },
          ],
        },
      ],
    });
  });
});
