import { once } from 'node:events';
import {
  ActionRowBuilder,
  ApplicationIntegrationType,
  ButtonBuilder,
  type ButtonInteraction,
  ButtonStyle,
  ChannelType,
  type ChatInputCommandInteraction,
  Events,
  InteractionContextType,
  Locale,
  PermissionFlagsBits,
  PermissionsBitField,
  REST,
  Routes,
} from 'discord.js';
import { describe, expect, it } from 'vitest';
import { ALL_PERMISSIONS, USER_INSTALL_APP_PERMISSIONS } from './discord.js';
import { useDiscordStandIn } from './discord-harness.js';

const harness = useDiscordStandIn();
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('Discord stand-in: attachment options', () => {
  it('resolves an attachment option to its URL, and serves its bytes there without a token', async () => {
    const { standIn } = harness;
    const client = await harness.loginBot();
    const image = standIn.userAttachment({ filename: 'cat.png', size: 70_000, width: 640, height: 480 });

    const { interaction } = await harness.receive<unknown, ChatInputCommandInteraction>(client, () =>
      standIn.sendCommand({ name: 'video', options: { prompt: 'make it move' }, attachments: { image } }),
    );

    const option = interaction.options.get('image');
    expect(option).toMatchObject({ type: 11, value: image.id });
    const attachment = interaction.options.getAttachment('image', true);
    expect(attachment).toMatchObject({
      id: image.id,
      name: 'cat.png',
      contentType: 'image/png',
      size: 70_000,
      width: 640,
      height: 480,
      ephemeral: true,
    });
    expect(attachment.url).toBe(image.url);
    expect(attachment.proxyURL).toBe(image.url);
    expect(new URL(attachment.url).searchParams.get('ex')).toMatch(/^[0-9a-f]+$/);

    const response = await fetch(attachment.url);
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(response.headers.get('content-length')).toBe('70000');
    expect(bytes).toHaveLength(70_000);
    expect(bytes.subarray(0, 8)).toEqual(PNG_SIGNATURE);
    expect(standIn.attachmentDownloads).toMatchObject([
      { attachmentId: image.id, method: 'GET', authorization: false, status: 200, bytesSent: 70_000, complete: true },
    ]);
    // The CDN is no API route: downloads are not API requests.
    expect(standIn.unexpectedRequests()).toEqual([]);
  });

  it('serves the faults a member file can have: expired, mislabelled, bigger than declared, slow', async () => {
    const { standIn } = harness;
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4]);
    const expired = standIn.userAttachment({ filename: 'old.png', serve: { status: 404 } });
    const mislabelled = standIn.userAttachment({
      filename: 'photo.webp',
      bytes: jpeg,
      serve: { contentType: 'text/html' },
    });
    const bigger = standIn.userAttachment({ filename: 'huge.png', size: 200_000, declaredSize: 1000 });
    const slow = standIn.userAttachment({ filename: 'slow.png', size: 5000, serve: { slow: { afterBytes: 100 } } });

    expect((await fetch(expired.url)).status).toBe(404);
    const wrongType = await fetch(mislabelled.url);
    expect(mislabelled.payload.content_type).toBe('image/webp');
    expect(wrongType.headers.get('content-type')).toBe('text/html');
    expect(Buffer.from(await wrongType.arrayBuffer())).toEqual(jpeg);
    expect(bigger.payload.size).toBe(1000);
    expect((await (await fetch(bigger.url)).arrayBuffer()).byteLength).toBe(200_000);

    const reader = new AbortController();
    const trickle = await fetch(slow.url, { signal: reader.signal });
    expect(trickle.headers.get('content-length')).toBe('5000');
    const download = await standIn.waitFor(() =>
      standIn.attachmentDownloads.find((entry) => entry.attachmentId === slow.id && entry.bytesSent === 100),
    );
    reader.abort();
    await standIn.waitFor(() => standIn.attachmentDownloads.length === 4);
    expect(download.complete).toBe(false);

    standIn.setAttachmentServing(slow.id, {});
    expect((await (await fetch(slow.url)).arrayBuffer()).byteLength).toBe(5000);
  });
});

