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
    expect(config.quota).toEqual({ userDaily: 5, userConcurrent: 3, guildDaily: null, budgetDailyCents: null });
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

  it('treats empty optional variables as unset, as .env.example leaves them', () => {
    const config = parseConfig({ ...required, DISCORD_GUILD_ID: '', QUOTA_GUILD_DAILY: '', BUDGET_DAILY_USD: '' });
    expect(config.discord.guildId).toBeUndefined();
    expect(config.quota.guildDaily).toBeNull();
    expect(config.quota.budgetDailyCents).toBeNull();
  });
});
