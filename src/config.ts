import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import type { StoreLocation } from './store/store.js';

/** The bot's configuration, parsed once at start-up from the environment. */
export interface Config {
  discord: {
    token: string;
    applicationId?: string;
    /** `deploy-commands` registers to this guild only, which is instant. */
    guildId?: string;
    /** REST base without the version, e.g. `https://discord.com/api`. */
    apiUrl: string;
  };
  wavespeed: {
    apiKey: string;
    baseUrl: string;
    /** Hosts besides the API's own that outputs may be downloaded from (`.suffix` matches subdomains). */
    outputHosts: string[];
    /** Time between result calls for one job. */
    pollIntervalMs: number;
    /** Deadline of one API call. */
    requestTimeoutMs: number;
    /**
     * Videos generating at WaveSpeed at once, across every process: the account tier's concurrent
     * tasks. Later jobs wait in the bot's line. Also bounds job steps (polls, deliveries) running at once.
     */
    maxConcurrency: number;
    /** Public URL WaveSpeed posts finished predictions to; unset, results are only polled. */
    webhookUrl?: string;
    /** Below this balance, in US dollars, each moderation log is warned once; `null`: never. */
    balanceWarnUsd: number | null;
  };
  delivery: {
    /**
     * Deliveries (output download and Discord upload) running at once in this process, apart
     * from the provider calls: a slow output host or a rate-limited upload holds only these.
     */
    concurrency: number;
    /** Largest output ever downloaded, in bytes, whatever upload limit the interaction carries. */
    outputMaxBytes: number;
  };
  /** The operations HTTP listener (metrics, health probes, webhook); `null` when METRICS_PORT is unset. */
  ops: {
    /** 0 picks a free port. */
    port: number;
    host: string;
    /** Path WaveSpeed's callbacks arrive on: the path of `wavespeed.webhookUrl`, which a reverse proxy forwards here. */
    webhookPath?: string;
  } | null;
  store: StoreLocation;
  quota: {
    userDaily: number;
    /** Videos per member per day in DMs, group DMs and servers the bot is not in, counted together. */
    userInstallDaily: number;
    userConcurrent: number;
    /** `null`: no guild-wide limit. */
    guildDaily: number | null;
    /** `null`: no bot-wide spend cap. */
    budgetDailyCents: number | null;
  };
  /** A job still generating after this long fails and is refunded. */
  jobTimeoutMs: number;
  /** First wait before retrying a job step that hit a fault (Discord 5xx, store down); it doubles up to 2 minutes. */
  retryDelayMs: number;
  /** How long a job step stays claimed by a process that stops answering before another process takes it over (Redis only). */
  stepLockMs: number;
  /** The shards `start:sharded` runs; `null` fields are unset. */
  shards: {
    /** Shards the bot is split into, across every host. */
    count: number | null;
    /** The shards this host runs (default: all of them). */
    ids: number[] | null;
  };
  log: { level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'; pretty: boolean };
}

/** Thrown for an invalid environment; its message names every offending variable, one per line. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Bounds of the daily video limits, the same for the environment and for what a server's admins
 * set with `/video-admin`.
 */
export const DAILY_LIMIT_BOUNDS = {
  /** `QUOTA_USER_DAILY`, `QUOTA_USER_INSTALL_DAILY`, a server's per-member limit and a role's allowance. */
  userDaily: { min: 0, max: 1_000_000 },
  /** `QUOTA_GUILD_DAILY` and a server's own limit. */
  guildDaily: { min: 0, max: 1_000_000 },
} as const;

const snowflake = z.string().regex(/^\d{17,20}$/, 'must be a Discord id (17-20 digits)');
const httpUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
  .transform((url) => url.replace(/\/+$/, ''));
/** A number in [min, max]; a value out of range is told which bound it crossed. */
const numberBetween = (min: number, max: number) =>
  z.coerce
    .number({ error: 'must be a number' })
    .min(min, { error: `must be at least ${min}` })
    .max(max, { error: `must be at most ${max}` });
const wholeNumberBetween = (min: number, max: number) =>
  numberBetween(min, max).int({ error: 'must be a whole number' });
const required = (hint: string) => {
  const message = `is required: ${hint}`;
  return z.string({ error: message }).trim().min(1, message);
};
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

/** Paths the ops listener serves itself, which the webhook must not shadow. */
const OPS_PATHS: ReadonlySet<string> = new Set(['/metrics', '/healthz', '/readyz']);
const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['127.0.0.1', 'localhost', '[::1]']);
// WaveSpeed calls back only to public https URLs; plain http on loopback serves tests and stand-ins.
const webhookUrl = z
  .url({ protocol: /^https?$/, error: 'must be an https URL' })
  .refine((url) => {
    const { protocol, hostname } = new URL(url);
    return protocol === 'https:' || LOOPBACK_HOSTS.has(hostname);
  }, 'must be https (plain http only for 127.0.0.1 or localhost)')
  .refine((url) => !OPS_PATHS.has(new URL(url).pathname), 'its path must not be /metrics, /healthz or /readyz');

