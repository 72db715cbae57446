import { type RateLimitData, REST } from 'discord.js';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DiscordDelivery } from '../../src/discord/discord-delivery.js';
import type { JobOrigin } from '../../src/jobs/job.js';
import { type DiscordStandIn, startDiscordStandIn } from '../stand-ins/discord.js';

/** More than @discordjs/rest lets one instance send in a second (its global limit, 50). */
const EDITS = 60;

let standIn: DiscordStandIn;
beforeEach(async () => {
  standIn = await startDiscordStandIn();
});
afterEach(() => standIn.close());

function origin(n: number): JobOrigin {
  return {
    interactionId: String(1_000_000_000_000_000_000n + BigInt(n)),
    token: `interaction-token-${n}-${'x'.repeat(40)}`,
    tokenExpiresAt: Date.now() + 15 * 60_000,
    applicationId: standIn.applicationId,
    guildId: standIn.guildId,
    channelId: standIn.channelId,
    userId: standIn.userId,
    attachmentSizeLimit: 10 * 1024 * 1024,
    channelNsfw: false,
  };
}

describe('DiscordDelivery', () => {
  it('sends a burst of reply edits at once: Discord does not hold interaction webhooks to the global limit', async () => {
    // @discordjs/rest reports every request it would hold for a limit here, and the edits'
    // REST instance inherits it with the rest of these options.
    const holds: RateLimitData[] = [];
    const rest = new REST({
      api: standIn.apiUrl,
      rejectOnRateLimit: (limit) => {
        holds.push(limit);
        return true;
      },
    }).setToken(standIn.token);
    const delivery = new DiscordDelivery(rest, pino({ level: 'silent' }));

    await Promise.all(Array.from({ length: EDITS }, (_, n) => delivery.progress(origin(n), 'Sending your prompt…')));

    // Held to the global limit, the 51st edit would have waited for the next second.
    expect(holds).toEqual([]);
    const edits = standIn.requests.filter((request) => request.method === 'PATCH');
    expect(edits).toHaveLength(EDITS);
    expect(edits.every((edit) => edit.auth === 'none')).toBe(true);
  });
});
