import { once } from 'node:events';
import { Client, Events, GatewayIntentBits, type Interaction } from 'discord.js';
import { afterEach, beforeEach } from 'vitest';
import { type DiscordStandIn, type DiscordStandInOptions, startDiscordStandIn } from './discord.js';

/** A fresh Discord stand-in per test, and real discord.js clients logged into it, all closed after each test. */
export interface DiscordHarness {
  readonly standIn: DiscordStandIn;
  /** Logs a real discord.js client in and waits for `clientReady`. */
  loginBot(): Promise<Client>;
  /** Runs `send` (a command, press or modal submit) and resolves with discord.js's interaction for it. */
  receive<H, T extends Interaction = Interaction>(
    client: Client,
    send: () => H,
  ): Promise<{ handle: H; interaction: T }>;
}

/** Registers the hooks; call at the top of a test file or `describe`. */
export function useDiscordStandIn(options?: DiscordStandInOptions): DiscordHarness {
  let standIn: DiscordStandIn | undefined;
  const clients: Client[] = [];
  beforeEach(async () => {
    standIn = await startDiscordStandIn(options);
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.destroy()));
    await standIn?.close();
  });
  const current = (): DiscordStandIn => {
    if (!standIn) throw new Error('The Discord stand-in starts in beforeEach');
    return standIn;
  };
  return {
    get standIn() {
      return current();
    },
    async loginBot() {
      const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: current().apiUrl } });
      clients.push(client);
      const ready = once(client, Events.ClientReady);
      await client.login(current().token);
      await ready;
      return client;
    },
    async receive<H, T extends Interaction>(client: Client, send: () => H) {
      const received = once(client, Events.InteractionCreate) as Promise<[T]>;
      const handle = send();
      const [interaction] = await received;
      return { handle, interaction };
    },
  };
}
