import {
  ApplicationIntegrationType,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  InteractionContextType,
  type ModalSubmitInteraction,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import { z } from 'zod';
import type { Config } from './config.js';
import type { GuildSettingsStore } from './guilds/guild-settings.js';
import type { JobAction } from './jobs/job-actions.js';
import type { JobRunner } from './jobs/job-runner.js';
import type { Logger } from './logger.js';
import type { Moderation } from './moderation/moderation.js';
import type { MemberAction } from './moderation/moderation-log.js';
import type { PromptFilterStore } from './moderation/prompt-filters-store.js';
import type { QuotaLedger } from './quota/ledger.js';

/**
 * Where a command for every member is offered (`setIntegrationTypes(...MEMBER_INSTALLS)`,
 * `setContexts(...MEMBER_CONTEXTS)`): the app installed to a server or to the member's own
 * account, and in servers, the bot's DM, and DMs and group DMs between users. A user install
 * reaches servers the bot is not in, where only the interaction can answer.
 */
export const MEMBER_INSTALLS = [ApplicationIntegrationType.GuildInstall, ApplicationIntegrationType.UserInstall];
export const MEMBER_CONTEXTS = [
  InteractionContextType.Guild,
  InteractionContextType.BotDM,
  InteractionContextType.PrivateChannel,
];

/** What a command handler may use; wired once in `startBot`. */
export interface CommandContext {
  config: Config;
  runner: JobRunner;
  ledger: QuotaLedger;
  settings: GuildSettingsStore;
  filters: PromptFilterStore;
  /** The moderation log, blocked members and the provider account. */
  moderation: Moderation;
  logger: Logger;
}

/**
 * What the buttons named `action` do on a job's messages (or, for a {@link MemberAction}, on a
 * moderation log post). A button outlives the process that posted it, so its handler is given
 * only the id its custom id carries (the job's, or the member's a log post is about) and reads
 * the rest from the store.
 */
export interface ButtonHandler {
  action: JobAction | MemberAction;
  /** Answers a press, within Discord's 3 seconds. */
  press(interaction: ButtonInteraction, id: string, context: CommandContext): Promise<void>;
  /** Answers the modal a press opened, which carries the same custom id. */
  submit?(interaction: ModalSubmitInteraction, id: string, context: CommandContext): Promise<void>;
}

/** One slash command: its registration payload, its handler, and those of the buttons on its messages. */
export interface Command {
  data: RESTPostAPIChatInputApplicationCommandsJSONBody;
  execute(interaction: ChatInputCommandInteraction, context: CommandContext): Promise<void>;
  buttons?: readonly ButtonHandler[];
}

/** Checks a loaded command module, so a malformed one fails at start-up rather than on first use. */
export const commandPredicate = z.object({
  data: z.object({
    name: z.string().regex(/^[-_\p{Ll}\p{N}]{1,32}$/u),
    description: z.string().min(1).max(100),
  }),
  execute: z.function(),
  buttons: z.array(z.object({ action: z.string(), press: z.function() })).optional(),
});
