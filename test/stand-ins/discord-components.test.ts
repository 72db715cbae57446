import {
  ActionRowBuilder,
  ButtonBuilder,
  type ButtonInteraction,
  ButtonStyle,
  type ChatInputCommandInteraction,
  ComponentType,
  InteractionResponseType,
  InteractionType,
  LabelBuilder,
  Locale,
  MessageFlags,
  ModalBuilder,
  type ModalSubmitInteraction,
  PermissionFlagsBits,
  REST,
  Routes,
  type TextChannel,
  TextInputBuilder,
  TextInputStyle,
} from 'discord.js';
import { describe, expect, it } from 'vitest';
import { useDiscordStandIn } from './discord-harness.js';

const harness = useDiscordStandIn();

function videoButtons(jobId: string) {
  return new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder()
      .setCustomId(`reroll:${jobId}`)
      .setLabel('Reroll')
      .setEmoji('🔄')
      .setStyle(ButtonStyle.Secondary),
    new ButtonBuilder().setCustomId(`delete:${jobId}`).setEmoji('🗑️').setStyle(ButtonStyle.Danger),
    new ButtonBuilder().setCustomId(`hd:${jobId}`).setLabel('1080p').setStyle(ButtonStyle.Primary).setDisabled(true),
    new ButtonBuilder().setURL('https://example.invalid/clip.mp4').setLabel('Download').setStyle(ButtonStyle.Link),
  );
}

function remixModal(prompt: string) {
  return new ModalBuilder()
    .setCustomId('remix:42')
    .setTitle('Remix')
    .addLabelComponents(
      new LabelBuilder()
        .setLabel('Prompt')
        .setTextInputComponent(
          new TextInputBuilder()
            .setCustomId('prompt')
            .setStyle(TextInputStyle.Paragraph)
            .setValue(prompt)
            .setMaxLength(800),
        ),
      new LabelBuilder()
        .setLabel('Seed')
        .setTextInputComponent(
          new TextInputBuilder().setCustomId('seed').setStyle(TextInputStyle.Short).setValue('1234').setRequired(false),
        ),
    );
}

