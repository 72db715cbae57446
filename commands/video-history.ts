import { MessageFlags, SlashCommandBuilder } from 'discord.js';
import { type Command, MEMBER_CONTEXTS, MEMBER_INSTALLS } from '../src/command.js';
import { historyEmbed } from '../src/discord/messages.js';
import { translator } from '../src/i18n/translator.js';
import { HISTORY_LENGTH } from '../src/jobs/job-store.js';

export default {
  data: new SlashCommandBuilder()
    .setName('video-history')
    .setDescription(`Your last ${HISTORY_LENGTH} videos here, with their seeds and links (only you see it)`)
    .setIntegrationTypes(...MEMBER_INSTALLS)
    .setContexts(...MEMBER_CONTEXTS)
    .toJSON(),
  async execute(interaction, { runner }) {
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    // In a server, its videos (the bot in it or not); elsewhere, the member's DM and group DM videos.
    const jobs = await runner.pastVideos.recent({ guildId: interaction.guildId, userId: interaction.user.id });
    const embed = historyEmbed(jobs, interaction.guildId !== null, Date.now(), translator(interaction.locale));
    await interaction.editReply({ embeds: [embed], allowedMentions: { parse: [] } });
  },
} satisfies Command;
