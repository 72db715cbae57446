import { REST } from '@discordjs/rest';
import { type APIApplication, Routes } from 'discord-api-types/v10';
import { commands } from '../commands/index.js';
import { loadConfig } from './config.js';
import { localizeCommand } from './i18n/command-localizations.js';

/** Registers the slash commands (to DISCORD_GUILD_ID when set, which is instant) and exits. */
const { discord } = loadConfig();
try {
  const rest = new REST({ api: discord.apiUrl }).setToken(discord.token);
  const applicationId = discord.applicationId ?? ((await rest.get(Routes.currentApplication())) as APIApplication).id;
  const route = discord.guildId
    ? Routes.applicationGuildCommands(applicationId, discord.guildId)
    : Routes.applicationCommands(applicationId);
  // Each command in every language the bot speaks; its builder stays in US English.
  const body = commands.map((command) => localizeCommand(command.data));
  await rest.put(route, { body });
  const where = discord.guildId
    ? `guild ${discord.guildId}`
    : 'all guilds (global commands can take a while to appear)';
  console.log(`Registered ${body.length} commands (${body.map((c) => `/${c.name}`).join(', ')}) for ${where}.`);
} catch (error) {
  console.error(`Could not register commands: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
