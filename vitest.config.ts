import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { DurationSequencer, DurationsReporter, SummaryReporter } from '@nlpkit/vitest-config';

export default defineConfig({
  test: {
    projects: [
      'packages/*/vitest.config.ts',
      'apps/*/vitest.config.ts',
      'tooling/*/vitest.config.ts',
      'packages/*/vitest.browser.config.ts',
    ],
    // Vitest's default is one worker fewer than the cores: on CI's two cores, one test file at a time, with the
    // second core idle while a file waits on the CLI processes, Chromium or npm it starts. The complexity tests
    // (tooling/complexity) time themselves by the lesser of wall and process CPU time, so the file beside them
    // does not count.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // Inside each project the slowest files first, also on a fresh clone (tooling/vitest/durations.json).
    sequence: { sequencer: DurationSequencer },
    // NLPKIT_WRITE_DURATIONS=1: also refresh tooling/vitest/durations.json from this run.
    reporters: ['default', new SummaryReporter(), ...(process.env['NLPKIT_WRITE_DURATIONS'] === '1' ? [new DurationsReporter()] : [])],
  },
});
