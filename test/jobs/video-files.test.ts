import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VideoFiles } from '../../src/jobs/video-files.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'wan-bot-video-files-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** Processes 100 and 200 run; every other pid is gone. */
const alive = (pid: number) => pid === 100 || pid === 200;

function leaveFile(pid: number, name = '1300000000000000001.mp4'): string {
  const path = join(root, `pid-${pid}`, name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, 'partial video');
  return path;
}

describe('VideoFiles', () => {
  it("keeps each job's file in this process's own directory, and discards it", async () => {
    const files = new VideoFiles(root, 100, alive);

    const path = files.pathFor('1300000000000000001');
    writeFileSync(path, 'video');

    expect(path).toBe(join(root, 'pid-100', '1300000000000000001.mp4'));
    await files.discard('1300000000000000001');
    expect(existsSync(path)).toBe(false);
    await expect(files.discard('1300000000000000001')).resolves.toBeUndefined();
  });

  it('sweeps the files of processes that are gone and never those of a live one', async () => {
    const crashed = leaveFile(300);
    const live = leaveFile(200);
    const notOurs = join(root, 'notes.txt');
    writeFileSync(notOurs, 'an operator file');

    await new VideoFiles(root, 100, alive).sweep();

    expect(existsSync(dirname(crashed))).toBe(false);
    expect(existsSync(live)).toBe(true);
    expect(existsSync(notOurs)).toBe(true);
  });

  it('sweeps what an earlier process under the same pid left, since that process is this one now', async () => {
    const leftover = leaveFile(100);

    await new VideoFiles(root, 100, alive).sweep();

    expect(existsSync(leftover)).toBe(false);
  });

  it('sweeps nothing when the directory does not exist yet', async () => {
    await expect(new VideoFiles(join(root, 'never-made'), 100, alive).sweep()).resolves.toBeUndefined();
    expect(readdirSync(root)).toEqual([]);
  });

  it('tells a live process from a gone one by default', async () => {
    const mine = leaveFile(process.pid);
    // Pids are at most 2^22 on Linux, so this one is never running.
    const gone = leaveFile(2 ** 22 + 1);
    const other = new VideoFiles(root, process.pid + 1);

    await other.sweep();

    expect(existsSync(mine)).toBe(true);
    expect(existsSync(gone)).toBe(false);
  });
});
