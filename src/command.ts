import type { ChatInputCommandInteraction, RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import { z } from 'zod';
import type { Config } from './config.js';
import type { GuildSettingsStore } from './guilds/guild-settings.js';
import type { JobRunner } from './jobs/job-runner.js';
import type { Logger } from './logger.js';
import type { PromptFilterStore } from './moderation/prompt-filters-store.js';
import type { QuotaLedger } from './quota/ledger.js';

/** What a command handler may use; wired once in `createBot`. */
export interface CommandContext {
  config: Config;
  runner: JobRunner;
  ledger: QuotaLedger;
  settings: GuildSettingsStore;
  filters: PromptFilterStore;
  logger: Logger;
}

/** One slash command: its registration payload and its handler. */
export interface Command {
  data: RESTPostAPIChatInputApplicationCommandsJSONBody;
  execute(interaction: ChatInputCommandInteraction, context: CommandContext): Promise<void>;
}

/** Checks a loaded command module, so a malformed one fails at start-up rather than on first use. */
export const commandPredicate = z.object({
  data: z.object({
    name: z.string().regex(/^[-_\p{Ll}\p{N}]{1,32}$/u),
    description: z.string().min(1).max(100),
  }),
  execute: z.function(),
});
