import {
  AttachmentBuilder,
  type ChatInputCommandInteraction,
  type SlashCommandSubcommandBuilder,
  type SlashCommandSubcommandGroupBuilder,
  TimestampStyles,
  time,
  userMention,
} from 'discord.js';
import type { CommandContext } from '../../src/command.js';
import { literal } from '../../src/discord/code-span.js';
import { type Translator, translator } from '../../src/i18n/translator.js';
import { FILTER_LIMITS, type FilterRule, ruleKey } from '../../src/moderation/prompt-filter.js';
import type { StoredFilterRule } from '../../src/moderation/prompt-filters-store.js';
import { UserError } from '../../src/user-error.js';

/** One `text` option serves both kinds, so it takes the longer limit; a word's own is the engine's to check. */
const TEXT_MAX = Math.max(FILTER_LIMITS.wordLength, FILTER_LIMITS.patternLength);
const KINDS = [
  { name: 'Word or phrase', value: 'word' },
  { name: 'Pattern (regular expression, RE2 syntax)', value: 'pattern' },
] as const satisfies readonly { name: string; value: FilterRule['kind'] }[];
/** Discord's limit on a message's content. */
const MESSAGE_MAX = 2_000;

/** `/video-admin filter add | remove | list`. */
export function filterGroup(group: SlashCommandSubcommandGroupBuilder): SlashCommandSubcommandGroupBuilder {
  return group
    .setName('filter')
    .setDescription('Words and patterns that /video refuses in a prompt')
    .addSubcommand((sub) => withRuleOptions(sub.setName('add').setDescription('Refuse prompts with a word or pattern')))
    .addSubcommand((sub) => withRuleOptions(sub.setName('remove').setDescription('Stop refusing a word or pattern')))
    .addSubcommand((sub) => sub.setName('list').setDescription("List this server's prompt filters"));
}

function withRuleOptions(sub: SlashCommandSubcommandBuilder): SlashCommandSubcommandBuilder {
  return sub
    .addStringOption((o) =>
      o
        .setName('kind')
        .setDescription('A word (matched whole, however it is spelled) or a pattern')
        .setRequired(true)
        .addChoices(...KINDS),
    )
    .addStringOption((o) =>
      o
        .setName('text')
        .setDescription('The word, phrase or pattern')
        .setRequired(true)
        .setMinLength(1)
        .setMaxLength(TEXT_MAX),
    );
}

/** What a filter subcommand answers: a message, and the whole list as a file when it does not fit in one. */
export interface FilterReply {
  content: string;
  files?: AttachmentBuilder[];
}

/**
 * Runs a `filter` subcommand for `guildId`, answered in the admin's language; a rule the engine
 * refuses throws its `UserError`, which says why.
 */
export async function runFilterSubcommand(
  interaction: ChatInputCommandInteraction,
  { filters, logger }: CommandContext,
  guildId: string,
): Promise<FilterReply> {
  const adminId = interaction.user.id;
  const subcommand = interaction.options.getSubcommand();
  const t = translator(interaction.locale);
  const audit = (rule: FilterRule, message: string) =>
    logger.info({ adminId, guildId, subcommand: `filter ${subcommand}`, rule }, message);
  switch (subcommand) {
    case 'add': {
      const rule = ruleOption(interaction);
      const text = literal(rule.text);
      if ((await filters.add(guildId, rule, adminId)) === 'present') {
        return { content: t.text(`filter.present.${rule.kind}`, { text }) };
      }
      audit(rule, 'prompt filter added');
      return { content: t.text(`filter.added.${rule.kind}`, { text }) };
    }
    case 'remove': {
      const rule = ruleOption(interaction);
      const removed = await filters.remove(guildId, rule);
      if (!removed) return { content: t.text(`filter.absent.${rule.kind}`, { text: literal(rule.text) }) };
      audit(removed, 'prompt filter removed');
      return { content: t.text(`filter.removed.${removed.kind}`, { text: literal(removed.text) }) };
    }
    case 'list': {
      const [rules, filter] = await Promise.all([filters.list(guildId), filters.filterFor(guildId)]);
      const unusable = new Map(filter.unusable.map(({ rule, error }) => [ruleKey(rule), error.wording(t)]));
      return describeFilters(rules, (rule) => unusable.get(ruleKey(rule)), t);
    }
    default:
      throw UserError.of('filter.unknown_subcommand');
  }
}

/** The rule in the `kind` and `text` options, held to the bounds Discord shows; a forged one is refused. */
function ruleOption(interaction: ChatInputCommandInteraction): FilterRule {
  const kind = interaction.options.getString('kind', true);
  const text = interaction.options.getString('text', true);
  const known = KINDS.find(({ value }) => value === kind);
  if (!known) throw UserError.of('filter.invalid_kind');
  // Code points, as the engine counts them.
  if (text.length === 0 || [...text].length > TEXT_MAX) throw UserError.of('filter.text_length', { max: TEXT_MAX });
  return { kind: known.value, text };
}

/**
 * The guild's filters in the order added, with who added each and, for a rule stored before a
 * limit was lowered, why it is not checked. A list too long for one message comes whole in a file.
 */
function describeFilters(
  rules: readonly StoredFilterRule[],
  notChecked: (rule: StoredFilterRule) => string | undefined,
  t: Translator,
): FilterReply {
  if (rules.length === 0) return { content: t.text('filter.none') };
  const header = t.text('filter.header', { rules: rules.length, max: FILTER_LIMITS.rulesPerGuild });
  const lines = rules.map((rule, i) => {
    const why = notChecked(rule);
    const line = t.text('filter.line', {
      n: i + 1,
      kind: t.text(`filter.kind.${rule.kind}`),
      text: literal(rule.text),
      user: userMention(rule.addedBy),
      date: time(Math.floor(rule.addedAt / 1000), TimestampStyles.ShortDate),
    });
    return why ? `${line} · ${t.text('filter.not_checked', { why })}` : line;
  });
  const whole = [header, ...lines].join('\n');
  if (whole.length <= MESSAGE_MAX) return { content: whole };

  const more = (shown: number) => `\n${t.text('filter.more', { more: rules.length - shown })}`;
  let content = header;
  let shown = 0;
  for (const line of lines) {
    if (`${content}\n${line}${more(shown + 1)}`.length > MESSAGE_MAX) break;
    content += `\n${line}`;
    shown += 1;
  }
  // Plain text: a file shows no Markdown, so ids and dates are written out.
  const file = rules.map((rule, i) => {
    const why = notChecked(rule);
    const date = new Date(rule.addedAt).toISOString().slice(0, 10);
    const added = t.text('filter.file_added', { user: rule.addedBy, date });
    const kind = t.text(`filter.kind.${rule.kind}`);
    return `${i + 1}. ${kind}: ${rule.text}\n   ${added}${why ? `; ${t.text('filter.file_not_checked', { why })}` : ''}`;
  });
  const attachment = new AttachmentBuilder(Buffer.from(`${file.join('\n')}\n`), { name: 'prompt-filters.txt' });
  return { content: `${content}${more(shown)}`, files: [attachment] };
}
