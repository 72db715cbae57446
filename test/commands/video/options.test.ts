import { describe, expect, it } from 'vitest';
import { parseVideoOptions, rawOptionsOf } from '../../../commands/video/options.js';
import { translator } from '../../../src/i18n/translator.js';
import { UserError } from '../../../src/user-error.js';

const MISSING_PROMPT = 'Describe the video you want in `prompt`, or attach an `image` to start from.';

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
      model: 't2v-plus-480p',
      prompt: 'a red fox in snow',
      size: '832*480',
      seed: -1,
      prompt_expansion: false,
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
    ).toEqual({
      model: 't2v-plus-480p',
      prompt: 'waves',
      negative_prompt: 'people',
      size: '480*832',
      seed: 2147483647,
      prompt_expansion: true,
    });
  });

  it('refuses a blank prompt that slipped past Discord', () => {
    expect(refusal({ prompt: ' \n ' }).message).toBe(MISSING_PROMPT);
    expect(refusal({}).message).toBe(MISSING_PROMPT);
  });

  it('refuses forged values with a message naming the limit', () => {
    expect(refusal({ prompt: 'x'.repeat(801) }).message).toBe('The prompt can be at most 800 characters.');
    expect(refusal({ prompt: 'x', negative_prompt: 'y'.repeat(501) }).message).toBe(
      'The negative prompt can be at most 500 characters.',
    );
    expect(refusal({ prompt: 'x', seed: 2147483648 }).message).toBe(
      'The seed must be between -1 (random) and 2147483647.',
    );
    expect(refusal({ prompt: 'x', seed: -2 }).message).toBe('The seed must be between -1 (random) and 2147483647.');
    expect(refusal({ prompt: 'x', seed: 1.5 }).message).toBe('The seed must be a whole number.');
    expect(refusal({ prompt: 'x', size: '1920*1080' }).message).toBe('Pick one of the offered sizes.');
  });

  it("words a refusal in the member's language, with the option's bounds filled in", () => {
    const [ja, es, zh] = [translator('ja'), translator('es-ES'), translator('zh-CN')];
    const png = {
      url: 'https://cdn.discordapp.com/attachments/1/2/cat.png?ex=1',
      contentType: 'image/png',
      size: 4096,
    };
    expect(refusal({ prompt: 'x'.repeat(801) }).wording(ja)).toBe('プロンプトは 800 文字以内にしてください。');
    expect(refusal({ prompt: 'x', seed: -2 }).wording(es)).toBe(
      'La semilla debe estar entre -1 (aleatoria) y 2147483647.',
    );
    expect(refusal({ image: { ...png, size: 21 * 1024 * 1024 } }).wording(zh)).toBe('图片最大 20 MB。');
    expect(refusal({ image: png, size: '480*832' }).wording(ja)).toBe(
      'サイズは画像で決まるため、サイズは指定しないでください。',
    );
    expect(refusal({ prompt: 'waves', quality: '4k' }).wording(translator('pt-BR'))).toBe(
      'Escolha uma das qualidades oferecidas.',
    );
    // A check the catalog gives no words: options not valid, in the member's language too.
    expect(refusal({ prompt: 'x', prompt_expansion: 'yes' }).wording(ja)).toBe('そのオプションは無効です。');
  });

  it.each([
    ['zero-width spaces', '\u200b\u200b\u200b'],
    ['NUL', '\u0000'],
    ['Hangul fillers', '\u3164 \u115f\u1160 \uffa0'],
    ['Braille blanks', '\u2800\u2800'],
    ['a Mongolian vowel separator and word joiners', '\u180e\u2060\u2061\u2062\u2063\u2064'],
    ['byte-order marks', '\ufeff\ufeff'],
    ['variation selectors', '\ufe0f\u{e0100}'],
    ['tag characters', '\u{e0001}\u{e0041}\u{e007f}'],
    ['controls and odd spaces', '\u0007\u001b\u00a0\u3000\u2028'],
    ['combining marks with nothing to mark', '\u0301\u034f'],
  ])('refuses a prompt of only %s like an empty one', (_case, prompt) => {
    const error = refusal({ prompt });
    expect(error.identifier).toBe('video.prompt.missing');
    expect(error.message).toBe(MISSING_PROMPT);
  });

  it('strips control characters from a visible prompt, so NUL never reaches the provider', () => {
    const request = parseVideoOptions({
      prompt: '\u0000a fox\u0000 in\tthe\nsnow\u0007',
      negative_prompt: 'rain\u0000',
    });
    expect(request.prompt).toBe('a fox in the snow');
    expect(request.negative_prompt).toBe('rain');
  });

  it('keeps joiners and selectors that are part of what a visible prompt says', () => {
    const family = '\u{1f468}\u200d\u{1f469}\u200d\u{1f467}';
    expect(parseVideoOptions({ prompt: `${family} on a beach \u2764\ufe0f` }).prompt).toBe(
      `${family} on a beach \u2764\ufe0f`,
    );
  });

  it('drops a negative prompt with nothing visible instead of sending it', () => {
    expect(parseVideoOptions({ prompt: 'waves', negative_prompt: '\u200b\u3164\u0000' })).not.toHaveProperty(
      'negative_prompt',
    );
  });

  it('drops a negative prompt with nothing visible however long it is, like a prompt with nothing visible', () => {
    expect(parseVideoOptions({ prompt: 'waves', negative_prompt: '\u200b'.repeat(501) })).not.toHaveProperty(
      'negative_prompt',
    );
    expect(refusal({ prompt: '\u200b'.repeat(801) }).message).toBe(MISSING_PROMPT);
  });

  it('counts the prompt limit after control characters are gone', () => {
    expect(parseVideoOptions({ prompt: `${'x'.repeat(800)}\u0000\u0000` }).prompt).toHaveLength(800);
  });
});

