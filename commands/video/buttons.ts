import {
  type ButtonInteraction,
  LabelBuilder,
  ModalBuilder,
  type ModalSubmitFields,
  PermissionFlagsBits,
  TextInputBuilder,
  TextInputStyle,
} from 'discord.js';
import type { ButtonHandler, CommandContext } from '../../src/command.js';
import { answerAdmission } from '../../src/discord/admission-reply.js';
import { customIdOf } from '../../src/discord/buttons.js';
import { type JobInteraction, jobOriginOf, memberRoleIds } from '../../src/discord/job-origin.js';
import { discordText } from '../../src/discord/messages.js';
import { type Translator, translator } from '../../src/i18n/translator.js';
import type { Job, JobOrigin } from '../../src/jobs/job.js';
import { type Actor, type JobAction, mayManage } from '../../src/jobs/job-actions.js';
import type { JobRunner } from '../../src/jobs/job-runner.js';
import type { VideoRequest } from '../../src/provider/video-provider.js';
import { UserError } from '../../src/user-error.js';
import { modelOf, VIDEO_OPTIONS } from '../../src/video/catalog.js';
import { parseVideoOptions, type RawVideoOptions, rawOptionsOf } from './options.js';

/**
 * The buttons under `/video`'s messages. Reroll, Remix and 1080p start a new job for the member
 * who pressed, under their own quota, answered like `/video` itself; Delete and Cancel act on the
 * pressed message. Each reads the job from the store by the id its button carries.
 */

/** A press that did nothing, answered privately. */
function refusal(action: JobAction, why: 'not_permitted' | 'unknown_job' | 'finished'): UserError {
  return new UserError(`button.${why}`, (t) => discordText.render({ kind: 'action_refused', action, why }, t));
}

/** The job a button is on. One of another server is as unknown here as one never made. */
async function pressedJob(runner: JobRunner, interaction: JobInteraction, jobId: string, action: JobAction) {
  const job = await runner.find(jobId);
  if (!job || (interaction.guildId !== null && job.origin.guildId !== interaction.guildId)) {
    throw refusal(action, 'unknown_job');
  }
  return job;
}

/**
 * Where a take started from a job's message belongs: the press. One pressed in a DM (the post
 * the server's channel could not take) is the server's, like the first take, and falls back to
 * its channel.
 */
function originOf(interaction: JobInteraction, source: Job): JobOrigin {
  const origin = jobOriginOf(interaction);
  if (interaction.inGuild()) return origin;
  const { guildId, channelId, channelNsfw, foreignGuild } = source.origin;
  return { ...origin, guildId, channelId, channelNsfw, ...(foreignGuild && { foreignGuild }) };
}

function actorOf(interaction: ButtonInteraction): Actor {
  return {
    userId: interaction.user.id,
    moderator: interaction.memberPermissions?.has(PermissionFlagsBits.ManageMessages) ?? false,
  };
}

/**
 * Starts another take of the pressed job's video, made from its request by `take`, for the member
 * who pressed; answered like `/video`, and made once however often the interaction arrives.
 */
async function startTake(
  interaction: JobInteraction,
  jobId: string,
  action: JobAction,
  { runner, logger }: CommandContext,
  take: (source: VideoRequest) => VideoRequest,
): Promise<void> {
  const admission = pressedJob(runner, interaction, jobId, action).then((source) =>
    runner.accept(originOf(interaction, source), take(source.request), memberRoleIds(interaction)),
  );
  await answerAdmission(interaction, admission, logger);
}

/**
 * `source` asked for again with `changes`, checked exactly as `/video` checks its options. The
 * image stays the provider's copy the first take uploaded: Discord's link may have expired since.
 */
function retake(source: VideoRequest, changes: RawVideoOptions): VideoRequest {
  const request = parseVideoOptions({ ...rawOptionsOf(source), ...changes });
  return 'image' in source && 'image' in request ? { ...request, image: source.image } : request;
}

const reroll: ButtonHandler = {
  action: 'reroll',
  async press(interaction, jobId, context) {
    // The same options with a seed left random, which admission picks anew.
    await startTake(interaction, jobId, 'reroll', context, (source) => ({ ...source, seed: -1 }));
  },
};

const upscale: ButtonHandler = {
  action: 'upscale',
  async press(interaction, jobId, context) {
    // The same take, seed included, on the 1080p model; admission refuses it where the server no longer allows 1080p.
    await startTake(interaction, jobId, 'upscale', context, (source) => retake(source, { quality: '1080p' }));
  },
};

