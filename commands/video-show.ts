import { SlashCommandBuilder } from 'discord.js';
import { type Command, MEMBER_CONTEXTS, MEMBER_INSTALLS } from '../src/command.js';
import { jobOriginOf } from '../src/discord/job-origin.js';
import { discordText } from '../src/discord/messages.js';
import { UserError } from '../src/user-error.js';

/** Longer than any id a video shows: a prediction's 32 hex digits, a job's snowflake. */
const ID_MAX_LENGTH = 64;

export default {
  data: new SlashCommandBuilder()
    .setName('video-show')
    .setDescription('Post a video made here again, with its buttons, by the id on its message')
    .setIntegrationTypes(...MEMBER_INSTALLS)
    .setContexts(...MEMBER_CONTEXTS)
    .addStringOption((option) =>
      option
        .setName('id')
        .setDescription('The id the video shows (id `…`), or one from /video-history')
        .setRequired(true)
        .setMaxLength(ID_MAX_LENGTH),
    )
    .toJSON(),
  async execute(interaction, { runner, logger }) {
    // Copied with the backticks around it, or the spaces beside it.
    const id = interaction.options
      .getString('id', true)
      .trim()
      .replace(/^`+|`+$/g, '');
    const origin = jobOriginOf(interaction);
    const recalled = await runner.pastVideos.find(id, origin);
    if (recalled.kind === 'refused') {
      const { notice } = recalled;
      throw new UserError(`show.${notice.why}`, (t) => discordText.render(notice, t));
    }
    // Public: the video is posted again where it was asked for, as its first delivery was.
    await interaction.deferReply();
    const shown = await runner.pastVideos.show(recalled.job, origin);
    logger.info({ jobId: recalled.job.id, predictionId: recalled.job.predictionId, shown }, 'past video shown again');
  },
} satisfies Command;
