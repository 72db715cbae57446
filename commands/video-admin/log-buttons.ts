import { type ButtonInteraction, MessageFlags, PermissionFlagsBits, userMention } from 'discord.js';
import type { ButtonHandler, CommandContext } from '../../src/command.js';
import type { MemberAction } from '../../src/moderation/moderation-log.js';
import { UserError } from '../../src/user-error.js';

/**
 * The buttons under a moderation log post, about the member it names: Block from /video,
 * Unblock, Reset today. The custom id carries the member's id and the press its server, so they
 * work for as long as the post stands, across restarts.
 */

/** What an action did: the admin's private answer, and whether it changed anything worth a log line. */
interface ActionResult {
  answer: string;
  changed: boolean;
}

/**
 * The pressing member holds Manage Server where they press, checked on every press: a log
 * channel may be readable by others, and permissions change after a post is made.
 */
function assertManagesServer(interaction: ButtonInteraction): string {
  if (!interaction.inGuild()) throw new UserError('log.guild_only', 'These buttons work only in a server.');
  if (!interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)) {
    throw new UserError(
      'log.not_permitted',
      "Only members with the Manage Server permission can use the moderation log's buttons.",
    );
  }
  return interaction.guildId;
}

function memberAction(
  action: MemberAction,
  run: (context: CommandContext, guildId: string, memberId: string, by: string) => Promise<ActionResult>,
): ButtonHandler {
  return {
    action,
    async press(interaction, memberId, context) {
      const guildId = assertManagesServer(interaction);
      const by = interaction.user.id;
      const { answer, changed } = await run(context, guildId, memberId, by);
      await interaction.reply({ content: answer, flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
      if (!changed) return;
      context.logger.info({ adminId: by, guildId, memberId, action }, 'moderation action');
      context.moderation.log.post(guildId, { kind: 'member_action', action, memberId, by });
    },
  };
}

const block = memberAction('block', async ({ moderation }, guildId, memberId, by) => {
  const member = userMention(memberId);
  return (await moderation.blocked.block(guildId, memberId, by)) === 'blocked'
    ? {
        answer: `🔒 ${member} can no longer use /video here; their videos already in the making finish.`,
        changed: true,
      }
    : { answer: `${member} was already blocked from /video.`, changed: false };
});

const unblock = memberAction('unblock', async ({ moderation }, guildId, memberId) => {
  const member = userMention(memberId);
  return (await moderation.blocked.unblock(guildId, memberId))
    ? { answer: `🔓 ${member} can use /video again.`, changed: true }
    : { answer: `${member} was not blocked.`, changed: false };
});

const reset = memberAction('reset', async ({ ledger }, guildId, memberId) => {
  await ledger.resetUser(memberId, guildId, Date.now());
  return { answer: `🔄 ${userMention(memberId)}'s videos for today are back to zero.`, changed: true };
});

/** Every button the moderation log's posts carry. */
export const logButtons: readonly ButtonHandler[] = [block, unblock, reset];
