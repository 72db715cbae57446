import pino, { type Logger } from 'pino';
import type { Config } from './config.js';

export type { Logger } from 'pino';

// Interaction and webhook tokens travel inside Discord URLs (and so inside DiscordAPIError
// messages and stacks); the path segment after the id is the secret.
const TOKEN_IN_URL = /((?:interactions|webhooks)\/\d{15,22}\/)[\w.-]{20,}/g;

/**
 * Removes secrets from a serialized log line: the configured ones verbatim, and any
 * interaction token inside a Discord URL. Applied to every line, whatever logged it.
 */
export function scrubber(secrets: readonly string[]): (line: string) => string {
  const verbatim = secrets.filter((secret) => secret.length >= 8);
  return (line) => {
    let clean = line.replace(TOKEN_IN_URL, '$1[redacted]');
    for (const secret of verbatim) clean = clean.replaceAll(secret, '[redacted]');
    return clean;
  };
}

/** The root logger. Pretty printing is for development and needs the pino-pretty dev dependency. */
export function createLogger(
  config: Pick<Config, 'log'> & { secrets: readonly string[] },
  destination?: pino.DestinationStream,
): Logger {
  const scrub = scrubber(config.secrets);
  const options: pino.LoggerOptions = {
    level: config.log.level,
    redact: {
      paths: ['token', '*.token', 'authorization', '*.authorization', 'headers.authorization'],
      censor: '[redacted]',
    },
    hooks: { streamWrite: scrub },
    ...(config.log.pretty && !destination && { transport: { target: 'pino-pretty' } }),
  };
  return destination ? pino(options, destination) : pino(options);
}