const shardIds = z
  .string()
  // Aborting keeps the SHARD_COUNT checks below from reading an unparsed list.
  .regex(/^\s*\d+\s*(,\s*\d+\s*)*$/, { message: 'must be shard ids separated by commas, e.g. 0,1,2', abort: true })
  .transform((list) => list.split(',').map(Number));

const storeUrl = z
  .string()
  .default('sqlite://./data/bot.sqlite')
  .transform((url, ctx): StoreLocation => {
    if (url.startsWith('sqlite://')) {
      const path = url.slice('sqlite://'.length);
      if (path) return { kind: 'sqlite', path: resolve(path) };
    } else if (/^rediss?:\/\/[^/]/.test(url)) {
      return { kind: 'redis', url };
    }
    ctx.addIssue({ code: 'custom', message: 'must be sqlite://PATH or redis://HOST:PORT' });
    return z.NEVER;
  });

const environment = z.object({
  DISCORD_TOKEN: required('the bot token from the Developer Portal'),
  DISCORD_APPLICATION_ID: optional(snowflake),
  DISCORD_GUILD_ID: optional(snowflake),
  DISCORD_API_URL: httpUrl.default('https://discord.com/api'),
  WAVESPEED_API_KEY: required('the API key from wavespeed.ai'),
  WAVESPEED_BASE_URL: httpUrl.default('https://api.wavespeed.ai'),
  WAVESPEED_OUTPUT_HOSTS: z
    .string()
    .default('.wavespeed.ai,.cloudfront.net')
    .transform((list) =>
      list
        .split(',')
        .map((host) => host.trim().toLowerCase())
        .filter(Boolean),
    ),
  WAVESPEED_POLL_INTERVAL_MS: wholeNumberBetween(10, 600_000).default(5_000),
  WAVESPEED_REQUEST_TIMEOUT_MS: wholeNumberBetween(100, 300_000).default(15_000),
  // 3 is the Bronze tier's tasks at once; set it to what the account's tier allows.
  WAVESPEED_MAX_CONCURRENCY: wholeNumberBetween(1, 1_000).default(3),
  WAVESPEED_WEBHOOK_URL: optional(webhookUrl),
  BALANCE_WARN_USD: optional(numberBetween(0, 1_000_000)),
  DELIVERY_CONCURRENCY: wholeNumberBetween(1, 100).default(4),
  OUTPUT_MAX_MB: wholeNumberBetween(1, 1_024).default(100),
  METRICS_PORT: optional(wholeNumberBetween(0, 65_535)),
  METRICS_HOST: optional(z.string().trim().min(1)),
  STORE_URL: storeUrl,
  QUOTA_USER_DAILY: wholeNumberBetween(DAILY_LIMIT_BOUNDS.userDaily.min, DAILY_LIMIT_BOUNDS.userDaily.max).default(5),
  // Below a server's default: no server's admins watch what the app installed to members' accounts makes.
  QUOTA_USER_INSTALL_DAILY: wholeNumberBetween(
    DAILY_LIMIT_BOUNDS.userDaily.min,
    DAILY_LIMIT_BOUNDS.userDaily.max,
  ).default(3),
  QUOTA_USER_CONCURRENT: wholeNumberBetween(1, 100).default(3),
  QUOTA_GUILD_DAILY: optional(wholeNumberBetween(DAILY_LIMIT_BOUNDS.guildDaily.min, DAILY_LIMIT_BOUNDS.guildDaily.max)),
  BUDGET_DAILY_USD: optional(numberBetween(0, 1_000_000)),
  JOB_TIMEOUT_MINUTES: numberBetween(1, 24 * 60).default(20),
  JOB_RETRY_DELAY_MS: wholeNumberBetween(10, 600_000).default(5_000),
  JOB_STEP_LOCK_MS: wholeNumberBetween(500, 600_000).default(30_000),
  SHARD_COUNT: optional(wholeNumberBetween(1, 100_000)),
  SHARD_IDS: optional(shardIds),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_PRETTY: z.stringbool().default(false),
});

