import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RateLimitData, RateLimitError, REST } from 'discord.js';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DiscordDelivery, type DiscordDeliveryOptions } from '../../src/discord/discord-delivery.js';
import type { Translator } from '../../src/i18n/translator.js';
import type { VideoFile } from '../../src/jobs/delivery.js';
import type { Job, JobOrigin } from '../../src/jobs/job.js';
import { type DiscordStandIn, type RecordedMessage, startDiscordStandIn } from '../stand-ins/discord.js';
import { fakeMp4, fakeMp4Chunks, fakeMp4Sha256 } from '../stand-ins/wavespeed.js';

/** More than @discordjs/rest lets one instance send in a second (its global limit, 50). */
const EDITS = 60;
const MiB = 1024 * 1024;

let standIn: DiscordStandIn;
let dir: string;
beforeEach(async () => {
  standIn = await startDiscordStandIn();
  dir = mkdtempSync(join(tmpdir(), 'wan-bot-delivery-'));
});
afterEach(async () => {
  await standIn.close();
  rmSync(dir, { recursive: true, force: true });
});

function origin(n: number): JobOrigin {
  return {
    interactionId: String(1_000_000_000_000_000_000n + BigInt(n)),
    token: `interaction-token-${n}-${'x'.repeat(40)}`,
    tokenExpiresAt: Date.now() + 15 * 60_000,
    applicationId: standIn.applicationId,
    guildId: standIn.guildId,
    channelId: standIn.channelId,
    userId: standIn.userId,
    attachmentSizeLimit: 10 * MiB,
    channelNsfw: false,
  };
}

/** A job whose reply token is spent, so its result goes to the channel. */
function channelJob(n = 1): Job {
  return {
    id: String(1_100_000_000_000_000_000n + BigInt(n)),
    origin: { ...origin(n), token: '' },
    request: { model: 't2v-plus-480p', prompt: 'a heron at dawn', size: '832*480', seed: -1, prompt_expansion: false },
    state: 'delivering',
    createdAt: Date.now(),
    revision: 1,
    polls: 1,
  };
}

function connect(options: DiscordDeliveryOptions = {}): DiscordDelivery {
  const rest = new REST({ api: standIn.apiUrl }).setToken(standIn.token);
  return new DiscordDelivery(rest, standIn.token, pino({ level: 'silent' }), options);
}

