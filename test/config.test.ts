import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../src/config.js';

const required = { DISCORD_TOKEN: 'bot-token', WAVESPEED_API_KEY: 'ws-key' };

function configError(env: NodeJS.ProcessEnv): string {
  try {
    parseConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error('expected a ConfigError');
}

describe('parseConfig', () => {
  it('fills every default from the two required variables', () => {
    const config = parseConfig(required);
    expect(config.discord).toEqual({ token: 'bot-token', apiUrl: 'https://discord.com/api' });
    expect(config.wavespeed).toMatchObject({
      apiKey: 'ws-key',
      baseUrl: 'https://api.wavespeed.ai',
      pollIntervalMs: 5000,
    });
    expect(config.store).toEqual({ kind: 'sqlite', path: expect.stringMatching(/data\/bot\.sqlite$/) });
    expect(config.quota).toEqual({
      userDaily: 5,
      userInstallDaily: 3,
      userConcurrent: 3,
      guildDaily: null,
      budgetDailyCents: null,
    });
    expect(config.log).toEqual({ level: 'info', pretty: false });
  });

  it('names every missing required variable on its own line', () => {
    const lines = configError({}).split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^DISCORD_TOKEN: is required/);
    expect(lines[1]).toMatch(/^WAVESPEED_API_KEY: is required/);
  });

  it('treats a blank secret as missing', () => {
    expect(configError({ ...required, DISCORD_TOKEN: '   ' })).toMatch(/^DISCORD_TOKEN:/);
  });

  it('rejects malformed values, naming the variable', () => {
    expect(configError({ ...required, QUOTA_USER_DAILY: 'five' })).toMatch(/^QUOTA_USER_DAILY:/);
    expect(configError({ ...required, DISCORD_API_URL: 'discord.com' })).toMatch(/^DISCORD_API_URL:/);
    expect(configError({ ...required, STORE_URL: 'postgres://db' })).toMatch(
      /^STORE_URL: must be sqlite:\/\/PATH or redis/,
    );
    expect(configError({ ...required, DISCORD_GUILD_ID: '12' })).toMatch(/^DISCORD_GUILD_ID:/);
    expect(configError({ ...required, LOG_PRETTY: 'maybe' })).toMatch(/^LOG_PRETTY:/);
  });

  it('reads the store, limits and budget', () => {
    const config = parseConfig({
      ...required,
      STORE_URL: 'redis://127.0.0.1:6379',
      QUOTA_USER_DAILY: '2',
      QUOTA_GUILD_DAILY: '40',
      BUDGET_DAILY_USD: '1.25',
      DISCORD_API_URL: 'http://127.0.0.1:9999/api/',
      LOG_PRETTY: 'false',
    });
    expect(config.store).toEqual({ kind: 'redis', url: 'redis://127.0.0.1:6379' });
    expect(config.quota).toMatchObject({ userDaily: 2, guildDaily: 40, budgetDailyCents: 125 });
    expect(config.discord.apiUrl).toBe('http://127.0.0.1:9999/api');
    expect(config.log.pretty).toBe(false);
  });

  it('reads the allowance outside servers with the bot, and names QUOTA_USER_INSTALL_DAILY when it is bad', () => {
    expect(parseConfig({ ...required, QUOTA_USER_INSTALL_DAILY: '0' }).quota.userInstallDaily).toBe(0);
    expect(parseConfig({ ...required, QUOTA_USER_INSTALL_DAILY: '12' }).quota.userInstallDaily).toBe(12);
    expect(configError({ ...required, QUOTA_USER_INSTALL_DAILY: 'lots' })).toBe(
      'QUOTA_USER_INSTALL_DAILY: must be a number',
    );
    expect(configError({ ...required, QUOTA_USER_INSTALL_DAILY: '-1' })).toBe(
      'QUOTA_USER_INSTALL_DAILY: must be at least 0',
    );
    expect(configError({ ...required, QUOTA_USER_INSTALL_DAILY: '2.5' })).toBe(
      'QUOTA_USER_INSTALL_DAILY: must be a whole number',
    );
  });

  it('treats empty optional variables as unset, as .env.example leaves them', () => {
    const config = parseConfig({ ...required, DISCORD_GUILD_ID: '', QUOTA_GUILD_DAILY: '', BUDGET_DAILY_USD: '' });
    expect(config.discord.guildId).toBeUndefined();
    expect(config.quota.guildDaily).toBeNull();
    expect(config.quota.budgetDailyCents).toBeNull();
  });
});

