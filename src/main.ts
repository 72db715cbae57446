// First: it must run before discord.js loads.
import './form-data-global.js';
import { commands } from '../commands/index.js';
import { startBot } from './bot.js';
import { loadConfig } from './config.js';
import { createLogger } from './logger.js';

const config = loadConfig();

const logger = createLogger({ ...config, secrets: [config.discord.token, config.wavespeed.apiKey] });
const bot = await startBot(config, logger, commands).catch((error: unknown) => {
  logger.fatal({ err: error }, 'could not start');
  process.exit(1);
});

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, inFlight: bot.runner.inFlight }, 'shutting down');
    bot
      .stop()
      .catch((error: unknown) => logger.error({ err: error }, 'unclean shutdown'))
      .finally(() => {
        logger.flush();
        process.exit(0);
      });
  });
}

// A lost store keeps no quota or job any more, and a new bot may already be starting on a fresh
// one: stop at once rather than serve members alongside it.
bot.store.onLost((error) => {
  logger.fatal({ err: error }, 'store lost');
  logger.flush();
  process.exit(1);
});
