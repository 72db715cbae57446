/**
 * Refusal burst: how soon 500 members at once see that their `/video` was refused, and how
 * many Discord requests each refusal cost.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { MessageFlags } from 'discord-api-types/v10';
import type { DiscordStandIn, InteractionHandle, RecordedMessage } from '../../stand-ins/discord.js';
import { type Scenario, withLog } from '../scenario.js';
import { onStage } from '../stage.js';
import { max, mean, median, percentile } from '../stats.js';
import { sendVideos } from '../traffic.js';

const MEMBERS = 500;
/** A daily allowance of nothing: the refusal reads the store (settings, then the ledger), as a real one does. */
const BOT_ENV = { QUOTA_USER_DAILY: '0' } as const;
const ON_SCREEN_TIMEOUT_MS = 60_000;
/** Checked this often while waiting; the times come from the stand-in's records, not from these checks. */
const CHECK_EVERY_MS = 100;
/** After the last refusal, time for any request that still follows it (a delete, an edit) to be counted. */
const TRAILING_MS = 2_000;

const CALLBACK_ROUTE = '/interactions/:interactionId/:token/callback';
const WEBHOOK_ROUTE = '/webhooks/:applicationId/:token';

export const refusals: Scenario = {
  id: 'refusals',
  title: `refusal burst: ${MEMBERS} members at once whose /video is refused`,
  async run() {
    const result = await onStage({ label: 'refusals', deadlineMs: 3 * 60_000, env: BOT_ENV }, async (stage) => {
      const { discord, wavespeed } = stage;
      // One refusal first, so the figures are for a running bot rather than its very first request.
      await onScreen(discord, sendVideos(discord, 'refusal warm-up', 1, 0));
      const requestsBefore = discord.requests.length;
      const handles = sendVideos(discord, 'refusal', MEMBERS, 1);
      const shownAt = await onScreen(discord, handles);
      await sleep(TRAILING_MS);
      if (wavespeed.submits.length > 0) throw new Error(`${wavespeed.submits.length} refused /video were submitted`);
      const requests = requestsPer(discord, handles, requestsBefore);
      return {
        latenciesMs: handles.flatMap((handle) => {
          const at = shownAt.get(handle.id);
          return at === undefined ? [] : [at - handle.dispatchedAt];
        }),
        unseen: handles.length - shownAt.size,
        requests,
      };
    });
    const { latenciesMs, unseen, requests } = result.value;
    return withLog(result, {
      figures: [
        ...(latenciesMs.length > 0
          ? [
              { label: 'refusal on screen p50', value: median(latenciesMs), unit: 'ms', digits: 0 },
              {
                label: 'refusal on screen p99',
                value: percentile(latenciesMs, 0.99),
                unit: 'ms',
                digits: 0,
                target: 1_500,
              },
              { label: 'refusal on screen max', value: max(latenciesMs), unit: 'ms', digits: 0 },
            ]
          : []),
        { label: 'refusals never on screen', value: unseen, unit: 'members', digits: 0, target: 0 },
        { label: 'Discord requests per refusal, mean', value: mean(requests), unit: 'requests', digits: 2 },
        { label: 'Discord requests per refusal, max', value: max(requests), unit: 'requests', digits: 0, target: 1 },
      ],
      notes: [
        `${MEMBERS} /video from ${MEMBERS} members in one instant, after one warm-up refusal; the bot runs with ${Object.entries(
          BOT_ENV,
        )
          .map(([name, value]) => `${name}=${value}`)
          .join(' ')}, so each is refused after reading the store and nothing is submitted`,
        `on screen: the first moment one of the interaction's messages (its response or a followup) is ephemeral, not loading and has content, from the interaction's dispatch, both on the stand-in's clock; requests: the callback and every interaction-webhook request with its token, counted ${TRAILING_MS / 1000} s after the last refusal showed`,
        ...(unseen > 0
          ? [`${unseen} of ${MEMBERS} members never saw a refusal within ${ON_SCREEN_TIMEOUT_MS / 1000} s`]
          : []),
      ],
      samples: { 'on screen ms': latenciesMs.map((ms) => Math.round(ms)) },
    });
  },
};

/**
 * Waits until every interaction's refusal is on screen, or its callback came too late for
 * Discord, or the timeout passes; returns when each refusal showed (stand-in clock).
 */
async function onScreen(discord: DiscordStandIn, handles: readonly InteractionHandle[]): Promise<Map<string, number>> {
  const ids = new Set(handles.map((handle) => handle.id));
  const deadline = performance.now() + ON_SCREEN_TIMEOUT_MS;
  for (;;) {
    const shown = refusalsShown(discord.messages, ids);
    const lost = lateCallbacks(discord, ids);
    if (shown.size + [...lost].filter((id) => !shown.has(id)).length >= ids.size) return shown;
    if (performance.now() > deadline) return shown;
    await sleep(CHECK_EVERY_MS);
  }
}

/** Interaction id → when its refusal first showed. */
function refusalsShown(messages: readonly RecordedMessage[], ids: ReadonlySet<string>): Map<string, number> {
  const shown = new Map<string, number>();
  for (const message of messages) {
    if (message.interactionId === undefined || !ids.has(message.interactionId)) continue;
    const at = privateNoticeAt(message);
    const earlier = shown.get(message.interactionId);
    if (at !== undefined && (earlier === undefined || at < earlier)) shown.set(message.interactionId, at);
  }
  return shown;
}

/** When the message first read as a private notice: ephemeral, past "thinking", with words in it. */
function privateNoticeAt(message: RecordedMessage): number | undefined {
  const states = [...message.history, { ...message, at: message.editedAt ?? message.createdAt }];
  return states.find(
    (state) =>
      (state.flags & MessageFlags.Ephemeral) !== 0 &&
      (state.flags & MessageFlags.Loading) === 0 &&
      state.content.trim() !== '',
  )?.at;
}

/** Interactions whose callback the stand-in refused: Discord had given up, so nothing will show. */
function lateCallbacks(discord: DiscordStandIn, ids: ReadonlySet<string>): Set<string> {
  const late = new Set<string>();
  for (const request of discord.requests) {
    const id = request.route === CALLBACK_ROUTE ? request.path.split('/')[4] : undefined;
    if (id !== undefined && ids.has(id) && request.status >= 300) late.add(id);
  }
  return late;
}

/** Discord requests each interaction cost since `from`: its callback and its webhook's requests. */
function requestsPer(discord: DiscordStandIn, handles: readonly InteractionHandle[], from: number): number[] {
  const byId = new Map(handles.map((handle) => [handle.id, 0]));
  const idOfToken = new Map(handles.map((handle) => [handle.token, handle.id]));
  for (const request of discord.requests.slice(from)) {
    // `/api/v10/interactions/{id}/{token}/callback`, `/api/v10/webhooks/{app}/{token}/…`
    const segments = request.path.split('/');
    const id =
      request.route === CALLBACK_ROUTE
        ? segments[4]
        : request.route?.startsWith(WEBHOOK_ROUTE)
          ? idOfToken.get(segments[5] ?? '')
          : undefined;
    const count = id === undefined ? undefined : byId.get(id);
    if (id !== undefined && count !== undefined) byId.set(id, count + 1);
  }
  return [...byId.values()];
}
