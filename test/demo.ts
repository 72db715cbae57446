/**
 * `npm run demo`: the whole product in one command, no accounts needed. Starts the Discord
 * and WaveSpeed stand-ins on loopback, the real bot wired to them, sends one `/video` and
 * prints what the member would see at each step.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { commands } from '../commands/index.js';
import { startBot } from '../src/bot.js';
import { parseConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { startDiscordStandIn } from './stand-ins/discord.js';
import { startWaveSpeedStandIn } from './stand-ins/wavespeed.js';
import { standInEnv } from './support/stand-in-env.js';

const PROMPT = 'A paper boat sailing down a rainy street at dusk, neon reflections, cinematic';
const GENERATION_MS = 8_000;

const discord = await startDiscordStandIn();
const wavespeed = await startWaveSpeedStandIn({ defaults: { durationMs: GENERATION_MS, outputBytes: 256 * 1024 } });
const config = parseConfig({
  ...standInEnv(discord, wavespeed),
  WAVESPEED_POLL_INTERVAL_MS: '1000',
  STORE_URL: `sqlite://${join(mkdtempSync(join(tmpdir(), 'wan-bot-demo-')), 'bot.sqlite')}`,
  LOG_LEVEL: 'warn',
});
const logger = createLogger({ ...config, secrets: [config.discord.token, config.wavespeed.apiKey] });

console.log(`Discord stand-in:   ${discord.apiUrl}\nWaveSpeed stand-in: ${wavespeed.baseUrl}\n`);
const bot = await startBot(config, logger, commands);
console.log(`Bot logged in as ${bot.client.user.tag}.\n`);

console.log(`A member runs:  /video prompt: ${PROMPT}\n`);
const interaction = discord.sendCommand({ name: 'video', options: { prompt: PROMPT } });
const callback = await interaction.callback();
console.log(
  `[${stamp()}] deferred after ${callback.latencyMs.toFixed(0)} ms (Discord allows 3000): "Bot is thinking…"`,
);

// The reply's history holds its earlier states; the message itself is the latest.
let seen = 0;
for (;;) {
  const original = await discord.waitFor(
    () => {
      const message = interaction.original();
      return message && message.history.length >= seen ? message : undefined;
    },
    { timeoutMs: GENERATION_MS + 30_000, description: 'the next edit of the reply' },
  );
  seen = original.history.length + 1;
  if (original.content) console.log(`[${stamp()}] the reply now reads:\n${indent(asDiscordShows(original.content))}`);
  const video = original.attachments[0];
  if (video) {
    const dir = resolve('data', 'demo');
    mkdirSync(dir, { recursive: true });
    const path = join(dir, video.filename);
    // The stand-in keeps whole only files up to 1 MiB; the demo's clip is a few KiB.
    if (!video.bytes) throw new Error(`the demo's clip (${video.size} bytes) is too large to keep`);
    writeFileSync(path, video.bytes);
    console.log(`\nThe MP4 arrived as an attachment (${video.size} bytes, ${video.contentType}).\nSaved to ${path}`);
    break;
  }
}

await bot.stop();
await Promise.all([discord.close(), wavespeed.close()]);

function stamp(): string {
  return `${((performance.now() - interaction.dispatchedAt) / 1000).toFixed(1).padStart(5)} s`;
}

/** Discord shows a `<t:…:R>` timestamp relative to now, and keeps it current; here, as of now. */
function asDiscordShows(content: string): string {
  return content.replace(/<t:(\d+):R>/g, (_, at: string) => {
    const seconds = Math.max(0, Math.round(Date.now() / 1000 - Number(at)));
    return `${seconds} second${seconds === 1 ? '' : 's'} ago`;
  });
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}
