import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The app imports core's TypeScript sources directly, so `npm run build -w @costwise/web` needs no tsc step.
export default defineConfig({
  base: './',
  resolve: {
    alias: {
      '@costwise/core': fileURLToPath(new URL('../core/src/index.ts', import.meta.url)),
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
  },
});
