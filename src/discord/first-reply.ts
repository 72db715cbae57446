import { DefaultUserAgent } from '@discordjs/rest';
import {
  type APIInteractionResponseCallbackData,
  DiscordAPIError,
  type DiscordErrorData,
  InteractionResponseType,
  type RepliableInteraction,
  Routes,
} from 'discord.js';
import { type Dispatcher, request } from 'undici';
import { withDeadline } from './deadline.js';

/**
 * Answers `interaction` with a public message, its first response, as `interaction.reply` would,
 * and leaves the interaction marked replied, so its later edits and followups go as after
 * `reply`. The body is sent as it is on the client's own connections: `reply` builds its payload
 * again (MessagePayload) and queues it per route in discord.js's REST, which in a burst of 200
 * `/video` cost about a third of each answer's CPU, and the last answers waited for all of it.
 *
 * A refusal (4xx) throws the {@link DiscordAPIError} `reply` would (10062: Discord gave up on the
 * interaction). What Discord did not take (rate limited, its server failed, no answer) is sent
 * again through discord.js's REST, which waits out rate limits and retries as it does for `reply`.
 */
export async function replyFirst(interaction: RepliableInteraction, data: APIInteractionResponseCallbackData) {
  const rest = interaction.client.rest;
  const route = Routes.interactionCallback(interaction.id, interaction.token);
  const body = { type: InteractionResponseType.ChannelMessageWithSource, data };
  const url = `${rest.options.api}/v${rest.options.version}${route}`;
  // The same User-Agent as discord.js's REST: Discord asks every bot for one of this form.
  const userAgent = `${DefaultUserAgent} ${rest.options.userAgentAppendix}`.trim();
  const dispatcher = rest.agent as Dispatcher | null;
  const refusal = await withDeadline(rest.options.timeout, (signal) =>
    post(url, body, { dispatcher, userAgent, signal }),
  ).catch(() => 'retry' as const);
  if (refusal === 'retry') await rest.post(route, { body, auth: false });
  else if (refusal) throw new DiscordAPIError(refusal.body, refusal.body.code, refusal.status, 'POST', url, { body });
  interaction.replied = true;
  interaction.ephemeral = false;
}

/** `undefined` once Discord took it; its refusal; or 'retry' for what it did not take. */
async function post(
  url: string,
  body: object,
  { dispatcher, userAgent, signal }: { dispatcher: Dispatcher | null; userAgent: string; signal: AbortSignal },
): Promise<{ status: number; body: DiscordErrorData } | 'retry' | undefined> {
  const response = await request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': userAgent },
    body: JSON.stringify(body),
    ...(dispatcher && { dispatcher }),
    signal,
  });
  const { statusCode: status } = response;
  if (status < 400) {
    await response.body.dump();
    return undefined;
  }
  if (status === 429 || status >= 500) {
    await response.body.dump();
    return 'retry';
  }
  const text = await response.body.text();
  let parsed: Partial<DiscordErrorData> = {};
  try {
    parsed = JSON.parse(text) as Partial<DiscordErrorData>;
  } catch {
    // Not Discord's JSON (a proxy's page): the status stands for the code, as in discord.js's REST.
  }
  return { status, body: { message: text, ...parsed, code: parsed.code ?? status } };
}
