import {
  type ChatInputCommandInteraction,
  DiscordAPIError,
  DiscordjsErrorCodes,
  DiscordjsTypeError,
  type Interaction,
  MessageFlags,
  RESTJSONErrorCodes,
  type RepliableInteraction,
} from 'discord.js';
import type { Command, CommandContext } from '../command.js';
import { translator } from '../i18n/translator.js';
import type { Logger } from '../logger.js';
import { UserError } from '../user-error.js';
import { buttonHandlers, buttonRoute } from './buttons.js';
import { firstRefusal } from './preconditions.js';

// What discord.js throws when an option is missing or of another type than the command
// declares: only a forged payload gets there, so it is the member's input, not our fault.
const OPTION_ERRORS: ReadonlySet<DiscordjsErrorCodes> = new Set([
  DiscordjsErrorCodes.CommandInteractionOptionNotFound,
  DiscordjsErrorCodes.CommandInteractionOptionType,
  DiscordjsErrorCodes.CommandInteractionOptionEmpty,
  DiscordjsErrorCodes.CommandInteractionOptionNoSubcommand,
  DiscordjsErrorCodes.CommandInteractionOptionNoSubcommandGroup,
]);

/**
 * Routes chat-input interactions to their command, after its preconditions, and presses of a
 * job's buttons (and the modals they open) to the handler of their action; turns failures into
 * short private replies in the member's language. Whatever else arrives is answered too, so that
 * Discord never shows "The application did not respond".
 */
export function interactionHandler(commands: readonly Command[], context: CommandContext) {
  const byName = new Map(commands.map((command) => [command.data.name, command]));
  const buttons = buttonHandlers(commands.flatMap((command) => command.buttons ?? []));
  return async (interaction: Interaction): Promise<void> => {
    const logger = context.logger.child({
      interactionId: interaction.id,
      userId: interaction.user.id,
      guildId: interaction.guildId,
      ...(interaction.isCommand() && { command: interaction.commandName }),
      ...((interaction.isMessageComponent() || interaction.isModalSubmit()) && { customId: interaction.customId }),
    });
    if (interaction.isAutocomplete()) {
      // No command offers suggestions yet; an empty list closes the member's picker.
      await interaction.respond([]).catch((error: unknown) => reportUnanswered(logger, error));
      return;
    }
    const run =
      interaction.isButton() || interaction.isModalSubmit()
        ? buttonRoute(buttons, interaction)
        : interaction.isChatInputCommand() && commandRoute(byName.get(interaction.commandName), interaction);
    // Only the member reads these answers: their client's language.
    const t = translator(interaction.locale);
    if (!run) {
      logger.info({ interactionType: interaction.type }, 'no handler for the interaction');
      const message = t.text(interaction.isCommand() ? 'interaction.unknown_command' : 'interaction.unknown_component');
      await answerPrivately(interaction, message).catch((error: unknown) => reportUnanswered(logger, error));
      return;
    }
    try {
      await run({ ...context, logger });
    } catch (error) {
      const refusal = asRefusal(error);
      if (refusal) logger.info({ refusal: refusal.identifier }, 'refused');
      else logger.error({ err: error }, 'command failed');
      await answerPrivately(interaction, refusal?.wording(t) ?? t.text('interaction.apology')).catch(
        (replyError: unknown) => reportUnanswered(logger, replyError),
      );
    }
  };
}

/** What a command runs: its preconditions, then its body; `undefined` for a command the bot does not have. */
function commandRoute(command: Command | undefined, interaction: ChatInputCommandInteraction) {
  if (!command) return undefined;
  return async (context: CommandContext): Promise<void> => {
    const refusal = firstRefusal(interaction, command);
    if (refusal) throw refusal;
    await command.execute(interaction, context);
  };
}

/** The member-facing refusal an error stands for, or `null` when it is our fault. */
function asRefusal(error: unknown): UserError | null {
  if (error instanceof UserError) return error;
  if (error instanceof DiscordjsTypeError && OPTION_ERRORS.has(error.code)) {
    return UserError.of('command.invalid_options');
  }
  return null;
}

function reportUnanswered(logger: Logger, error: unknown): void {
  // 10062: Discord already gave up on the interaction; there is nobody left to tell.
  if (error instanceof DiscordAPIError && error.code === RESTJSONErrorCodes.UnknownInteraction) return;
  logger.warn({ err: error }, 'could not answer the interaction');
}

/**
 * Tells only the member. A public deferred reply is replaced by an ephemeral followup,
 * so a refusal never shows in the channel; a press that already answered by updating its own
 * message (discord.js then leaves `ephemeral` unset) keeps that message and gets the followup.
 */
async function answerPrivately(interaction: RepliableInteraction, content: string): Promise<void> {
  const message = { content, flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } } as const;
  if (!interaction.deferred && !interaction.replied) {
    await interaction.reply(message);
    return;
  }
  if (interaction.ephemeral === null) {
    await interaction.followUp(message);
    return;
  }
  if (interaction.ephemeral) {
    await interaction.editReply({ content, allowedMentions: { parse: [] } });
    return;
  }
  await interaction.followUp(message);
  await interaction.deleteReply();
}
