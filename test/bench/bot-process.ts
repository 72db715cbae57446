/**
 * The compiled bot as a separate OS process, so its memory and CPU can be read from its own
 * `/proc` entry, apart from the stand-ins and the harness that run in the bench process.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { BotLog } from './bot-log.js';
import { collectGarbage, INSPECTOR_OUTPUT, type ProcessMemory, readMemoryUsage } from './inspector.js';

/** What `npm run build` produces and `npm start` would run after it. */
export const BOT_ENTRY = fileURLToPath(new URL('../../dist/src/main.js', import.meta.url));
/** Node's settings for the bot, as the Docker image and `npm start` pass them. */
const NODE_OPTIONS_FILE = fileURLToPath(new URL('../../node-options.env', import.meta.url));
/** The image's settings for glibc's allocator, which it reads only at process start. */
const IMAGE_MALLOC_ENV = mallocEnv(readFileSync(new URL('../../Dockerfile', import.meta.url), 'utf8'));

/** How a process ended. */
export interface ExitStatus {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** How {@link BotProcess.stop} ended the process. */
export interface StopStatus extends ExitStatus {
  /** It outlived the grace period and got SIGKILL. */
  readonly killed: boolean;
}

/** Bots still running; killed if the bench itself exits early, so none is left orphaned. */
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** `getconf CLK_TCK`: the unit of the CPU times in `/proc/<pid>/stat`. */
let clockTicksPerSecond: number | undefined;
export function clockTicks(): number {
  clockTicksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
  return clockTicksPerSecond;
}

/** A running bot process; see {@link BotProcess.start}. */
export class BotProcess {
  readonly pid: number;
  readonly log = new BotLog();
  /** Resolves (never rejects) when the process ends, however it ends. */
  readonly exited: Promise<ExitStatus>;
  readonly #child: ChildProcess;
  readonly #inspectorUrl: Promise<string> | undefined;
  #inspectorOpened = false;
  #status: ExitStatus | undefined;

