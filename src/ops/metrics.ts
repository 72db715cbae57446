import type { Logger } from 'pino';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { DeliveryRoute, FailureReason, Job } from '../jobs/job.js';
import type { JobObserver } from '../jobs/job-observer.js';
import type { ProviderError } from '../provider/errors.js';
import type { QuotaLimit } from '../quota/ledger.js';
import { WEBHOOK_REJECTIONS, type WebhookObserver, type WebhookRejection } from '../wavespeed/webhook.js';

export interface BotMetricsOptions {
  /**
   * Bot-wide spend this UTC day in US cents, read at each scrape. Pass the quota ledger's
   * figure: it is the one the budget cap compares against, and unlike a count kept here it
   * survives restarts and includes every process sharing the store. Without it, no spend
   * gauge is exported.
   */
  spentCents?: () => Promise<number>;
  /** Also export Node's process metrics (`process_*`, `nodejs_*`). Default true. */
  processMetrics?: boolean;
  /** Where a failed spend read is reported. */
  logger?: Logger;
}

/**
 * The bot's Prometheus metrics, fed as the job runner's {@link JobObserver} and the webhook
 * receiver's {@link WebhookObserver}. They live on a registry of their own, so nothing else
 * in the process can add to or clash with them.
 */
export class BotMetrics implements JobObserver, WebhookObserver {
  readonly registry = new Registry();

  readonly #jobs = new Counter({
    name: 'videobot_jobs_total',
    help: 'Jobs by how they ended: delivered (by route), failed (by reason) or refused by a quota.',
    labelNames: ['outcome', 'route', 'reason'] as const,
    registers: [this.registry],
  });
  readonly #quotaDenials = new Counter({
    name: 'videobot_quota_denials_total',
    help: 'Requests refused before submitting, by the limit that refused them.',
    labelNames: ['limit'] as const,
    registers: [this.registry],
  });
  readonly #providerErrors = new Counter({
    name: 'videobot_provider_errors_total',
    help: 'Failed provider calls (submit, result or download), by error class.',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  readonly #resultCalls = new Counter({
    name: 'videobot_result_calls_total',
    help: 'Result calls made to the provider.',
    registers: [this.registry],
  });
  readonly #webhookRejections = new Counter({
    name: 'videobot_webhook_rejections_total',
    help: 'Webhook callbacks turned away, by reason: forged, stale, replayed, unreadable, too large, or not verifiable yet.',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly #submitLatency = new Histogram({
    name: 'videobot_submit_latency_seconds',
    help: 'Time from the member asking to the provider accepting the job.',
    buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly #deliveryLag = new Histogram({
    name: 'videobot_delivery_lag_seconds',
    help: 'Time from learning a video is ready to the member having it (download and upload included).',
    buckets: [0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
    registers: [this.registry],
  });
  readonly #inFlight = new Gauge({
    name: 'videobot_jobs_in_flight',
    help: 'Jobs accepted and not yet done in this process.',
    registers: [this.registry],
  });
  readonly #queueLength = new Gauge({
    name: 'videobot_queue_length',
    help: 'Jobs waiting in line for a WaveSpeed generation slot (the line is shared by every process on Redis).',
    registers: [this.registry],
  });

  constructor(options: BotMetricsOptions = {}) {
    if (options.spentCents) spendGauge(this.registry, options.spentCents, options.logger);
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
    // Every reason from zero, so an alert on its increase fires on the first forged call too.
    for (const reason of WEBHOOK_REJECTIONS) this.#webhookRejections.inc({ reason }, 0);
  }

  /** `Content-Type` of {@link metrics}'s text. */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** Every metric in the Prometheus text exposition format. */
  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  refused(limit: QuotaLimit): void {
    this.#jobs.inc({ outcome: 'refused' });
    this.#quotaDenials.inc({ limit });
  }

  submitted(_job: Job, latencyMs: number): void {
    this.#submitLatency.observe(latencyMs / 1000);
  }

  polled(): void {
    this.#resultCalls.inc();
  }

  providerError(error: ProviderError): void {
    this.#providerErrors.inc({ kind: error.name });
  }

  delivered(_job: Job, route: DeliveryRoute, lagMs: number): void {
    this.#jobs.inc({ outcome: 'delivered', route });
    this.#deliveryLag.observe(lagMs / 1000);
  }

  failed(_job: Job, reason: FailureReason): void {
    this.#jobs.inc({ outcome: 'failed', reason });
  }

  webhookRejected(reason: WebhookRejection): void {
    this.#webhookRejections.inc({ reason });
  }

  load(queued: number, inFlight: number): void {
    this.#queueLength.set(queued);
    this.#inFlight.set(inFlight);
  }
}

/** `videobot_spend_today_usd`, read from `spentCents` at each scrape. */
function spendGauge(registry: Registry, spentCents: () => Promise<number>, logger: Logger | undefined): void {
  new Gauge({
    name: 'videobot_spend_today_usd',
    help: 'Bot-wide spend this UTC day in US dollars, committed and reserved, as the budget cap counts it.',
    registers: [registry],
    async collect() {
      try {
        this.set((await spentCents()) / 100);
      } catch (error) {
        // A failed scrape would hide every other metric; the last known value stays instead.
        logger?.warn({ err: error }, 'could not read spend for metrics');
      }
    },
  });
}
