import { once } from 'node:events';
import {
  ApplicationCommandOptionType,
  ChannelType,
  type ChatInputCommandInteraction,
  Client,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  InteractionContextType,
  InteractionResponseType,
  MessageFlags,
  PermissionFlagsBits,
  REST,
  Routes,
  type TextChannel,
} from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type DiscordStandIn, type DiscordStandInOptions, shardOf, startDiscordStandIn } from './discord.js';

/** A tiny MP4 header so @discordjs/rest's sniffing labels it video/mp4, then filler. */
function fakeMp4(size: number): Buffer {
  const header = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypisom')]);
  return Buffer.concat([header, Buffer.alloc(size - header.length, 7)]);
}

let standIn: DiscordStandIn;
const clients: Client[] = [];

async function start(options?: DiscordStandInOptions): Promise<void> {
  await standIn?.close();
  standIn = await startDiscordStandIn(options);
}

/** Logs a real discord.js client into the stand-in and waits for `clientReady`. */
async function loginBot(extra: { shards?: number[]; shardCount?: number } = {}): Promise<Client> {
  const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: standIn.apiUrl }, ...extra });
  clients.push(client);
  const ready = once(client, Events.ClientReady);
  await client.login(standIn.token);
  await ready;
  return client;
}

/** Dispatches a command and resolves with discord.js's interaction object for it. */
async function receiveCommand(
  client: Client,
  options: Parameters<DiscordStandIn['sendCommand']>[0],
): Promise<{ handle: ReturnType<DiscordStandIn['sendCommand']>; interaction: ChatInputCommandInteraction }> {
  const received = once(client, Events.InteractionCreate) as Promise<[ChatInputCommandInteraction]>;
  const handle = standIn.sendCommand(options);
  const [interaction] = await received;
  return { handle, interaction };
}

beforeEach(async () => {
  await start();
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.destroy()));
  await standIn.close();
});

describe('Discord stand-in: gateway', () => {
  it('lets the real discord.js client log in and cache the guild, its text channel and the application', async () => {
    const client = await loginBot();

    expect(client.user?.id).toBe(standIn.botUserId);
    expect(client.application?.id).toBe(standIn.applicationId);
    const guild = client.guilds.cache.get(standIn.guildId);
    expect(guild?.available).toBe(true);
    expect(guild?.channels.cache.get(standIn.channelId)?.isTextBased()).toBe(true);
    expect(guild?.members.me?.id).toBe(standIn.botUserId);
    expect(standIn.sessions).toMatchObject([
      { index: 0, shard: [0, 1], intents: GatewayIntentBits.Guilds, open: true },
    ]);
    expect(standIn.sessions[0]?.token).toBe(standIn.token);
    expect(standIn.requestsTo('/gateway/bot')).toMatchObject([{ auth: 'bot', status: 200 }]);
    expect(standIn.unexpectedRequests()).toEqual([]);
  });

  it('uses realistic snowflakes and a realistic bot token', () => {
    for (const id of [standIn.applicationId, standIn.botUserId, standIn.guildId, standIn.channelId, standIn.userId]) {
      expect(id).toMatch(/^\d{17,19}$/);
    }
    expect(standIn.token).toMatch(/^[\w-]{20,}\.[\w-]{6}\.[\w-]{27,}$/);
  });

  it('sends each guild only to the shard that owns it', async () => {
    await start({ guilds: 4 });
    const client = await loginBot({ shards: [0, 1], shardCount: 2 });

    expect(standIn.sessions.map((session) => session.shard)).toEqual(
      expect.arrayContaining([
        [0, 2],
        [1, 2],
      ]),
    );
    for (const guild of standIn.guilds) {
      expect(client.guilds.cache.get(guild.id)?.shardId).toBe(shardOf(guild.id, 2));
    }
    const secondShardGuild = standIn.guilds.find((guild) => shardOf(guild.id, 2) === 1);
    if (!secondShardGuild) throw new Error('expected a guild on shard 1');
    const { handle, interaction } = await receiveCommand(client, { name: 'ping', guildId: secondShardGuild.id });
    const session = standIn.sessions.find((candidate) => candidate.index === handle.deliveredTo[0]);
    expect(session?.shard).toEqual([1, 2]);
    expect(interaction.guildId).toBe(secondShardGuild.id);
  });

  it('resumes a session after op 7 Reconnect and keeps delivering interactions', async () => {
    const client = await loginBot();
    const resumed = once(client, Events.ShardResume);

    standIn.requestReconnect();
    await standIn.waitFor(() => standIn.sessions[0]?.resumes === 1 && standIn.connections === 1);
    await resumed;
    const { interaction } = await receiveCommand(client, { name: 'ping' });

    expect(interaction.commandName).toBe('ping');
    expect(standIn.sessions).toHaveLength(1);
  });

  it('acknowledges heartbeats and closes a connection that identifies with the wrong token with 4004', async () => {
    const socket = new WebSocket(`${standIn.gatewayUrl}/?v=10&encoding=json`);
    const [hello] = (await once(socket, 'message')) as [Buffer];
    expect(JSON.parse(hello.toString())).toMatchObject({ op: 10, d: { heartbeat_interval: 41_250 } });

    socket.send(JSON.stringify({ op: 1, d: null }));
    const [ack] = (await once(socket, 'message')) as [Buffer];
    expect(JSON.parse(ack.toString())).toMatchObject({ op: 11 });

    socket.send(JSON.stringify({ op: 2, d: { token: 'not-the-token', intents: 1, properties: {} } }));
    const [code] = (await once(socket, 'close')) as [number];

    expect(code).toBe(4004);
    expect(standIn.connections).toBe(0);
  });
});

