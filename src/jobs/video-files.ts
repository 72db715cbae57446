import { mkdirSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where downloaded videos wait for their upload unless told otherwise: `$TMPDIR/wan-video-bot`. */
export const DEFAULT_VIDEO_FILES_DIR = join(tmpdir(), 'wan-video-bot');

/** A process directory is named `pid-<pid>`, so a sweep can tell whose it is. */
const PROCESS_DIR = /^pid-(\d+)$/;

/**
 * Downloaded videos on disk, one file per job, between the download and the upload. Each
 * process keeps its files in a directory named after its pid, so several bot processes on
 * one host (sharing Redis) never touch each other's files, and a sweep at start removes only
 * the directories of processes that are gone.
 */
export class VideoFiles {
  readonly #root: string;
  readonly #dir: string;
  readonly #isAlive: (pid: number) => boolean;

  /**
   * @param root - shared by every bot process on the host; created on first use
   * @param pid - this process's id (tests pass another)
   * @param isAlive - whether a process exists (tests pass a fake)
   */
  constructor(root: string = DEFAULT_VIDEO_FILES_DIR, pid: number = process.pid, isAlive = processAlive) {
    this.#root = root;
    this.#dir = join(root, `pid-${pid}`);
    this.#isAlive = isAlive;
  }

  /** The directory this process keeps its files in. */
  get dir(): string {
    return this.#dir;
  }

  /**
   * The file a job's video is downloaded to (or, with `'image'`, the member's image on its way
   * to the provider), its directory created. The job id is a snowflake, so it is safe as a file name.
   */
  pathFor(jobId: string, file: 'video' | 'image' = 'video'): string {
    // One cheap syscall, and the directory comes back should a tmp cleaner have removed it.
    mkdirSync(this.#dir, { recursive: true, mode: 0o700 });
    return join(this.#dir, `${jobId}.${file === 'video' ? 'mp4' : 'image'}`);
  }

  /** Removes a job's file, if there is one. */
  async discard(jobId: string): Promise<void> {
    await rm(join(this.#dir, `${jobId}.mp4`), { force: true });
  }

  /**
   * Removes what earlier processes left behind (a crash skips `discard`): the directories of
   * processes no longer running, and this process's own from a previous life under the same pid.
   * Call it once at start, before any download.
   */
  async sweep(): Promise<void> {
    const entries = await readdir(this.#root, { withFileTypes: true }).catch((error: unknown) => {
      if (isNotFound(error)) return [];
      throw error;
    });
    const stale = entries.filter((entry) => {
      const pid = PROCESS_DIR.exec(entry.name)?.[1];
      if (!entry.isDirectory() || pid === undefined) return false;
      return join(this.#root, entry.name) === this.#dir || !this.#isAlive(Number(pid));
    });
    await Promise.all(stale.map((entry) => rm(join(this.#root, entry.name), { recursive: true, force: true })));
  }
}

/** Signal 0 checks that a process exists without touching it; EPERM means it exists under another user. */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error instanceof Error && 'code' in error && error.code === 'EPERM';
  }
}

function isNotFound(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'ENOENT';
}
