import { REST } from '@discordjs/rest';
import { ComponentType, Locale, MessageFlags, PermissionFlagsBits, Routes } from 'discord-api-types/v10';
import { afterEach, describe, expect, it } from 'vitest';
import { commands } from '../../commands/index.js';
import { localizeCommand } from '../../src/i18n/command-localizations.js';
import { DEFAULT_MEMBER_PERMISSIONS, type MessageState, type RecordedMessage } from '../stand-ins/discord.js';
import { type Rig, startRig } from './rig.js';

/**
 * Members read the bot in their client's language, on the real client against the stand-ins:
 * what only they read in their own (`locale`), posts to a channel in the server's (`guild_locale`).
 */

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const delivered = (m: RecordedMessage) => m.attachments.length > 0;

/** The labels of a message's buttons, in order. */
function labelsOf(message: MessageState): string[] {
  return message.components.flatMap((row) =>
    row.type === ComponentType.ActionRow
      ? row.components.map((button) => ('label' in button ? (button.label ?? '') : ''))
      : [],
  );
}

describe('languages end to end', () => {
  it('registers /video with its Japanese name, and a Japanese member reads its progress, result and buttons in Japanese', async () => {
    rig = await startRig();
    const rest = new REST({ api: rig.discord.apiUrl }).setToken(rig.discord.token);
    await rest.put(Routes.applicationGuildCommands(rig.discord.applicationId, rig.discord.guildId), {
      body: commands.map((command) => localizeCommand(command.data)),
    });
    const video = rig.discord.commands(rig.discord.guildId).find(({ name }) => name === 'video');
    expect(video?.name_localizations?.ja).toBe('動画');

    rig.wavespeed.nextSubmit({ durationMs: 300 });
    const handle = rig.discord.sendCommand({
      name: 'video',
      options: { prompt: '雨の街の紙の舟', seed: 42 },
      locale: Locale.Japanese,
    });
    const final = await handle.waitForMessage(delivered);

    const progress = final.history.filter((revision) => revision.content !== '');
    expect(progress[0]?.content).toBe('> 雨の街の紙の舟\n📨 プロンプトをスタジオに送信中…');
    expect(
      progress.some(({ content }) => /\n(🎬 生成中 · <t:\d+:R>に開始|⏳ 待機中 · <t:\d+:R>に送信)/.test(content)),
    ).toBe(true);
    expect(progress.map(labelsOf)).toContainEqual(['キャンセル']);
    const predictionId = rig.wavespeed.submits[0]?.predictionId;
    expect(final.content).toMatch(
      new RegExp(
        `^> 雨の街の紙の舟\\n🎬 横長 832×480 · シード 42 · \\d+ 秒で生成 · \\$0\\.05 · ID \`${predictionId}\`$`,
      ),
    );
    expect(labelsOf(final)).toEqual(['再生成', 'リミックス', '削除']);
  });

  it("still answers in the member's language after a restart, from the job's record", async () => {
    rig = await startRig();
    rig.wavespeed.nextSubmit({ durationMs: 1_000 });
    const handle = rig.discord.sendCommand({
      name: 'video',
      options: { prompt: 'across a restart' },
      locale: Locale.Japanese,
    });
    await rig.wavespeed.waitForSubmits(1);
    await rig.restart();

    const final = await handle.waitForMessage(delivered);
    expect(final.content).toMatch(/\n🎬 横長 832×480 · シード \d+ · \d+ 秒で生成 · /);
    expect(labelsOf(final)).toEqual(['再生成', 'リミックス', '削除']);
    expect(rig.wavespeed.submits).toHaveLength(1);
  });

  it('refuses a Japanese member at the daily limit in Japanese, and submits nothing', async () => {
    rig = await startRig({ env: { QUOTA_USER_DAILY: '1' } });
    await rig.discord.sendCommand({ name: 'video', options: { prompt: 'first' } }).waitForMessage(delivered);

    const second = rig.discord.sendCommand({ name: 'video', options: { prompt: '二本目' }, locale: Locale.Japanese });
    const refusal = await second.waitForMessage((m) => m.origin === 'interaction');
    expect(refusal.flags & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
    expect(refusal.content).toMatch(/^今日の 1 本の動画をすべて使いました。利用枠は<t:\d+:R>にリセットされます。$/);
    expect(rig.wavespeed.submits).toHaveLength(1);
  });

  it("posts a result in the channel in the server's language once the member's reply is gone", async () => {
    rig = await startRig();
    rig.wavespeed.nextSubmit({ durationMs: 300 });
    const handle = rig.discord.sendCommand({
      name: 'video',
      options: { prompt: 'late' },
      locale: Locale.Japanese,
      guildLocale: Locale.SpanishES,
    });
    await rig.wavespeed.waitForSubmits(1);
    handle.expireToken();

    const posted = await rig.discord.waitForMessage((m) => m.origin === 'channel');
    expect(posted.attachments).toHaveLength(1);
    expect(posted.content).toMatch(
      new RegExp(`^<@${rig.discord.userId}> > late\\n🎬 Horizontal 832×480 · semilla \\d+ · hecho en \\d+ s · `),
    );
    expect(labelsOf(posted)).toEqual(['Regenerar', 'Remezclar', 'Eliminar']);
    // What only the member read before, their reply, was in their own language.
    const reply = handle.messages()[0];
    expect(reply?.content).toContain('プロンプトをスタジオに送信中');
  });

  it("writes the moderation log in the server's language, and answers the admin in theirs", async () => {
    rig = await startRig();
    const channelId = rig.discord.addTextChannel('registro');
    const picked = rig.discord.sendCommand({
      name: 'video-admin',
      subcommand: 'log',
      options: { channel: channelId },
      resolved: { channels: { [channelId]: { id: channelId, type: 0, name: 'registro', permissions: '0' } } },
      userId: '600000000000000001',
      memberPermissions: PermissionFlagsBits.ManageGuild | DEFAULT_MEMBER_PERMISSIONS,
      locale: Locale.Japanese,
      guildLocale: Locale.SpanishES,
    });
    const answer = await picked.waitForMessage((m) => m.content !== '');
    expect(answer.content).toBe(
      `このサーバーのすべての動画と拒否されたプロンプトは、今後 <#${channelId}> に記録されます。`,
    );

    await rig.discord.sendCommand({ name: 'video', options: { prompt: 'a heron' } }).waitForMessage(delivered);
    const posts = () => rig?.discord.messages.filter((m) => m.channelId === channelId) ?? [];
    const entry = await rig.discord.waitFor(() => posts()[1], { description: 'a log post' });
    expect(posts()[0]?.content).toMatch(/^📋 Este canal es ahora el registro de moderación de \/vídeo, elegido por <@/);
    expect(entry.content).toMatch(/^\*\*🎬 Hecho\*\* · <@\d+> en <#\d+>\n> a heron\nmodelo `[^`]+` · predicción/);
    expect(labelsOf(entry)).toEqual(['Bloquear en /vídeo', 'Desbloquear', 'Restablecer hoy']);
  });
});
