import { SlashCommandBuilder } from 'discord.js';
import { type Command, MEMBER_CONTEXTS, MEMBER_INSTALLS } from '../src/command.js';
import { answerAdmission } from '../src/discord/admission-reply.js';
import { jobOriginOf, memberRoleIds } from '../src/discord/job-origin.js';
import { videoButtons } from './video/buttons.js';
import { parseVideoOptions, rawVideoOptions, withVideoOptions } from './video/options.js';

const data = withVideoOptions(
  new SlashCommandBuilder()
    .setName('video')
    .setDescription('Make a 5-second video from a text prompt or an image')
    .setIntegrationTypes(...MEMBER_INSTALLS)
    .setContexts(...MEMBER_CONTEXTS),
);

export default {
  data: data.toJSON(),
  async execute(interaction, { runner, logger }) {
    const request = parseVideoOptions(rawVideoOptions(interaction.options));
    // Bad options were refused above with nothing spent; the job's answer is one message when it can be.
    const admission = runner.accept(jobOriginOf(interaction), request, memberRoleIds(interaction));
    await answerAdmission(interaction, admission, logger);
  },
  buttons: videoButtons,
} satisfies Command;
