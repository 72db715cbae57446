import { once } from 'node:events';
import { Client, Events, GatewayIntentBits, Options } from 'discord.js';
import { Agent } from 'undici';
import { type Command, type CommandContext, commandPredicate } from './command.js';
import type { Config } from './config.js';
import { DiscordDelivery } from './discord/discord-delivery.js';
import { interactionHandler } from './discord/interactions.js';
import { discordText } from './discord/messages.js';
import { DiscordLogPoster } from './discord/moderation-log.js';
import { GuildSettingsStore } from './guilds/guild-settings.js';
import { everyObserver } from './jobs/job-observer.js';
import { JobRunner } from './jobs/job-runner.js';
import { jobStoreIn } from './jobs/job-store.js';
import { PollPlanner } from './jobs/poll-planner.js';
import { VideoFiles } from './jobs/video-files.js';
import type { Logger } from './logger.js';
import { createModeration, type Moderation } from './moderation/moderation.js';
import { PromptFilterStore } from './moderation/prompt-filters-store.js';
import { startOpsServer } from './ops/http-server.js';
import type { QuotaLedger } from './quota/ledger.js';
import { openBackend } from './store/backend.js';
import type { Store } from './store/store.js';
import { VIDEO_MODELS } from './video/catalog.js';
import { WaveSpeedClient } from './wavespeed/client.js';
import { WebhookReceiver } from './wavespeed/webhook.js';

/** With webhooks on, jobs are still polled this many guidance intervals apart (30 s by default), for lost callbacks. */
const RECONCILE_INTERVALS = 6;
/** `usage()` needs a member; this one never makes videos, so only the bot-wide spend is read. */
const METRICS_USER = 'metrics';
/** Connections for deferrals and the client's other calls; a burst of 200 deferrals does not wait for one. */
const DEFERRAL_CONNECTIONS = 128;

/** A running bot: logged in, serving commands, driving jobs. */
export interface Bot {
  client: Client<true>;
  runner: JobRunner;
  ledger: QuotaLedger;
  store: Store;
  /** The moderation log, blocked members and the provider account. */
  moderation: Moderation;
  /** Stops taking work, lets running steps finish for `graceMs`, then closes the gateway and the store. */
  stop(graceMs?: number): Promise<void>;
}

/** Whether the store answers a read, for the readiness probe. */
async function storeAnswers(store: Store): Promise<boolean> {
  return store
    .keyv('health')
    .get('probe')
    .then(
      () => true,
      () => false,
    );
}

