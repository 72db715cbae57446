import { MockAgent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { VideoRequest } from '../../src/provider/video-provider.js';
import { OFFERED_MODEL, optionsOf, VIDEO_MODELS, type VideoModelId } from '../../src/video/catalog.js';
import { WaveSpeedClient } from '../../src/wavespeed/client.js';
import { startWaveSpeedStandIn, type WaveSpeedStandIn } from '../stand-ins/wavespeed.js';

/**
 * The catalog on the wire: each `/video` option reaches WaveSpeed under the field name of the
 * model's page, and each model is asked for at its own path, with its own fields and price. The
 * expected names are written out here, not read from the catalog, so a wrong entry fails.
 */

describe('each /video option on the wire, through the stand-in of the offered model', () => {
  let standIn: WaveSpeedStandIn;
  beforeEach(async () => {
    standIn = await startWaveSpeedStandIn();
  });
  afterEach(() => standIn.close());

  const bare: VideoRequest = { prompt: 'a red fox in snow', size: '832*480', seed: -1, prompt_expansion: false };
  const sent = [
    { option: 'prompt', value: 'a heron at dawn', field: 'prompt' },
    { option: 'negative_prompt', value: 'blurry, text', field: 'negative_prompt' },
    { option: 'size', value: '480*832', field: 'size' },
    { option: 'seed', value: 42, field: 'seed' },
    { option: 'prompt_expansion', value: true, field: 'enable_prompt_expansion' },
  ] as const;

  it.each(sent)('sends $option as $field', async ({ option, value, field }) => {
    const client = new WaveSpeedClient({
      model: OFFERED_MODEL,
      baseUrl: standIn.baseUrl,
      apiKey: standIn.apiKey,
      outputHosts: [],
    });
    await client.submit({ ...bare, [option]: value });

    expect(standIn.submits[0]?.body).toMatchObject({ [field]: value });
  });

  it('has a row above for every option the offered model takes, so a new option comes with its own', () => {
    expect(optionsOf(OFFERED_MODEL).map(({ name }) => name)).toEqual(sent.map(({ option }) => option));
  });
});

describe('each model on the wire', () => {
  const base = 'https://api.wavespeed.test';
  let agent: MockAgent;
  beforeEach(() => {
    agent = new MockAgent();
    agent.disableNetConnect();
  });
  afterEach(() => agent.close());

  const textToVideo = {
    prompt: 'a lighthouse in a storm',
    negative_prompt: 'people',
    seed: 7,
    prompt_expansion: true,
  };
  const models: {
    id: VideoModelId;
    path: string;
    priceCents: number;
    request: Record<string, unknown>;
    body: Record<string, unknown>;
  }[] = [
    {
      id: 't2v-plus-480p',
      path: '/api/v3/alibaba/wan-2.2/t2v-plus-480p',
      priceCents: 5,
      request: { ...textToVideo, size: '480*832' },
      body: {
        prompt: 'a lighthouse in a storm',
        negative_prompt: 'people',
        size: '480*832',
        duration: 5,
        seed: 7,
        enable_prompt_expansion: true,
      },
    },
    {
      id: 't2v-plus-1080p',
      path: '/api/v3/alibaba/wan-2.2/t2v-plus-1080p',
      priceCents: 80,
      request: { ...textToVideo, size: '1080*1920' },
      body: {
        prompt: 'a lighthouse in a storm',
        negative_prompt: 'people',
        size: '1080*1920',
        duration: 5,
        seed: 7,
        enable_prompt_expansion: true,
      },
    },
    // No size: the input image sets the frame. (The image itself comes with issue 14.)
    {
      id: 'i2v-plus-480p',
      path: '/api/v3/alibaba/wan-2.2/i2v-plus-480p',
      priceCents: 20,
      request: textToVideo,
      body: { prompt: 'a lighthouse in a storm', negative_prompt: 'people', seed: 7, enable_prompt_expansion: true },
    },
    {
      id: 'i2v-plus-1080p',
      path: '/api/v3/alibaba/wan-2.2/i2v-plus-1080p',
      priceCents: 80,
      request: textToVideo,
      body: { prompt: 'a lighthouse in a storm', negative_prompt: 'people', seed: 7, enable_prompt_expansion: true },
    },
  ];

  it.each(models)(
    'asks for $id at $path, charged $priceCents cents',
    async ({ id, path, priceCents, request, body }) => {
      const bodies: unknown[] = [];
      agent
        .get(base)
        .intercept({ path, method: 'POST' })
        .reply(200, ({ body: sent }) => {
          bodies.push(JSON.parse(String(sent)));
          return { code: 200, message: 'success', data: { id: 'p1', status: 'created' } };
        });
      const client = new WaveSpeedClient({
        model: VIDEO_MODELS[id],
        baseUrl: base,
        apiKey: 'key',
        outputHosts: [],
        dispatcher: agent,
      });

      // The port takes the offered model's request; the others are not offered yet (issue 14).
      await expect(client.submit(request as VideoRequest)).resolves.toEqual({ id: 'p1' });
      expect(bodies).toEqual([body]);
      expect(client.model).toBe(path.replace('/api/v3/', ''));
      expect(client.priceCents).toBe(priceCents);
    },
  );

  it('has a row above for every model in the catalog', () => {
    expect(models.map(({ id }) => id)).toEqual(Object.keys(VIDEO_MODELS));
  });
});
