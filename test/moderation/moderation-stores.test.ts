import { describe, expect, it, onTestFinished } from 'vitest';
import { BlockedMembers } from '../../src/moderation/blocked-members.js';
import { LogChannels } from '../../src/moderation/log-channels.js';
import { type Mark, StateMarks } from '../../src/moderation/state-marks.js';
import { openStore, type Store, type StoreLocation } from '../../src/store/store.js';
import { ownRedis, redisSkipReason } from '../support/redis.js';
import { tempFileForTest } from '../support/temp-file.js';

/**
 * The moderation stores on real backends. "Two processes" are two connections to one SQLite file
 * or one Redis: what one marks, the other sees, and a change both race for lands once.
 */

const GUILD = '100000000000000001';
const OTHER_GUILD = '100000000000000002';
const MEMBER = '300000000000000001';
const ADMIN = '200000000000000001';
const CHANNEL = '400000000000000001';
const skipReason = redisSkipReason();
const redis = ownRedis();

async function open(location: StoreLocation): Promise<Store> {
  const store = await openStore(location);
  onTestFinished(() => store.close());
  return store;
}

/** Two connections to one fresh store. */
const backends: Array<[string, () => Promise<[Store, Store]>, string | undefined]> = [
  [
    'on SQLite',
    async () => {
      const location: StoreLocation = { kind: 'sqlite', path: await tempFileForTest('bot.sqlite') };
      return [await open(location), await open(location)];
    },
    undefined,
  ],
  [
    'on Redis',
    async () => {
      await redis.flush();
      const location: StoreLocation = { kind: 'redis', url: redis.url };
      return [await open(location), await open(location)];
    },
    skipReason,
  ],
];

interface Flag extends Mark {
  readonly state: 'on' | 'off';
  readonly by?: string;
}

const marksOn = (store: Store) => new StateMarks<Flag>(store.keyv('marks'), store.atomic('marks'));

