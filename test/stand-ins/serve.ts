/**
 * Runs the WaveSpeed stand-in by hand (`npm run stand-in`), so the bot can be tried end to
 * end without spending credit. Point the bot at the printed URL and key.
 *
 *   STAND_IN_PORT          port to listen on (default 8787)
 *   STAND_IN_DURATION_MS   how long each video takes (default 20000)
 */
import { z } from 'zod';
import { startWaveSpeedStandIn } from './wavespeed.js';

const parsed = z
  .object({
    STAND_IN_PORT: z.coerce.number().int().min(0).max(65_535).default(8787),
    STAND_IN_DURATION_MS: z.coerce.number().int().nonnegative().default(20_000),
  })
  .safeParse(process.env);
if (!parsed.success) {
  console.error(z.prettifyError(parsed.error));
  process.exit(1);
}
const env = parsed.data;

const standIn = await startWaveSpeedStandIn({
  port: env.STAND_IN_PORT,
  defaults: { durationMs: env.STAND_IN_DURATION_MS },
});
console.log(`WaveSpeed stand-in listening; each video takes ${env.STAND_IN_DURATION_MS} ms. Run the bot with:

  WAVESPEED_BASE_URL=${standIn.baseUrl}
  WAVESPEED_API_KEY=${standIn.apiKey}
`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void standIn.close().then(() => process.exit(0));
  });
}

// Echo each submit so the operator sees what the bot sent.
for (let count = 1; ; count++) {
  const submits = await standIn.waitForSubmits(count).catch(() => undefined);
  if (!submits) break;
  console.log(`submit #${count}:`, JSON.stringify(submits[count - 1]?.body));
}