describe('Discord stand-in: buttons', () => {
  it('keeps the buttons of a reply and hands discord.js a ButtonInteraction whose update() edits that message', async () => {
    const { standIn } = harness;
    const client = await harness.loginBot();
    const command = await harness.receive<unknown, ChatInputCommandInteraction>(client, () =>
      standIn.sendCommand({ name: 'video', options: { prompt: 'a cat' } }),
    );
    await command.interaction.reply({ content: 'Here it is', components: [videoButtons('job-1')] });
    const reply = standIn.messages[0];
    if (!reply) throw new Error('expected the reply');
    expect(reply.components).toMatchObject([
      {
        type: ComponentType.ActionRow,
        components: [
          { custom_id: 'reroll:job-1', label: 'Reroll', emoji: { name: '🔄' }, style: ButtonStyle.Secondary },
          { custom_id: 'delete:job-1', style: ButtonStyle.Danger },
          { custom_id: 'hd:job-1', disabled: true },
          { url: 'https://example.invalid/clip.mp4', style: ButtonStyle.Link },
        ],
      },
    ]);

    const { handle, interaction } = await harness.receive<ReturnType<typeof standIn.pressButton>, ButtonInteraction>(
      client,
      () => standIn.pressButton({ message: reply, customId: 'reroll:job-1' }),
    );

    expect(interaction.isButton()).toBe(true);
    expect(interaction.type).toBe(InteractionType.MessageComponent);
    expect(interaction.customId).toBe('reroll:job-1');
    expect(interaction.componentType).toBe(ComponentType.Button);
    expect(interaction.message.id).toBe(reply.id);
    expect(interaction.message.interactionMetadata?.id).toBe(command.interaction.id);
    expect(interaction.component).toMatchObject({ customId: 'reroll:job-1', label: 'Reroll' });
    // The requester presses unless a test names someone else.
    expect(interaction.user.id).toBe(standIn.userId);
    expect(interaction.memberPermissions?.has(PermissionFlagsBits.ManageMessages)).toBe(false);

    await interaction.update({ content: 'Rerolling…', components: [] });

    expect((await handle.callback()).type).toBe(InteractionResponseType.UpdateMessage);
    expect(handle.original()?.id).toBe(reply.id);
    expect(standIn.messages).toHaveLength(1);
    expect(reply).toMatchObject({ content: 'Rerolling…', components: [], history: [{ content: 'Here it is' }] });
    expect(standIn.unexpectedRequests()).toEqual([]);
  });

  it('defers an update (6) and edits the pressed message through @original; a reply (4) is a new private message', async () => {
    const { standIn } = harness;
    const client = await harness.loginBot();
    const channel = client.channels.cache.get(standIn.channelId) as TextChannel;
    // A channel post (the fallback when the interaction token has expired) has buttons too.
    const posted = await channel.send({ content: 'Your video', components: [videoButtons('job-2')] });
    const moderator = '700000000000000101';
    standIn.setMemberPermissions(moderator, PermissionFlagsBits.ViewChannel | PermissionFlagsBits.ManageMessages);

    const stranger = await harness.receive<ReturnType<typeof standIn.pressButton>, ButtonInteraction>(client, () =>
      standIn.pressButton({ message: posted.id, customId: 'reroll:job-2', userId: '700000000000000102' }),
    );
    await stranger.interaction.reply({ content: 'Only the requester can do that', flags: MessageFlags.Ephemeral });

    expect(stranger.handle.original()).toMatchObject({
      origin: 'interaction',
      interactionId: stranger.handle.id,
      flags: MessageFlags.Ephemeral,
      content: 'Only the requester can do that',
    });

    const cancel = await harness.receive<ReturnType<typeof standIn.pressButton>, ButtonInteraction>(client, () =>
      standIn.pressButton({ message: posted.id, customId: 'delete:job-2', userId: moderator }),
    );
    expect(cancel.interaction.user.id).toBe(moderator);
    expect(cancel.interaction.memberPermissions?.has(PermissionFlagsBits.ManageMessages)).toBe(true);
    expect(cancel.interaction.authorizingIntegrationOwners.guildId).toBe(standIn.guildId);
    await cancel.interaction.deferUpdate();
    await cancel.interaction.editReply({ content: 'Deleted by a moderator', components: [] });

    expect((await cancel.handle.callback()).type).toBe(InteractionResponseType.DeferredMessageUpdate);
    expect(cancel.handle.messages().map((message) => message.id)).toEqual([posted.id]);
    expect(standIn.messages.find((message) => message.id === posted.id)).toMatchObject({
      content: 'Deleted by a moderator',
      components: [],
    });
    expect(standIn.messages).toHaveLength(2);
  });

  it('runs the clocks of a slash command on a press, and refuses presses Discord would not deliver', async () => {
    const { standIn } = harness;
    const client = await harness.loginBot();
    const command = await harness.receive<unknown, ChatInputCommandInteraction>(client, () =>
      standIn.sendCommand({ name: 'video' }),
    );
    await command.interaction.reply({
      content: 'Only you can see this',
      components: [videoButtons('job-3')],
      flags: MessageFlags.Ephemeral,
    });
    const reply = standIn.messages[0];
    if (!reply) throw new Error('expected the reply');

    expect(() => standIn.pressButton({ message: reply, customId: 'missing' })).toThrow(
      /no component with custom_id "missing"; it has "reroll:job-3", "delete:job-3", "hd:job-3"/,
    );
    expect(() => standIn.pressButton({ message: reply, customId: 'hd:job-3' })).toThrow(/is disabled/);
    expect(() => standIn.pressButton({ message: reply, customId: 'reroll:job-3', userId: standIn.ownerId })).toThrow(
      /ephemeral/,
    );

    const late = await harness.receive<ReturnType<typeof standIn.pressButton>, ButtonInteraction>(client, () =>
      standIn.pressButton({ message: reply, customId: 'reroll:job-3' }),
    );
    late.handle.expireAckDeadline();
    await expect(late.interaction.update({ content: 'too late' })).rejects.toMatchObject({ code: 10062, status: 404 });

    // Callback 5 on a press is a new "thinking" message, not the pressed one.
    const deferred = await harness.receive<ReturnType<typeof standIn.pressButton>, ButtonInteraction>(client, () =>
      standIn.pressButton({ message: reply, customId: 'reroll:job-3' }),
    );
    await deferred.interaction.deferReply({ flags: MessageFlags.Ephemeral });
    await deferred.interaction.editReply('Queued your reroll');
    expect(deferred.handle.original()).toMatchObject({
      content: 'Queued your reroll',
      interactionId: deferred.handle.id,
    });
    expect(reply.content).toBe('Only you can see this');
    // Ephemeral messages are no channel's: the bot token cannot reach them.
    await expect(client.rest.delete(Routes.channelMessage(standIn.channelId, reply.id))).rejects.toMatchObject({
      code: 10008,
    });

    await command.interaction.deleteReply();
    expect(() => standIn.pressButton({ message: reply, customId: 'reroll:job-3' })).toThrow(/No live message/);
  });

  it('answers 400 / 50035 to components Discord refuses, naming the field', async () => {
    const { standIn } = harness;
    const rest = new REST({ api: standIn.apiUrl }).setToken(standIn.token);
    /** The refusal of a post with these components, as `path: CODE` lines from Discord's error tree. */
    const refusal = async (components: unknown): Promise<string[]> => {
      const error = await rest.post(Routes.channelMessages(standIn.channelId), { body: { components } }).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toMatchObject({ status: 400, code: 50035 });
      return fieldErrors((error as { rawError: { errors: unknown } }).rawError.errors);
    };
    const button = (customId: string, extra: Record<string, unknown> = {}) => ({
      type: 2,
      style: 1,
      label: 'Go',
      custom_id: customId,
      ...extra,
    });
    const row = (...components: unknown[]) => ({ type: 1, components });
    const buttons = (count: number) => Array.from({ length: count }, (_, index) => button(`b${index}`));

    expect(await refusal(buttons(6).map((one) => row(one)))).toEqual(['components: BASE_TYPE_MAX_LENGTH']);
    expect(await refusal([row(...buttons(6))])).toEqual(['components.0.components: BASE_TYPE_MAX_LENGTH']);
    expect(await refusal([row()])).toEqual(['components.0.components: BASE_TYPE_MIN_LENGTH']);
    expect(await refusal([row(button('x'.repeat(101)))])).toEqual([
      'components.0.components.0.custom_id: BASE_TYPE_BAD_LENGTH',
    ]);
    expect(await refusal([row(button('same')), row(button('same'))])).toEqual([
      'components.1.components.0.custom_id: COMPONENT_CUSTOM_ID_DUPLICATED',
    ]);
    expect(await refusal([row({ type: 2, style: 1, label: 'No id' })])).toEqual([
      'components.0.components.0.custom_id: BASE_TYPE_REQUIRED',
    ]);
    expect(await refusal([row(button('link', { style: 5, url: 'https://example.invalid' }))])).toEqual([
      'components.0.components.0.custom_id: BUTTON_COMPONENT_INVALID_FIELD',
    ]);
    expect(await refusal([row({ type: 2, style: 5, label: 'Open' })])).toEqual([
      'components.0.components.0.url: BASE_TYPE_REQUIRED',
    ]);
    expect(await refusal([row(button('bare', { label: undefined }))])).toEqual([
      'components.0.components.0: BUTTON_COMPONENT_LABEL_OR_EMOJI_REQUIRED',
    ]);
    expect(await refusal([row(button('style', { style: 7 }))])).toEqual([
      'components.0.components.0.style: BASE_TYPE_CHOICES',
    ]);
    expect(await refusal([row(button('long', { label: 'l'.repeat(81) }))])).toEqual([
      'components.0.components.0.label: BASE_TYPE_MAX_LENGTH',
    ]);
    expect(await refusal([row({ type: 3, custom_id: 'pick', options: [] }, button('b'))])).toEqual([
      'components.0.components: COMPONENT_LAYOUT_WIDTH_EXCEEDED',
    ]);
    expect(await refusal([row({ type: 4, custom_id: 'text', style: 1, label: 'Text' })])).toEqual([
      'components.0.components.0.type: UNION_TYPE_CHOICES',
    ]);
    expect(await refusal([button('loose')])).toEqual(['components.0.type: UNION_TYPE_CHOICES']);
    expect(standIn.messages).toEqual([]);
  });
});

