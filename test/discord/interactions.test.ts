import { Writable } from 'node:stream';
import {
  ApplicationIntegrationType,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  InteractionContextType,
  InteractionResponseType,
  Locale,
  MessageFlags,
  PermissionFlagsBits,
  SlashCommandBuilder,
} from 'discord.js';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ButtonHandler, Command, CommandContext } from '../../src/command.js';
import { interactionHandler } from '../../src/discord/interactions.js';
import { UserError } from '../../src/user-error.js';
import { interactionFactory } from './interaction-fixtures.js';

let factory: ReturnType<typeof interactionFactory>;
let logs: string[];
let ran: string[];
let handle: ReturnType<typeof interactionHandler>;

/** A command that records that it ran and answers "ran". */
function command(builder: SlashCommandBuilder, body?: (interaction: ChatInputCommandInteraction) => void): Command {
  return {
    data: builder.setDescription('test').toJSON(),
    async execute(interaction) {
      body?.(interaction);
      ran.push(interaction.commandName);
      await interaction.reply({ content: 'ran' });
    },
  };
}

beforeEach(() => {
  factory = interactionFactory();
  logs = [];
  ran = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const commands = [
    command(new SlashCommandBuilder().setName('in-server').setContexts(InteractionContextType.Guild)),
    command(
      new SlashCommandBuilder()
        .setName('anywhere-but-group-dms')
        .setContexts(InteractionContextType.Guild, InteractionContextType.BotDM),
    ),
    command(
      new SlashCommandBuilder()
        .setName('admin')
        .setContexts(InteractionContextType.Guild)
        .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild),
    ),
    command(
      new SlashCommandBuilder()
        .setName('server-install')
        .setContexts(InteractionContextType.Guild)
        .setIntegrationTypes(ApplicationIntegrationType.GuildInstall),
    ),
    command(new SlashCommandBuilder().setName('count').setContexts(InteractionContextType.Guild), (interaction) =>
      interaction.options.getInteger('n'),
    ),
  ];
  // The router only hands the context on; these commands use none of it but the logger.
  const context = { logger: pino({ level: 'info' }, sink) } as unknown as CommandContext;
  handle = interactionHandler(commands, context);
});
afterEach(async () => factory.destroy());

/** The one interaction callback the router sent. */
function callback() {
  expect(factory.sent).toHaveLength(1);
  const [request] = factory.sent;
  expect(request?.url).toMatch(/\/interactions\/\d+\/[^/]+\/callback/);
  return request?.body as { type: number; data: { content?: string; flags?: number; choices?: unknown[] } };
}

function expectPrivateAnswer(text: RegExp): void {
  const { type, data } = callback();
  expect(type).toBe(InteractionResponseType.ChannelMessageWithSource);
  expect(data.content).toMatch(text);
  expect(data.flags).toBe(MessageFlags.Ephemeral);
}

