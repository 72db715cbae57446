import type { CommandRegistry } from './commands.js';
import type { InteractionRegistry } from './interactions.js';
import type { MessageStore } from './messages.js';
import type { ChangeFeed } from './recorder.js';
import type { World } from './world.js';

/** The state REST routes read and change, handed to each route module. */
export interface Services {
  readonly world: World;
  readonly messages: MessageStore;
  readonly interactions: InteractionRegistry;
  readonly commands: CommandRegistry;
  readonly feed: ChangeFeed;
  /** The `ws://` URL `/gateway/bot` hands out. */
  readonly gatewayUrl: () => string;
  /** How many shards `/gateway/bot` recommends. */
  readonly recommendedShards: number;
  /** `session_start_limit.max_concurrency`. */
  readonly maxConcurrency: number;
}
