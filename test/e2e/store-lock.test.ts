import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { RecordedMessage } from '../stand-ins/discord.js';
import { type Rig, startRig } from './rig.js';

/** Past Discord's 3-s window for the first answer, and past the store's bounded wait for a lock. */
const LOCK_HELD_MS = 4_000;
const REFUSAL = /can't check quotas right now, so nothing was started or spent/;

const withVideo = (m: RecordedMessage) => m.attachments.length > 0;
const member = (index: number) => `30000000000000010${index}`;

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

describe('another program holding the SQLite write lock', () => {
  it('delays no acknowledgement: each /video is answered in time, then refused plainly or made once the lock is gone', async () => {
    rig = await startRig();
    const { store } = rig.config;
    if (store.kind !== 'sqlite') throw new Error('the rig runs on SQLite');
    // As an operator's `sqlite3` shell holds it: a write transaction left open.
    const shell = new Database(store.path, { timeout: 0 });
    try {
      shell.exec('BEGIN IMMEDIATE');
      const send = (index: number, prompt: string) => {
        const userId = member(index);
        return { userId, handle: rig?.discord.sendCommand({ name: 'video', options: { prompt }, userId }) };
      };
      const early = [0, 1, 2, 3].map((index) => send(index, `early ${index}`));
      await sleep(LOCK_HELD_MS - 500);
      const late = [4, 5].map((index) => send(index, `late ${index}`));
      await sleep(500);
      shell.exec('COMMIT');

      const finals = await Promise.all(
        [...early, ...late].map(async ({ userId, handle }) => {
          if (!handle) throw new Error('no rig');
          const final = await handle.waitForMessage((m) => withVideo(m) || REFUSAL.test(m.content), {
            timeoutMs: 10_000,
          });
          // The stand-in records no callback that came after the 3-s window.
          return { userId, made: withVideo(final), callback: await handle.callback({ timeoutMs: 1 }) };
        }),
      );
      await expect.poll(() => rig?.bot.runner.inFlight).toBe(0);
      const outcomes = await Promise.all(
        finals.map(async (final) => ({
          ...final,
          usage: await rig?.bot.ledger.usage(final.userId, rig.discord.guildId, Date.now()),
        })),
      );

      for (const { callback } of outcomes) expect(callback.latencyMs).toBeLessThan(3_000);
      // Held past the store's bounded wait: refused, and nothing spent.
      for (const outcome of outcomes.slice(0, early.length)) {
        expect(outcome.made).toBe(false);
        expect(outcome.usage).toMatchObject({ userUsed: 0, userInFlight: 0 });
      }
      // Sent shortly before the lock went: made once it was gone, or refused; the ledger agrees either way.
      for (const outcome of outcomes.slice(early.length)) {
        expect(outcome.usage).toMatchObject({ userUsed: outcome.made ? 1 : 0, userInFlight: 0 });
      }
      expect(rig.wavespeed.submits).toHaveLength(outcomes.filter(({ made }) => made).length);

      const after = rig.discord.sendCommand({ name: 'video', options: { prompt: 'after' }, userId: member(6) });
      await after.waitForMessage(withVideo, { timeoutMs: 10_000 });
    } finally {
      shell.close();
    }
  });
});