describe('interactionHandler', () => {
  it('runs a command in a context it declares', async () => {
    await handle(factory.command({ name: 'in-server' }));
    await handle(factory.command({ name: 'anywhere-but-group-dms', dm: true }));
    expect(ran).toEqual(['in-server', 'anywhere-but-group-dms']);
  });

  it('refuses a guild-only command forged from a DM before it runs', async () => {
    await handle(factory.command({ name: 'in-server', dm: true }));
    expect(ran).toEqual([]);
    expectPrivateAnswer(/^This command works only in a server\.$/);
    expect(logs.join('')).toMatch(/"refusal":"command.guild_only"/);
  });

  it('refuses a payload that claims a server context without a server, or names no context', async () => {
    await handle(
      factory.command({ name: 'in-server', dm: true }, (raw) => ({ ...raw, context: InteractionContextType.Guild })),
    );
    await handle(factory.command({ name: 'in-server' }, ({ context: _context, ...raw }) => raw));
    expect(ran).toEqual([]);
    expect(factory.sent.map((request) => (request.body as { data: { content: string } }).data.content)).toEqual([
      'This command works only in a server.',
      'This command works only in a server.',
    ]);
  });

  it('refuses a server-install command where only the member’s own install reached it (a server without the bot)', async () => {
    const { GuildInstall, UserInstall } = ApplicationIntegrationType;
    await handle(factory.command({ name: 'server-install', installs: [GuildInstall, UserInstall] }));
    expect(ran).toEqual(['server-install']);
    factory.sent.length = 0;
    await handle(factory.command({ name: 'server-install', guildId: factory.world.foreignGuild.id }));
    expect(ran).toEqual(['server-install']);
    expectPrivateAnswer(/^This command works only in a server the bot is in\.$/);
    expect(logs.join('')).toMatch(/"refusal":"command.wrong_install"/);
  });

  it('refuses a member without the permissions the command declares, even if Discord let them run it', async () => {
    await handle(factory.command({ name: 'admin', memberPermissions: PermissionFlagsBits.SendMessages }));
    expect(ran).toEqual([]);
    expectPrivateAnswer(/^You need the Manage Server permission to use `\/admin`\.$/);
  });

  it('lets an administrator run a command that declares permissions', async () => {
    await handle(factory.command({ name: 'admin', memberPermissions: PermissionFlagsBits.Administrator }));
    expect(ran).toEqual(['admin']);
  });

  it('answers an option of the wrong type as a refusal, not as our failure', async () => {
    await handle(factory.command({ name: 'count', options: { n: 'many' } }));
    expect(ran).toEqual([]);
    expectPrivateAnswer(/options are not valid/);
    expect(logs.join('')).toMatch(/"refusal":"command.invalid_options"/);
    expect(logs.join('')).not.toMatch(/command failed/);
  });

  it("answers in the member's client language, and in US English for one the bot does not speak", async () => {
    const answers: string[] = [];
    const answer = async (options: Parameters<typeof factory.command>[0]) => {
      factory.sent.length = 0;
      await handle(factory.command(options));
      answers.push(callback().data.content ?? '');
    };
    await answer({ name: 'admin', memberPermissions: PermissionFlagsBits.SendMessages, locale: Locale.Japanese });
    await answer({ name: 'count', options: { n: 'many' }, locale: Locale.PortugueseBR });
    await answer({ name: 'free-nitro', locale: Locale.SpanishES });
    await answer({ name: 'free-nitro', locale: Locale.French });
    expect(answers).toEqual([
      '`/admin` を使うには サーバー管理 の権限が必要です。',
      'Essas opções não são válidas para este comando.',
      'Este bot no tiene ese comando (o ya no lo tiene). Escribe `/` para ver los que tiene.',
      'This bot has no such command (any more). Type `/` to see the ones it has.',
    ]);
  });

  it('answers an unknown command privately', async () => {
    await handle(factory.command({ name: 'free-nitro' }));
    expectPrivateAnswer(/no such command/);
  });

  it('answers a button nothing handles privately', async () => {
    await handle(factory.button('retry:1'));
    expectPrivateAnswer(/no longer does anything/);
  });

  it('closes an autocomplete picker with no suggestions', async () => {
    await handle(factory.autocomplete({ name: 'in-server' }));
    const { type, data } = callback();
    expect(type).toBe(InteractionResponseType.ApplicationCommandAutocompleteResult);
    expect(data.choices).toEqual([]);
  });
});

describe('interactionHandler: buttons', () => {
  /** A command whose `cancel` buttons record the job they are pressed for, then act as `body` says. */
  function withButtons(body: (interaction: ButtonInteraction) => Promise<void>) {
    const pressed: string[] = [];
    const buttons: ButtonHandler[] = [
      {
        action: 'cancel',
        async press(interaction, jobId) {
          pressed.push(jobId);
          await body(interaction);
        },
      },
    ];
    const video = { ...command(new SlashCommandBuilder().setName('video')), buttons };
    const context = { logger: pino({ level: 'silent' }) } as unknown as CommandContext;
    return { pressed, handle: interactionHandler([video], context) };
  }

  it('routes a press by its action to the handler, with the job id its custom id carries', async () => {
    const { pressed, handle: route } = withButtons((interaction) => interaction.deferUpdate().then(() => {}));
    await route(factory.button('v1:cancel:1234567890123456789'));
    await route(factory.button('v2:cancel:1234567890123456789'));
    expect(pressed).toEqual(['1234567890123456789']);
    expect(factory.sent.map(({ body }) => (body as { type: number }).type)).toEqual([
      InteractionResponseType.DeferredMessageUpdate,
      InteractionResponseType.ChannelMessageWithSource,
    ]);
  });

  it('answers a refusal after the press updated its own message with a private followup, keeping the message', async () => {
    const { handle: route } = withButtons(async (interaction) => {
      await interaction.deferUpdate();
      throw new UserError('button.finished', () => 'Already finished.');
    });
    await route(factory.button('v1:cancel:1234567890123456789'));
    expect(factory.sent.map(({ method, url }) => `${method} ${url.replace(/^.*\/api\/v\d+/, '')}`)).toEqual([
      expect.stringMatching(/^POST \/interactions\/\d+\/[^/]+\/callback/),
      expect.stringMatching(/^POST \/webhooks\/\d+\/[^/]+$/),
    ]);
    expect(factory.sent[1]?.body).toMatchObject({ content: 'Already finished.', flags: MessageFlags.Ephemeral });
  });
});
