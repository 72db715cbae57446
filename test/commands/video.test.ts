import { describe, expect, it } from 'vitest';
import video from '../../commands/video.js';

/** `/video`'s registration, built from the catalog, is the one members have always been offered. */

describe('/video', () => {
  it('registers exactly the command deploy-commands registered before the catalog', () => {
    // As sent: JSON leaves out the builder's unset fields.
    expect(JSON.parse(JSON.stringify(video.data))).toStrictEqual({
      name: 'video',
      description: 'Make a 5-second video from a text prompt',
      contexts: [0],
      integration_types: [0],
      type: 1,
      options: [
        {
          type: 3,
          name: 'prompt',
          description: 'What happens in the video: subject, action, camera, light',
          required: true,
          min_length: 1,
          max_length: 800,
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
            { name: 'Landscape 832×480', value: '832*480' },
            { name: 'Portrait 480×832', value: '480*832' },
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
      ],
    });
  });
});
