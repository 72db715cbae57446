import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // End-to-end suites start real servers and a real discord.js client on loopback.
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Suites run in parallel processes; each that needs Redis starts a redis-server of its own
    // (test/support/redis.ts), so none shares one with another or touches the developer's.
    pool: 'forks',
  },
});