describe('Discord stand-in: interactions', () => {
  it('delivers a chat-input command with its options, member, permissions and upload limit', async () => {
    const client = await loginBot();

    const { handle, interaction } = await receiveCommand(client, {
      name: 'video',
      options: { prompt: 'a cat on a skateboard', seconds: 5, hd: true },
      memberPermissions: PermissionFlagsBits.ManageGuild,
    });

    expect(interaction.id).toBe(handle.id);
    expect(interaction.isChatInputCommand()).toBe(true);
    expect(interaction.options.getString('prompt')).toBe('a cat on a skateboard');
    expect(interaction.options.getInteger('seconds')).toBe(5);
    expect(interaction.options.getBoolean('hd')).toBe(true);
    expect(interaction.guildId).toBe(standIn.guildId);
    expect(interaction.channelId).toBe(standIn.channelId);
    expect(interaction.user.id).toBe(standIn.userId);
    expect(interaction.attachmentSizeLimit).toBe(10 * 1024 * 1024);
    expect(interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)).toBe(true);
    expect(interaction.appPermissions.has(PermissionFlagsBits.AttachFiles)).toBe(true);
    expect(interaction.token).toBe(handle.token);
    expect(handle.token.length).toBeGreaterThan(150);
  });

  it('delivers subcommands and DM commands', async () => {
    const client = await loginBot();

    const admin = await receiveCommand(client, {
      name: 'admin',
      subcommand: 'grant',
      options: [{ name: 'user', type: ApplicationCommandOptionType.User, value: standIn.ownerId }],
    });
    expect(admin.interaction.options.getSubcommand()).toBe('grant');
    expect(admin.interaction.options.get('user')?.value).toBe(standIn.ownerId);

    // A shorthand id listed in `resolved` becomes an option of that kind.
    const channel = { id: standIn.channelId, type: ChannelType.GuildText, name: 'general', permissions: '0' } as const;
    const allow = await receiveCommand(client, {
      name: 'admin',
      subcommandGroup: 'channels',
      subcommand: 'allow',
      options: { channel: standIn.channelId, allowed: true },
      resolved: { channels: { [standIn.channelId]: channel } },
    });
    expect(allow.interaction.options.getSubcommandGroup()).toBe('channels');
    expect(allow.interaction.options.getChannel('channel')?.id).toBe(standIn.channelId);
    expect(allow.interaction.options.getBoolean('allowed')).toBe(true);

    const dm = await receiveCommand(client, { name: 'video', dm: true, options: { prompt: 'hi' } });
    expect(dm.interaction.guildId).toBeNull();
    expect(dm.interaction.member).toBeNull();
    expect(dm.interaction.context).toBe(InteractionContextType.BotDM);
    // discord.js caches DM channels only with Partials.Channel; replying needs no channel object.
    expect(dm.interaction.channel).toBeNull();
    await dm.interaction.reply('On it');
    expect(dm.handle.original()).toMatchObject({ channelId: dm.interaction.channelId, content: 'On it' });
  });

  it('records deferReply as a type-5 callback and a file edit as a multipart PATCH with the bytes', async () => {
    const client = await loginBot();
    const { handle, interaction } = await receiveCommand(client, { name: 'video', options: { prompt: 'a cat' } });
    const clip = fakeMp4(4096);

    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const callback = await handle.callback();
    expect(callback).toMatchObject({ type: InteractionResponseType.DeferredChannelMessageWithSource, flags: 64 });
    expect(callback.latencyMs).toBeGreaterThanOrEqual(0);
    expect(handle.original()?.flags).toBe(MessageFlags.Loading | MessageFlags.Ephemeral);

    const reply = await interaction.editReply({
      content: 'Here it is',
      files: [{ attachment: clip, name: 'clip.mp4' }],
    });

    const patch = standIn.requestsTo('/webhooks/:applicationId/:token/messages/@original', 'PATCH')[0];
    expect(patch?.auth).toBe('none');
    expect(patch?.body).toMatchObject({ content: 'Here it is', attachments: [{ id: '0' }] });
    expect(patch?.files).toMatchObject([{ field: 'files[0]', name: 'clip.mp4', contentType: 'video/mp4', size: 4096 }]);
    expect(Buffer.from(patch?.files[0]?.bytes ?? [])).toEqual(clip);
    const original = handle.original();
    expect(original).toMatchObject({ origin: 'interaction', content: 'Here it is', flags: MessageFlags.Ephemeral });
    expect(original?.history).toHaveLength(1);
    expect(Buffer.from(original?.attachments[0]?.bytes ?? [])).toEqual(clip);
    expect(reply.attachments.first()?.name).toBe('clip.mp4');
    const download = await fetch(reply.attachments.first()?.url ?? '');
    expect(Buffer.from(await download.arrayBuffer())).toEqual(clip);
  });

  it('records followups and replies', async () => {
    const client = await loginBot();
    const { handle, interaction } = await receiveCommand(client, { name: 'video' });

    await interaction.reply({ content: 'Queued', allowedMentions: { parse: [] } });
    const followup = await interaction.followUp({ content: 'Done', flags: MessageFlags.Ephemeral });

    expect((await handle.callback()).type).toBe(InteractionResponseType.ChannelMessageWithSource);
    expect(handle.original()).toMatchObject({ content: 'Queued', allowedMentions: { parse: [] } });
    expect(handle.followups()).toMatchObject([{ id: followup.id, content: 'Done', flags: MessageFlags.Ephemeral }]);
    expect(handle.messages().map((message) => message.origin)).toEqual(['interaction', 'followup']);
  });

  it('edits and deletes followups and the original, and answers withResponse callbacks', async () => {
    const client = await loginBot();
    const { handle, interaction } = await receiveCommand(client, { name: 'video' });

    const response = await interaction.reply({ content: 'Queued', withResponse: true });
    const followup = await interaction.followUp('50%');
    await interaction.editReply({ message: followup.id, content: '100%' });
    await interaction.deleteReply();

    expect(response.resource?.message?.id).toBe(handle.original()?.id);
    expect(handle.followups()).toMatchObject([{ content: '100%', history: [{ content: '50%' }] }]);
    expect(handle.original()?.deletedAt).toBeDefined();
    await expect(interaction.fetchReply()).rejects.toMatchObject({ code: 10008 });
    expect(standIn.unexpectedRequests()).toEqual([]);
  });

  it('answers a second callback with 40060 and a late one with 10062', async () => {
    const client = await loginBot();
    const first = await receiveCommand(client, { name: 'video' });
    await first.interaction.deferReply();
    // discord.js refuses a second reply itself, so post the duplicate as a second process would.
    const rest = new REST({ api: standIn.apiUrl });
    const duplicate = rest.post(Routes.interactionCallback(first.handle.id, first.handle.token), {
      body: { type: InteractionResponseType.DeferredChannelMessageWithSource },
      auth: false,
    });
    await expect(duplicate).rejects.toMatchObject({ code: 40060, status: 400 });

    const late = await receiveCommand(client, { name: 'video' });
    late.handle.expireAckDeadline();
    await expect(late.interaction.deferReply()).rejects.toMatchObject({ code: 10062, status: 404 });
  });

  it('gives discord.js a DiscordAPIError 50027 once the interaction token has expired', async () => {
    const client = await loginBot();
    const { handle, interaction } = await receiveCommand(client, { name: 'video' });
    await interaction.deferReply();

    handle.expireToken();
    const error = await interaction.editReply('too late').catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(DiscordAPIError);
    expect(error).toMatchObject({ code: 50027, status: 401 });
  });

  it('answers 413 / 40005 for a file over the interaction attachment_size_limit', async () => {
    const client = await loginBot();
    const { handle, interaction } = await receiveCommand(client, { name: 'video', attachmentSizeLimit: 1024 });
    await interaction.deferReply();

    const upload = interaction.editReply({ files: [{ attachment: fakeMp4(2048), name: 'clip.mp4' }] });

    await expect(upload).rejects.toMatchObject({ code: 40005, status: 413 });
    expect(handle.original()?.attachments).toEqual([]);
  });

  it('fails only matching requests: a template fault with withFiles spares the text-only fallback', async () => {
    const client = await loginBot();
    const { handle, interaction } = await receiveCommand(client, { name: 'video' });
    const fault = standIn.fault({
      method: 'PATCH',
      route: '/webhooks/:applicationId/:token/messages/:messageId',
      withFiles: true,
      status: 413,
      code: 40005,
    });
    await interaction.deferReply();
    await interaction.editReply('Rendering…');

    const upload = interaction.editReply({ files: [{ attachment: fakeMp4(64), name: 'clip.mp4' }] });
    await expect(upload).rejects.toMatchObject({ code: 40005, status: 413 });
    await interaction.editReply('Too big to attach: https://example.invalid/clip.mp4');

    expect(fault).toMatchObject({ hits: 1, remaining: 0 });
    expect(handle.original()).toMatchObject({
      content: 'Too big to attach: https://example.invalid/clip.mp4',
      attachments: [],
    });
  });

  it('delivers to every session with connection "all", so the second copy of a bot gets 40060', async () => {
    const first = await loginBot();
    const second = await loginBot();
    await standIn.waitForConnections(2);
    const received = [first, second].map(
      (client) => once(client, Events.InteractionCreate) as Promise<[ChatInputCommandInteraction]>,
    );

    const handle = standIn.sendCommand({ name: 'video', connection: 'all' });
    const interactions = await Promise.all(received.map(async (promise) => (await promise)[0]));
    const results = await Promise.allSettled(interactions.map((interaction) => interaction.deferReply()));

    expect(handle.deliveredTo).toEqual([0, 1]);
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    expect(results.find((result) => result.status === 'rejected')).toMatchObject({ reason: { code: 40060 } });
  });
});

