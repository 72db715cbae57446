import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, stream };
}

describe('createLogger', () => {
  // Fake, and deliberately not shaped like a real token so secret scanners stay quiet.
  const botToken = 'test-bot-token-not-real-0123456789';
  const apiKey = 'ws-live-0123456789abcdef';
  const interactionToken = 'aW50ZXJhY3Rpb246MTIzNDU2Nzg5MDEyMzQ1Njc4OmFiY2RlZg';

  it('removes the bot token, the API key and interaction tokens from every line', () => {
    const { lines, stream } = capture();
    const logger = createLogger({ log: { level: 'debug', pretty: false }, secrets: [botToken, apiKey] }, stream);
    const url = `https://discord.com/api/v10/webhooks/123456789012345678/${interactionToken}/messages/@original`;
    const err = new Error(`Invalid Webhook Token ${url}`);
    logger.error({ err, url, note: `key ${apiKey}`, headers: { authorization: `Bot ${botToken}` } }, `PATCH ${url}`);
    logger.debug({ callback: `/interactions/123456789012345678/${interactionToken}/callback` }, 'deferred');

    const output = lines.join('');
    expect(output).toContain('webhooks/123456789012345678/[redacted]/messages');
    expect(output).toContain('interactions/123456789012345678/[redacted]/callback');
    for (const secret of [botToken, apiKey, interactionToken]) expect(output).not.toContain(secret);
  });
});
