import { describe, expect, it } from 'vitest';
import { parseVideoOptions } from '../../src/jobs/video-options.js';
import { UserError } from '../../src/user-error.js';

function refusal(raw: Parameters<typeof parseVideoOptions>[0]): UserError {
  try {
    parseVideoOptions(raw);
  } catch (error) {
    if (error instanceof UserError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('parseVideoOptions', () => {
  it('applies the model defaults to a bare prompt', () => {
    expect(parseVideoOptions({ prompt: '  a red fox in snow ' })).toEqual({
      prompt: 'a red fox in snow',
      size: '832*480',
      seed: -1,
      promptExpansion: false,
    });
  });

  it('keeps every option a member gave', () => {
    expect(
      parseVideoOptions({
        prompt: 'waves',
        negative_prompt: 'people',
        size: '480*832',
        seed: 2147483647,
        prompt_expansion: true,
      }),
    ).toEqual({ prompt: 'waves', negativePrompt: 'people', size: '480*832', seed: 2147483647, promptExpansion: true });
  });

  it('refuses a blank prompt that slipped past Discord', () => {
    expect(refusal({ prompt: ' \n ' }).message).toMatch(/Describe the video/);
    expect(refusal({}).message).toMatch(/Describe the video/);
  });

  it('refuses forged values with a message naming the limit', () => {
    expect(refusal({ prompt: 'x'.repeat(801) }).message).toMatch(/at most 800/);
    expect(refusal({ prompt: 'x', negative_prompt: 'y'.repeat(501) }).message).toMatch(/at most 500/);
    expect(refusal({ prompt: 'x', seed: 2147483648 }).message).toMatch(/between -1/);
    expect(refusal({ prompt: 'x', seed: -2 }).message).toMatch(/between -1/);
    expect(refusal({ prompt: 'x', seed: 1.5 }).message).toMatch(/whole number/);
    expect(refusal({ prompt: 'x', size: '1920*1080' }).message).toMatch(/offered sizes/);
  });
});
