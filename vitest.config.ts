import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    alias: {
      '@costwise/core': fileURLToPath(new URL('./packages/core/src/index.ts', import.meta.url)),
      '@costwise/gateway': fileURLToPath(new URL('./packages/gateway/src/index.ts', import.meta.url)),
    },
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'scripts/**/*.test.mjs'],
    testTimeout: 30_000,
  },
});
