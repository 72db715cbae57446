import type { ButtonInteraction, ChatInputCommandInteraction, ModalSubmitInteraction } from 'discord.js';
import type { JobOrigin } from '../jobs/job.js';

/** An interaction that starts a job: `/video`, or a press (or modal) on a job's message. */
export type JobInteraction = ChatInputCommandInteraction | ButtonInteraction | ModalSubmitInteraction;

/**
 * Discord's default upload limit (10 MiB since 2025-01-16), assumed when an interaction
 * leaves `attachment_size_limit` out: without it, nothing would cap the download but the
 * hard ceiling, and Discord would refuse anything over this anyway.
 */
export const DEFAULT_ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024;

/** An interaction token lives this long after the interaction is created. */
export const INTERACTION_TOKEN_LIFETIME_MS = 15 * 60_000;

/** What a job must remember of its interaction to answer it later, even after a restart. */
export function jobOriginOf(interaction: JobInteraction): JobOrigin {
  const channel = interaction.channel;
  return {
    interactionId: interaction.id,
    token: interaction.token,
    tokenExpiresAt: interaction.createdTimestamp + INTERACTION_TOKEN_LIFETIME_MS,
    applicationId: interaction.applicationId,
    guildId: interaction.guildId,
    // discord.js types a modal submit's as nullable; Discord sends it for every interaction in a channel.
    channelId: interaction.channelId ?? '',
    userId: interaction.user.id,
    // discord.js types it as a number, but it is undefined when Discord leaves the field out.
    attachmentSizeLimit: validLimit(interaction.attachmentSizeLimit as number | undefined),
    channelNsfw: channel !== null && 'nsfw' in channel && channel.nsfw === true,
  };
}

function validLimit(limit: number | undefined): number {
  return limit !== undefined && Number.isSafeInteger(limit) && limit > 0 ? limit : DEFAULT_ATTACHMENT_SIZE_LIMIT;
}

/** The member's role ids, whether discord.js cached the member or only has the raw payload. */
export function memberRoleIds(interaction: JobInteraction): string[] {
  const roles = interaction.member?.roles;
  if (!roles) return [];
  return Array.isArray(roles) ? roles : [...roles.cache.keys()];
}
