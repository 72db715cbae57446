import type { JobOrigin } from '../../src/jobs/job.js';

/** A job's origin in a guild channel, with Discord's default upload limit; tests override what they are about. */
export function testOrigin(overrides: Partial<JobOrigin> & Pick<JobOrigin, 'tokenExpiresAt'>): JobOrigin {
  return {
    interactionId: '1000000000000000001',
    token: 'token',
    applicationId: '2000000000000000001',
    guildId: '3000000000000000001',
    channelId: '4000000000000000001',
    userId: '5000000000000000001',
    attachmentSizeLimit: 10 * 1024 * 1024,
    channelNsfw: false,
    ...overrides,
  };
}