const consistentEnvironment = environment
  // No default port: a listener nobody asked for would open silently.
  .refine((e) => e.WAVESPEED_WEBHOOK_URL === undefined || e.METRICS_PORT !== undefined, {
    path: ['WAVESPEED_WEBHOOK_URL'],
    message: 'needs METRICS_PORT set: WaveSpeed callbacks are served on the ops listener',
  })
  .refine((e) => e.SHARD_IDS === undefined || e.SHARD_COUNT !== undefined, {
    path: ['SHARD_IDS'],
    message: 'needs SHARD_COUNT set: shard ids count from 0 within the total',
  })
  .refine((e) => (e.SHARD_IDS ?? []).every((id) => id < (e.SHARD_COUNT ?? Number.POSITIVE_INFINITY)), {
    path: ['SHARD_IDS'],
    message: 'every id must be below SHARD_COUNT (ids count from 0)',
  });

/**
 * Parses the configuration from `env`. Throws {@link ConfigError} listing every problem,
 * one line per variable, so an operator can fix them all at once.
 */
export function parseConfig(env: NodeJS.ProcessEnv): Config {
  const parsed = consistentEnvironment.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'environment'}: ${issue.message}`);
    throw new ConfigError(lines.join('\n'));
  }
  const e = parsed.data;
  return {
    discord: {
      token: e.DISCORD_TOKEN,
      ...(e.DISCORD_APPLICATION_ID && { applicationId: e.DISCORD_APPLICATION_ID }),
      ...(e.DISCORD_GUILD_ID && { guildId: e.DISCORD_GUILD_ID }),
      apiUrl: e.DISCORD_API_URL,
    },
    wavespeed: {
      apiKey: e.WAVESPEED_API_KEY,
      baseUrl: e.WAVESPEED_BASE_URL,
      outputHosts: e.WAVESPEED_OUTPUT_HOSTS,
      pollIntervalMs: e.WAVESPEED_POLL_INTERVAL_MS,
      requestTimeoutMs: e.WAVESPEED_REQUEST_TIMEOUT_MS,
      maxConcurrency: e.WAVESPEED_MAX_CONCURRENCY,
      ...(e.WAVESPEED_WEBHOOK_URL && { webhookUrl: e.WAVESPEED_WEBHOOK_URL }),
      balanceWarnUsd: e.BALANCE_WARN_USD ?? null,
    },
    delivery: { concurrency: e.DELIVERY_CONCURRENCY, outputMaxBytes: e.OUTPUT_MAX_MB * 1024 * 1024 },
    ops: opsListener(e),
    store: e.STORE_URL,
    quota: {
      userDaily: e.QUOTA_USER_DAILY,
      userInstallDaily: e.QUOTA_USER_INSTALL_DAILY,
      userConcurrent: e.QUOTA_USER_CONCURRENT,
      guildDaily: e.QUOTA_GUILD_DAILY ?? null,
      budgetDailyCents: e.BUDGET_DAILY_USD === undefined ? null : Math.round(e.BUDGET_DAILY_USD * 100),
    },
    jobTimeoutMs: e.JOB_TIMEOUT_MINUTES * 60_000,
    retryDelayMs: e.JOB_RETRY_DELAY_MS,
    stepLockMs: e.JOB_STEP_LOCK_MS,
    shards: { count: e.SHARD_COUNT ?? null, ids: e.SHARD_IDS ?? null },
    log: { level: e.LOG_LEVEL, pretty: e.LOG_PRETTY },
  };
}

function opsListener(e: z.infer<typeof environment>): Config['ops'] {
  if (e.METRICS_PORT === undefined) return null;
  return {
    port: e.METRICS_PORT,
    host: e.METRICS_HOST ?? '127.0.0.1',
    ...(e.WAVESPEED_WEBHOOK_URL && { webhookPath: new URL(e.WAVESPEED_WEBHOOK_URL).pathname }),
  };
}

/**
 * Reads the process environment, with a `.env` file in the working directory filling in
 * what the environment leaves unset. An invalid one ends the process with one line per
 * problem, naming the variable, and no stack trace.
 */
export function loadConfig(): Config {
  if (existsSync('.env')) process.loadEnvFile('.env');
  try {
    return parseConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`Invalid configuration:\n${error.message}`);
    process.exit(1);
  }
}
