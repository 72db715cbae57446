import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // End-to-end suites start real servers and a real discord.js client on loopback.
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Some suites share the Redis on 127.0.0.1:6379; each uses its own key prefix.
    pool: 'forks',
  },
});
