/**
 * Admin text shown literally in a code span, where Discord renders no Markdown, link or mention;
 * the fence is one backtick longer than any run inside, and line breaks become spaces.
 */
export function literal(text: string): string {
  const line = text.replace(/[\p{Cc}\u2028\u2029]+/gu, ' ');
  const longestRun = Math.max(0, ...(line.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  const pad = line.startsWith('`') || line.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${line}${pad}${fence}`;
}
