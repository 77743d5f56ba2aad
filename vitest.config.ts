import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

const r = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  resolve: {
    alias: {
      '@scoresde/core': r('./packages/core/src/index.ts'),
      '@scoresde/forward-operators': r('./packages/forward-operators/src/index.ts'),
      '@scoresde/guidance': r('./packages/guidance/src/index.ts'),
      '@scoresde/cli': r('./packages/cli/src/index.ts'),
      '@scoresde/datasets': r('./datasets/src/index.ts'),
    },
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'plugins/*/test/**/*.test.ts', 'datasets/test/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
