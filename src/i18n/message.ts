/**
 * A message of the catalog: a template with named `{placeholders}`, or its plural forms, one per
 * CLDR category the language uses (`one`, `few`, `many`, `other`…), picked by the `count` it is
 * rendered with under `Intl.PluralRules`. Markdown and emoji are part of the template; the values
 * filled in are the caller's, already escaped (a prompt through `quotePrompt`, a mention, a
 * timestamp) and never read as a template themselves.
 */
export type Message = string | PluralMessage;

/** The forms of a message that depends on a number; `other` is the one every language has. */
export type PluralMessage = { readonly [Category in Intl.LDMLPluralRule]?: string } & { readonly other: string };

/** The names between braces in a template, e.g. `'{count} of {max}'` → `'count' | 'max'`. */
type PlaceholdersIn<Template extends string> = Template extends `${string}{${infer Name}}${infer Rest}`
  ? Name | PlaceholdersIn<Rest>
  : never;

/** Every template of a message: itself, or each of its forms. */
type TemplatesOf<M extends Message> = M extends string ? M : Exclude<M[keyof M], undefined>;

/** The values a message is rendered with: one per placeholder, and a plural's `count` as a number. */
export type ParamsOf<M extends Message> = {
  readonly [Name in PlaceholdersIn<TemplatesOf<M>>]: string | number;
} & (M extends string ? unknown : { readonly count: number });

const PLACEHOLDER = /\{([^{}]+)\}/g;

/** The placeholder names a template uses, in order of first use. */
export function placeholdersOf(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map(([, name]) => name ?? ''))];
}

/**
 * `message` with its placeholders filled from `params`, the plural form chosen by `plurals`. A
 * placeholder without a value stays as written, which the catalog's tests look for; the values
 * are put in as they are, so braces in a member's prompt stay text.
 */
export function renderMessage(
  message: Message,
  params: Readonly<Record<string, string | number>>,
  plurals: Intl.PluralRules,
): string {
  const template =
    typeof message === 'string' ? message : (message[plurals.select(Number(params.count))] ?? message.other);
  return template.replace(PLACEHOLDER, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : String(value);
  });
}
