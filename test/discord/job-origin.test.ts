import { ApplicationIntegrationType, ChannelType, InteractionContextType } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { jobOriginOf, placeOf } from '../../src/discord/job-origin.js';
import { type JobOrigin, serverOf } from '../../src/jobs/job.js';
import { interactionFactory } from './interaction-fixtures.js';

let factory = interactionFactory();
afterEach(async () => {
  await factory.destroy();
  factory = interactionFactory();
});

const { GuildInstall, UserInstall } = ApplicationIntegrationType;

describe('where a job belongs', () => {
  it('belongs to a server with the bot, also when the member installed the app to their account too', () => {
    const { world } = factory;
    const guildId = world.guilds[0]?.id;
    for (const installs of [[GuildInstall], [GuildInstall, UserInstall]]) {
      const origin = jobOriginOf(factory.command({ name: 'video', installs }));
      expect(origin.guildId).toBe(guildId);
      expect(origin).not.toHaveProperty('foreignGuild');
      expect(serverOf(origin)).toBe(guildId);
    }
  });

  it('belongs to no server in a server the bot is not in, though the origin keeps which server it was', () => {
    const { foreignGuild } = factory.world;
    const interaction = factory.command({ name: 'video', guildId: foreignGuild.id });
    const origin = jobOriginOf(interaction);
    expect(origin).toMatchObject({
      guildId: foreignGuild.id,
      channelId: foreignGuild.textChannelId,
      foreignGuild: true,
    });
    expect(serverOf(origin)).toBeNull();
    expect(serverOf(placeOf(interaction))).toBeNull();
  });

  it('belongs to no server in the bot’s DM, a DM between users or a group DM', () => {
    const places = [
      { dm: true, installs: [UserInstall] },
      { dm: true, installs: [GuildInstall] },
      { context: InteractionContextType.PrivateChannel },
      { context: InteractionContextType.PrivateChannel, channelType: ChannelType.GroupDM },
    ];
    for (const place of places) {
      const origin = jobOriginOf(factory.command({ name: 'video', ...place }));
      expect(origin.guildId).toBeNull();
      expect(origin).not.toHaveProperty('foreignGuild');
      expect(serverOf(origin)).toBeNull();
    }
  });

  it('reads a record from before user installs as its server’s', () => {
    const old = { guildId: '100000000000000001' } satisfies Pick<JobOrigin, 'guildId'>;
    expect(serverOf(old)).toBe('100000000000000001');
    expect(serverOf({ guildId: null })).toBeNull();
  });
});

describe('an age-restricted channel', () => {
  it('counts only in a server with the bot: never in a server without it, nor in a DM', () => {
    const { world } = factory;
    const inServer = factory.command({ name: 'video', nsfwChannel: true });
    // discord.js reads the channel from its cache, which a client that never logged in lacks.
    Object.defineProperty(inServer, 'channel', { value: { nsfw: true } });
    expect(jobOriginOf(inServer).channelNsfw).toBe(true);

    const foreign = factory.command({ name: 'video', guildId: world.foreignGuild.id, nsfwChannel: true });
    Object.defineProperty(foreign, 'channel', { value: { nsfw: true } });
    expect(jobOriginOf(foreign).channelNsfw).toBe(false);

    const dm = factory.command({ name: 'video', dm: true, installs: [UserInstall] });
    expect(jobOriginOf(dm).channelNsfw).toBe(false);
  });
});
