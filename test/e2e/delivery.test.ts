import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_VIDEO_FILES_DIR } from '../../src/jobs/video-files.js';
import { fakeMp4Sha256 } from '../stand-ins/wavespeed.js';
import { isFinal, type Rig, startRig } from './rig.js';

/**
 * Large outputs on the real client: the download is capped even when Discord leaves the
 * upload limit out, and files of tens of MiB go from disk to Discord. Memory figures live in
 * the bench; here the WaveSpeed stand-in says how much of each output it had to send, which
 * bounds what the bot can have read.
 */

const MiB = 1024 * 1024;

let rig: Rig;
afterEach(async () => rig?.close());

/** The files this process's bot keeps between download and upload. */
function videoFilesLeft(): string[] {
  const dir = join(DEFAULT_VIDEO_FILES_DIR, `pid-${process.pid}`);
  return existsSync(dir) ? readdirSync(dir) : [];
}

describe('large outputs end to end', () => {
  it('posts a 400 MiB output streamed without a length as its link when the interaction carries no upload limit', async () => {
    rig = await startRig();
    rig.wavespeed.nextSubmit({ outputBytes: 400 * MiB, output: { omitContentLength: true } });

    const handle = rig.discord.sendCommand({
      name: 'video',
      options: { prompt: 'a very long river' },
      omitAttachmentSizeLimit: true,
    });
    const final = await handle.waitForMessage(isFinal, { timeoutMs: 20_000 });

    expect(final.attachments).toEqual([]);
    expect(final.content).toMatch(new RegExp(`${rig.wavespeed.baseUrl}/outputs/\\S+\\.mp4`));
    // Capped at Discord's default 10 MiB, the bot stopped reading soon after: the stand-in,
    // which makes the body as it sends it, sent a small part of it (socket buffers included).
    const [served] = await rig.wavespeed.waitForOutputsEnded(1);
    expect(served?.complete).toBe(false);
    expect(served?.bytesSent).toBeLessThan(40 * MiB);
    expect(rig.discord.requests.filter((request) => request.files.length > 0)).toEqual([]);
    expect(videoFilesLeft()).toEqual([]);
  });

  it('delivers 60 MiB outputs as files in a guild with a 100 MiB limit, byte for byte, and removes them from disk', async () => {
    rig = await startRig();
    rig.wavespeed.setDefaults({ outputBytes: 60 * MiB });

    const handles = ['1', '2', '3'].map((n) =>
      rig.discord.sendCommand({
        name: 'video',
        options: { prompt: `wide shot number ${n}` },
        userId: `30000000000000000${n}`,
        attachmentSizeLimit: 100 * MiB,
      }),
    );
    const finals = await Promise.all(
      handles.map((handle) => handle.waitForMessage((m) => m.attachments.length > 0, { timeoutMs: 30_000 })),
    );

    const digest = fakeMp4Sha256(60 * MiB);
    for (const final of finals) {
      expect(final.attachments).toMatchObject([{ contentType: 'video/mp4', size: 60 * MiB, sha256: digest }]);
    }
    expect(rig.wavespeed.outputsServed.every((served) => served.complete)).toBe(true);
    // The job is done (and its file gone) once it logs its delivery, just after the post.
    for (const handle of handles) await rig.waitForLog(new RegExp(`"jobId":"${handle.id}".*"msg":"delivered"`));
    expect(videoFilesLeft()).toEqual([]);
  });
});
