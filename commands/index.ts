import type { Command } from '../src/command.js';
import quota from './quota.js';
import video from './video.js';
import videoAdmin from './video-admin.js';
import videoHistory from './video-history.js';
import videoShow from './video-show.js';

/** Every slash command the bot serves, in the order `deploy-commands` registers them. */
export const commands: readonly Command[] = [video, videoShow, videoHistory, quota, videoAdmin];
