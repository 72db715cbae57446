import { describe, expect, it } from 'vitest';
import { translator } from '../../src/i18n/translator.js';
import {
  dollars,
  modelFor,
  modelOf,
  OFFERED_MODELS,
  offeredOptions,
  optionsOf,
  QUALITY_OPTION,
  qualityOf,
  sizeLabel,
  VIDEO_MODELS,
  VIDEO_OPTIONS,
  VIDEO_SIZES,
} from '../../src/video/catalog.js';

/** The catalog holds together: what one entry says agrees with what the others need of it. */

const models = Object.entries(VIDEO_MODELS);

describe('the video catalog', () => {
  it.each(models)('describes %s consistently: what it requires or fixes, it takes', (_id, model) => {
    const takes: readonly string[] = model.takes;
    for (const field of [...model.requires, ...Object.keys(model.fixed)]) expect(takes).toContain(field);
    // A model that takes a frame size renders a few; one that does not gets its frame from the image.
    expect(model.sizes.length > 0).toBe(takes.includes('size'));
  });

  it('offers, for each offered model, an option for every input it requires, saying when it is missing', () => {
    const offered = offeredOptions();
    for (const id of OFFERED_MODELS) {
      for (const { option, required } of optionsOf(VIDEO_MODELS[id])) {
        expect(offered.map((entry) => entry.option)).toContain(option);
        // The image is what picks an image model, so only the others can be missing.
        if (required && option.field !== 'image') expect(option.missing).toBeTruthy();
      }
    }
  });

  it('registers an option as required only when every offered model requires it', () => {
    // A prompt is optional from an image, and the image is what makes it image to video.
    expect(offeredOptions().filter(({ required }) => required)).toEqual([]);
    expect(offeredOptions().map(({ name }) => name)).toEqual([
      'prompt',
      'image',
      'negative_prompt',
      'size',
      'seed',
      'prompt_expansion',
    ]);
  });

  it('says why an option given to a model that takes no such input is refused', () => {
    for (const { option } of offeredOptions()) {
      const takenByAll = OFFERED_MODELS.every((id) =>
        (VIDEO_MODELS[id].takes as readonly string[]).includes(option.field),
      );
      const picksTheModel = option.field === 'image';
      if (!takenByAll && !picksTheModel) expect(option.notTaken).toBeTruthy();
    }
    expect(VIDEO_OPTIONS.size.notTaken).toBe('video.size.not_taken');
  });

  it('has no option that no model takes', () => {
    const taken = new Set(models.flatMap(([, model]) => model.takes));
    for (const option of Object.values(VIDEO_OPTIONS)) expect(taken).toContain(option.field);
  });

  it('labels every frame size as members see it, and offers the text model’s sizes with those labels', () => {
    expect(VIDEO_SIZES.map((size) => sizeLabel(size, translator('en-US')))).toEqual([
      'Landscape 832×480',
      'Portrait 480×832',
      'Landscape 1920×1080',
      'Portrait 1080×1920',
    ]);
    expect(VIDEO_OPTIONS.size.choices).toEqual([
      { value: '832*480', label: 'Landscape 832×480, or 1920×1080 at 1080p' },
      { value: '480*832', label: 'Portrait 480×832, or 1080×1920 at 1080p' },
    ]);
  });

  it('gives each model the frame of the shape asked for at its own resolution', () => {
    const sharp = VIDEO_OPTIONS.size.schemaFor(VIDEO_MODELS['t2v-plus-1080p']);
    expect(sharp.parse('832*480')).toBe('1920*1080');
    expect(sharp.parse('480*832')).toBe('1080*1920');
    expect(sharp.parse('1080*1920')).toBe('1080*1920');
    expect(sharp.parse(undefined)).toBe('1920*1080');
    const draft = VIDEO_OPTIONS.size.schemaFor(VIDEO_MODELS['t2v-plus-480p']);
    expect(draft.parse('480*832')).toBe('480*832');
    expect(draft.safeParse('1920*1080').error?.issues[0]?.message).toBe('video.size.invalid');
  });
});

describe('the model a video is made with', () => {
  it.each([
    { fromImage: false, quality: undefined, model: 't2v-plus-480p' },
    { fromImage: true, quality: undefined, model: 'i2v-plus-480p' },
    { fromImage: false, quality: '480p', model: 't2v-plus-480p' },
    { fromImage: true, quality: '480p', model: 'i2v-plus-480p' },
    { fromImage: false, quality: '1080p', model: 't2v-plus-1080p' },
    { fromImage: true, quality: '1080p', model: 'i2v-plus-1080p' },
  ] as const)('from an image: $fromImage, at $quality: $model', ({ fromImage, quality, model }) => {
    expect(modelFor({ fromImage, ...(quality && { quality }) })).toBe(model);
  });

  it('offers text and image at 480p, then at 1080p, text first', () => {
    expect(OFFERED_MODELS).toEqual(['t2v-plus-480p', 'i2v-plus-480p', 't2v-plus-1080p', 'i2v-plus-1080p']);
  });

  it.each([
    ['t2v-plus-480p', '480p'],
    ['i2v-plus-480p', '480p'],
    ['t2v-plus-1080p', '1080p'],
    ['i2v-plus-1080p', '1080p'],
  ] as const)('knows %s renders at %s', (model, quality) => {
    expect(qualityOf(model)).toBe(quality);
  });

  it('offers the quality as a choice with its price, 480p when left out', () => {
    expect(QUALITY_OPTION.choices).toEqual([
      { value: '480p', label: '480p ($0.05, $0.20 from an image)' },
      { value: '1080p', label: '1080p ($0.80)' },
    ]);
    expect(QUALITY_OPTION.schema.parse(undefined)).toBe('480p');
    expect(QUALITY_OPTION.schema.safeParse('4k').error?.issues[0]?.message).toBe('video.quality.invalid');
  });
});

describe('prices', () => {
  it.each([
    { model: 't2v-plus-480p', cents: 5, shown: '$0.05' },
    { model: 'i2v-plus-480p', cents: 20, shown: '$0.20' },
    { model: 't2v-plus-1080p', cents: 80, shown: '$0.80' },
    { model: 'i2v-plus-1080p', cents: 80, shown: '$0.80' },
  ] as const)('charges $shown for $model', ({ model, cents, shown }) => {
    expect(modelOf({ model }).priceCents).toBe(cents);
    expect(dollars(modelOf({ model }).priceCents)).toBe(shown);
  });

  it('shows dollars with their cents', () => {
    expect(dollars(0)).toBe('$0.00');
    expect(dollars(1234)).toBe('$12.34');
  });
});