  private constructor(child: ChildProcess, pid: number, inspect: boolean) {
    this.#child = child;
    this.pid = pid;
    let foundInspector: (url: string) => void = () => {};
    this.#inspectorUrl = inspect
      ? new Promise((resolve) => {
          foundInspector = resolve;
        })
      : undefined;
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        running.delete(child);
        this.#status = { code, signal };
        resolve(this.#status);
      });
    });
    for (const stream of ['stdout', 'stderr'] as const) {
      const source = child[stream];
      if (!source) continue;
      createInterface({ input: source }).on('line', (line) => {
        const inspector = stream === 'stderr' ? INSPECTOR_OUTPUT.exec(line) : null;
        if (!inspector) this.log.add(line, stream);
        else if (inspector[1]) foundInspector(inspector[1]);
      });
    }
  }

  /**
   * Runs `node --env-file=node-options.env dist/src/main.js`, as production does, with exactly
   * `env` plus the image's allocator settings (nothing inherited, so the operator's own
   * settings, NODE_OPTIONS included, cannot leak in) in `cwd`, where no `.env` file should be. With `inspect`, {@link collectGarbage}
   * can open the V8 inspector on a free loopback port; until then the process runs without it,
   * so readings taken before are of the process as production runs it.
   */
  static async start(options: {
    cwd: string;
    env: Readonly<Record<string, string>>;
    inspect?: boolean;
  }): Promise<BotProcess> {
    const inspect = options.inspect ?? false;
    const nodeArgs = [`--env-file=${NODE_OPTIONS_FILE}`, ...(inspect ? ['--inspect-port=127.0.0.1:0'] : [])];
    const child = spawn(process.execPath, [...nodeArgs, BOT_ENTRY], {
      cwd: options.cwd,
      env: { ...IMAGE_MALLOC_ENV, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    await once(child, 'spawn');
    if (child.pid === undefined) throw new Error(`Could not start ${BOT_ENTRY}`);
    running.add(child);
    return new BotProcess(child, child.pid, inspect);
  }

  /** Resident set size (`VmRSS`) in KiB. */
  rssKb(): Promise<number> {
    return this.#statusKb('VmRSS');
  }

  /**
   * VmRSS split by what backs it, in KiB: anonymous memory (heaps, buffers), mapped files
   * (the binary, libraries) and shared memory.
   */
  async rssPartsKb(): Promise<{ anon: number; file: number; shmem: number }> {
    const [anon, file, shmem] = await Promise.all([
      this.#statusKb('RssAnon'),
      this.#statusKb('RssFile'),
      this.#statusKb('RssShmem'),
    ]);
    return { anon, file, shmem };
  }

  /** The highest resident set size (`VmHWM`) in KiB since the process started or {@link resetPeakRss}. */
  peakRssKb(): Promise<number> {
    return this.#statusKb('VmHWM');
  }

  /**
   * Starts `VmHWM` again from the current RSS (`5` into `/proc/<pid>/clear_refs`, Linux 4.0
   * on), so {@link peakRssKb} gives the peak of what follows rather than of start-up. False
   * when the kernel refuses it; the peak then includes start-up.
   */
  async resetPeakRss(): Promise<boolean> {
    try {
      await writeFile(`/proc/${this.pid}/clear_refs`, '5');
      return true;
    } catch {
      return false;
    }
  }

  /**
   * CPU time used so far, user plus system, in milliseconds: the whole process, and its main
   * thread (JavaScript, the event loop and SQLite) apart from its helpers (V8's collector and
   * compilers).
   */
  async cpuMs(): Promise<{ total: number; mainThread: number }> {
    const [total, mainThread] = await Promise.all([
      readCpuMs(`/proc/${this.pid}/stat`),
      readCpuMs(`/proc/${this.pid}/task/${this.pid}/stat`),
    ]);
    return { total, mainThread };
  }

  /**
   * Runs a full garbage collection in the bot through its inspector and returns the bytes of
   * JS heap left in use, so what the bot retains can be told apart from garbage not yet
   * collected. Needs `inspect` at start.
   */
  async collectGarbage(): Promise<number> {
    if (!this.#inspectorUrl) throw new Error('The bot was started without its inspector');
    // SIGUSR1 opens the inspector of a running Node process; it prints where it listens.
    if (!this.#inspectorOpened) this.#child.kill('SIGUSR1');
    this.#inspectorOpened = true;
    return collectGarbage(await this.#inspectorUrl);
  }

  async #statusKb(field: 'VmRSS' | 'VmHWM' | 'RssAnon' | 'RssFile' | 'RssShmem'): Promise<number> {
    const status = await readFile(`/proc/${this.pid}/status`, 'utf8');
    const match = new RegExp(`^${field}:\\s+(\\d+)\\s+kB$`, 'm').exec(status);
    if (!match?.[1]) throw new Error(`No ${field} in /proc/${this.pid}/status`);
    return Number(match[1]);
  }

  /** The bot's own `process.memoryUsage()`, through its inspector; call after {@link collectGarbage}. */
  async memoryUsage(): Promise<ProcessMemory> {
    if (!this.#inspectorUrl || !this.#inspectorOpened) throw new Error("The bot's inspector is not open");
    return readMemoryUsage(await this.#inspectorUrl);
  }

  /** SIGTERM (the bot's graceful stop), then SIGKILL if it has not exited after `graceMs`. */
  async stop(graceMs: number): Promise<StopStatus> {
    if (this.#status) return { ...this.#status, killed: false };
    this.#child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), graceMs);
    });
    const status = await Promise.race([this.exited, late]);
    clearTimeout(timer);
    if (status) return { ...status, killed: false };
    this.#child.kill('SIGKILL');
    return { ...(await this.exited), killed: true };
  }
}

/** utime + stime of a `/proc` stat file, in milliseconds. */
async function readCpuMs(path: string): Promise<number> {
  const stat = await readFile(path, 'utf8');
  // The command name (field 2) may hold spaces; fields are counted from the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error(`Unreadable ${path}`);
  return ((utime + stime) * 1000) / clockTicks();
}

/** The `MALLOC_*=value` settings a Dockerfile makes, outside its comments. */
function mallocEnv(dockerfile: string): Record<string, string> {
  const instructions = dockerfile.split('\n').filter((line) => !line.trimStart().startsWith('#'));
  const pairs = [...instructions.join('\n').matchAll(/\b(MALLOC_\w+)=(\S+)/g)];
  if (pairs.length === 0) throw new Error('The Dockerfile sets no MALLOC_* variable for the bench to copy');
  return Object.fromEntries(pairs.map(([, name, value]) => [name, value]));
}
