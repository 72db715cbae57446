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
  };
  store: StoreLocation;
  quota: {
    userDaily: number;
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
  log: { level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'; pretty: boolean };
}

/** Thrown for an invalid environment; its message names every offending variable, one per line. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

const snowflake = z.string().regex(/^\d{17,20}$/, 'must be a Discord id (17-20 digits)');
const httpUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
  .transform((url) => url.replace(/\/+$/, ''));
const count = (fallback: number) => z.coerce.number().int().min(0).max(1_000_000).default(fallback);
const required = (hint: string) => {
  const message = `is required: ${hint}`;
  return z.string({ error: message }).trim().min(1, message);
};
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

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
  WAVESPEED_POLL_INTERVAL_MS: z.coerce.number().int().min(10).max(600_000).default(5_000),
  WAVESPEED_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(15_000),
  STORE_URL: storeUrl,
  QUOTA_USER_DAILY: count(5),
  QUOTA_USER_CONCURRENT: z.coerce.number().int().min(1).max(100).default(3),
  QUOTA_GUILD_DAILY: optional(z.coerce.number().int().min(0).max(1_000_000)),
  BUDGET_DAILY_USD: optional(z.coerce.number().min(0).max(1_000_000)),
  JOB_TIMEOUT_MINUTES: z.coerce
    .number()
    .min(1)
    .max(24 * 60)
    .default(20),
  JOB_RETRY_DELAY_MS: z.coerce.number().int().min(10).max(600_000).default(5_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_PRETTY: z.stringbool().default(false),
});

/**
 * Parses the configuration from `env`. Throws {@link ConfigError} listing every problem,
 * one line per variable, so an operator can fix them all at once.
 */
export function parseConfig(env: NodeJS.ProcessEnv): Config {
  const parsed = environment.safeParse(env);
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
    },
    store: e.STORE_URL,
    quota: {
      userDaily: e.QUOTA_USER_DAILY,
      userConcurrent: e.QUOTA_USER_CONCURRENT,
      guildDaily: e.QUOTA_GUILD_DAILY ?? null,
      budgetDailyCents: e.BUDGET_DAILY_USD === undefined ? null : Math.round(e.BUDGET_DAILY_USD * 100),
    },
    jobTimeoutMs: e.JOB_TIMEOUT_MINUTES * 60_000,
    retryDelayMs: e.JOB_RETRY_DELAY_MS,
    log: { level: e.LOG_LEVEL, pretty: e.LOG_PRETTY },
  };
}

/**
 * Reads the process environment, with a `.env` file in the working directory filling in
 * what the environment leaves unset.
 */
export function loadConfig(): Config {
  if (existsSync('.env')) process.loadEnvFile('.env');
  return parseConfig(process.env);
}