/** The modal's inputs, named as the `/video` options they fill. */
type Remixed = 'prompt' | 'negative_prompt' | 'seed';

function remixModal(jobId: string, request: VideoRequest, t: Translator): ModalBuilder {
  /** An input for the option `name`, held to its bounds and pre-filled with what the first take used. */
  const input = (name: Remixed, style: TextInputStyle, value: string | undefined) => {
    const text = new TextInputBuilder().setCustomId(name).setStyle(style).setRequired(false);
    const { maxLength, maxValue } = VIDEO_OPTIONS[name];
    const longest = maxLength ?? (maxValue === undefined ? undefined : String(maxValue).length);
    if (longest !== undefined) text.setMaxLength(longest);
    return value ? text.setValue(value) : text;
  };
  const prompt = input('prompt', TextInputStyle.Paragraph, request.prompt).setRequired(
    modelOf(request).requires.includes('prompt'),
  );
  const negative = input('negative_prompt', TextInputStyle.Paragraph, request.negative_prompt);
  const seed = input('seed', TextInputStyle.Short, request.seed === -1 ? undefined : String(request.seed));
  return new ModalBuilder()
    .setCustomId(customIdOf('remix', jobId))
    .setTitle(t.text('remix.title'))
    .addLabelComponents(
      new LabelBuilder().setLabel(t.text('remix.prompt')).setTextInputComponent(prompt),
      new LabelBuilder().setLabel(t.text('remix.negative_prompt')).setTextInputComponent(negative),
      new LabelBuilder().setLabel(t.text('remix.seed')).setTextInputComponent(seed),
    );
}

/**
 * The source's request with what the member typed in the modal: an input left empty counts as
 * left out, and a seed is read as the number typed (text that is none is refused like a forged one).
 */
function remixed(source: VideoRequest, fields: ModalSubmitFields): VideoRequest {
  const typed = (name: Remixed) => fields.getTextInputValue(name).trim() || null;
  const seed = typed('seed');
  return retake(source, {
    prompt: typed('prompt'),
    negative_prompt: typed('negative_prompt'),
    seed: seed === null ? null : Number(seed),
  });
}

const remix: ButtonHandler = {
  action: 'remix',
  async press(interaction, jobId, { runner, moderation }) {
    const source = await pressedJob(runner, interaction, jobId, 'remix');
    // A take the member may not start (blocked, the studio closed) is refused now, not after the modal.
    const refused = await moderation.gate.refusal(originOf(interaction, source));
    if (refused) throw new UserError(`video.${refused}`, (t) => discordText.render({ kind: refused }, t));
    await interaction.showModal(remixModal(jobId, source.request, translator(interaction.locale)));
  },
  async submit(interaction, jobId, context) {
    await startTake(interaction, jobId, 'remix', context, (source) => remixed(source, interaction.fields));
  },
};

const remove: ButtonHandler = {
  action: 'delete',
  async press(interaction, jobId, { runner, logger }) {
    const job = await pressedJob(runner, interaction, jobId, 'delete');
    const by = actorOf(interaction);
    if (!mayManage(job, by)) throw refusal('delete', 'not_permitted');
    // Acknowledged on the pressed message, whose deletion then goes through the press's own token.
    await interaction.deferUpdate();
    await interaction.deleteReply();
    logger.info({ jobId, by: by.userId, requester: job.origin.userId }, 'video deleted');
  },
};

const cancel: ButtonHandler = {
  action: 'cancel',
  async press(interaction, jobId, { runner }) {
    const by = actorOf(interaction);
    if (!mayManage(await pressedJob(runner, interaction, jobId, 'cancel'), by))
      throw refusal('cancel', 'not_permitted');
    // Acknowledged at once: the cancel waits for a progress edit under way, which Discord may hold.
    await interaction.deferUpdate();
    const cancellation = await runner.cancel(jobId, by);
    if (cancellation.kind === 'refused') throw refusal('cancel', cancellation.why);
    const { job } = cancellation;
    // The pressed message is the requester's reply: in their language, whoever cancelled it.
    const content = discordText.render(
      { kind: 'cancelled', job, by: by.userId, atProvider: cancellation.kind === 'stopping' },
      translator(job.origin.locale),
    );
    await interaction.editReply({ content, components: [], allowedMentions: { parse: [] } });
  },
};

/** Every button `/video`'s messages carry. */
export const videoButtons: readonly ButtonHandler[] = [reroll, remix, upscale, remove, cancel];
