import { MessageFlags, SlashCommandBuilder, TimestampStyles, time } from 'discord.js';
import { type Command, MEMBER_CONTEXTS, MEMBER_INSTALLS } from '../src/command.js';
import { memberRoleIds, placeOf } from '../src/discord/job-origin.js';
import { allowanceFor } from '../src/guilds/guild-settings.js';
import { translator } from '../src/i18n/translator.js';
import { serverOf } from '../src/jobs/job.js';
import { nextUtcMidnight } from '../src/quota/ledger.js';
import { dollars, priceOf } from '../src/video/catalog.js';

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
    const t = translator(interaction.locale);

    const userDaily = allowance.userDaily === null ? null : allowance.userDaily + usage.userGranted;
    const lines = [
      userDaily === null
        ? t.text('quota.unlimited', { used: usage.userUsed })
        : t.text('quota.left', { left: Math.max(0, userDaily - usage.userUsed), count: userDaily }),
      t.text('quota.in_flight', { in_flight: usage.userInFlight, max: allowance.userConcurrent }),
    ];
    if (server === null) lines.push(t.text('quota.outside_servers'));
    if (guild?.video1080p.enabled) {
      const hd = allowance.userDaily1080p ?? 0;
      const left = Math.max(0, hd - usage.userUsed1080p);
      lines.push(
        t.text('quota.left_1080p', { left, total: hd, price: priceOf({ fromImage: false, quality: '1080p' }) }),
      );
    }
    if (allowance.guildDaily !== null) {
      const left = Math.max(0, allowance.guildDaily - usage.guildUsed);
      lines.push(t.text('quota.guild_left', { left, count: allowance.guildDaily }));
    }
    if (allowance.budgetDailyCents !== null) {
      const budget = dollars(allowance.budgetDailyCents);
      lines.push(t.text('quota.spent', { spent: dollars(usage.spentCents), budget }));
    }
    lines.push(
      t.text('quota.prices', { text: priceOf({ fromImage: false }), image: priceOf({ fromImage: true }) }),
      t.text('quota.resets', { resets }),
    );
    await interaction.editReply({ content: lines.join('\n'), allowedMentions: { parse: [] } });
  },
} satisfies Command;
