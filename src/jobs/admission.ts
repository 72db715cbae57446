import { randomInt } from 'node:crypto';
import { allowanceFor, type GuildSettings } from '../guilds/guild-settings.js';
import type { PromptFilter } from '../moderation/prompt-filter.js';
import type { StoredFilterRule } from '../moderation/prompt-filters-store.js';
import type { VideoRequest } from '../provider/video-provider.js';
import { nextUtcMidnight } from '../quota/ledger.js';
import { StoreBusyError } from '../store/store-errors.js';
import { UserError } from '../user-error.js';
import { modelOf, qualityOf } from '../video/catalog.js';
import { type Job, type JobOrigin, serverOf } from './job.js';
import { enterStage, type JobContext } from './job-context.js';
import type { Saved } from './job-store.js';
import type { JobNotice } from './notices.js';

/**
 * How often a job in line looks at its place again. A freed slot wakes the jobs it lets in at
 * once; this keeps the member's place current and covers a wake-up lost with its process.
 */
const LINE_CHECK_MS = 10_000;
/** Seeds the bot picks from: 0 to 2147483647, the range the catalog's `seed` option allows. */
const SEEDS = 2 ** 31;

/** The request with its seed known: WaveSpeed would pick a random one it never tells, so the bot picks it. */
function withKnownSeed(request: VideoRequest): VideoRequest {
  return request.seed === -1 ? { ...request, seed: randomInt(SEEDS) } : request;
}

/** The first stage of a job: the channel, filter and quota checks, the reservation, the line for a generation slot. */
export class Admission {
  /** Interaction ids being accepted in this process, so one delivered twice at once makes one job. */
  private readonly accepting = new Set<string>();

  constructor(private readonly context: JobContext) {}

  /**
   * Checks the channel and the server's prompt filters, reserves the quota at the price of the
   * request's model and records the job: in line, or first preparing when it starts from a member's
   * image not yet with the provider. A seed left random is picked here, so the member can be shown
   * it. Throws a {@link UserError} when it is refused (channel, filter, quota, store, an interaction
   * already accepted); nothing is spent then.
   */
  async accept(origin: JobOrigin, request: VideoRequest, memberRoles: readonly string[]): Promise<Job> {
    const id = origin.interactionId;
    // The interaction id is the job's and the reservation's: an interaction delivered again makes no second job.
    if (this.accepting.has(id)) throw this.refusal('job.already_accepted', { kind: 'already_accepted' });
    this.accepting.add(id);
    try {
      return await this.acceptOnce(origin, withKnownSeed(request), memberRoles);
    } finally {
      this.accepting.delete(id);
    }
  }

  private async acceptOnce(origin: JobOrigin, request: VideoRequest, memberRoles: readonly string[]): Promise<Job> {
    const { deps, options } = this.context;
    // Outside a server with the bot, no server's channels, roles, filters or limits apply.
    const server = serverOf(origin);
    const [settings, filter, recorded, gateRefusal] = await this.guardStore(() =>
      Promise.all([
        deps.settings.get(server),
        deps.filters.filterFor(server),
        deps.jobs.get(origin.interactionId),
        deps.gate?.refusal(origin) ?? null,
      ]),
    );
    if (recorded) throw this.refusal('job.already_accepted', { kind: 'already_accepted' });
    // A closed studio or a blocked member: refused before anything else is checked, nothing spent.
    if (gateRefusal) throw this.refusal(`video.${gateRefusal}`, { kind: gateRefusal });
    this.assertChannelAllowed(settings, origin.channelId);
    this.assertQualityAllowed(settings, origin, request);
    // A video from an image may come without a prompt: nothing to check then.
    if (request.prompt !== undefined) this.assertPromptAllowed(filter, origin, request, request.prompt);
    await this.reserve(origin, request, server === null ? null : settings, memberRoles);

    const now = this.context.now();
    const job: Job = {
      id: origin.interactionId,
      origin,
      request,
      state: 'image' in request && request.image.uploadedUrl === undefined ? 'preparing' : 'waiting',
      createdAt: now,
      polls: 0,
      revision: 0,
    };
    enterStage(job, now);
    let saved: Saved;
    try {
      saved = await deps.jobs.save(job);
      // Should this process die before the job is under way, another process sharing the steps picks it up.
      if (saved.written && deps.steps.provider.shared) {
        await deps.steps.provider.schedule(job.id, job.createdAt + options.submitGraceMs);
      }
    } catch (error) {
      await deps.ledger
        .refund(job.id)
        .catch((refundError: unknown) => this.context.log(job).error({ err: refundError }, 'refund failed'));
      this.context.log(job).error({ err: error }, 'could not record the job');
      throw this.storeUnavailable();
    }
    // Another process recorded it first; the reservation, one per interaction, is that job's.
    if (!saved.written) throw this.refusal('job.already_accepted', { kind: 'already_accepted' });
    return job;
  }

