import Keyv from 'keyv';
import { describe, expect, it } from 'vitest';
import {
  allowanceFor,
  DEFAULT_GUILD_SETTINGS,
  type GuildSettings,
  GuildSettingsStore,
} from '../../src/guilds/guild-settings.js';

const GUILD = '100000000000000001';

describe('GuildSettingsStore', () => {
  it('keeps the limits an admin saved within the bounds', async () => {
    const store = new GuildSettingsStore(new Keyv<GuildSettings>());
    await store.update(GUILD, (s) => ({ ...s, userDaily: 0, guildDaily: null, roleAllowances: { '7': 1_000_000 } }));
    expect(await store.get(GUILD)).toEqual({
      ...DEFAULT_GUILD_SETTINGS,
      userDaily: 0,
      guildDaily: null,
      roleAllowances: { '7': 1_000_000 },
    });
  });

  it('falls back to the defaults for limits a forged command saved out of bounds', async () => {
    const keyv = new Keyv<GuildSettings>();
    await keyv.set(GUILD, {
      ...DEFAULT_GUILD_SETTINGS,
      userDaily: 1_000_001,
      guildDaily: -5,
      roleAllowances: { '7': 2.5, '8': 3, '9': -1 },
      nsfw: 'never',
    });
    expect(await new GuildSettingsStore(keyv).get(GUILD)).toEqual({
      ...DEFAULT_GUILD_SETTINGS,
      roleAllowances: { '8': 3 },
      nsfw: 'never',
    });
  });

  it('keeps 1080p off until an admin enables it, and its allowance while off', async () => {
    const store = new GuildSettingsStore(new Keyv<GuildSettings>());
    expect((await store.get(GUILD)).video1080p).toEqual({ enabled: false, userDaily: 1 });
    await store.update(GUILD, (s) => ({ ...s, video1080p: { enabled: false, userDaily: 4 } }));
    expect((await store.get(GUILD)).video1080p).toEqual({ enabled: false, userDaily: 4 });
    expect((await store.get(null)).video1080p.enabled).toBe(false);
  });

  it('falls back to 1080p off for a 1080p allowance a forged command saved out of bounds', async () => {
    const keyv = new Keyv<GuildSettings>();
    await keyv.set(GUILD, { ...DEFAULT_GUILD_SETTINGS, video1080p: { enabled: true, userDaily: -3 } });
    expect((await new GuildSettingsStore(keyv).get(GUILD)).video1080p).toEqual({ enabled: false, userDaily: 1 });
  });
});

describe('allowanceFor', () => {
  const quota = { userDaily: 5, userInstallDaily: 5, userConcurrent: 3, guildDaily: null, budgetDailyCents: null };

  it('gives every member the server’s 1080p allowance, exempt ones too, and none while 1080p is off', () => {
    const on = { ...DEFAULT_GUILD_SETTINGS, exemptRoles: ['7'], video1080p: { enabled: true, userDaily: 2 } };
    expect(allowanceFor(quota, on, [])).toMatchObject({ userDaily: 5, userDaily1080p: 2 });
    expect(allowanceFor(quota, on, ['7'])).toMatchObject({ userDaily: null, userDaily1080p: 2 });
    expect(allowanceFor(quota, DEFAULT_GUILD_SETTINGS, [])).toMatchObject({ userDaily1080p: 0 });
  });

  it('gives a member outside servers with the bot their user-install allowance and the spend cap, whatever their roles', () => {
    const limits = { userDaily: 5, userInstallDaily: 2, userConcurrent: 3, guildDaily: 40, budgetDailyCents: 300 };
    expect(allowanceFor(limits, null, ['7'])).toEqual({
      userDaily: 2,
      userConcurrent: 3,
      // No server's count: one would add up every member's DMs together.
      guildDaily: null,
      budgetDailyCents: 300,
      userDaily1080p: 0,
    });
  });
});
