import { describe, expect, it } from 'vitest';
import { historyEmbed } from '../../src/discord/messages.js';
import { translator } from '../../src/i18n/translator.js';
import type { Job } from '../../src/jobs/job.js';
import { HISTORY_LENGTH } from '../../src/jobs/job-store.js';

/** `/video-history`'s embed within Discord's limits however long the prompts, ids and links. */

const NOW = Date.UTC(2026, 10, 26, 12);
/** Discord's limits on one embed. */
const EMBED_TOTAL = 6000;
const FIELD_VALUE = 1024;
const FIELD_NAME = 256;

/** The longest entry a member can make: a prompt of Markdown only, every id at its longest, a long video link. */
function longest(n: number): Job {
  const snowflake = String(10n ** 19n + BigInt(n));
  return {
    id: snowflake,
    origin: {
      interactionId: snowflake,
      token: '',
      tokenExpiresAt: NOW,
      applicationId: snowflake,
      guildId: snowflake,
      channelId: snowflake,
      userId: snowflake,
      attachmentSizeLimit: 1,
      channelNsfw: false,
    },
    request: {
      model: 'i2v-plus-1080p',
      prompt: '*'.repeat(2000),
      image: { url: 'https://cdn.example/x.png', type: 'image/png', bytes: 1 },
      seed: 2_147_483_647,
    } as unknown as Job['request'],
    state: 'done',
    createdAt: NOW - n * 1000,
    submittedAt: NOW - n * 1000,
    revision: 1,
    polls: 1,
    predictionId: 'f'.repeat(64),
    outcome: { kind: 'failure', reason: 'output_unavailable', url: `https://cdn.example/${'v'.repeat(170)}.mp4` },
    deliveredVia: 'reply',
  };
}

function characters(embed: ReturnType<typeof historyEmbed>): number {
  const fields = embed.fields ?? [];
  return (
    (embed.title?.length ?? 0) +
    (embed.description?.length ?? 0) +
    (embed.footer?.text.length ?? 0) +
    fields.reduce((sum, field) => sum + field.name.length + field.value.length, 0)
  );
}

describe('historyEmbed', () => {
  it('fits ten of the longest entries in one embed, each field within its own limits', () => {
    const jobs = Array.from({ length: HISTORY_LENGTH }, (_, n) => longest(n));
    const embed = historyEmbed(jobs, true, NOW, translator('en-US'));

    expect(embed.fields).toHaveLength(HISTORY_LENGTH);
    expect(embed.fields?.[0]?.value).toContain('[Video](https://cdn.example/');
    expect(characters(embed)).toBeLessThanOrEqual(EMBED_TOTAL);
    for (const field of embed.fields ?? []) {
      expect(field.value.length).toBeLessThanOrEqual(FIELD_VALUE);
      expect(field.name.length).toBeLessThanOrEqual(FIELD_NAME);
    }
  });

  it('links the original message when it is known, and no video once WaveSpeed no longer keeps it', () => {
    const posted = { ...longest(1), deliveredMessage: { guildId: null, channelId: '11', messageId: '22' } };
    const old = { ...longest(2), submittedAt: NOW - 8 * 24 * 60 * 60_000 };
    const [linked, expired] = historyEmbed([posted, old], false, NOW, translator('en-US')).fields ?? [];

    expect(linked?.value).toContain('[Original message](https://discord.com/channels/@me/11/22)');
    expect(linked?.value).not.toContain('[Video]');
    expect(expired?.value).not.toMatch(/\[(Video|Original message)\]/);
  });
});
