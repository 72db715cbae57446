import { InteractionResponseType, MessageFlags, PermissionFlagsBits } from 'discord-api-types/v10';
import { afterEach, describe, expect, it } from 'vitest';
import type { RecordedMessage } from '../stand-ins/discord.js';
import { isFinal, type Rig, startRig } from './rig.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const MANAGER = PermissionFlagsBits.ManageGuild | PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages;
const answered = (m: RecordedMessage) => m.content !== '';
const delivered = (m: RecordedMessage) => m.attachments.length > 0;

function expectPrivate(message: RecordedMessage, text: RegExp): void {
  expect(message.content).toMatch(text);
  expect(message.flags & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
}

describe('invisible prompts', () => {
  it('refuses prompts with nothing visible like an empty one, spends nothing, and strips NUL from a real one', async () => {
    rig = await startRig({ env: { QUOTA_USER_DAILY: '1' } });
    const invisible = [
      '\u200b\u200b',
      '\u0000',
      '\u3164',
      '\u2800\u2800',
      '\u115f\u1160\uffa0',
      '\u180e\u2060\u2064\ufeff',
      '\ufe0f\u{e0041}',
    ];
    for (const prompt of invisible) {
      const handle = rig.discord.sendCommand({ name: 'video', options: { prompt } });
      expectPrivate(
        await handle.waitForMessage(answered),
        /^Describe the video you want in `prompt`, or attach an `image` to start from\.$/,
      );
    }
    expect(rig.wavespeed.submits).toEqual([]);

    // The day's one video is still there, and the provider gets the prompt without its NULs.
    const real = rig.discord.sendCommand({
      name: 'video',
      options: { prompt: 'a\u0000 red fox', negative_prompt: '\u200b\u3164' },
    });
    await real.waitForMessage(delivered);
    expect(rig.wavespeed.submits).toHaveLength(1);
    expect(rig.wavespeed.submits[0]?.body).toMatchObject({ prompt: 'a red fox' });
    expect(rig.wavespeed.submits[0]?.body).not.toHaveProperty('negative_prompt');
  });
});

describe('the echoed prompt', () => {
  it('shows Markdown and links literally, with no preview, while the bot’s own link stays a bare link', async () => {
    rig = await startRig();
    rig.wavespeed.nextSubmit({ outputBytes: 20_000 });
    const handle = rig.discord.sendCommand({
      name: 'video',
      options: { prompt: '# FREE NITRO [claim here](https://evil.example) -# @everyone' },
      // Too large to upload, so the video comes as the bot's own link.
      attachmentSizeLimit: 10_000,
    });
    const final = await handle.waitForMessage(isFinal);
    const [quote, ...rest] = final.content.split('\n');
    expect(quote).toBe('> \\# FREE NITRO \\[claim here\\](<https://evil.example>) -\\# \\@everyone');
    expect(final.embeds).toEqual([]);
    expect(final.pings).toEqual({ everyone: false, users: [], roles: [] });
    // The output link is not wrapped, so Discord previews it.
    const output = new RegExp(`(^|[^<])${rig.wavespeed.baseUrl}/outputs/\\S+\\.mp4`);
    expect(rest.join('\n')).toMatch(output);
    for (const revision of final.history) expect(revision.content.split('\n')[0]).toBe(quote);
  });
});

describe('context and options checked on the bot’s side', () => {
  it('refuses the server-only /video-admin forged from a DM or a server without the bot, privately', async () => {
    rig = await startRig();
    const admin = { name: 'video-admin', subcommand: 'show', memberPermissions: MANAGER } as const;
    // `/video` and `/quota` work in DMs (see user-install.test.ts); `/video-admin` only where the bot is.
    for (const [place, refusal] of [
      [{ dm: true }, /^This command works only in a server\.$/],
      [{ guildId: rig.discord.foreignGuild.id }, /^This command works only in a server the bot is in\.$/],
    ] as const) {
      const handle = rig.discord.sendCommand({ ...admin, ...place });
      const callback = await handle.callback();
      expect(callback.type).toBe(InteractionResponseType.ChannelMessageWithSource);
      expectPrivate(await handle.waitForMessage(answered), refusal);
    }
    expect(rig.logs.join('')).toMatch(/"refusal":"command.guild_only"/);
    expect(rig.logs.join('')).toMatch(/"refusal":"command.wrong_install"/);
  });

  it('answers an unknown command privately instead of leaving it unanswered', async () => {
    rig = await startRig();
    const handle = rig.discord.sendCommand({ name: 'free-nitro' });
    expect((await handle.callback()).type).toBe(InteractionResponseType.ChannelMessageWithSource);
    expectPrivate(await handle.waitForMessage(answered), /no such command/);
  });

  it.each([
    ['limits', { user_daily: 1_000_001 }, /`user_daily` must be a whole number from 0 to 1,000,000/],
    ['limits', { guild_daily: -2 }, /`guild_daily` must be a whole number from -1 to 1,000,000/],
    ['role-allowance', { role: '400000000000000001', daily: 1_000_001 }, /`daily` must be a whole number/],
    ['limits', { user_daily: 'lots' }, /options are not valid/],
  ])('refuses a forged /video-admin %s %o and saves nothing', async (subcommand, options, message) => {
    rig = await startRig({ env: { QUOTA_USER_DAILY: '5' } });
    const resolved = { roles: { '400000000000000001': { id: '400000000000000001', name: 'fans' } } };
    const forged = rig.discord.sendCommand({
      name: 'video-admin',
      subcommand,
      options,
      memberPermissions: MANAGER,
      ...('role' in options && { resolved: resolved as never }),
    });
    expectPrivate(await forged.waitForMessage(answered), message);

    const show = rig.discord.sendCommand({ name: 'video-admin', subcommand: 'show', memberPermissions: MANAGER });
    const settings = (await show.waitForMessage(answered)).content;
    expect(settings).toMatch(/Per member:\*\* 5 videos a day \(bot default\)/);
    expect(settings).toMatch(/Whole server:\*\* no daily limit/);
    expect(settings).toMatch(/Role allowances:\*\* none/);
  });

  it('refuses a forged /video-admin grant beyond its bound and grants nothing', async () => {
    rig = await startRig({ env: { QUOTA_USER_DAILY: '1' } });
    const member = rig.discord.userId;
    const forged = rig.discord.sendCommand({
      name: 'video-admin',
      subcommand: 'grant',
      options: { member, videos: 101 },
      resolved: {
        users: { [member]: { id: member, username: 'member', discriminator: '0', global_name: null, avatar: null } },
      },
      memberPermissions: MANAGER,
    });
    expectPrivate(await forged.waitForMessage(answered), /`videos` must be a whole number from 1 to 100/);
    const quota = rig.discord.sendCommand({ name: 'quota' });
    expect((await quota.waitForMessage(answered)).content).toMatch(/\*\*1\*\* of 1 video left today/);
  });
});
