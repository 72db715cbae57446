import type { Job } from './job.js';

/**
 * What a member can do from a job's messages; the chat adapter shows each as a button and
 * routes a press back by the action and the job's id, so a button works for as long as the
 * job's record is kept, across restarts.
 */
export type JobAction = 'reroll' | 'remix' | 'delete' | 'cancel';

/** Under a job's progress, while it is in line or being made. */
export const PROGRESS_ACTIONS: readonly JobAction[] = ['cancel'];

/**
 * Under a finished video, on whichever route it reached the member. A 1080p finish, offered
 * only where the server allows it, will make this a function of the job and its server's settings.
 */
export const VIDEO_ACTIONS: readonly JobAction[] = ['reroll', 'remix', 'delete'];

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