/** Wires the bot from its configuration, logs in and resumes unfinished jobs. */
export async function startBot(config: Config, logger: Logger, commands: readonly Command[]): Promise<Bot> {
  for (const command of commands) commandPredicate.parse(command);

  // A slot is held through the submit and the generation, and given back when the job ends.
  const slotTtlMs = submitGraceMs(config) + config.jobTimeoutMs + 60_000;
  const { store, ledger, line, steps } = await openBackend(config, logger, { slotTtlMs });
  const settings = new GuildSettingsStore(store.keyv('guild-settings'));
  const filters = new PromptFilterStore(store.keyv('prompt-filters'));
  const client = new Client({
    intents: [GatewayIntentBits.Guilds],
    rest: {
      api: config.discord.apiUrl,
      // Uploads of videos up to 100 MiB need more than the default 15 s.
      timeout: 120_000,
      // undici's pool keeps a client object for every connection it ever opened at once, so
      // an uncapped pool holds the high-water mark of the largest burst of deferrals for good.
      agent: new Agent({ connections: DEFERRAL_CONNECTIONS }),
    },
    // Nothing the bot sends pings anyone unless a message says so.
    allowedMentions: { parse: [] },
    // The bot reads guilds, channels (age restriction) and roles (a member's roles) from the
    // cache, and the rest from each interaction. Caching every member and user who ever ran a
    // command, and every reply, only grew memory; its own user and member are kept.
    makeCache: Options.cacheWithLimits({
      ...Options.DefaultMakeCacheSettings,
      MessageManager: 0,
      UserManager: { maxSize: 0, keepOverLimit: (user) => user.id === user.client.user.id },
      GuildMemberManager: { maxSize: 0, keepOverLimit: (member) => member.id === member.client.user.id },
      PresenceManager: 0,
      ReactionManager: 0,
      ReactionUserManager: 0,
      ThreadMemberManager: 0,
      VoiceStateManager: 0,
      BaseGuildEmojiManager: 0,
      GuildEmojiManager: 0,
      GuildStickerManager: 0,
      GuildScheduledEventManager: 0,
      StageInstanceManager: 0,
      GuildInviteManager: 0,
      GuildBanManager: 0,
      AutoModerationRuleManager: 0,
      ApplicationCommandManager: 0,
      ApplicationEmojiManager: 0,
      EntitlementManager: 0,
    }),
  });
  const provider = new WaveSpeedClient({
    apiKey: config.wavespeed.apiKey,
    baseUrl: config.wavespeed.baseUrl,
    outputHosts: config.wavespeed.outputHosts,
    requestTimeoutMs: config.wavespeed.requestTimeoutMs,
    ...(config.wavespeed.webhookUrl && { webhookUrl: config.wavespeed.webhookUrl }),
    logger,
  });
  const planner = new PollPlanner(store.keyv('poll-timings'), logger, {
    guidanceMs: config.wavespeed.pollIntervalMs,
    // With callbacks, polling only reconciles the ones that got lost.
    ...(config.wavespeed.webhookUrl && { reconcileEveryMs: RECONCILE_INTERVALS * config.wavespeed.pollIntervalMs }),
  });
  // Durations are learned per model, under its path.
  for (const model of Object.values(VIDEO_MODELS)) await planner.load(model.path);
  // Loaded only when asked for: prom-client costs an idle bot memory it would not use.
  const metrics =
    config.ops &&
    new (await import('./ops/metrics.js')).BotMetrics({
      // The ledger's bot-wide figure: it survives restarts and counts every process's jobs.
      spentCents: async () => (await ledger.usage(METRICS_USER, null, Date.now())).spentCents,
      logger,
    });
  const moderation = createModeration({
    store,
    account: provider,
    poster: (channels) => new DiscordLogPoster(client.rest, config.discord.token, channels, logger),
    // Each process tells the logs of the servers it serves.
    guildIds: () => client.guilds.cache.keys(),
    warnUsd: config.wavespeed.balanceWarnUsd,
    logger,
  });
  // Downloads wait on disk for their upload; a crashed process's leftovers go first.
  const files = new VideoFiles();
  await files.sweep();
  const runner = new JobRunner(
    {
      jobs: jobStoreIn(store),
      ledger,
      provider,
      planner,
      delivery: new DiscordDelivery(client.rest, config.discord.token, logger),
      text: discordText,
      files,
      settings,
      filters,
      gate: moderation.gate,
      steps,
      line,
      logger,
      observer: everyObserver(metrics, moderation.log, moderation.account),
    },
    {
      quota: config.quota,
      jobTimeoutMs: config.jobTimeoutMs,
      retryDelayMs: config.retryDelayMs,
      submitGraceMs: submitGraceMs(config),
      handoffNoticeMs: 3 * 60_000,
      outputMaxBytes: config.delivery.outputMaxBytes,
    },
  );
  const ops =
    config.ops &&
    metrics &&
    (await startOpsServer({
      port: config.ops.port,
      host: config.ops.host,
      metrics,
      logger,
      ready: async () => client.isReady() && (await storeAnswers(store)),
      ...(config.ops.webhookPath && {
        webhook: new WebhookReceiver({
          path: config.ops.webhookPath,
          secret: () => provider.webhookSecret(),
          onPrediction: (prediction) => runner.onPrediction(prediction),
          observer: metrics,
          logger: logger.child({ component: 'webhook' }),
        }),
      }),
    }));
  if (ops) logger.info({ url: ops.url }, 'ops listener up');

  const context: CommandContext = { config, runner, ledger, settings, filters, moderation, logger };
  client.on(Events.InteractionCreate, interactionHandler(commands, context));
  client.on(Events.Error, (error) => logger.error({ err: error }, 'discord client error'));

  const ready = once(client, Events.ClientReady);
  await client.login(config.discord.token);
  await ready;
  logger.info({ user: (client as Client<true>).user.tag, guilds: client.guilds.cache.size }, 'logged in');
  const resumed = await runner.resume();
  if (resumed > 0) logger.info({ resumed }, 'resumed unfinished jobs');
  moderation.account.start();

  return {
    client: client as Client<true>,
    runner,
    ledger,
    store,
    moderation,
    async stop(graceMs = 5_000) {
      client.removeAllListeners(Events.InteractionCreate);
      await ops?.close();
      await runner.stop(graceMs);
      await moderation.account.stop();
      // Log posts of the jobs that just ended, for as long as the jobs' own grace.
      await moderation.log.idle(graceMs);
      await client.destroy();
      await planner.flush();
      await store.close();
    },
  };
}

/** Longer than any submit can take: three attempts (a refused connection or a 429 may be retried) and their waits. */
function submitGraceMs(config: Config): number {
  return 3 * config.wavespeed.requestTimeoutMs + 90_000;
}