describe('parseVideoOptions with an image', () => {
  const png = { url: 'https://cdn.discordapp.com/attachments/1/2/cat.png?ex=1', contentType: 'image/png', size: 4096 };

  it('makes a video from the image, at 480p, with no prompt needed and no size', () => {
    expect(parseVideoOptions({ image: png })).toEqual({
      model: 'i2v-plus-480p',
      image: { url: png.url, type: 'image/png', bytes: 4096 },
      seed: -1,
      prompt_expansion: false,
    });
  });

  it('keeps the prompts and seed a member gave with it', () => {
    expect(
      parseVideoOptions({
        image: png,
        prompt: ' the cat yawns ',
        negative_prompt: 'dogs',
        seed: 3,
        prompt_expansion: true,
      }),
    ).toEqual({
      model: 'i2v-plus-480p',
      image: { url: png.url, type: 'image/png', bytes: 4096 },
      prompt: 'the cat yawns',
      negative_prompt: 'dogs',
      seed: 3,
      prompt_expansion: true,
    });
  });

  it('drops a prompt with nothing visible instead of refusing: the image says enough', () => {
    expect(parseVideoOptions({ image: png, prompt: '\u200b' })).not.toHaveProperty('prompt');
  });

  it('refuses a size: the frame comes from the image', () => {
    expect(refusal({ image: png, size: '480*832' }).message).toBe('Size comes from the image; leave size out.');
  });

  it.each([
    ['image/jpeg', 'image/jpeg'],
    ['image/webp', 'image/webp'],
    ['IMAGE/PNG; charset=binary', 'image/png'],
  ])('takes a file declared as %s', (contentType, type) => {
    expect(parseVideoOptions({ image: { ...png, contentType } })).toMatchObject({ image: { type } });
  });

  it.each([['image/gif'], ['image/svg+xml'], ['video/mp4'], ['application/octet-stream'], [null]])(
    'refuses a file declared as %s before anything is spent',
    (contentType) => {
      expect(refusal({ image: { ...png, contentType } }).message).toBe('The image must be a PNG, JPEG or WebP file.');
    },
  );

  it('refuses a file declared larger than 20 MB, and takes one of exactly 20 MB', () => {
    const limit = 20 * 1024 * 1024;
    expect(refusal({ image: { ...png, size: limit + 1 } }).message).toBe('The image can be at most 20 MB.');
    expect(parseVideoOptions({ image: { ...png, size: limit } })).toMatchObject({ image: { bytes: limit } });
  });

  it('refuses a forged link that is not http(s)', () => {
    expect(refusal({ image: { ...png, url: 'file:///etc/passwd' } }).message).toBe(
      'The image must be a PNG, JPEG or WebP file.',
    );
  });
});

describe('parseVideoOptions at 1080p', () => {
  const png = { url: 'https://cdn.discordapp.com/attachments/1/2/cat.png?ex=1', contentType: 'image/png', size: 4096 };

  it('makes a video from text on the 1080p model, in the frame of the shape asked for', () => {
    expect(parseVideoOptions({ prompt: 'waves', quality: '1080p' })).toEqual({
      model: 't2v-plus-1080p',
      prompt: 'waves',
      size: '1920*1080',
      seed: -1,
      prompt_expansion: false,
    });
    expect(parseVideoOptions({ prompt: 'waves', size: '480*832', quality: '1080p' })).toMatchObject({
      model: 't2v-plus-1080p',
      size: '1080*1920',
    });
  });

  it('makes a video from an image on the 1080p image model, which needs a prompt too', () => {
    expect(parseVideoOptions({ image: png, prompt: 'the cat yawns', quality: '1080p' })).toMatchObject({
      model: 'i2v-plus-1080p',
      prompt: 'the cat yawns',
    });
    expect(refusal({ image: png, quality: '1080p' }).message).toBe(
      'A 1080p video from an image needs a `prompt` too: say what happens in it.',
    );
  });

  it('stays at 480p when asked for, and refuses a quality it does not offer', () => {
    expect(parseVideoOptions({ prompt: 'waves', quality: '480p' })).toMatchObject({ model: 't2v-plus-480p' });
    expect(refusal({ prompt: 'waves', quality: '4k' }).message).toBe('Pick one of the offered qualities.');
    // A 1080p frame is not one a 480p model renders.
    expect(refusal({ prompt: 'waves', size: '1920*1080' }).message).toBe('Pick one of the offered sizes.');
  });

  it.each([
    { model: 't2v-plus-480p', prompt: 'waves', size: '480*832', seed: 4, prompt_expansion: true },
    {
      model: 't2v-plus-1080p',
      prompt: 'waves',
      negative_prompt: 'boats',
      size: '1080*1920',
      seed: 4,
      prompt_expansion: false,
    },
    {
      model: 'i2v-plus-1080p',
      image: { url: png.url, type: 'image/png', bytes: 4096 },
      prompt: 'the cat yawns',
      seed: 9,
      prompt_expansion: false,
    },
  ] as const)('reads back a stored $model request as it was made', (request) => {
    expect(parseVideoOptions(rawOptionsOf(request))).toEqual(request);
  });

  it('asks for the same take at 1080p from a 480p request', () => {
    const draft = {
      model: 't2v-plus-480p',
      prompt: 'waves',
      size: '480*832',
      seed: 4,
      prompt_expansion: false,
    } as const;
    expect(parseVideoOptions({ ...rawOptionsOf(draft), quality: '1080p' })).toEqual({
      ...draft,
      model: 't2v-plus-1080p',
      size: '1080*1920',
    });
  });
});
