import {
  InteractionResponseType,
  MessageFlags,
  PermissionFlagsBits,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
  Routes,
} from 'discord-api-types/v10';
import { afterEach, describe, expect, it } from 'vitest';
import { commands } from '../../commands/index.js';
import videoAdmin from '../../commands/video-admin.js';
import { jobStoreIn } from '../../src/jobs/job-store.js';
import { FILTER_LIMITS } from '../../src/moderation/prompt-filter.js';
import type { GuildFilters } from '../../src/moderation/prompt-filters-store.js';
import type { OptionValues } from '../stand-ins/discord/interactions.js';
import type { RecordedMessage } from '../stand-ins/discord.js';
import { type Rig, startRig } from './rig.js';

/** Prompt filters end to end: admins set them with /video-admin filter, /video is refused before anything is spent. */

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const MANAGER = PermissionFlagsBits.ManageGuild | PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages;
const ADMIN = '600000000000000001';
const OTHER_ADMIN = '600000000000000002';
const REFUSED = "That prompt isn't allowed on this server.";
const NO_PINGS = { everyone: false, users: [], roles: [] };
const answered = (m: RecordedMessage) => m.content !== '';
const delivered = (m: RecordedMessage) => m.attachments.length > 0;

/** Runs `/video-admin filter <subcommand>` as an admin and returns its private answer. */
async function filter(
  rig: Rig,
  subcommand: 'add' | 'remove' | 'list',
  options: OptionValues = {},
  userId = ADMIN,
): Promise<RecordedMessage> {
  const handle = rig.discord.sendCommand({
    name: 'video-admin',
    subcommandGroup: 'filter',
    subcommand,
    options,
    userId,
    memberPermissions: MANAGER,
  });
  const answer = await handle.waitForMessage(answered);
  expect(answer.flags & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
  expect(answer.pings).toEqual(NO_PINGS);
  return answer;
}

/** Sends `/video` and, when a filter refuses it, checks that the refusal was the one private reply and nothing was kept. */
async function refusedVideo(rig: Rig, options: OptionValues): Promise<void> {
  const handle = rig.discord.sendCommand({ name: 'video', options });
  const refusal = await handle.waitForMessage(answered);
  expect(refusal.content).toBe(REFUSED);
  expect(refusal.origin).toBe('interaction');
  expect(refusal.flags & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
  // Answered at once, not deferred: the whole answer is this one message.
  expect((await handle.callback()).type).toBe(InteractionResponseType.ChannelMessageWithSource);
  expect(handle.messages()).toHaveLength(1);
  expect(await jobStoreIn(rig.bot.store).get(handle.id)).toBeUndefined();
}

async function videosLeft(rig: Rig): Promise<string> {
  const quota = await rig.discord.sendCommand({ name: 'quota' }).waitForMessage(answered);
  return quota.content.match(/\*\*\d+\*\* of \d+ videos left today/)?.[0] ?? quota.content;
}

describe('/video-admin filter', () => {
  it('registers within Discord’s limits: a filter group, kind a choice, text as long as a pattern may be', async () => {
    rig = await startRig();
    const group = videoAdmin.data.options?.find((option) => option.name === 'filter');
    expect(group).toMatchObject({
      type: 2,
      options: [
        {
          name: 'add',
          options: [
            { name: 'kind', type: 3, required: true, choices: [{ value: 'word' }, { value: 'pattern' }] },
            { name: 'text', type: 3, required: true, min_length: 1, max_length: FILTER_LIMITS.patternLength },
          ],
        },
        { name: 'remove', options: [{ name: 'kind' }, { name: 'text' }] },
        { name: 'list' },
      ],
    });
    // The stand-in checks a registration as Discord does and refuses one past its limits.
    const body: RESTPostAPIChatInputApplicationCommandsJSONBody[] = commands.map(({ data }) => data);
    await rig.bot.client.rest.put(Routes.applicationGuildCommands(rig.discord.applicationId, rig.discord.guildId), {
      body,
    });
  });

  it('refuses a word however it is disguised, privately and with nothing spent, and passes it inside another word', async () => {
    rig = await startRig({ env: { QUOTA_USER_DAILY: '2' } });
    expect((await filter(rig, 'add', { kind: 'word', text: 'gore' })).content).toBe(
      'Added the word `gore`: /video now refuses prompts with it.',
    );
    expect((await filter(rig, 'add', { kind: 'word', text: 'GÖRE' })).content).toBe(
      'The word `GÖRE` is already a filter here.',
    );

    for (const prompt of ['ＧＯＲＥ everywhere', 'a gоre scene', 'g o r e on the floor', 'G0RE']) {
      await refusedVideo(rig, { prompt }); // fullwidth, Cyrillic о, spaced letters, leetspeak
    }
    expect(rig.wavespeed.submits).toEqual([]);
    expect(await videosLeft(rig)).toBe('**2** of 2 videos left today');
    // The log names the rule and who added it, never the member's prompt.
    const hits = rig.logs.filter((line) => line.includes('prompt refused by a filter'));
    expect(hits).toHaveLength(4);
    for (const line of hits) {
      expect(JSON.parse(line)).toMatchObject({
        level: 30,
        guildId: rig.discord.guildId,
        userId: rig.discord.userId,
        rule: { kind: 'word', text: 'gore', addedBy: ADMIN },
      });
      expect(line).not.toMatch(/everywhere|scene|floor|ＧＯＲＥ|G0RE/);
    }

    // Inside another word the rule does not match, and only the prompt is checked.
    const passed = rig.discord.sendCommand({
      name: 'video',
      options: { prompt: 'hot air balloons over Göreme at dawn', negative_prompt: 'gore' },
    });
    await passed.waitForMessage(delivered);
    expect(rig.wavespeed.submits).toHaveLength(1);
    expect(await videosLeft(rig)).toBe('**1** of 2 videos left today');
  });

  it('accepts a pattern that would hang a backtracking engine and refuses invalid ones with the reason', async () => {
    rig = await startRig();
    expect((await filter(rig, 'add', { kind: 'pattern', text: '(a+)+$' })).content).toBe(
      'Added the pattern `(a+)+$`: /video now refuses prompts with it.',
    );
    // A backtracking engine would try 2^799 ways before giving up on this; RE2 reads it once.
    const evil = rig.discord.sendCommand({ name: 'video', options: { prompt: `${'a'.repeat(799)}!` } });
    await evil.waitForMessage(delivered);
    await refusedVideo(rig, { prompt: 'aaaa' });

    const refusals: [string, string][] = [
      ['[a', 'That is not a valid pattern (missing closing ]).'],
      ['(?=gore)', 'That pattern uses look-ahead, look-behind or a back-reference, which filters do not support.'],
      ['(a{50}){50}', 'That pattern is too complex to check quickly: use fewer or smaller repeats.'],
      ['x*', 'That pattern matches an empty prompt, so it would refuse every prompt.'],
    ];
    for (const [text, reason] of refusals) {
      expect((await filter(rig, 'add', { kind: 'pattern', text })).content).toBe(reason);
    }
    expect((await filter(rig, 'add', { kind: 'word', text: '!!!' })).content).toBe(
      'A word needs at least one letter or digit.',
    );
    // Forged past Discord's checks.
    expect((await filter(rig, 'add', { kind: 'regex', text: 'gore' })).content).toBe('Pick `word` or `pattern`.');
    expect((await filter(rig, 'add', { kind: 'pattern', text: 'g'.repeat(201) })).content).toBe(
      '`text` must be 1 to 200 characters.',
    );
    const list = await filter(rig, 'list');
    expect(list.content.split('\n').slice(1)).toEqual([expect.stringMatching(/^1\. pattern `\(a\+\)\+\$` · added by/)]);
    expect(rig.wavespeed.submits).toHaveLength(1);
  });

  it('stops refusing once the rule is removed, however the word is written', async () => {
    rig = await startRig();
    await filter(rig, 'add', { kind: 'word', text: 'blood moon' });
    await refusedVideo(rig, { prompt: 'a BLOOD-MOON over the hills' });

    expect((await filter(rig, 'remove', { kind: 'word', text: 'Blood  Moon' })).content).toBe(
      'Removed the word `blood moon`.',
    );
    expect((await filter(rig, 'remove', { kind: 'word', text: 'blood moon' })).content).toBe(
      'There is no word filter `blood moon` here.',
    );
    await rig.discord
      .sendCommand({ name: 'video', options: { prompt: 'a BLOOD-MOON over the hills' } })
      .waitForMessage(delivered);
    expect(rig.wavespeed.submits).toHaveLength(1);
    expect((await filter(rig, 'list')).content).toBe(
      'This server has no prompt filters. Add one with `/video-admin filter add`.',
    );
  });

  it('lists the rules in order with who added each, echoing their text literally and pinging nobody', async () => {
    rig = await startRig();
    await filter(rig, 'add', { kind: 'word', text: '@everyone' });
    await filter(rig, 'add', { kind: 'pattern', text: '<@&1234>|_bold_|[link](https://x.example)' }, OTHER_ADMIN);
    await filter(rig, 'add', { kind: 'pattern', text: '`tick`' });

    const list = await filter(rig, 'list');
    const [header, ...lines] = list.content.split('\n');
    expect(header).toBe(`**Prompt filters** (3 of ${FILTER_LIMITS.rulesPerGuild}), checked in this order:`);
    // Each as `<rule> · added by <mention> <date>`, the date a Discord timestamp.
    expect(lines.map((line) => line.replace(/ <t:\d+:d>$/, ''))).toEqual([
      `1. word \`@everyone\` · added by <@${ADMIN}>`,
      `2. pattern \`<@&1234>|_bold_|[link](https://x.example)\` · added by <@${OTHER_ADMIN}>`,
      `3. pattern \`\` \`tick\` \`\` · added by <@${ADMIN}>`,
    ]);
    // The mentions are text: Discord is told to notify nobody.
    expect(list.allowedMentions).toEqual({ parse: [] });
    expect(list.pings).toEqual(NO_PINGS);
  });

  it('attaches the whole list when it is too long for one message, and marks rules no longer checked', async () => {
    rig = await startRig();
    const longPattern = (i: number) => `${String(i).padStart(3, '0')}${'x'.repeat(FILTER_LIMITS.patternLength - 3)}`;
    const added = { addedBy: ADMIN, addedAt: Date.UTC(2026, 0, 2) };
    const rules = Array.from({ length: 20 }, (_, i) => ({ kind: 'pattern' as const, text: longPattern(i), ...added }));
    // As an older bot with a longer limit might have stored it.
    rules.push({ kind: 'pattern', text: 'y'.repeat(FILTER_LIMITS.patternLength + 1), ...added });
    await rig.bot.store.keyv<GuildFilters>('prompt-filters').set(rig.discord.guildId, { rules, revision: 'seeded' });

    const list = await filter(rig, 'list');
    expect(list.content.length).toBeLessThanOrEqual(2_000);
    expect(list.content).toMatch(/\n…and \d+ more: the whole list is attached\.$/);
    const [file] = list.attachments;
    expect(file?.filename).toBe('prompt-filters.txt');
    const text = new TextDecoder().decode(file?.bytes);
    for (const [i, rule] of rules.entries()) expect(text).toContain(`${i + 1}. pattern: ${rule.text}\n`);
    expect(text).toContain(`added by user ${ADMIN} on 2026-01-02\n`);
    expect(text).toContain(`; not checked: A pattern can be at most ${FILTER_LIMITS.patternLength} characters.`);
  });
});
