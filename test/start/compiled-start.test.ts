import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type DiscordStandIn, startDiscordStandIn } from '../stand-ins/discord.js';
import { startWaveSpeedStandIn, type WaveSpeedStandIn } from '../stand-ins/wavespeed.js';
import { processTree, readProc } from '../support/process-tree.js';
import { ownRedis, redisSkipReason } from '../support/redis.js';
import { standInEnv } from '../support/stand-in-env.js';

/**
 * A fresh clone's `npm start`, `npm run start:sharded` and `npm run deploy-commands` run plain
 * Node on the build's output, never a transpiler: tsx is a dev dependency, and an install
 * without dev dependencies, like the Docker image, has none.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const packageJson = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const { scripts } = packageJson;

/** Where `npm run build` writes the bundle of an entry point: dist/, under the entry's own path. */
function compiledPath(source: string): string {
  expect(scripts.build?.split(' '), `npm run build bundles ${source}`).toContain(source);
  return `dist/${source.replace(/\.ts$/, '.js')}`;
}

describe('package scripts', () => {
  it('start the compiled entry points with plain node, as the build lays them out', () => {
    const main = compiledPath('src/main.ts');
    expect(main).toBe('dist/src/main.js');
    expect(scripts.start).toBe(`node --env-file=node-options.env ${main}`);
    expect(scripts['start:sharded']).toBe(`node --env-file=node-options.env ${compiledPath('src/sharded.ts')}`);
    expect(scripts['deploy-commands']).toBe(`node ${compiledPath('src/deploy-commands.ts')}`);
  });

  it('build on install, bundled by esbuild, and keep tsx a development tool', () => {
    expect(scripts.prepare).toMatch(/&& npm run build$/);
    expect(scripts.build).toMatch(/^esbuild .*--bundle .*--outdir=dist /);
    expect(packageJson.devDependencies).toHaveProperty('esbuild');
    expect(packageJson.devDependencies).toHaveProperty('tsx');
    expect(packageJson.dependencies).not.toHaveProperty('esbuild');
    expect(packageJson.dependencies).not.toHaveProperty('tsx');
    expect(readFileSync(join(ROOT, '.gitignore'), 'utf8').split('\n')).toContain('dist/');
  });

  it('stop an install without esbuild with a line that says why, instead of a missing build', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wan-bot-prepare-'));
    try {
      copyFileSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
      const prepare = spawnSync('npm', ['run', 'prepare'], { cwd: dir, encoding: 'utf8' });
      expect(prepare.status).toBe(1);
      expect(prepare.stderr).toMatch(/needs esbuild, a dev dependency this install left out/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the Docker image runs exactly what npm start runs, and compose what start:sharded runs', () => {
    const command = (file: string, pattern: RegExp) =>
      (JSON.parse(pattern.exec(readFileSync(join(ROOT, file), 'utf8'))?.[1] ?? '[]') as string[]).join(' ');
    expect(command('Dockerfile', /^CMD (\[.*\])$/m)).toBe(scripts.start);
    expect(command('docker-compose.yml', /^\s+command: (\["node".*\])$/m)).toBe(scripts['start:sharded']);
  });
});

describe.skipIf(process.platform !== 'linux')('a fresh install, run with npm (reads /proc)', () => {
  let install: string;
  const running: ChildProcess[] = [];
  const cleanups: Array<() => Promise<void>> = [];

  // The current sources, built for this suite alone by the build script itself: a dist/ left by an older build cannot pass for them.
  beforeAll(() => {
    install = mkdtempSync(join(tmpdir(), 'wan-bot-install-'));
    for (const file of ['package.json', 'node-options.env']) copyFileSync(join(ROOT, file), join(install, file));
    for (const dir of ['node_modules', 'src', 'commands']) symlinkSync(join(ROOT, dir), join(install, dir), 'dir');
    copyFileSync(join(ROOT, 'tsconfig.json'), join(install, 'tsconfig.json'));
    const result = spawnSync('npm', ['run', 'build'], { cwd: install, encoding: 'utf8' });
    expect(result.status, `${result.stdout}${result.stderr}`).toBe(0);
  }, 120_000);

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  afterAll(() => {
    // A test that failed half-way may leave its tree running.
    for (const { pid, exitCode, signalCode } of running) {
      if (pid !== undefined && exitCode === null && signalCode === null) killGroup(pid);
    }
    rmSync(install, { recursive: true, force: true });
  });

  async function standIns(): Promise<{ discord: DiscordStandIn; wavespeed: WaveSpeedStandIn }> {
    const [discord, wavespeed] = await Promise.all([startDiscordStandIn(), startWaveSpeedStandIn()]);
    cleanups.push(() => Promise.all([discord.close(), wavespeed.close()]).then(() => {}));
    return { discord, wavespeed };
  }

  /** `npm run <script>` in the install, in a process group of its own (as a terminal runs it), with exactly `env` plus PATH. */
  function npm(script: string, env: Record<string, string>) {
    const child = spawn('npm', ['run', script], {
      cwd: install,
      detached: true,
      env: { PATH: process.env.PATH ?? '', HOME: install, npm_config_update_notifier: 'false', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.push(child);
    const lines: string[] = [];
    for (const stream of [child.stdout, child.stderr]) {
      if (stream) createInterface({ input: stream }).on('line', (line) => lines.push(line));
    }
    const exited = once(child, 'exit').then(([code]) => code as number | null);
    // Every process of the tree holds the pipe: it closes once the last of them has exited.
    const treeExited = child.stdout ? once(child.stdout, 'close').then(() => {}) : exited.then(() => {});
    return { child, lines, exited, treeExited };
  }

  it('npm start leaves plain node running the compiled bot, which reaches the gateway', {
    timeout: 60_000,
  }, async () => {
    const { discord, wavespeed } = await standIns();
    const started = npm('start', {
      ...standInEnv(discord, wavespeed),
      STORE_URL: `sqlite://${join(install, 'start.sqlite')}`,
    });
    await discord.waitForConnections(1, { timeoutMs: 30_000 });

    const tree = processTree(started.child.pid ?? 0);
    const bot = tree.at(-1);
    expect(tree.flatMap((process) => process.argv).filter((arg) => /tsx/.test(arg))).toEqual([]);
    expect(bot?.argv).toEqual(['node', '--env-file=node-options.env', 'dist/src/main.js']);
    expect(bot?.cwd).toBe(install);

    // Ctrl-C in the terminal: the whole group gets SIGINT, and nothing of it outlives npm.
    process.kill(-(started.child.pid ?? 0), 'SIGINT');
    await started.treeExited;
  });

  it('npm run deploy-commands registers the commands with the compiled script', { timeout: 30_000 }, async () => {
    const { discord, wavespeed } = await standIns();
    const deployed = npm('deploy-commands', { ...standInEnv(discord, wavespeed), DISCORD_GUILD_ID: discord.guildId });

    expect(await deployed.exited, deployed.lines.join('\n')).toBe(0);
    expect(discord.commands(discord.guildId).map((command) => command.name)).toEqual(
      expect.arrayContaining(['video', 'quota', 'video-admin']),
    );
  });

  const skipReason = redisSkipReason();
  describe.skipIf(skipReason !== undefined)(`on Redis${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
    const redis = ownRedis();

    it('npm run start:sharded forks its shard on the compiled main.js, with plain node', {
      timeout: 60_000,
    }, async () => {
      const { discord, wavespeed } = await standIns();
      const started = npm('start:sharded', {
        ...standInEnv(discord, wavespeed),
        STORE_URL: redis.url,
        SHARD_COUNT: '1',
      });
      await discord.waitForConnections(1, { timeoutMs: 30_000 });

      const tree = processTree(started.child.pid ?? 0);
      const [launcher, shard] = tree.slice(-2);
      expect(tree.flatMap((process) => process.argv).filter((arg) => /tsx/.test(arg))).toEqual([]);
      expect(launcher?.argv).toEqual(['node', '--env-file=node-options.env', 'dist/src/sharded.js']);
      expect(shard?.argv).toEqual(['node', join(install, 'dist/src/main.js')]);
      // The shards get the heap settings through the environment the launcher's env file filled in.
      const nodeOptions = /^NODE_OPTIONS="(.*)"$/m.exec(readFileSync(join(ROOT, 'node-options.env'), 'utf8'))?.[1];
      expect(readProc(shard?.pid ?? 0, 'environ')?.split('\0')).toContain(`NODE_OPTIONS=${nodeOptions}`);

      process.kill(-(started.child.pid ?? 0), 'SIGINT');
      await started.treeExited;
      expect(started.lines.some((line) => line.includes('"msg":"shards stopped"'))).toBe(true);
    });
  });
});

/** Kills a process group that may already be gone: its exit can still be on its way to us. */
function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}