describe('Discord stand-in: locales', () => {
  it('carries the member locale and the guild locale, and tells the client when the guild locale changes', async () => {
    const { standIn } = harness;
    const client = await harness.loginBot();

    const plain = await harness.receive<unknown, ChatInputCommandInteraction>(client, () =>
      standIn.sendCommand({ name: 'video' }),
    );
    expect([plain.interaction.locale, plain.interaction.guildLocale]).toEqual([Locale.EnglishUS, Locale.EnglishUS]);

    const japanese = await harness.receive<unknown, ChatInputCommandInteraction>(client, () =>
      standIn.sendCommand({ name: 'video', locale: Locale.Japanese, guildLocale: Locale.SpanishES }),
    );
    expect([japanese.interaction.locale, japanese.interaction.guildLocale]).toEqual([
      Locale.Japanese,
      Locale.SpanishES,
    ]);

    const updated = once(client, Events.GuildUpdate);
    standIn.setGuildLocale(standIn.guildId, Locale.PortugueseBR);
    await updated;
    expect(client.guilds.cache.get(standIn.guildId)?.preferredLocale).toBe(Locale.PortugueseBR);
    const later = await harness.receive<unknown, ChatInputCommandInteraction>(client, () =>
      standIn.sendCommand({ name: 'video', locale: Locale.ChineseCN }),
    );
    expect([later.interaction.locale, later.interaction.guildLocale]).toEqual([Locale.ChineseCN, Locale.PortugueseBR]);

    // A press by the requester keeps the language of their command; anyone else's is their own.
    await later.interaction.reply({
      content: '好了',
      components: [
        new ActionRowBuilder<ButtonBuilder>().addComponents(
          new ButtonBuilder().setCustomId('reroll').setLabel('Reroll').setStyle(ButtonStyle.Secondary),
        ),
      ],
    });
    const reply = standIn.messages[0];
    if (!reply) throw new Error('expected the reply');
    const own = await harness.receive<unknown, ButtonInteraction>(client, () =>
      standIn.pressButton({ message: reply, customId: 'reroll' }),
    );
    expect(own.interaction.locale).toBe(Locale.ChineseCN);
    const other = await harness.receive<unknown, ButtonInteraction>(client, () =>
      standIn.pressButton({ message: reply, customId: 'reroll', userId: standIn.ownerId, locale: Locale.Japanese }),
    );
    expect([other.interaction.locale, other.interaction.guildLocale]).toEqual([Locale.Japanese, Locale.PortugueseBR]);
  });
});