  /**
   * Whether the job holds a generation slot now. Until it does, shows the member their place in
   * line and looks again later; a job waiting longer than a job may take is abandoned.
   */
  async admit(job: Job): Promise<boolean> {
    const { deps, options } = this.context;
    const now = this.context.now();
    if (now - job.createdAt > options.jobTimeoutMs) {
      await this.context.conclude(job, { kind: 'failure', reason: 'timeout' });
      return false;
    }
    const place = await deps.line.claim(job.id, job.createdAt, now);
    // Cancelled while it claimed: the cancel gives back whatever it was given, and nothing more is shown.
    if (job.state === 'done') return false;
    this.context.reportLoad(place.waiting);
    if (place.admitted) return true;
    this.context.progress.show(job, { stage: 'waiting', ahead: place.ahead }, now);
    // Sooner when the ETA shown would pass before then: that check replaces it.
    await this.context.schedule(job, this.context.progress.stepAt(job, now + LINE_CHECK_MS, now));
    return false;
  }

  private async reserve(
    origin: JobOrigin,
    request: VideoRequest,
    /** `null` outside a server with the bot: the member's own allowance. */
    settings: GuildSettings | null,
    memberRoles: readonly string[],
  ): Promise<void> {
    const { deps, options } = this.context;
    const now = this.context.now();
    // A reserve that timed out may still land; releasing it keeps the member from being held at their
    // limit. One refused for a busy store kept nothing, and a release would only wait on the same lock.
    const releaseOnFailure = async (error: unknown) => {
      if (error instanceof StoreBusyError) return;
      await deps.ledger.refund(origin.interactionId).catch(() => {});
    };
    const outcome = await this.guardStore(
      () =>
        deps.ledger.reserve({
          id: origin.interactionId,
          userId: origin.userId,
          guildId: serverOf(origin),
          costCents: modelOf(request).priceCents,
          quality: qualityOf(request.model),
          allowance: allowanceFor(options.quota, settings, memberRoles),
          now,
          // Outlives the longest job and its delivery, so only a crashed process's reservations lapse.
          ttlMs: options.jobTimeoutMs + 60 * 60_000,
        }),
      releaseOnFailure,
    );
    if (!outcome.ok) {
      deps.observer?.refused?.(outcome.limit);
      const { limit, max } = outcome;
      throw this.refusal(`quota.${limit}`, { kind: 'quota_refused', limit, max, resetsAt: nextUtcMidnight(now) });
    }
  }

  /** Runs a store operation; when the store fails, runs `release` and refuses with a clear message. */
  private async guardStore<T>(operation: () => Promise<T>, release?: (error: unknown) => Promise<void>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      this.context.deps.logger.error({ err: error }, 'store unavailable');
      await release?.(error);
      throw this.storeUnavailable();
    }
  }

  private assertChannelAllowed(settings: GuildSettings, channelId: string): void {
    const allowed = settings.allowedChannels;
    if (allowed.length === 0 || allowed.includes(channelId)) return;
    throw this.refusal('video.channel_not_allowed', { kind: 'channel_refused', allowedChannels: allowed });
  }

  /** 1080p is a server's to allow; outside servers no admin can, so it stays off there. */
  private assertQualityAllowed(settings: GuildSettings, origin: JobOrigin, request: VideoRequest): void {
    if (qualityOf(request.model) === '480p' || settings.video1080p.enabled) return;
    const inServer = serverOf(origin) !== null;
    throw this.refusal('video.quality_not_allowed', { kind: 'quality_refused', quality: '1080p', inServer });
  }

  /** The member is told only that the prompt is not allowed; the log names the rule, not the prompt. */
  private assertPromptAllowed(
    filter: PromptFilter<StoredFilterRule>,
    origin: JobOrigin,
    request: VideoRequest,
    prompt: string,
  ): void {
    const rule = filter.check(prompt);
    if (!rule) return;
    const { interactionId, guildId, userId } = origin;
    this.context.deps.logger.info(
      { interactionId, guildId, userId, rule: { kind: rule.kind, text: rule.text, addedBy: rule.addedBy } },
      'prompt refused by a filter',
    );
    // The server's moderation log shows the prompt and the rule; the member reads neither.
    this.context.deps.observer?.promptRefused?.(origin, request, rule);
    throw this.refusal('video.prompt_not_allowed', { kind: 'prompt_refused' });
  }

  private storeUnavailable(): UserError {
    return this.refusal('store.unavailable', { kind: 'store_unavailable' });
  }

  /** A refusal the member reads as `notice`, worded by the chat adapter in their language. */
  private refusal(identifier: string, notice: JobNotice): UserError {
    return new UserError(identifier, (t) => this.context.deps.text.render(notice, t));
  }
}
