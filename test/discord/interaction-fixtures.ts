import {
  type APIChatInputApplicationCommandInteraction,
  type APIInteraction,
  type APIMessage,
  AutocompleteInteraction,
  ButtonInteraction,
  ChatInputCommandInteraction,
  Client,
  ComponentType,
  type Interaction,
  InteractionType,
  MessageType,
} from 'discord.js';
import { InteractionRegistry, type SendCommandOptions } from '../stand-ins/discord/interactions.js';
import { World } from '../stand-ins/discord/world.js';

/** An interaction callback or webhook call the client made, as REST sent it. */
export interface SentRequest {
  method: string;
  url: string;
  body: unknown;
}

/**
 * Real discord.js interactions built from the payloads the Discord stand-in dispatches, on a
 * client that is never logged in: its REST calls are recorded and answered 204 instead.
 */
export function interactionFactory() {
  const sent: SentRequest[] = [];
  const client = new Client({
    intents: [],
    rest: {
      async makeRequest(url, init) {
        sent.push({ method: init.method ?? 'GET', url, body: JSON.parse(String(init.body ?? 'null')) });
        return new Response(null, { status: 204 });
      },
    },
  });
  const world = new World(1);
  const registry = new InteractionRegistry(world, { ackDeadlineMs: 3_000, tokenLifetimeMs: 900_000 }, () => undefined);
  const build = <T extends Interaction>(type: NewableFunction & { prototype: T }, raw: APIInteraction): T =>
    Reflect.construct(type, [client, raw]);
  const payload = (options: SendCommandOptions): APIChatInputApplicationCommandInteraction =>
    registry.create(options).payload;
  return {
    sent,
    world,
    payload,
    command: (
      options: SendCommandOptions,
      change: (raw: APIChatInputApplicationCommandInteraction) => APIInteraction = (raw) => raw,
    ) => build(ChatInputCommandInteraction, change(payload(options))),
    button: (customId: string) => {
      const { data: _data, ...raw } = payload({ name: 'video' });
      const message = {
        id: world.snowflakes.next(),
        channel_id: raw.channel_id,
        author: world.userPayload(world.botUser),
        content: '',
        timestamp: new Date().toISOString(),
        edited_timestamp: null,
        tts: false,
        mention_everyone: false,
        mentions: [],
        mention_roles: [],
        attachments: [],
        embeds: [],
        pinned: false,
        type: MessageType.Default,
      } satisfies APIMessage;
      return build(ButtonInteraction, {
        ...raw,
        type: InteractionType.MessageComponent,
        message,
        data: { custom_id: customId, component_type: ComponentType.Button },
      } as APIInteraction);
    },
    autocomplete: (options: SendCommandOptions) =>
      build(AutocompleteInteraction, {
        ...payload(options),
        type: InteractionType.ApplicationCommandAutocomplete,
      } as APIInteraction),
    destroy: () => client.destroy(),
  };
}
