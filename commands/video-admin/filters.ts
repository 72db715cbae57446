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

/** Runs a `filter` subcommand for `guildId`; a rule the engine refuses throws its `UserError`, which says why. */
export async function runFilterSubcommand(
  interaction: ChatInputCommandInteraction,
  { filters, logger }: CommandContext,
  guildId: string,
): Promise<FilterReply> {
  const adminId = interaction.user.id;
  const subcommand = interaction.options.getSubcommand();
  const audit = (rule: FilterRule, message: string) =>
    logger.info({ adminId, guildId, subcommand: `filter ${subcommand}`, rule }, message);
  switch (subcommand) {
    case 'add': {
      const rule = ruleOption(interaction);
      if ((await filters.add(guildId, rule, adminId)) === 'present') {
        return { content: `The ${rule.kind} ${literal(rule.text)} is already a filter here.` };
      }
      audit(rule, 'prompt filter added');
      return { content: `Added the ${rule.kind} ${literal(rule.text)}: /video now refuses prompts with it.` };
    }
    case 'remove': {
      const rule = ruleOption(interaction);
      const removed = await filters.remove(guildId, rule);
      if (!removed) return { content: `There is no ${rule.kind} filter ${literal(rule.text)} here.` };
      audit(removed, 'prompt filter removed');
      return { content: `Removed the ${removed.kind} ${literal(removed.text)}.` };
    }
    case 'list': {
      const [rules, filter] = await Promise.all([filters.list(guildId), filters.filterFor(guildId)]);
      const unusable = new Map(filter.unusable.map(({ rule, error }) => [ruleKey(rule), error.message]));
      return describeFilters(rules, (rule) => unusable.get(ruleKey(rule)));
    }
    default:
      throw new UserError('admin.unknown_subcommand', 'That subcommand is not known. Try `/video-admin filter list`.');
  }
}

/** The rule in the `kind` and `text` options, held to the bounds Discord shows; a forged one is refused. */
function ruleOption(interaction: ChatInputCommandInteraction): FilterRule {
  const kind = interaction.options.getString('kind', true);
  const text = interaction.options.getString('text', true);
  const known = KINDS.find(({ value }) => value === kind);
  if (!known) throw new UserError('admin.invalid_filter_kind', 'Pick `word` or `pattern`.');
  // Code points, as the engine counts them.
  if (text.length === 0 || [...text].length > TEXT_MAX) {
    throw new UserError('admin.filter_text_length', `\`text\` must be 1 to ${TEXT_MAX} characters.`);
  }
  return { kind: known.value, text };
}

/**
 * The guild's filters in the order added, with who added each and, for a rule stored before a
 * limit was lowered, why it is not checked. A list too long for one message comes whole in a file.
 */
function describeFilters(
  rules: readonly StoredFilterRule[],
  notChecked: (rule: StoredFilterRule) => string | undefined,
): FilterReply {
  if (rules.length === 0) {
    return { content: 'This server has no prompt filters. Add one with `/video-admin filter add`.' };
  }
  const header = `**Prompt filters** (${rules.length} of ${FILTER_LIMITS.rulesPerGuild}), checked in this order:`;
  const lines = rules.map((rule, i) => {
    const why = notChecked(rule);
    const added = time(Math.floor(rule.addedAt / 1000), TimestampStyles.ShortDate);
    const warning = why ? ` · ⚠️ not checked: ${why}` : '';
    return `${i + 1}. ${rule.kind} ${literal(rule.text)} · added by ${userMention(rule.addedBy)} ${added}${warning}`;
  });
  const whole = [header, ...lines].join('\n');
  if (whole.length <= MESSAGE_MAX) return { content: whole };

  const more = (shown: number) => `\n…and ${rules.length - shown} more: the whole list is attached.`;
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
    const added = `added by user ${rule.addedBy} on ${new Date(rule.addedAt).toISOString().slice(0, 10)}`;
    return `${i + 1}. ${rule.kind}: ${rule.text}\n   ${added}${why ? `; not checked: ${why}` : ''}`;
  });
  const attachment = new AttachmentBuilder(Buffer.from(`${file.join('\n')}\n`), { name: 'prompt-filters.txt' });
  return { content: `${content}${more(shown)}`, files: [attachment] };
}