/** Writes `fakeMp4(bytes)` to disk chunk by chunk, as the download would. */
function videoOnDisk(bytes: number, spoiler = false): VideoFile {
  const path = join(dir, `video-${bytes}.mp4`);
  writeFileSync(path, '');
  for (const chunk of fakeMp4Chunks(bytes)) writeFileSync(path, chunk, { flag: 'a' });
  return { name: 'p1.mp4', path, bytes, spoiler };
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
    const delivery = new DiscordDelivery(rest, standIn.token, pino({ level: 'silent' }));

    await Promise.all(
      Array.from({ length: EDITS }, (_, n) => delivery.progress(origin(n), () => 'Sending your prompt…')),
    );

    // Held to the global limit, the 51st edit would have waited for the next second.
    expect(holds).toEqual([]);
    const edits = standIn.requests.filter((request) => request.method === 'PATCH');
    expect(edits).toHaveLength(EDITS);
    expect(edits.every((edit) => edit.auth === 'none')).toBe(true);
  });

  it('uploads the video from its file, and Discord receives exactly its bytes', async () => {
    standIn.setAttachmentSizeLimit(standIn.guildId, 100 * MiB);
    const file = videoOnDisk(30 * MiB);

    const { route } = await connect().post(channelJob(), {
      content: () => '🎬 done',
      file,
      linkContent: () => '🎬 done\nhttps://x',
    });

    expect(route).toBe('channel');
    const [upload] = standIn.requests.filter((request) => request.files.length > 0);
    expect(upload?.auth).toBe('bot');
    expect(upload?.body).toMatchObject({
      content: `<@${standIn.userId}> 🎬 done`,
      allowed_mentions: { parse: [], users: [standIn.userId] },
      attachments: [{ id: 0, filename: 'p1.mp4' }],
      enforce_nonce: true,
    });
    expect(upload?.files).toMatchObject([
      { field: 'files[0]', name: 'p1.mp4', contentType: 'video/mp4', size: 30 * MiB, sha256: fakeMp4Sha256(30 * MiB) },
    ]);
    expect(Buffer.from(upload?.files[0]?.head ?? []).toString('latin1', 4, 8)).toBe('ftyp');
    // Tens of MiB are recorded by size, hash and first bytes, not held whole in the test process.
    expect(upload?.files[0]?.bytes).toBeUndefined();
  });

  it('hides a flagged video behind a spoiler name', async () => {
    await connect().post(channelJob(), { content: () => '🎬 done', file: videoOnDisk(4096, true) });

    const message = standIn.messages.at(-1);
    expect(message?.attachments).toMatchObject([{ filename: 'SPOILER_p1.mp4', size: 4096 }]);
    expect(Buffer.from(message?.attachments[0]?.bytes ?? [])).toEqual(fakeMp4(4096));
  });

  it('posts the link instead when Discord refuses the file as too large', async () => {
    standIn.setAttachmentSizeLimit(standIn.guildId, 1 * MiB);

    const delivered = await connect().post(channelJob(), {
      content: () => '🎬 done',
      file: videoOnDisk(2 * MiB),
      linkContent: () => '🎬 done\nhttps://cdn.example/p1.mp4',
    });

    // The link's message is the one a jump link back to the result goes to.
    expect(delivered).toEqual({
      route: 'channel',
      message: { guildId: standIn.guildId, channelId: standIn.channelId, messageId: standIn.messages[0]?.id },
    });
    expect(standIn.messages).toHaveLength(1);
    expect(standIn.messages[0]).toMatchObject({ content: `<@${standIn.userId}> 🎬 done\nhttps://cdn.example/p1.mp4` });
    expect(standIn.messages[0]?.attachments).toEqual([]);
  });

  it("words a post for where it lands: the server's language in its channel, the member's in a DM", async () => {
    const job = { ...channelJob(), origin: { ...channelJob().origin, locale: 'ja', guildLocale: 'es-ES' } };
    const post = { content: (t: Translator) => t.text('admin.saved'), actions: ['delete'] as const };
    const labels = (message: RecordedMessage | undefined) =>
      JSON.stringify(message?.components).match(/"label":"[^"]*"/g) ?? [];

    await connect().post(job, post);
    standIn.fault({ method: 'POST', route: '/channels/:channelId/messages', status: 403, code: 50001 });
    const { route } = await connect().post({ ...job, id: String(BigInt(job.id) + 1n) }, post);

    expect(route).toBe('dm');
    const [inChannel, inDm] = standIn.messages;
    expect(inChannel?.content).toBe(`<@${standIn.userId}> Guardado.`);
    expect(labels(inChannel)).toEqual(['"label":"Eliminar"']);
    expect(inDm?.content).toBe('保存しました。');
    expect(labels(inDm)).toEqual(['"label":"削除"']);
  });

  it('fails an upload at once when Discord asks to wait longer than a few seconds, so the job is retried later', async () => {
    const limit = standIn.fault({
      method: 'POST',
      route: '/channels/:channelId/messages',
      withFiles: true,
      status: 429,
      retryAfter: 600,
      times: Number.POSITIVE_INFINITY,
    });

    const posting = connect().post(channelJob(), { content: () => '🎬 done', file: videoOnDisk(4096) });

    // Waited out, the ten minutes would outlast the test's own timeout. The channel, then the
    // DM were tried; both held, the post fails for the job to retry later.
    await expect(posting).rejects.toBeInstanceOf(RateLimitError);
    expect(limit.hits).toBe(2);
    expect(standIn.messages).toEqual([]);
  });

  it('gives up on an upload that Discord keeps answering with short 429s once its deadline passes', async () => {
    const limit = standIn.fault({
      method: 'POST',
      route: '/channels/:channelId/messages',
      withFiles: true,
      status: 429,
      retryAfter: 0.05,
      times: Number.POSITIVE_INFINITY,
    });

    const posting = connect({ postDeadlineMs: 500 }).post(channelJob(), {
      content: () => '🎬',
      file: videoOnDisk(4096),
    });

    await expect(posting).rejects.toMatchObject({ name: expect.stringMatching(/AbortError|TimeoutError/) });
    expect(limit.hits).toBeGreaterThan(1);
    expect(standIn.messages).toEqual([]);
  });
});
