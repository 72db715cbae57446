import { describe, expect, it } from 'vitest';
import type { Job } from '../../src/jobs/job.js';
import { BotMetrics } from '../../src/ops/metrics.js';
import { ModerationError, ProviderRateLimitError } from '../../src/provider/errors.js';
import { WEBHOOK_REJECTIONS } from '../../src/wavespeed/webhook.js';

const job: Job = {
  id: '1300000000000000001',
  origin: {
    interactionId: '1300000000000000001',
    token: '',
    tokenExpiresAt: 0,
    applicationId: '1300000000000000002',
    guildId: '1300000000000000003',
    channelId: '1300000000000000004',
    userId: '1300000000000000005',
    attachmentSizeLimit: 10 * 1024 * 1024,
    channelNsfw: false,
  },
  request: {
    model: 't2v-plus-480p',
    prompt: 'a kite over a windy beach',
    size: '832*480',
    seed: -1,
    prompt_expansion: false,
  },
  state: 'done',
  createdAt: 0,
  revision: 4,
  polls: 3,
};

/** The exposition text, one line per sample. */
async function samples(metrics: BotMetrics): Promise<string[]> {
  return (await metrics.metrics()).split('\n');
}

describe('BotMetrics', () => {
  it('counts jobs by outcome, with the route or reason', async () => {
    const metrics = new BotMetrics({ processMetrics: false });
    metrics.delivered(job, 'reply', 1_500);
    metrics.delivered(job, 'reply', 2_500);
    metrics.delivered(job, 'dm', 500);
    metrics.failed(job, 'moderation');
    metrics.refused('user_daily');

    const lines = await samples(metrics);
    expect(lines).toContain('videobot_jobs_total{outcome="delivered",route="reply"} 2');
    expect(lines).toContain('videobot_jobs_total{outcome="delivered",route="dm"} 1');
    expect(lines).toContain('videobot_jobs_total{outcome="failed",reason="moderation"} 1');
    expect(lines).toContain('videobot_jobs_total{outcome="refused"} 1');
  });

  it('counts quota denials by the limit that refused', async () => {
    const metrics = new BotMetrics({ processMetrics: false });
    metrics.refused('budget');
    metrics.refused('budget');
    metrics.refused('guild_daily');

    const lines = await samples(metrics);
    expect(lines).toContain('videobot_quota_denials_total{limit="budget"} 2');
    expect(lines).toContain('videobot_quota_denials_total{limit="guild_daily"} 1');
  });

  it('records submit latency and delivery lag in seconds', async () => {
    const metrics = new BotMetrics({ processMetrics: false });
    metrics.submitted(job, 300);
    metrics.submitted(job, 4_000);
    metrics.delivered(job, 'channel', 45_000);

    const lines = await samples(metrics);
    expect(lines).toContain('videobot_submit_latency_seconds_bucket{le="0.5"} 1');
    expect(lines).toContain('videobot_submit_latency_seconds_bucket{le="5"} 2');
    expect(lines).toContain('videobot_submit_latency_seconds_sum 4.3');
    expect(lines).toContain('videobot_submit_latency_seconds_count 2');
    expect(lines).toContain('videobot_delivery_lag_seconds_bucket{le="30"} 0');
    expect(lines).toContain('videobot_delivery_lag_seconds_bucket{le="60"} 1');
  });

  it('counts provider errors by class and result calls', async () => {
    const metrics = new BotMetrics({ processMetrics: false });
    metrics.providerError(new ProviderRateLimitError('429'));
    metrics.providerError(new ProviderRateLimitError('429'));
    metrics.providerError(new ModerationError('1200'));
    metrics.polled();
    metrics.polled();
    metrics.polled();

    const lines = await samples(metrics);
    expect(lines).toContain('videobot_provider_errors_total{kind="ProviderRateLimitError"} 2');
    expect(lines).toContain('videobot_provider_errors_total{kind="ModerationError"} 1');
    expect(lines).toContain('videobot_result_calls_total 3');
  });

  it('counts rejected webhook callbacks by reason, every reason from zero', async () => {
    const metrics = new BotMetrics({ processMetrics: false });
    for (let call = 0; call < 3; call += 1) metrics.webhookRejected('bad_signature');
    metrics.webhookRejected('replay');

    const lines = await samples(metrics);
    expect(lines).toContain('videobot_webhook_rejections_total{reason="bad_signature"} 3');
    expect(lines).toContain('videobot_webhook_rejections_total{reason="replay"} 1');
    for (const reason of WEBHOOK_REJECTIONS.filter((reason) => reason !== 'bad_signature' && reason !== 'replay')) {
      expect(lines).toContain(`videobot_webhook_rejections_total{reason="${reason}"} 0`);
    }
  });

  it('shows the latest queue length and jobs in flight', async () => {
    const metrics = new BotMetrics({ processMetrics: false });
    metrics.load(4, 16);
    metrics.load(2, 15);

    const lines = await samples(metrics);
    expect(lines).toContain('videobot_queue_length 2');
    expect(lines).toContain('videobot_jobs_in_flight 15');
  });

  it("reads today's spend at each scrape, in dollars", async () => {
    let spent = 35;
    const metrics = new BotMetrics({ processMetrics: false, spentCents: async () => spent });

    expect(await samples(metrics)).toContain('videobot_spend_today_usd 0.35');
    spent = 120;
    expect(await samples(metrics)).toContain('videobot_spend_today_usd 1.2');
  });

  it('keeps the last spend when the store cannot be read, rather than failing the scrape', async () => {
    let read = async () => 50;
    const metrics = new BotMetrics({ processMetrics: false, spentCents: () => read() });
    await metrics.metrics();
    read = async () => {
      throw new Error('store down');
    };

    expect(await samples(metrics)).toContain('videobot_spend_today_usd 0.5');
  });

  it('exports no spend without a source, and Node process metrics unless told not to', async () => {
    const withProcess = await new BotMetrics().metrics();
    expect(withProcess).not.toContain('videobot_spend_today_usd');
    expect(withProcess).toContain('process_cpu_user_seconds_total');
    expect(await new BotMetrics({ processMetrics: false }).metrics()).not.toContain('process_cpu');
  });

  it('keeps its metrics apart from every other registry', async () => {
    const first = new BotMetrics({ processMetrics: false });
    const second = new BotMetrics({ processMetrics: false });
    first.polled();

    expect(await samples(first)).toContain('videobot_result_calls_total 1');
    expect(await samples(second)).toContain('videobot_result_calls_total 0');
    expect(first.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
  });
});