describe('parseConfig: the ops listener', () => {
  it('runs no listener and no webhook unless asked', () => {
    const config = parseConfig(required);
    expect(config.ops).toBeNull();
    expect(config.wavespeed.webhookUrl).toBeUndefined();
  });

  it('listens on loopback by default once METRICS_PORT is set', () => {
    expect(parseConfig({ ...required, METRICS_PORT: '9464', METRICS_HOST: '' }).ops).toEqual({
      port: 9464,
      host: '127.0.0.1',
    });
    expect(parseConfig({ ...required, METRICS_PORT: '0', METRICS_HOST: '0.0.0.0' }).ops).toEqual({
      port: 0,
      host: '0.0.0.0',
    });
  });

  it('serves the webhook on the path of its public URL', () => {
    const config = parseConfig({
      ...required,
      METRICS_PORT: '9464',
      WAVESPEED_WEBHOOK_URL: 'https://bot.example.com/wavespeed/webhook?tag=1',
    });
    expect(config.wavespeed.webhookUrl).toBe('https://bot.example.com/wavespeed/webhook?tag=1');
    expect(config.ops).toEqual({ port: 9464, host: '127.0.0.1', webhookPath: '/wavespeed/webhook' });
  });

  it('refuses a webhook URL without METRICS_PORT, naming both', () => {
    expect(configError({ ...required, WAVESPEED_WEBHOOK_URL: 'https://bot.example.com/hook' })).toMatch(
      /^WAVESPEED_WEBHOOK_URL: .*METRICS_PORT/,
    );
  });

  it('allows plain http for the webhook on loopback only', () => {
    const withPort = { ...required, METRICS_PORT: '9464' };
    expect(parseConfig({ ...withPort, WAVESPEED_WEBHOOK_URL: 'http://127.0.0.1:9464/hook' }).ops?.webhookPath).toBe(
      '/hook',
    );
    expect(parseConfig({ ...withPort, WAVESPEED_WEBHOOK_URL: 'http://localhost/hook' }).ops?.webhookPath).toBe('/hook');
    expect(configError({ ...withPort, WAVESPEED_WEBHOOK_URL: 'http://bot.example.com/hook' })).toMatch(
      /^WAVESPEED_WEBHOOK_URL: must be https/,
    );
    expect(configError({ ...withPort, WAVESPEED_WEBHOOK_URL: 'ftp://bot.example.com/hook' })).toMatch(
      /^WAVESPEED_WEBHOOK_URL:/,
    );
  });

  it('refuses a webhook path that would shadow an ops route', () => {
    expect(
      configError({ ...required, METRICS_PORT: '9464', WAVESPEED_WEBHOOK_URL: 'https://bot.example.com/metrics' }),
    ).toMatch(/^WAVESPEED_WEBHOOK_URL: its path/);
  });

  it('rejects a port out of range, naming the variable', () => {
    expect(configError({ ...required, METRICS_PORT: '70000' })).toMatch(/^METRICS_PORT:/);
    expect(configError({ ...required, METRICS_PORT: 'nine' })).toMatch(/^METRICS_PORT:/);
  });
});

describe('parseConfig: concurrency and shards', () => {
  it('runs three steps at once (the Bronze tier), a 30 s step lock and no shard settings by default', () => {
    const config = parseConfig(required);
    expect(config.wavespeed.maxConcurrency).toBe(3);
    expect(config.stepLockMs).toBe(30_000);
    expect(config.shards).toEqual({ count: null, ids: null });
  });

  it('reads the account tier, the step lock and the shards this host runs', () => {
    const config = parseConfig({
      ...required,
      WAVESPEED_MAX_CONCURRENCY: '10',
      JOB_STEP_LOCK_MS: '2000',
      SHARD_COUNT: '4',
      SHARD_IDS: '2, 3',
    });
    expect(config.wavespeed.maxConcurrency).toBe(10);
    expect(config.stepLockMs).toBe(2_000);
    expect(config.shards).toEqual({ count: 4, ids: [2, 3] });
  });

  it('rejects a concurrency out of range or not whole, naming the variable and what is wrong', () => {
    expect(configError({ ...required, WAVESPEED_MAX_CONCURRENCY: '0' })).toBe(
      'WAVESPEED_MAX_CONCURRENCY: must be at least 1',
    );
    expect(configError({ ...required, WAVESPEED_MAX_CONCURRENCY: '5000' })).toBe(
      'WAVESPEED_MAX_CONCURRENCY: must be at most 1000',
    );
    expect(configError({ ...required, WAVESPEED_MAX_CONCURRENCY: '2.5' })).toBe(
      'WAVESPEED_MAX_CONCURRENCY: must be a whole number',
    );
    expect(configError({ ...required, JOB_TIMEOUT_MINUTES: 'soon' })).toBe('JOB_TIMEOUT_MINUTES: must be a number');
  });

  it('rejects malformed shard settings, naming the variable', () => {
    expect(configError({ ...required, SHARD_COUNT: '0' })).toMatch(/^SHARD_COUNT:/);
    expect(configError({ ...required, SHARD_COUNT: '4', SHARD_IDS: '0;1' })).toMatch(/^SHARD_IDS: must be shard ids/);
    expect(configError({ ...required, SHARD_COUNT: '4', SHARD_IDS: '1,-2' })).toMatch(/^SHARD_IDS:/);
  });

  it('refuses shard ids without a count, or beyond it', () => {
    expect(configError({ ...required, SHARD_IDS: '0,1' })).toMatch(/^SHARD_IDS: needs SHARD_COUNT/);
    expect(configError({ ...required, SHARD_COUNT: '2', SHARD_IDS: '1,2' })).toMatch(/^SHARD_IDS: every id/);
  });

  it('warns of a low WaveSpeed balance only when BALANCE_WARN_USD is set, and refuses one that is no amount', () => {
    expect(parseConfig(required).wavespeed.balanceWarnUsd).toBeNull();
    expect(parseConfig({ ...required, BALANCE_WARN_USD: '' }).wavespeed.balanceWarnUsd).toBeNull();
    expect(parseConfig({ ...required, BALANCE_WARN_USD: '2.5' }).wavespeed.balanceWarnUsd).toBe(2.5);
    expect(configError({ ...required, BALANCE_WARN_USD: 'five' })).toBe('BALANCE_WARN_USD: must be a number');
    expect(configError({ ...required, BALANCE_WARN_USD: '-1' })).toBe('BALANCE_WARN_USD: must be at least 0');
  });
});
