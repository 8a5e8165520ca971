import { defineConfig } from 'vitest/config';
import { SummaryReporter } from '@nlpkit/vitest-config';

export default defineConfig({
  test: {
    projects: [
      'packages/*/vitest.config.ts',
      'apps/*/vitest.config.ts',
      'tooling/*/vitest.config.ts',
      'packages/*/vitest.browser.config.ts',
    ],
    reporters: ['default', new SummaryReporter()],
  },
});
