import { MessageFlags, SlashCommandBuilder, TimestampStyles, time } from 'discord.js';
import { type Command, MEMBER_CONTEXTS, MEMBER_INSTALLS } from '../src/command.js';
import { memberRoleIds, placeOf } from '../src/discord/job-origin.js';
import { allowanceFor } from '../src/guilds/guild-settings.js';
import { serverOf } from '../src/jobs/job.js';
import { nextUtcMidnight } from '../src/quota/ledger.js';
import { dollars, modelFor, modelOf, type Quality } from '../src/video/catalog.js';

/** What one video costs the server owner, from text and from an image. */
const PRICES = `A video costs ${price(false)} from text, ${price(true)} from an image.`;

function price(fromImage: boolean, quality: Quality = '480p'): string {
  return dollars(modelOf({ model: modelFor({ fromImage, quality }) }).priceCents);
}

export default {
  data: new SlashCommandBuilder()
    .setName('quota')
    .setDescription('How many videos you have left today')
    .setIntegrationTypes(...MEMBER_INSTALLS)
    .setContexts(...MEMBER_CONTEXTS)
    .toJSON(),
  async execute(interaction, { config, ledger, settings }) {
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const now = Date.now();
    // Counted where `/video` here would count: the server's, or the member's own outside servers with the bot.
    const server = serverOf(placeOf(interaction));
    const guild = server === null ? null : await settings.get(server);
    const allowance = allowanceFor(config.quota, guild, memberRoleIds(interaction));
    const usage = await ledger.usage(interaction.user.id, server, now);
    const resets = time(Math.floor(nextUtcMidnight(now) / 1000), TimestampStyles.RelativeTime);

    const lines = [
      allowance.userDaily === null
        ? `You have no daily limit here (${usage.userUsed} made today).`
        : `You have **${Math.max(0, allowance.userDaily + usage.userGranted - usage.userUsed)}** of ${allowance.userDaily + usage.userGranted} videos left today.`,
      `In the making: ${usage.userInFlight} of ${allowance.userConcurrent} at once.`,
    ];
    if (server === null) lines.push('Your DMs, group DMs and servers without the bot share this allowance.');
    if (guild?.video1080p.enabled) {
      const hd = allowance.userDaily1080p ?? 0;
      lines.push(
        `1080p: **${Math.max(0, hd - usage.userUsed1080p)}** of ${hd} left today, ${price(false, '1080p')} each (they count toward your videos above too).`,
      );
    }
    if (allowance.guildDaily !== null) {
      lines.push(
        `This server has ${Math.max(0, allowance.guildDaily - usage.guildUsed)} of ${allowance.guildDaily} videos left today.`,
      );
    }
    if (allowance.budgetDailyCents !== null) {
      lines.push(
        `The bot has spent ${dollars(usage.spentCents)} of its ${dollars(allowance.budgetDailyCents)} for today.`,
      );
    }
    lines.push(PRICES, `Daily counts reset ${resets}.`);
    await interaction.editReply({ content: lines.join('\n'), allowedMentions: { parse: [] } });
  },
} satisfies Command;
