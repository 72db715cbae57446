import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { Job } from '../../src/jobs/job.js';
import { type LogEntry, type LogPoster, ModerationLog } from '../../src/moderation/moderation-log.js';

/** The moderation log's queue: off the jobs' path, bounded however slow or broken the log channel is. */

const GUILD = '100000000000000001';

/** A poster whose posts wait until the test settles them. */
class HeldPoster implements LogPoster {
  readonly posted: Array<{ guildId: string; entry: LogEntry; settle(error?: Error): void }> = [];

  post(guildId: string, entry: LogEntry): Promise<void> {
    return new Promise((resolve, reject) => {
      this.posted.push({ guildId, entry, settle: (error) => (error ? reject(error) : resolve()) });
    });
  }

  async greet(): Promise<null> {
    return null;
  }
}

function logLines() {
  const lines: string[] = [];
  const logger = pino(
    { level: 'info' },
    new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    }),
  );
  return { logger, lines };
}

const action = (memberId: string): LogEntry => ({ kind: 'member_action', action: 'block', memberId, by: 'admin' });

function job(outcome: Job['outcome'], deliveredVia: Job['deliveredVia'], guildId: string | null = GUILD): Job {
  return {
    id: '900000000000000001',
    origin: { guildId, userId: '300000000000000001', channelId: '400000000000000001' },
    request: { model: 't2v-plus-480p', prompt: 'a kite', seed: 1 },
    state: 'done',
    createdAt: 0,
    revision: 1,
    polls: 1,
    ...(outcome && { outcome }),
    ...(deliveredVia && { deliveredVia }),
  } as Job;
}

describe('ModerationLog', () => {
  it('returns at once and posts beside the caller, at most `concurrency` at a time', async () => {
    const poster = new HeldPoster();
    const log = new ModerationLog(poster, logLines().logger, { concurrency: 2 });
    for (let i = 0; i < 5; i++) log.post(GUILD, action(`member-${i}`));
    expect(poster.posted).toHaveLength(2);

    let idle = false;
    const done = log.idle(60_000).then(() => {
      idle = true;
    });
    poster.posted[0]?.settle();
    await new Promise(setImmediate);
    expect(poster.posted).toHaveLength(3);
    for (let settled = 1; settled < 5; settled++) {
      poster.posted[settled]?.settle();
      await new Promise(setImmediate);
    }
    await done;
    expect(idle).toBe(true);
    expect(poster.posted.map(({ entry }) => (entry.kind === 'member_action' ? entry.memberId : ''))).toEqual([
      'member-0',
      'member-1',
      'member-2',
      'member-3',
      'member-4',
    ]);
  });

  it('drops entries past its backlog with a warning, and a post that fails is logged and passed', async () => {
    const poster = new HeldPoster();
    const { logger, lines } = logLines();
    const log = new ModerationLog(poster, logger, { concurrency: 1, backlog: 2 });
    for (let i = 0; i < 4; i++) log.post(GUILD, action(`member-${i}`));
    expect(lines.filter((line) => line.includes('moderation log backlog full; entry dropped'))).toHaveLength(1);

    poster.posted[0]?.settle(new Error('Discord is down'));
    await new Promise(setImmediate);
    expect(lines.filter((line) => line.includes('moderation log post failed'))).toHaveLength(1);
    expect(poster.posted).toHaveLength(2);
    // A log that never answers only holds its own queue; waiting on it ends at the deadline.
    await log.idle(10);
  });

  it('posts each ended job of a server once, with whether it counted, and nothing for jobs outside servers with the bot', () => {
    const poster = new HeldPoster();
    const log = new ModerationLog(poster, logLines().logger, { concurrency: 10 });
    const video = { kind: 'video', url: 'https://x/v.mp4', nsfw: false, generationMs: 1 } as const;
    log.delivered(job(video, 'reply'));
    log.failed(job({ kind: 'failure', reason: 'timeout' }, 'reply'));
    log.failed(job({ kind: 'failure', reason: 'nsfw_blocked' }, 'reply'));
    log.delivered(job(video, 'reply', null));
    // Made through a member's own install in a server the bot is not in: not that server's job.
    const foreign = job(video, 'reply');
    log.delivered({ ...foreign, origin: { ...foreign.origin, foreignGuild: true } });
    log.promptRefused({ ...foreign.origin, foreignGuild: true }, foreign.request, {
      kind: 'word',
      text: 'kite',
      addedBy: 'admin',
      addedAt: 0,
    });
    expect(poster.posted.map(({ entry }) => entry.kind === 'job' && entry.counted)).toEqual([true, false, true]);
  });
});
