/**
 * Start-up: the bot started the way its README starts it, `npm start` in an installed
 * checkout, timed to its gateway session; then the memory of the process tree that command
 * leaves running, idle, with npm's own share apart from the bot's.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { startDiscordStandIn } from '../../stand-ins/discord.js';
import { startWaveSpeedStandIn } from '../../stand-ins/wavespeed.js';
import { processTree, readProc, statField, type TreeProcess } from '../../support/process-tree.js';
import { standInEnv } from '../../support/stand-in-env.js';
import { BotLog } from '../bot-log.js';
import { clockTicks } from '../bot-process.js';
import { mb, QUIET_SAMPLES, SAMPLE_INTERVAL_MS, SETTLE_MS } from '../memory-readings.js';
import type { Scenario } from '../scenario.js';
import { max, median } from '../stats.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** Starts timed; the last one also stays up for the idle readings. */
const STARTS = 5;
const GATEWAY_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 15_000;
/** What `npm start` must leave running: plain Node on the compiled entry, with the heap settings. */
const BOT_COMMAND = ['node', '--env-file=node-options.env', 'dist/src/main.js'];

/** Idle memory of one process of the tree, in KiB: medians over the readings. */
interface ProcessMemory {
  readonly process: TreeProcess;
  readonly rssKb: number;
  /** Shared pages split between the processes that map them (`/proc/<pid>/smaps_rollup`). */
  readonly pssKb: number;
  /** RSS backed by no file: the heaps, V8's and malloc's. */
  readonly anonKb: number;
  /** RSS backed by files: Node's binary and the libraries, mostly shared with npm's Node. */
  readonly fileKb: number;
}

export const startup: Scenario = {
  id: 'startup',
  title: 'start-up: npm start to the gateway session, and the idle process tree it leaves',
  async run() {
    const install = installedCheckout();
    const log = new BotLog();
    try {
      const starts: Start[] = [];
      for (let run = 0; run < STARTS; run += 1) starts.push(await startOnce(install, log, run, run === STARTS - 1));
      const gatewayMs = starts.map((start) => start.gatewayMs);
      const npmShareMs = starts.map((start) => start.npmShareMs);
      const idle = starts.at(-1)?.idle;
      if (!idle) throw new Error('the last start took no idle readings');
      // npm first, then what it started: the shell running the script, and the bot below it.
      const [npm, ...bot] = idle;
      if (!npm) throw new Error('no reading of npm');
      const sum = (pick: (memory: ProcessMemory) => number) => bot.reduce((total, memory) => total + pick(memory), 0);
      return {
        figures: [
          { label: 'npm start → gateway session, median', value: median(gatewayMs), unit: 's', digits: 2, target: 0.8 },
          { label: 'npm start → gateway session, slowest', value: max(gatewayMs), unit: 's', digits: 2 },
          { label: "of which npm's own start, median", value: median(npmShareMs), unit: 's', digits: 2 },
          {
            label: "RSS idle, the bot's processes",
            value: sum((memory) => memory.rssKb) / 1024,
            unit: 'MB',
            digits: 1,
            target: 70,
          },
          { label: "RSS idle, npm's own process", value: npm.rssKb / 1024, unit: 'MB', digits: 1 },
          {
            label: "PSS idle, the bot's processes",
            value: sum((memory) => memory.pssKb) / 1024,
            unit: 'MB',
            digits: 1,
          },
          { label: "PSS idle, npm's own process", value: npm.pssKb / 1024, unit: 'MB', digits: 1 },
        ],
        notes: [
          `${STARTS} starts of \`npm start\` in a temporary installed checkout (package.json and node-options.env copied, dist/ and node_modules/ linked to this checkout's), a fresh SQLite file and fresh stand-ins each time; environment: PATH, HOME (the temporary directory), the stand-in variables, STORE_URL, LOG_LEVEL=warn, and none of the Docker image's MALLOC_* settings, which a user's shell does not have`,
          `gateway: from just before spawning npm to the Discord stand-in's record of the bot's gateway session (IDENTIFY), on the bench's clock: ${gatewayMs.map((ms) => ms.toFixed(2)).join(', ')} s; npm's own start: from npm's process start to the bot's (/proc/<pid>/stat, in 1/${clockTicks()} s)`,
          `idle: medians of ${QUIET_SAMPLES} readings ${SAMPLE_INTERVAL_MS / 1000} s apart, after ${SETTLE_MS / 1000} s idle past the last start's gateway session; the bot's processes are all below npm. RSS counts Node's binary in npm and in the bot alike; PSS splits shared pages between them. By process: ${idle.map(describeMemory).join('; ')}`,
        ],
        botLog: log.entries,
      };
    } finally {
      rmSync(install, { recursive: true, force: true });
    }
  },
};

/** What one start measured. */
interface Start {
  /** Seconds from spawning npm to the gateway session. */
  readonly gatewayMs: number;
  /** Seconds from npm's process start to the bot's. */
  readonly npmShareMs: number;
  /** Each process of the tree, npm first, when the start was kept up for them. */
  readonly idle?: readonly ProcessMemory[];
}

/**
 * A directory laid out as a checkout after `npm ci`: the files `npm start` reads, and the
 * build and dependencies of this checkout (`npm run bench` has just built it).
 */
function installedCheckout(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wan-bot-bench-startup-'));
  for (const file of ['package.json', 'node-options.env']) copyFileSync(join(ROOT, file), join(dir, file));
  for (const linked of ['dist', 'node_modules']) symlinkSync(join(ROOT, linked), join(dir, linked), 'dir');
  return dir;
}

