import type { DiscordStandIn } from '../stand-ins/discord.js';
import type { WaveSpeedStandIn } from '../stand-ins/wavespeed.js';

/** The variables that point the bot at the two loopback stand-ins instead of Discord and WaveSpeed. */
export function standInEnv(discord: DiscordStandIn, wavespeed: WaveSpeedStandIn): Record<string, string> {
  return {
    DISCORD_TOKEN: discord.token,
    DISCORD_API_URL: discord.apiUrl,
    WAVESPEED_API_KEY: wavespeed.apiKey,
    WAVESPEED_BASE_URL: wavespeed.baseUrl,
  };
}