for (const [backend, twoProcesses, skip] of backends) {
  describe.skipIf(skip !== undefined)(`moderation stores ${backend}`, () => {
    it('moves a mark once between two processes racing for the same change', async () => {
      const [one, two] = await twoProcesses();
      const turnOn = (by: string) => (current: Flag | undefined) =>
        current?.state === 'on' ? undefined : ({ state: 'on', by } as const);
      const moves = await Promise.all([
        ...Array.from({ length: 5 }, (_, i) => marksOn(one).move('flag', turnOn(`one-${i}`))),
        ...Array.from({ length: 5 }, (_, i) => marksOn(two).move('flag', turnOn(`two-${i}`))),
      ]);
      const landed = moves.filter(({ written }) => written !== undefined);
      expect(landed).toHaveLength(1);
      expect(await marksOn(two).get('flag')).toEqual(landed[0]?.written);
      // A move that changes nothing writes nothing, and says what it found.
      expect(await marksOn(one).move('flag', turnOn('late'))).toEqual({
        before: landed[0]?.written,
        written: undefined,
      });
    });

    it('keeps a mark for ever, and forgets it when cleared', async () => {
      const [store] = await twoProcesses();
      const marks = marksOn(store);
      await marks.move('flag', () => ({ state: 'on' }));
      // No expiry: Keyv keeps the entry until it is deleted.
      expect(await store.keyv('marks').get('flag', { raw: true })).toEqual({ value: { state: 'on' } });
      await marks.clear('flag');
      expect(await marks.get('flag')).toBeUndefined();
    });

    it('picks, reports and clears a log channel, each report once between processes', async () => {
      const [one, two] = await twoProcesses();
      const logsOf = (store: Store) => new LogChannels(store.keyv('moderation-log'), store.atomic('moderation-log'));
      const [first, second] = [logsOf(one), logsOf(two)];
      expect(await first.status(GUILD)).toBeUndefined();
      const channel = await first.set(GUILD, CHANNEL, ADMIN);
      expect(await second.status(GUILD)).toEqual({ channel });
      expect(await second.get(OTHER_GUILD)).toBeUndefined();

      const reports = await Promise.all([
        first.markUnusable(GUILD, CHANNEL, 'forbidden'),
        second.markUnusable(GUILD, CHANNEL, 'forbidden'),
        second.markUnusable(GUILD, CHANNEL, 'forbidden'),
      ]);
      expect(reports.filter(Boolean)).toHaveLength(1);
      expect((await first.status(GUILD))?.unusable).toMatchObject({ state: 'unusable', problem: 'forbidden' });
      // A post that lands clears it, once; a later refusal is reported again.
      expect(await second.markUsable(GUILD, CHANNEL)).toBe(true);
      expect(await first.markUsable(GUILD, CHANNEL)).toBe(false);
      expect((await first.status(GUILD))?.unusable).toBeUndefined();
      expect(await first.markUnusable(GUILD, CHANNEL, 'missing')).toBe(true);

      // Picking a channel again starts it clean; turning the log off forgets it.
      await second.set(GUILD, CHANNEL, ADMIN);
      expect((await first.status(GUILD))?.unusable).toBeUndefined();
      expect(await first.clear(GUILD)).toMatchObject({ channelId: CHANNEL });
      expect(await second.status(GUILD)).toBeUndefined();
      expect(await second.clear(GUILD)).toBeUndefined();
    });

    it('tells a guild’s log of each change once, taking a log never told to know the assumed state', async () => {
      const [one, two] = await twoProcesses();
      const first = new LogChannels(one.keyv('moderation-log'), one.atomic('moderation-log'));
      const second = new LogChannels(two.keyv('moderation-log'), two.atomic('moderation-log'));
      expect(await first.tell(GUILD, 'open', 'open')).toBeUndefined();
      const told = await Promise.all([first.tell(GUILD, 'low', 'open'), second.tell(GUILD, 'low', 'open')]);
      expect(told.filter(Boolean)).toEqual([{ before: 'open' }]);
      expect(await second.tell(GUILD, 'key_refused', 'open')).toEqual({ before: 'low' });
      expect(await first.tell(OTHER_GUILD, 'key_refused', 'open')).toEqual({ before: 'open' });
    });

    it('blocks and unblocks members per guild, seen by every process', async () => {
      const [one, two] = await twoProcesses();
      let now = 1_700_000_000_000;
      const first = new BlockedMembers(one.keyv('blocked-members'), () => now++);
      const second = new BlockedMembers(two.keyv('blocked-members'));
      expect(await first.block(GUILD, MEMBER, ADMIN)).toBe('blocked');
      expect(await second.isBlocked(GUILD, MEMBER)).toBe(true);
      expect(await second.isBlocked(OTHER_GUILD, MEMBER)).toBe(false);
      expect(await second.isBlocked(null, MEMBER)).toBe(false);
      expect(await second.block(GUILD, MEMBER, '200000000000000002')).toBe('already');
      expect(await first.list(GUILD)).toEqual([{ userId: MEMBER, by: ADMIN, at: 1_700_000_000_000 }]);

      expect(await second.unblock(GUILD, MEMBER)).toBe(true);
      expect(await second.unblock(GUILD, MEMBER)).toBe(false);
      expect(await first.isBlocked(GUILD, MEMBER)).toBe(false);
      expect(await first.list(GUILD)).toEqual([]);
    });

    it('keeps every block of a burst in one process, listed in the order blocked', async () => {
      const [store] = await twoProcesses();
      let now = 1_700_000_000_000;
      const blocked = new BlockedMembers(store.keyv('blocked-members'), () => now++);
      const members = Array.from({ length: 20 }, (_, i) => `3000000000000001${String(i).padStart(2, '0')}`);
      await Promise.all(members.map((member) => blocked.block(GUILD, member, ADMIN)));
      expect((await blocked.list(GUILD)).map(({ userId }) => userId)).toEqual(members);
      await Promise.all(members.slice(0, 10).map((member) => blocked.unblock(GUILD, member)));
      expect((await blocked.list(GUILD)).map(({ userId }) => userId)).toEqual(members.slice(10));
    });
  });
}