describe('Discord stand-in: REST', () => {
  it('posts channel messages with the bot token and records who they would ping', async () => {
    const client = await loginBot();
    const channel = client.channels.cache.get(standIn.channelId) as TextChannel;

    const sent = await channel.send('@everyone the video is ready');
    await channel.send({ content: '@everyone safe', allowedMentions: { parse: [] } });

    expect(sent.channelId).toBe(standIn.channelId);
    const posts = standIn.requestsTo('/channels/:channelId/messages', 'POST');
    expect(posts.map((request) => request.auth)).toEqual(['bot', 'bot']);
    expect(standIn.messages.map((message) => [message.origin, message.pings.everyone])).toEqual([
      ['channel', true],
      ['channel', false],
    ]);
  });

  it('returns the first message for a repeated enforce_nonce post instead of creating another', async () => {
    const client = await loginBot();
    const body = { content: 'Your video is ready', nonce: 'job-42', enforce_nonce: true };

    const first = (await client.rest.post(Routes.channelMessages(standIn.channelId), { body })) as { id: string };
    const again = (await client.rest.post(Routes.channelMessages(standIn.channelId), { body })) as { id: string };

    expect(again.id).toBe(first.id);
    expect(standIn.messages).toHaveLength(1);
  });

  it('edits channel messages and rejects files over the default 10 MiB limit', async () => {
    const client = await loginBot();
    const channel = client.channels.cache.get(standIn.channelId) as TextChannel;

    const message = await channel.send('Rendering…');
    await message.edit('Rendered');
    const upload = channel.send({ files: [{ attachment: fakeMp4(10 * 1024 * 1024 + 1), name: 'big.mp4' }] });

    await expect(upload).rejects.toMatchObject({ code: 40005, status: 413 });
    expect(standIn.messages).toMatchObject([{ content: 'Rendered', history: [{ content: 'Rendering…' }] }]);
  });

  it('rejects what Discord rejects: empty messages, long content, duplicate button ids', async () => {
    const rest = new REST({ api: standIn.apiUrl }).setToken(standIn.token);
    const post = (body: unknown) => rest.post(Routes.channelMessages(standIn.channelId), { body });
    const button = { type: 2, style: 1, label: 'Retry', custom_id: 'retry:1' };

    await expect(post({ content: '' })).rejects.toMatchObject({ code: 50006 });
    await expect(post({ content: 'x'.repeat(2001) })).rejects.toMatchObject({
      code: 50035,
      rawError: { errors: { content: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH' }] } } },
    });
    await expect(post({ components: [{ type: 1, components: [button, button] }] })).rejects.toMatchObject({
      code: 50035,
    });
    expect(standIn.messages).toEqual([]);
  });

  it('answers 413 / 40005 for channel uploads over the channel limit', async () => {
    const client = await loginBot();
    const channel = client.channels.cache.get(standIn.channelId) as TextChannel;
    standIn.setAttachmentSizeLimit(standIn.guildId, 1000);

    const upload = channel.send({ files: [{ attachment: fakeMp4(1001), name: 'clip.mp4' }] });

    await expect(upload).rejects.toMatchObject({ code: 40005, status: 413 });
    expect(standIn.messages).toEqual([]);
  });

  it('lets discord.js retry after a 429 with retry_after', async () => {
    const client = await loginBot();
    const channel = client.channels.cache.get(standIn.channelId) as TextChannel;
    const fault = standIn.fault({
      method: 'POST',
      route: '/channels/:channelId/messages',
      status: 429,
      retryAfter: 0.05,
    });

    await channel.send('after the limit');

    expect(fault.hits).toBe(1);
    expect(standIn.requestsTo('/channels/:channelId/messages', 'POST').map((r) => [r.status, r.faulted])).toEqual([
      [429, true],
      [200, false],
    ]);
    expect(standIn.messages).toHaveLength(1);
  });

  it('answers 50013 in a denied channel and 50007 for closed DMs, and records DMs', async () => {
    const client = await loginBot();
    const channel = client.channels.cache.get(standIn.channelId) as TextChannel;
    standIn.denyChannel(standIn.channelId);
    await expect(channel.send('hello')).rejects.toMatchObject({ code: 50013, status: 403 });

    const user = await client.users.fetch(standIn.userId);
    await user.send('Your video is ready');
    expect(standIn.messages).toMatchObject([{ origin: 'dm', content: 'Your video is ready' }]);

    standIn.closeDms(standIn.userId);
    await expect(user.send('again')).rejects.toMatchObject({ code: 50007 });
  });

  it('registers global and guild commands and echoes them with ids', async () => {
    const client = await loginBot();
    const command = { name: 'video', description: 'Make a short video', options: [] };

    const global = await client.application?.commands.set([command]);
    const rest = client.rest;
    await rest.put(Routes.applicationGuildCommands(standIn.applicationId, standIn.guildId), { body: [command] });
    const invalid = rest.put(Routes.applicationCommands(standIn.applicationId), { body: [{ name: 'Bad Name' }] });

    expect(global?.first()?.id).toMatch(/^\d{17,19}$/);
    expect(standIn.commands().map((registered) => registered.name)).toEqual(['video']);
    expect(standIn.commands(standIn.guildId)).toMatchObject([{ name: 'video', guild_id: standIn.guildId }]);
    await expect(invalid).rejects.toMatchObject({ code: 50035, status: 400 });
    const { interaction } = await receiveCommand(client, { name: 'video' });
    expect(interaction.commandId).toBe(standIn.commands(standIn.guildId)[0]?.id);
  });

  it("refuses localizations that break Discord's rules for what they translate, or name no Discord locale", async () => {
    const rest = new REST({ api: standIn.apiUrl }).setToken(standIn.token);
    const route = Routes.applicationGuildCommands(standIn.applicationId, standIn.guildId);
    const command = (localized: object) => ({
      name: 'video',
      description: 'Make a short video',
      options: [{ type: 3, name: 'size', description: 'Frame', choices: [{ name: 'Wide', value: 'w', ...localized }] }],
    });
    const put = (body: object) => rest.put(route, { body: [body] });

    await put({ ...command({ name_localizations: { ja: '横長' } }), name_localizations: { ja: '動画' } });
    expect(standIn.commands(standIn.guildId)[0]?.name_localizations).toEqual({ ja: '動画' });
    for (const bad of [
      { ...command({}), name_localizations: { ja: 'Video' } },
      { ...command({}), name_localizations: { 'xx-XX': 'video' } },
      { ...command({}), description_localizations: { ja: '' } },
      command({ name_localizations: { ja: 'x'.repeat(101) } }),
    ]) {
      await expect(put(bad), JSON.stringify(bad)).rejects.toMatchObject({ code: 50035, status: 400 });
    }
  });

  it('keeps the installs and contexts a command declares, and refuses ones Discord does not have', async () => {
    const rest = new REST({ api: standIn.apiUrl }).setToken(standIn.token);
    const route = Routes.applicationCommands(standIn.applicationId);
    const command = { name: 'video', description: 'Make a short video' };
    await rest.put(route, { body: [{ ...command, integration_types: [0, 1], contexts: [0, 1, 2] }] });
    expect(standIn.commands()).toMatchObject([{ name: 'video', integration_types: [0, 1], contexts: [0, 1, 2] }]);
    for (const bad of [{ integration_types: [2] }, { contexts: [3] }, { contexts: 0 }]) {
      await expect(rest.put(route, { body: [{ ...command, ...bad }] }), JSON.stringify(bad)).rejects.toMatchObject({
        code: 50035,
        status: 400,
      });
    }
  });

  it('answers 401 to a wrong bot token and records unknown routes as unexpected', async () => {
    const wrong = new REST({ api: standIn.apiUrl }).setToken('not.the.token');
    await expect(wrong.get(Routes.user())).rejects.toMatchObject({ status: 401, code: 0 });

    const right = new REST({ api: standIn.apiUrl }).setToken(standIn.token);
    await expect(right.get('/guilds/1/audit-logs')).rejects.toMatchObject({ status: 404, code: 0 });
    expect(standIn.unexpectedRequests().map((request) => request.path)).toEqual(['/api/v10/guilds/1/audit-logs']);
  });

  it('rejects a client login with a wrong token', async () => {
    const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: standIn.apiUrl } });
    clients.push(client);
    await expect(client.login('not.the.token')).rejects.toMatchObject({ code: 'TokenInvalid' });
  });

  it('names what it waited for when a wait times out', async () => {
    await expect(standIn.waitForMessage(() => true, { timeoutMs: 20 })).rejects.toThrow(
      /Timed out after 20 ms waiting for a matching message\. No requests were recorded\./,
    );
  });
});
