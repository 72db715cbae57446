import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../support/redis.js';
import { type Rig, type RigOptions, startRig } from './rig.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const delivered = (m: { attachments: readonly unknown[] }) => m.attachments.length > 0;

/** The bot with its ops listener on a known port, and WaveSpeed calling back to it. */
async function startWebhookRig(options: RigOptions = {}) {
  const port = await freePort();
  const callbackUrl = `http://127.0.0.1:${port}/wavespeed/callback`;
  const started = await startRig({
    ...options,
    env: {
      METRICS_PORT: String(port),
      WAVESPEED_WEBHOOK_URL: callbackUrl,
      WAVESPEED_POLL_INTERVAL_MS: '50',
      ...options.env,
    },
  });
  return { rig: started, opsUrl: `http://127.0.0.1:${port}`, callbackUrl };
}

describe('webhook mode', () => {
  it('submits with the callback URL and delivers on the callback, without polling for it', async () => {
    const { rig: started, callbackUrl } = await startWebhookRig();
    rig = started;
    rig.wavespeed.nextSubmit({ durationMs: 100 });
    const handle = rig.discord.sendCommand({ name: 'video', options: { prompt: 'called back' } });
    await handle.waitForMessage(delivered);
    expect(rig.wavespeed.submits[0]?.webhook).toBe(callbackUrl);
    expect(rig.wavespeed.webhookCalls).toHaveLength(1);
    // The only result calls are the slow reconciler's: none fell due in a 100-ms job.
    expect(rig.wavespeed.resultCalls).toHaveLength(0);
  });

  it.each([
    ['lost', { lose: true }],
    ['badly signed', { badSignature: true }],
  ] as const)('still delivers, through the reconciling poll, when the callback is %s', async (_case, webhook) => {
    const { rig: started } = await startWebhookRig();
    rig = started;
    rig.wavespeed.nextSubmit({ durationMs: 100, webhook });
    const handle = rig.discord.sendCommand({ name: 'video', options: { prompt: 'reconciled' } });
    await handle.waitForMessage(delivered);
    expect(rig.wavespeed.resultCalls.length).toBeGreaterThan(0);
    expect(handle.messages()).toHaveLength(1);
  });

  it('posts once when the callback is replayed', async () => {
    const { rig: started } = await startWebhookRig();
    rig = started;
    rig.wavespeed.nextSubmit({ durationMs: 100, webhook: { replay: true } });
    const handle = rig.discord.sendCommand({ name: 'video', options: { prompt: 'twice told' } });
    await handle.waitForMessage(delivered);
    await rig.wavespeed.waitForWebhookCalls(2);
    expect(handle.messages()).toHaveLength(1);
    expect(
      rig.discord
        .requestsTo('/webhooks/:applicationId/:token/messages/@original', 'PATCH')
        .filter((r) => r.files.length > 0),
    ).toHaveLength(1);
  });
});

describe('ops listener', () => {
  it('serves health, readiness and metrics that count the work done', async () => {
    const { rig: started, opsUrl } = await startWebhookRig();
    rig = started;
    await rig.discord.sendCommand({ name: 'video', options: { prompt: 'counted' } }).waitForMessage(delivered);
    await rig.waitForLog(/"msg":"delivered"/);

    expect((await fetch(`${opsUrl}/healthz`)).status).toBe(200);
    expect((await fetch(`${opsUrl}/readyz`)).status).toBe(200);
    const metrics = await (await fetch(`${opsUrl}/metrics`)).text();
    expect(metrics).toMatch(/videobot_jobs_total\{outcome="delivered",route="reply"\} 1/);
    expect(metrics).toMatch(/videobot_spend_today_usd 0\.05/);
    expect(metrics).toMatch(/videobot_submit_latency_seconds_count 1/);
  });
});
