import type { ChatInputCommandInteraction } from 'discord.js';
import type { JobOrigin } from '../jobs/job.js';

/** An interaction token lives this long after the interaction is created. */
export const INTERACTION_TOKEN_LIFETIME_MS = 15 * 60_000;

/** What a job must remember of its interaction to answer it later, even after a restart. */
export function jobOriginOf(interaction: ChatInputCommandInteraction): JobOrigin {
  const channel = interaction.channel;
  return {
    interactionId: interaction.id,
    token: interaction.token,
    tokenExpiresAt: interaction.createdTimestamp + INTERACTION_TOKEN_LIFETIME_MS,
    applicationId: interaction.applicationId,
    guildId: interaction.guildId,
    channelId: interaction.channelId,
    userId: interaction.user.id,
    attachmentSizeLimit: interaction.attachmentSizeLimit,
    channelNsfw: channel !== null && 'nsfw' in channel && channel.nsfw === true,
  };
}

/** The member's role ids, whether discord.js cached the member or only has the raw payload. */
export function memberRoleIds(interaction: ChatInputCommandInteraction): string[] {
  const roles = interaction.member?.roles;
  if (!roles) return [];
  return Array.isArray(roles) ? roles : [...roles.cache.keys()];
}
