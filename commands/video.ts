import { ApplicationIntegrationType, InteractionContextType, SlashCommandBuilder } from 'discord.js';
import type { Command } from '../src/command.js';
import { answerAdmission } from '../src/discord/admission-reply.js';
import { jobOriginOf, memberRoleIds } from '../src/discord/job-origin.js';
import { NEGATIVE_PROMPT_MAX, PROMPT_MAX, parseVideoOptions, SEED_MAX } from '../src/jobs/video-options.js';

const data = new SlashCommandBuilder()
  .setName('video')
  .setDescription('Make a 5-second video from a text prompt')
  .setContexts(InteractionContextType.Guild)
  .setIntegrationTypes(ApplicationIntegrationType.GuildInstall)
  .addStringOption((option) =>
    option
      .setName('prompt')
      .setDescription('What happens in the video: subject, action, camera, light')
      .setRequired(true)
      .setMinLength(1)
      .setMaxLength(PROMPT_MAX),
  )
  .addStringOption((option) =>
    option.setName('negative_prompt').setDescription('What the video should avoid').setMaxLength(NEGATIVE_PROMPT_MAX),
  )
  .addStringOption((option) =>
    option
      .setName('size')
      .setDescription('Frame shape (default landscape)')
      .addChoices({ name: 'Landscape 832×480', value: '832*480' }, { name: 'Portrait 480×832', value: '480*832' }),
  )
  .addIntegerOption((option) =>
    option
      .setName('seed')
      .setDescription('Same seed and prompt give a similar video; -1 picks one at random')
      .setMinValue(-1)
      .setMaxValue(SEED_MAX),
  )
  .addBooleanOption((option) =>
    option.setName('prompt_expansion').setDescription('Let the model enrich a short prompt (default off)'),
  );

export default {
  data: data.toJSON(),
  async execute(interaction, { runner, logger }) {
    const { options } = interaction;
    const request = parseVideoOptions({
      prompt: options.getString('prompt'),
      negative_prompt: options.getString('negative_prompt'),
      size: options.getString('size'),
      seed: options.getInteger('seed'),
      prompt_expansion: options.getBoolean('prompt_expansion'),
    });
    // Bad options were refused above with nothing spent; the job's answer is one message when it can be.
    const admission = runner.accept(jobOriginOf(interaction), request, memberRoleIds(interaction));
    await answerAdmission(interaction, admission, logger);
  },
} satisfies Command;
