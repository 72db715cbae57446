import Keyv from 'keyv';
import { describe, expect, it } from 'vitest';
import { DEFAULT_GUILD_SETTINGS, type GuildSettings, GuildSettingsStore } from '../../src/guilds/guild-settings.js';

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
});
