import type { GuildSettings } from '../guilds/guild-settings.js';
import { modelFor, optionsOf, qualityOf, VIDEO_MODELS } from '../video/catalog.js';
import type { Job } from './job.js';

/**
 * What a member can do from a job's messages; the chat adapter shows each as a button and
 * routes a press back by the action and the job's id, so a button works for as long as the
 * job's record is kept, across restarts.
 */
export type JobAction = 'reroll' | 'remix' | 'upscale' | 'delete' | 'cancel';

/** Under a job's progress, while it is in line or being made. */
export const PROGRESS_ACTIONS: readonly JobAction[] = ['cancel'];

/**
 * Under a finished video, on whichever route it reached the member: the 1080p take (`upscale`)
 * only under a 480p video, where its server allows 1080p, and when the video has what the 1080p
 * model requires (a prompt, from an image).
 */
export function videoActions(job: Job, settings: GuildSettings): readonly JobAction[] {
  return ['reroll', 'remix', ...(settings.video1080p.enabled && upscalable(job) ? ['upscale' as const] : []), 'delete'];
}

function upscalable({ request }: Job): boolean {
  if (qualityOf(request.model) !== '480p') return false;
  const sharp = VIDEO_MODELS[modelFor({ fromImage: 'image' in request, quality: '1080p' })];
  const given = request as Partial<Record<string, unknown>>;
  return optionsOf(sharp).every(({ name, required }) => !required || given[name] !== undefined);
}

/** Who acts on a job from one of its messages. */
export interface Actor {
  userId: string;
  /** Holds the chat platform's permission to manage others' messages where the job's message is. */
  moderator: boolean;
}

/** Whether `actor` may delete a job's video or cancel it: its requester, or a moderator. */
export function mayManage(job: Job, actor: Actor): boolean {
  return actor.userId === job.origin.userId || actor.moderator;
}
