import { MockAgent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { VideoRequest } from '../../src/provider/video-provider.js';
import { type MemberImage, modelOf, offeredOptions, VIDEO_MODELS, type VideoModelId } from '../../src/video/catalog.js';
import { WaveSpeedClient } from '../../src/wavespeed/client.js';
import { startWaveSpeedStandIn, type WaveSpeedStandIn } from '../stand-ins/wavespeed.js';

/**
 * The catalog on the wire: each `/video` option reaches WaveSpeed under the field name of the
 * model's page, and each model is asked for at its own path, with its own fields and price. The
 * expected names are written out here, not read from the catalog, so a wrong entry fails.
 */

describe('each /video option on the wire, through the stand-in of the model it is offered with', () => {
  let standIn: WaveSpeedStandIn;
  beforeEach(async () => {
    standIn = await startWaveSpeedStandIn();
  });
  afterEach(() => standIn.close());

  const fromText: VideoRequest = {
    model: 't2v-plus-480p',
    prompt: 'a red fox in snow',
    size: '832*480',
    seed: -1,
    prompt_expansion: false,
  };
  const uploaded = 'https://media.wavespeed.test/uploads/cat.png';
  const image: MemberImage = { url: 'https://cdn.test/cat.png', type: 'image/png', bytes: 4096, uploadedUrl: uploaded };
  const fromImage: VideoRequest = { model: 'i2v-plus-480p', image, seed: -1, prompt_expansion: false };
  const sent = [
    { option: 'prompt', value: 'a heron at dawn', field: 'prompt', as: 'a heron at dawn', base: fromText },
    // The model is given the provider's copy of the member's image, never the chat platform's link.
    { option: 'image', value: image, field: 'image', as: uploaded, base: fromImage },
    { option: 'negative_prompt', value: 'blurry, text', field: 'negative_prompt', as: 'blurry, text', base: fromText },
    { option: 'size', value: '480*832', field: 'size', as: '480*832', base: fromText },
    { option: 'seed', value: 42, field: 'seed', as: 42, base: fromText },
    { option: 'prompt_expansion', value: true, field: 'enable_prompt_expansion', as: true, base: fromText },
  ] as const;

  it.each(sent)('sends $option as $field', async ({ option, value, field, as, base }) => {
    const client = new WaveSpeedClient({ baseUrl: standIn.baseUrl, apiKey: standIn.apiKey, outputHosts: [] });
    await client.submit({ ...base, [option]: value } as VideoRequest);

    expect(standIn.submits[0]?.body).toMatchObject({ [field]: as });
  });

  it('has a row above for every option /video offers, so a new option comes with its own', () => {
    expect(offeredOptions().map(({ name }) => name)).toEqual(sent.map(({ option }) => option));
  });

  it('sends nothing for an image that is not uploaded yet: the model could not fetch it', async () => {
    const client = new WaveSpeedClient({ baseUrl: standIn.baseUrl, apiKey: standIn.apiKey, outputHosts: [] });
    const { uploadedUrl: _, ...notUploaded } = image;
    await expect(client.submit({ ...fromImage, image: notUploaded })).rejects.toThrow(/needs image; nothing was sent/);
    expect(standIn.submits).toEqual([]);
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
  const image = {
    image: {
      url: 'https://cdn.test/lighthouse.webp',
      type: 'image/webp',
      bytes: 9000,
      uploadedUrl: 'https://media.wavespeed.test/lighthouse.webp',
    },
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
    // No size: the input image sets the frame.
    {
      id: 'i2v-plus-480p',
      path: '/api/v3/alibaba/wan-2.2/i2v-plus-480p',
      priceCents: 20,
      request: { ...textToVideo, ...image },
      body: {
        image: 'https://media.wavespeed.test/lighthouse.webp',
        prompt: 'a lighthouse in a storm',
        negative_prompt: 'people',
        seed: 7,
        enable_prompt_expansion: true,
      },
    },
    {
      id: 'i2v-plus-1080p',
      path: '/api/v3/alibaba/wan-2.2/i2v-plus-1080p',
      priceCents: 80,
      request: { ...textToVideo, ...image },
      body: {
        image: 'https://media.wavespeed.test/lighthouse.webp',
        prompt: 'a lighthouse in a storm',
        negative_prompt: 'people',
        seed: 7,
        enable_prompt_expansion: true,
      },
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
      // One client serves every model: the request names its own.
      const client = new WaveSpeedClient({ baseUrl: base, apiKey: 'key', outputHosts: [], dispatcher: agent });

      await expect(client.submit({ ...request, model: id } as VideoRequest)).resolves.toEqual({ id: 'p1' });
      expect(bodies).toEqual([body]);
      expect(VIDEO_MODELS[id].path).toBe(path.replace('/api/v3/', ''));
      expect(modelOf({ model: id }).priceCents).toBe(priceCents);
    },
  );

  it('has a row above for every model in the catalog', () => {
    expect(models.map(({ id }) => id)).toEqual(Object.keys(VIDEO_MODELS));
  });
});
