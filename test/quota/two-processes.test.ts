import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createLedger } from '../../src/quota/create-ledger.js';
import { openStore, type StoreLocation } from '../../src/store/store.js';
import { ownRedis, redisSkipReason } from '../support/redis.js';

const RACER = fileURLToPath(new URL('./fixtures/reserve-racer.ts', import.meta.url));
/** Each member gets 10 reservations from each process: 20 at once against a daily limit of 3. */
const MEMBERS = 10;
const PER_MEMBER_PER_PROCESS = 10;
const NOW = Date.UTC(2026, 10, 26, 12);
const EXPECTED = Object.fromEntries(Array.from({ length: MEMBERS }, (_, member) => [`member-${member}`, 3]));
const skipReason = redisSkipReason();
const redis = ownRedis();

interface Racer {
  process: ChildProcessByStdio<Writable, Readable, null>;
  lines: AsyncIterator<string>;
}

function startRacer(location: StoreLocation, namespace: string, name: string): Racer {
  const args = [JSON.stringify(location), namespace, name, MEMBERS, PER_MEMBER_PER_PROCESS, NOW].map(String);
  const child = spawn(process.execPath, ['--import', 'tsx', RACER, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  onTestFinished(() => void child.kill());
  return { process: child, lines: createInterface({ input: child.stdout })[Symbol.asyncIterator]() };
}

async function nextLine({ lines }: Racer): Promise<string> {
  const { value, done } = await lines.next();
  if (done) throw new Error('the racer exited before answering');
  return value;
}

/**
 * Two processes, each with its own store connection, fire their reservations at the same moment;
 * resolves to how many reservations each member got from both together.
 */
async function race(location: StoreLocation, namespace: string): Promise<Record<string, number>> {
  const racers = ['one', 'two'].map((name) => startRacer(location, namespace, name));
  // The barrier: nobody fires until both have connected.
  for (const racer of racers) expect(await nextLine(racer)).toBe('ready');
  for (const racer of racers) racer.process.stdin.end('go\n');

  const results = await Promise.all(
    racers.map(async (racer) => {
      const taken = JSON.parse(await nextLine(racer)) as Record<string, number>;
      const [code] = await once(racer.process, 'exit');
      expect(code).toBe(0);
      return taken;
    }),
  );
  const total: Record<string, number> = {};
  for (const [member, taken] of results.flatMap(Object.entries)) total[member] = (total[member] ?? 0) + taken;
  return total;
}

/** The members' usage as a fresh process sees it afterwards. */
async function usedToday(location: StoreLocation, namespace: string): Promise<Record<string, number>> {
  const store = await openStore(location);
  const ledger = createLedger(store, { namespace });
  try {
    const used: Record<string, number> = {};
    for (const member of Object.keys(EXPECTED)) {
      used[member] = (await ledger.usage(member, 'guild-1', NOW)).userUsed;
    }
    return used;
  } finally {
    await store.close();
  }
}

describe('two bot processes sharing one store', () => {
  it("let exactly 3 of each member's 20 simultaneous reservations through on one SQLite file", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'quota-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const location: StoreLocation = { kind: 'sqlite', path: join(dir, 'bot.sqlite') };
    // The file already in WAL mode, as a bot leaves it: two processes creating it at once can
    // deadlock in its rollback journal, which SQLite answers with SQLITE_BUSY at once.
    await (await openStore(location)).close();

    expect(await race(location, 'quota')).toEqual(EXPECTED);
    expect(await usedToday(location, 'quota')).toEqual(EXPECTED);
  });

  it.skipIf(skipReason !== undefined)(
    `let exactly 3 of each member's 20 simultaneous reservations through on one Redis${skipReason ? ` (skipped: ${skipReason})` : ''}`,
    async () => {
      const location: StoreLocation = { kind: 'redis', url: redis.url };

      expect(await race(location, 'quota')).toEqual(EXPECTED);
      expect(await usedToday(location, 'quota')).toEqual(EXPECTED);
    },
  );
});
