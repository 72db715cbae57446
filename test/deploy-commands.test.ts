import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../commands/index.js';
import { type DiscordStandIn, startDiscordStandIn } from './stand-ins/discord.js';

/** `npm run deploy-commands`, from source: what it registers, which the stand-in checks as Discord does. */

const SCRIPT = fileURLToPath(new URL('../src/deploy-commands.ts', import.meta.url));

describe('deploy-commands', () => {
  let discord: DiscordStandIn;
  beforeAll(async () => {
    discord = await startDiscordStandIn();
  });
  afterAll(() => discord.close());

  it('registers every command with its names and descriptions in each language the bot speaks', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT], {
      env: {
        PATH: process.env.PATH ?? '',
        DISCORD_TOKEN: discord.token,
        DISCORD_API_URL: discord.apiUrl,
        DISCORD_GUILD_ID: discord.guildId,
        // Read by the configuration, never used: registering talks to Discord only.
        WAVESPEED_API_KEY: 'unused',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    for (const stream of [child.stdout, child.stderr]) stream.on('data', (chunk: Buffer) => (output += chunk));
    const [code] = await once(child, 'exit');
    expect(code, output).toBe(0);

    const registered = discord.commands(discord.guildId);
    expect(registered.map(({ name }) => name)).toEqual(commands.map(({ data }) => data.name));
    const video = registered.find(({ name }) => name === 'video');
    expect(video?.name_localizations).toEqual({
      'zh-CN': '视频',
      ja: '動画',
      'es-ES': 'vídeo',
      'es-419': 'vídeo',
      'pt-BR': 'vídeo',
    });
    expect(video?.description_localizations?.ja).toBe('テキストのプロンプトか画像から5秒の動画を作ります');
    const size = video?.options?.find(({ name }) => name === 'size');
    const landscape = size && 'choices' in size ? size.choices?.find(({ value }) => value === '832*480') : undefined;
    expect(landscape?.name_localizations?.['pt-BR']).toBe('Paisagem 832×480, ou 1920×1080 em 1080p');
  });
});
