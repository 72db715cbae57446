import { describe, expect, it } from 'vitest';
import {
  OFFERED_MODEL,
  optionsOf,
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

  it('offers a model whose every required input has an option that says when it is missing', () => {
    const offered = optionsOf(OFFERED_MODEL);
    for (const field of OFFERED_MODEL.requires) {
      const option = offered.find((candidate) => candidate.option.field === field);
      expect(option?.required).toBe(true);
      expect(option?.option.missing).toBeTruthy();
    }
  });

  it('has no option that no model takes', () => {
    const taken = new Set(models.flatMap(([, model]) => model.takes));
    for (const option of Object.values(VIDEO_OPTIONS)) expect(taken).toContain(option.field);
  });

  it('labels every frame size as members see it, and offers the model’s sizes with those labels', () => {
    expect(Object.keys(VIDEO_SIZES).map((size) => sizeLabel(size as keyof typeof VIDEO_SIZES))).toEqual([
      'Landscape 832×480',
      'Portrait 480×832',
      'Landscape 1920×1080',
      'Portrait 1080×1920',
    ]);
    expect(VIDEO_OPTIONS.size.choices).toEqual(
      OFFERED_MODEL.sizes.map((value) => ({ value, label: sizeLabel(value) })),
    );
  });
});
