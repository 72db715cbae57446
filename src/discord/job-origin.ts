import type { ButtonInteraction, ChatInputCommandInteraction, ModalSubmitInteraction } from 'discord.js';
import { type JobOrigin, serverOf } from '../jobs/job.js';

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

/**
 * Where an interaction happened, as a job's origin records it (see `serverOf`). In a server,
 * `authorizing_integration_owners` maps the guild install to that server only when the bot's own
 * install there authorized the command; the app installed to a member's account reaches servers
 * without the bot too, and a member who installed it both ways counts as the server's.
 */
export function placeOf(interaction: JobInteraction): Pick<JobOrigin, 'guildId' | 'foreignGuild'> {
  const { guildId } = interaction;
  const foreign = guildId !== null && interaction.authorizingIntegrationOwners.guildId !== guildId;
  return { guildId, ...(foreign && { foreignGuild: true as const }) };
}

/** What a job must remember of its interaction to answer it later, even after a restart. */
export function jobOriginOf(interaction: JobInteraction): JobOrigin {
  const channel = interaction.channel;
  const place = placeOf(interaction);
  return {
    interactionId: interaction.id,
    token: interaction.token,
    tokenExpiresAt: interaction.createdTimestamp + INTERACTION_TOKEN_LIFETIME_MS,
    applicationId: interaction.applicationId,
    ...place,
    // discord.js types a modal submit's as nullable; Discord sends it for every interaction in a channel.
    channelId: interaction.channelId ?? '',
    userId: interaction.user.id,
    locale: interaction.locale,
    ...(interaction.guildLocale !== null && { guildLocale: interaction.guildLocale }),
    // discord.js types it as a number, but it is undefined when Discord leaves the field out.
    attachmentSizeLimit: validLimit(interaction.attachmentSizeLimit as number | undefined),
    // The safe rule where no server of the bot's vouches for the channel: DMs and group DMs have no
    // age restriction, and a server without the bot never chose the bot's NSFW policy.
    channelNsfw: serverOf(place) !== null && channel !== null && 'nsfw' in channel && channel.nsfw === true,
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
