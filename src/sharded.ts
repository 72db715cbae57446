import { once } from 'node:events';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Shard, ShardingManager, type ShardingManagerOptions } from 'discord.js';
import { type Config, loadConfig } from './config.js';
import { createLogger, type Logger } from './logger.js';
import { sharesWork } from './store/backend.js';

/**
 * `npm run start:sharded`: the bot as discord.js shards, one process each. SHARD_COUNT splits
 * the servers into shards; SHARD_IDS picks the ones this host runs, so shards can be spread over
 * hosts. Every shard process, on every host, shares jobs and quotas through the Redis at STORE_URL.
 */

const config = loadConfig();

const plan = shardPlan(config);
if (typeof plan === 'string') {
  console.error(plan);
  process.exit(1);
}

const logger = createLogger({ ...config, secrets: [config.discord.token, config.wavespeed.apiKey] });
const entry = mainEntry();
const manager = new ShardingManager(entry.file, {
  ...plan,
  token: config.discord.token,
  respawn: true,
  execArgv: entry.execArgv,
});
manager.on('shardCreate', (shard) => {
  // Each shard process has its own ops listener; they cannot share one port.
  // discord.js builds each shard's environment before spawning it; `env` is typed `unknown`.
  const env = shard.env as NodeJS.ProcessEnv;
  if (config.ops && config.ops.port !== 0) env.METRICS_PORT = String(config.ops.port + shard.id);
  watch(shard, logger.child({ shard: shard.id }));
});

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void stop(signal));

try {
  await manager.spawn();
  logger.info({ shards: [...manager.shards.keys()], totalShards: plan.totalShards }, 'all shards ready');
} catch (error) {
  if (!stopping) {
    logger.fatal({ err: error }, 'a shard could not start');
    await stop('SIGTERM', 1);
  }
}

/** The shards this host runs, or why this configuration cannot run sharded: one line naming the variable. */
function shardPlan({ store, shards }: Config): Pick<ShardingManagerOptions, 'totalShards' | 'shardList'> | string {
  if (!sharesWork(store)) {
    return 'STORE_URL: start:sharded needs redis://HOST:PORT, through which the shard processes share jobs and quotas; a SQLite file serves a single process (npm start)';
  }
  if (shards.count === null) {
    return "SHARD_COUNT: start:sharded needs a shard count; discord.js's automatic one asks discord.com directly, bypassing DISCORD_API_URL";
  }
  return { totalShards: shards.count, ...(shards.ids && { shardList: shards.ids }) };
}

/**
 * The bot's entry beside this file: main.js once compiled (`npm run start:sharded`), main.ts when
 * the tests run the launcher from source under tsx, which its shards then need too.
 */
function mainEntry(): { file: string; execArgv: string[] } {
  const extension = extname(fileURLToPath(import.meta.url));
  return {
    file: fileURLToPath(new URL(`./main${extension}`, import.meta.url)),
    execArgv: extension === '.ts' ? ['--import', 'tsx'] : [],
  };
}

/** Logs a shard's lifecycle; discord.js respawns a shard that dies unless the launcher is stopping. */
function watch(shard: Shard, log: Logger): void {
  shard.on('spawn', () => log.info({ shardPid: shard.process?.pid }, 'shard started'));
  shard.on('ready', () => log.info('shard ready'));
  // A shard closing its gateway connection on the way out is not news.
  shard.on('disconnect', () => {
    if (!stopping) log.warn('shard lost its gateway connection');
  });
  shard.on('reconnecting', () => {
    if (!stopping) log.info('shard reconnecting');
  });
  shard.on('death', () => {
    const exit = { code: shard.process?.exitCode, signal: shard.process?.signalCode };
    if (manager.respawn) log.error(exit, 'shard died; respawning it');
    else log.info(exit, 'shard stopped');
  });
  shard.on('error', (error) => log.error({ err: error }, 'shard error'));
}

/** Passes the signal to every shard, waits for them to finish their steps and exit, then exits. */
async function stop(signal: NodeJS.Signals, exitCode = 0): Promise<void> {
  if (stopping) return;
  stopping = true;
  manager.respawn = false;
  logger.info({ signal }, 'stopping shards');
  await Promise.all(manager.shards.map((shard) => stopShard(shard, signal)));
  logger.info('shards stopped');
  logger.flush();
  process.exit(exitCode);
}

async function stopShard(shard: Shard, signal: NodeJS.Signals): Promise<void> {
  const child = shard.process;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill(signal);
  await exited;
}
