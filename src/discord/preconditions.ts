import {
  type ChatInputCommandInteraction,
  InteractionContextType,
  PermissionFlagsBits,
  type PermissionsString,
} from 'discord.js';
import type { Command } from '../command.js';
import { enUS } from '../i18n/en-US.js';
import type { MessageKey } from '../i18n/language.js';
import type { Translator } from '../i18n/translator.js';
import { UserError } from '../user-error.js';

/**
 * A named check that runs before a command's body (Sapphire's preconditions): the refusal the
 * member gets, or `null` when the command may run. Discord applies a command's registration
 * (contexts, default permissions) only in its own client; a forged or replayed interaction, or
 * a server's integration settings, can reach the bot past it, so the router checks again.
 */
export type Precondition = (interaction: ChatInputCommandInteraction, command: Command) => UserError | null;

/**
 * The interaction comes from a context the command declares in `data.contexts`, and a server
 * context comes with its server and member. One without a context is refused when the command
 * declares any: Discord always sends it, so its absence means the payload was made up.
 */
export const inDeclaredContext: Precondition = (interaction, { data }) => {
  const declared = data.contexts;
  if (!declared?.length) return null;
  const { context } = interaction;
  if (context === null || !declared.includes(context)) {
    return declared.every((allowed) => allowed === InteractionContextType.Guild)
      ? UserError.of('command.guild_only')
      : UserError.of('command.wrong_context');
  }
  if (context === InteractionContextType.Guild && !interaction.inGuild()) return UserError.of('command.guild_only');
  return null;
};

/**
 * An install the command declares in `data.integration_types` authorized the interaction
 * (`authorizing_integration_owners`): a command for servers with the bot, like `/video-admin`,
 * does nothing where only the app installed to a member's account reached it.
 */
export const underDeclaredInstall: Precondition = (interaction, { data }) => {
  const declared = data.integration_types;
  if (!declared?.length) return null;
  const owners = interaction.authorizingIntegrationOwners;
  if (declared.some((install) => owners[install] !== undefined)) return null;
  return UserError.of('command.wrong_install');
};

/**
 * The member holds the command's `default_member_permissions`. A server's admins can hand a
 * command to anyone in its integration settings; the permissions it needs to do its work stay.
 */
export const holdsDeclaredPermissions: Precondition = (interaction, { data }) => {
  const declared = data.default_member_permissions;
  if (declared === undefined || declared === null) return null;
  // "0" is Discord's "administrators only".
  const required = BigInt(declared) || PermissionFlagsBits.Administrator;
  const missing = interaction.memberPermissions?.missing(required) ?? permissionNames(required);
  if (missing.length === 0) return null;
  return new UserError('command.missing_permissions', (t) =>
    t.text('command.missing_permissions', {
      permissions: t.list(missing.map((name) => permissionLabel(name, t))),
      command: t.commandName(data.name),
      count: missing.length,
    }),
  );
};

/** Every precondition, in the order the router runs them before each command. */
const PRECONDITIONS: readonly Precondition[] = [inDeclaredContext, underDeclaredInstall, holdsDeclaredPermissions];

/** The first refusal of {@link PRECONDITIONS} for this command, or `null` when all pass. */
export function firstRefusal(interaction: ChatInputCommandInteraction, command: Command): UserError | null {
  for (const precondition of PRECONDITIONS) {
    const refusal = precondition(interaction, command);
    if (refusal) return refusal;
  }
  return null;
}

/**
 * The server a guild-only command runs in. {@link inDeclaredContext} already refused anything
 * else; this gives the handler the id with its type narrowed.
 */
export function guildIdOf(interaction: ChatInputCommandInteraction): string {
  if (!interaction.inGuild()) throw UserError.of('command.guild_only');
  return interaction.guildId;
}

function permissionNames(bits: bigint): PermissionsString[] {
  return (Object.entries(PermissionFlagsBits) as [PermissionsString, bigint][])
    .filter(([, flag]) => (bits & flag) === flag)
    .map(([name]) => name);
}

type PermissionKey = Extract<MessageKey, `permission.${string}`>;

/**
 * The name Discord's settings show, e.g. `ManageGuild` → "Manage Server", in the member's
 * language for the permissions the bot's commands declare; any other in English.
 */
function permissionLabel(name: PermissionsString, t: Translator): string {
  const key = `permission.${name}`;
  if (key in enUS) return t.text(key as PermissionKey);
  return name.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/\bGuild\b/g, 'Server');
}