describe('Discord stand-in: installs and contexts', () => {
  it('gives guild members the permissions a test sets, and the owner all of them', async () => {
    const { standIn } = harness;
    const client = await harness.loginBot();
    const moderator = '700000000000000201';
    standIn.setMemberPermissions(moderator, PermissionFlagsBits.ViewChannel | PermissionFlagsBits.ManageGuild);

    const owner = await harness.receive<unknown, ChatInputCommandInteraction>(client, () =>
      standIn.sendCommand({ name: 'video-admin', userId: standIn.ownerId }),
    );
    const manager = await harness.receive<unknown, ChatInputCommandInteraction>(client, () =>
      standIn.sendCommand({ name: 'video-admin', userId: moderator }),
    );
    const member = await harness.receive<unknown, ChatInputCommandInteraction>(client, () =>
      standIn.sendCommand({ name: 'video-admin' }),
    );

    expect(owner.interaction.memberPermissions?.bitfield).toBe(ALL_PERMISSIONS);
    expect(manager.interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)).toBe(true);
    expect(manager.interaction.memberPermissions?.has(PermissionFlagsBits.ManageMessages)).toBe(false);
    expect(member.interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)).toBe(false);
  });

  it('marks a user install in the bot DM and in a DM between users, where the bot can answer only the interaction', async () => {
    const { standIn } = harness;
    const client = await harness.loginBot();

    const botDm = await harness.receive<unknown, ChatInputCommandInteraction>(client, () =>
      standIn.sendCommand({ name: 'video', dm: true, installs: [ApplicationIntegrationType.UserInstall] }),
    );
    expect(botDm.interaction.context).toBe(InteractionContextType.BotDM);
    expect(botDm.interaction.authorizingIntegrationOwners.userId).toBe(standIn.userId);
    expect(botDm.interaction.authorizingIntegrationOwners.guildId).toBeNull();

    const privateChat = await harness.receive<ReturnType<typeof standIn.sendCommand>, ChatInputCommandInteraction>(
      client,
      () => standIn.sendCommand({ name: 'video', context: InteractionContextType.PrivateChannel }),
    );
    const chat = privateChat.interaction;
    expect(chat.context).toBe(InteractionContextType.PrivateChannel);
    expect(chat.guildId).toBeNull();
    expect(chat.member).toBeNull();
    expect(chat.user.id).toBe(standIn.userId);
    expect(chat.channelId).not.toBe(botDm.interaction.channelId);
    expect(privateChat.handle.payload.channel).toMatchObject({ type: ChannelType.DM });
    expect(chat.authorizingIntegrationOwners.userId).toBe(standIn.userId);
    expect(chat.authorizingIntegrationOwners.guildId).toBeNull();
    expect(chat.appPermissions.bitfield).toBe(USER_INSTALL_APP_PERMISSIONS);

    await chat.deferReply();
    await chat.editReply('Here it is');
    expect(privateChat.handle.original()).toMatchObject({ content: 'Here it is' });
    const rest = new REST({ api: standIn.apiUrl }).setToken(standIn.token);
    await expect(
      rest.post(Routes.channelMessages(chat.channelId ?? ''), { body: { content: 'x' } }),
    ).rejects.toMatchObject({ status: 403, code: 50001 });

    const group = await harness.receive<ReturnType<typeof standIn.sendCommand>, ChatInputCommandInteraction>(
      client,
      () =>
        standIn.sendCommand({
          name: 'quota',
          context: InteractionContextType.PrivateChannel,
          channelType: ChannelType.GroupDM,
        }),
    );
    expect(group.handle.payload.channel).toMatchObject({ type: ChannelType.GroupDM, name: 'group chat' });
    expect(() =>
      standIn.sendCommand({
        name: 'video',
        context: InteractionContextType.PrivateChannel,
        installs: [ApplicationIntegrationType.GuildInstall],
      }),
    ).toThrow(/Only a user install/);
  });

  it('runs a user-installed command in a guild the bot is not in: no channel access, at most 5 followups', async () => {
    const { standIn } = harness;
    const client = await harness.loginBot();
    const { foreignGuild } = standIn;
    expect(client.guilds.cache.has(foreignGuild.id)).toBe(false);

    const { handle, interaction } = await harness.receive<
      ReturnType<typeof standIn.sendCommand>,
      ChatInputCommandInteraction
    >(client, () => standIn.sendCommand({ name: 'video', guildId: foreignGuild.id }));

    expect(interaction.guildId).toBe(foreignGuild.id);
    expect(interaction.guild).toBeNull();
    expect(interaction.inRawGuild()).toBe(true);
    expect(interaction.context).toBe(InteractionContextType.Guild);
    expect(interaction.authorizingIntegrationOwners.guildId).toBeNull();
    expect(interaction.authorizingIntegrationOwners.userId).toBe(standIn.userId);
    expect(interaction.channelId).toBe(foreignGuild.textChannelId);
    expect(interaction.channel).toBeNull();
    expect(new PermissionsBitField(interaction.appPermissions).has(PermissionFlagsBits.SendMessages)).toBe(false);

    await interaction.reply('Working on it');
    const rest = client.rest;
    await expect(
      rest.post(Routes.channelMessages(foreignGuild.textChannelId), { body: { content: 'x' } }),
    ).rejects.toMatchObject({ status: 403, code: 50001 });
    await expect(rest.get(Routes.channel(foreignGuild.textChannelId))).rejects.toMatchObject({ code: 50001 });
    for (let count = 1; count <= 5; count++) await interaction.followUp(`update ${count}`);
    await expect(interaction.followUp('one more')).rejects.toMatchObject({ status: 400, code: 40094 });
    expect(handle.followups()).toHaveLength(5);

    // Another member presses a button on the reply: the install still belongs to the requester.
    await interaction.editReply({
      components: [
        new ActionRowBuilder<ButtonBuilder>().addComponents(
          new ButtonBuilder().setCustomId('reroll').setLabel('Reroll').setStyle(ButtonStyle.Secondary),
        ),
      ],
    });
    const reply = handle.original();
    if (!reply) throw new Error('expected the reply');
    const press = await harness.receive<unknown, ButtonInteraction>(client, () =>
      standIn.pressButton({ message: reply, customId: 'reroll', userId: standIn.ownerId }),
    );
    expect(press.interaction.user.id).toBe(standIn.ownerId);
    expect(press.interaction.guildId).toBe(foreignGuild.id);
    expect(press.interaction.authorizingIntegrationOwners.userId).toBe(standIn.userId);
    expect(press.interaction.authorizingIntegrationOwners.guildId).toBeNull();

    expect(() =>
      standIn.sendCommand({
        name: 'video',
        guildId: foreignGuild.id,
        installs: [ApplicationIntegrationType.GuildInstall],
      }),
    ).toThrow(/not in the foreign guild/);
  });
});