async function startOnce(install: string, log: BotLog, run: number, readIdle: boolean): Promise<Start> {
  const [discord, wavespeed] = await Promise.all([startDiscordStandIn(), startWaveSpeedStandIn()]);
  let npm: ChildProcess | undefined;
  try {
    const startedAt = performance.now();
    npm = spawn('npm', ['start'], {
      cwd: install,
      // Its own process group, as a terminal gives a command: the stop signal reaches the whole tree.
      detached: true,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: install,
        // npm's weekly check for a newer npm would reach the registry mid-measurement.
        npm_config_update_notifier: 'false',
        ...standInEnv(discord, wavespeed),
        STORE_URL: `sqlite://${join(install, `bot-${run}.sqlite`)}`,
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    collectLines(npm, log);
    const exited = once(npm, 'exit').then(([code, signal]) => ({ code, signal }));
    const outcome = await Promise.race([
      discord
        .waitForConnections(1, { timeoutMs: GATEWAY_TIMEOUT_MS, description: 'the bot to log in' })
        .then(() => 'up'),
      exited.then(({ code, signal }) => `npm start exited (code ${code}, signal ${signal})`),
    ]);
    const gatewayMs = (performance.now() - startedAt) / 1000;
    if (outcome !== 'up') throw new Error(`${outcome}:\n${log.tail.join('\n')}`);
    const npmPid = npm.pid ?? 0;
    const tree = processTree(npmPid);
    checkRunsCompiledCode(tree);
    const bot = tree.at(-1);
    if (!bot) throw new Error('npm start left no process');
    const npmShareMs = (startTicks(bot.pid) - startTicks(npmPid)) / clockTicks();
    const idle = readIdle ? await readSettledTree(tree) : undefined;
    return { gatewayMs, npmShareMs, ...(idle && { idle }) };
  } finally {
    if (npm) await stopGroup(npm);
    await Promise.all([discord.close(), wavespeed.close()]);
  }
}

/** npm's and the bot's lines, without npm's banner (`> wan-video-bot@0.1.0 start`). */
function collectLines(child: ChildProcess, log: BotLog): void {
  for (const stream of ['stdout', 'stderr'] as const) {
    const source = child[stream];
    if (!source) continue;
    createInterface({ input: source }).on('line', (line) => {
      if (!line.startsWith('> ')) log.add(line, stream);
    });
  }
}

/** `npm start` ran plain Node on the compiled bot: no transpiler anywhere in the tree. */
function checkRunsCompiledCode(tree: readonly TreeProcess[]): void {
  const bot = tree.at(-1);
  const transpiler = tree.find((process) => process.argv.some((arg) => /\btsx\b/.test(arg)));
  if (transpiler) throw new Error(`npm start runs tsx: ${transpiler.argv.join(' ')}`);
  if (!bot || bot.argv.join(' ') !== BOT_COMMAND.join(' ')) {
    throw new Error(`npm start left \`${bot?.argv.join(' ')}\` running, not \`${BOT_COMMAND.join(' ')}\``);
  }
}

/** Each process's idle memory: medians of readings after the settling time the memory scenario also waits. */
async function readSettledTree(tree: readonly TreeProcess[]): Promise<ProcessMemory[]> {
  await sleep(SETTLE_MS);
  const readings: Array<Omit<ProcessMemory, 'process'>>[] = tree.map(() => []);
  for (let sample = 0; sample < QUIET_SAMPLES; sample += 1) {
    if (sample > 0) await sleep(SAMPLE_INTERVAL_MS);
    tree.forEach(({ pid }, index) => {
      readings[index]?.push({
        rssKb: kbField(pid, 'status', 'VmRSS'),
        pssKb: kbField(pid, 'smaps_rollup', 'Pss'),
        anonKb: kbField(pid, 'status', 'RssAnon'),
        fileKb: kbField(pid, 'status', 'RssFile'),
      });
    });
  }
  return tree.map((process, index) => {
    const of = readings[index] ?? [];
    const middle = (pick: (reading: Omit<ProcessMemory, 'process'>) => number) => median(of.map(pick));
    return {
      process,
      rssKb: middle((reading) => reading.rssKb),
      pssKb: middle((reading) => reading.pssKb),
      anonKb: middle((reading) => reading.anonKb),
      fileKb: middle((reading) => reading.fileKb),
    };
  });
}

function describeMemory({ process, rssKb, pssKb, anonKb, fileKb }: ProcessMemory): string {
  return `\`${process.argv.join(' ')}\` RSS ${mb(rssKb)} (${mb(anonKb)} anonymous, ${mb(fileKb)} files), PSS ${mb(pssKb)}`;
}

/**
 * SIGTERM to the whole group (the bot's graceful stop), SIGKILL if some of it is still there after
 * the grace. Every process of the tree holds npm's stdout: it closes once the last has exited.
 */
async function stopGroup(npm: ChildProcess): Promise<void> {
  if (npm.pid === undefined || !npm.stdout || npm.stdout.closed) return;
  const ended = once(npm.stdout, 'close');
  process.kill(-npm.pid, 'SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), STOP_GRACE_MS);
  });
  const outcome = await Promise.race([ended, late]);
  clearTimeout(timer);
  if (outcome === 'late') {
    process.kill(-npm.pid, 'SIGKILL');
    await ended;
  }
}

function startTicks(pid: number): number {
  const ticks = statField(pid, 19);
  if (ticks === undefined) throw new Error(`no start time for ${pid}`);
  return ticks;
}

function kbField(pid: number, file: 'status' | 'smaps_rollup', field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+)\\s+kB$`, 'm').exec(readProc(pid, file) ?? '');
  if (!match?.[1]) throw new Error(`no ${field} in /proc/${pid}/${file}`);
  return Number(match[1]);
}
