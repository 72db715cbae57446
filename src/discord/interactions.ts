import {
  type ChatInputCommandInteraction,
  DiscordAPIError,
  type Interaction,
  MessageFlags,
  RESTJSONErrorCodes,
} from 'discord.js';
import type { Command, CommandContext } from '../command.js';
import { UserError } from '../user-error.js';

const APOLOGY = 'Something went wrong on our side. Nothing was spent; please try again.';

/** Routes chat-input interactions to their command and turns failures into short replies. */
export function interactionHandler(commands: readonly Command[], context: CommandContext) {
  const byName = new Map(commands.map((command) => [command.data.name, command]));
  return async (interaction: Interaction): Promise<void> => {
    if (!interaction.isChatInputCommand()) return;
    const command = byName.get(interaction.commandName);
    if (!command) return;
    const logger = context.logger.child({
      interactionId: interaction.id,
      userId: interaction.user.id,
      guildId: interaction.guildId,
      command: interaction.commandName,
    });
    try {
      await command.execute(interaction, { ...context, logger });
    } catch (error) {
      if (error instanceof UserError) logger.info({ refusal: error.identifier }, 'refused');
      else logger.error({ err: error }, 'command failed');
      const message = error instanceof UserError ? error.message : APOLOGY;
      await answerPrivately(interaction, message).catch((replyError: unknown) => {
        // 10062: Discord already gave up on the interaction; there is nobody left to tell.
        if (replyError instanceof DiscordAPIError && replyError.code === RESTJSONErrorCodes.UnknownInteraction) return;
        logger.warn({ err: replyError }, 'could not answer the interaction');
      });
    }
  };
}

/**
 * Tells only the member. A public deferred reply is replaced by an ephemeral followup,
 * so a refusal never shows in the channel.
 */
async function answerPrivately(interaction: ChatInputCommandInteraction, content: string): Promise<void> {
  const message = { content, flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } } as const;
  if (!interaction.deferred && !interaction.replied) {
    await interaction.reply(message);
    return;
  }
  if (interaction.ephemeral) {
    await interaction.editReply({ content, allowedMentions: { parse: [] } });
    return;
  }
  await interaction.followUp(message);
  await interaction.deleteReply();
}
