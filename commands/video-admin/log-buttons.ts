import { type ButtonInteraction, MessageFlags, PermissionFlagsBits, userMention } from 'discord.js';
import type { ButtonHandler, CommandContext } from '../../src/command.js';
import { translator, type Wording } from '../../src/i18n/translator.js';
import type { MemberAction } from '../../src/moderation/moderation-log.js';
import { UserError } from '../../src/user-error.js';

/**
 * The buttons under a moderation log post, about the member it names: Block from /video,
 * Unblock, Reset today. The custom id carries the member's id and the press its server, so they
 * work for as long as the post stands, across restarts.
 */

/** What an action did: the admin's private answer, in their language, and whether it changed anything worth a log line. */
interface ActionResult {
  answer: Wording;
  changed: boolean;
}

/**
 * The pressing member holds Manage Server where they press, checked on every press: a log
 * channel may be readable by others, and permissions change after a post is made.
 */
function assertManagesServer(interaction: ButtonInteraction): string {
  if (!interaction.inGuild()) throw UserError.of('log.guild_only');
  if (!interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)) throw UserError.of('log.not_permitted');
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
      const content = answer(translator(interaction.locale));
      await interaction.reply({ content, flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
      if (!changed) return;
      context.logger.info({ adminId: by, guildId, memberId, action }, 'moderation action');
      context.moderation.log.post(guildId, { kind: 'member_action', action, memberId, by });
    },
  };
}

const block = memberAction('block', async ({ moderation }, guildId, memberId, by) => {
  const member = userMention(memberId);
  return (await moderation.blocked.block(guildId, memberId, by)) === 'blocked'
    ? { answer: (t) => t.text('log.blocked', { member }), changed: true }
    : { answer: (t) => t.text('log.already_blocked', { member }), changed: false };
});

const unblock = memberAction('unblock', async ({ moderation }, guildId, memberId) => {
  const member = userMention(memberId);
  return (await moderation.blocked.unblock(guildId, memberId))
    ? { answer: (t) => t.text('log.unblocked', { member }), changed: true }
    : { answer: (t) => t.text('log.not_blocked', { member }), changed: false };
});

const reset = memberAction('reset', async ({ ledger }, guildId, memberId) => {
  await ledger.resetUser(memberId, guildId, Date.now());
  const member = userMention(memberId);
  return { answer: (t) => t.text('log.reset', { member }), changed: true };
});

/** Every button the moderation log's posts carry. */
export const logButtons: readonly ButtonHandler[] = [block, unblock, reset];