/** Discord's error tree flattened to `path: CODE` lines. */
function fieldErrors(tree: unknown, path: readonly string[] = []): string[] {
  if (typeof tree !== 'object' || tree === null) return [];
  return Object.entries(tree).flatMap(([key, value]) =>
    key === '_errors'
      ? (value as { code: string }[]).map((error) => `${path.join('.')}: ${error.code}`)
      : fieldErrors(value, [...path, key]),
  );
}

describe('Discord stand-in: modals', () => {
  it('records a modal (callback 9) and submits it as a ModalSubmitInteraction with the values typed', async () => {
    const { standIn } = harness;
    const client = await harness.loginBot();
    const command = await harness.receive<ReturnType<typeof standIn.sendCommand>, ChatInputCommandInteraction>(
      client,
      () => standIn.sendCommand({ name: 'video-remix', locale: Locale.Japanese }),
    );
    await command.interaction.showModal(remixModal('a cat on a skateboard'));

    expect((await command.handle.callback()).type).toBe(InteractionResponseType.Modal);
    expect(command.handle.original()).toBeUndefined();
    expect(command.handle.modal()).toMatchObject({
      customId: 'remix:42',
      title: 'Remix',
      textInputs: [
        {
          customId: 'prompt',
          label: 'Prompt',
          style: TextInputStyle.Paragraph,
          value: 'a cat on a skateboard',
          required: true,
        },
        { customId: 'seed', label: 'Seed', value: '1234', required: false },
      ],
    });

    const submit = await harness.receive<ReturnType<typeof command.handle.submitModal>, ModalSubmitInteraction>(
      client,
      () => command.handle.submitModal({ prompt: 'a dog on a skateboard' }),
    );
    const modal = submit.interaction;
    expect(modal.isModalSubmit()).toBe(true);
    expect(modal.customId).toBe('remix:42');
    expect(modal.fields.getTextInputValue('prompt')).toBe('a dog on a skateboard');
    // An input the member left alone keeps its pre-filled value.
    expect(modal.fields.getTextInputValue('seed')).toBe('1234');
    expect(modal.user.id).toBe(standIn.userId);
    expect(modal.locale).toBe('ja');
    expect(modal.isFromMessage()).toBe(false);
    await modal.reply({ content: 'Remixing', flags: MessageFlags.Ephemeral });
    expect(submit.handle.original()).toMatchObject({ content: 'Remixing', interactionId: modal.id });

    expect(() => command.handle.submitModal()).toThrow(/already submitted/);
  });

  it('opens a modal from a button, and update() on its submit edits the pressed message', async () => {
    const { standIn } = harness;
    const client = await harness.loginBot();
    const command = await harness.receive<unknown, ChatInputCommandInteraction>(client, () =>
      standIn.sendCommand({ name: 'video' }),
    );
    await command.interaction.reply({ content: 'Take 1', components: [videoButtons('job-4')] });
    const reply = standIn.messages[0];
    if (!reply) throw new Error('expected the reply');
    const press = await harness.receive<ReturnType<typeof standIn.pressButton>, ButtonInteraction>(client, () =>
      standIn.pressButton({ message: reply, customId: 'reroll:job-4' }),
    );
    // The deprecated layout: a text input with its own label in an action row.
    await press.interaction.showModal(
      new ModalBuilder()
        .setCustomId('remix:job-4')
        .setTitle('Remix')
        .addComponents(
          new ActionRowBuilder<TextInputBuilder>().addComponents(
            new TextInputBuilder().setCustomId('prompt').setLabel('Prompt').setStyle(TextInputStyle.Short),
          ),
        ),
    );

    expect(() => press.handle.submitModal({})).toThrow(/"prompt" is required/);
    expect(() => press.handle.submitModal({ prompt: 'two\nlines' })).toThrow(/single line/);
    expect(() => press.handle.submitModal({ negative: 'x' })).toThrow(/no text input "negative"/);
    const submit = await harness.receive<ReturnType<typeof press.handle.submitModal>, ModalSubmitInteraction>(
      client,
      () => press.handle.submitModal({ prompt: 'a dog' }),
    );
    expect(submit.interaction.isFromMessage()).toBe(true);
    expect(submit.interaction.message?.id).toBe(reply.id);
    expect(submit.interaction.fields.getTextInputValue('prompt')).toBe('a dog');
    if (!submit.interaction.isFromMessage()) throw new Error('expected a modal from a message');
    await submit.interaction.update({ content: 'Take 2 coming', components: [] });

    expect((await submit.handle.callback()).type).toBe(InteractionResponseType.UpdateMessage);
    expect(reply).toMatchObject({ content: 'Take 2 coming', components: [] });
  });

  it('refuses a modal Discord would refuse, and a modal in answer to a modal submit', async () => {
    const { standIn } = harness;
    const client = await harness.loginBot();
    const first = await harness.receive<ReturnType<typeof standIn.sendCommand>, ChatInputCommandInteraction>(
      client,
      () => standIn.sendCommand({ name: 'video' }),
    );
    // discord.js's builders check titles too, so send the raw callback as a bot without them would.
    const rest = new REST({ api: standIn.apiUrl });
    const tooLong = rest.post(Routes.interactionCallback(first.interaction.id, first.interaction.token), {
      body: { type: InteractionResponseType.Modal, data: { ...remixModal('x').toJSON(), title: 't'.repeat(46) } },
      auth: false,
    });
    await expect(tooLong).rejects.toMatchObject({
      code: 50035,
      rawError: { errors: { data: { title: { _errors: [{ code: 'BASE_TYPE_BAD_LENGTH' }] } } } },
    });
    // Refused, so still unacknowledged: a valid modal goes through.
    await first.interaction.showModal(remixModal('x'));

    const submit = await harness.receive<unknown, ModalSubmitInteraction>(client, () =>
      first.handle.submitModal({ prompt: 'y' }),
    );
    const again = rest.post(Routes.interactionCallback(submit.interaction.id, submit.interaction.token), {
      body: { type: InteractionResponseType.Modal, data: remixModal('z').toJSON() },
      auth: false,
    });
    await expect(again).rejects.toMatchObject({ code: 50035, status: 400 });
    const update = rest.post(Routes.interactionCallback(submit.interaction.id, submit.interaction.token), {
      body: { type: InteractionResponseType.UpdateMessage, data: { content: 'no message to update' } },
      auth: false,
    });
    await expect(update).rejects.toMatchObject({ code: 50035, status: 400 });
  });
});
