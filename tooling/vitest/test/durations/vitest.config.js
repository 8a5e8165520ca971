// A tiny run for durationsReporter.test.js: one file whose beforeAll takes most of its time.
import { defineConfig } from 'vitest/config';
import { DurationsReporter } from '../../index.js';

const root = new URL('.', import.meta.url).pathname;
export default defineConfig({
  test: {
    root,
    include: ['*.fixture.js'],
    reporters: [new DurationsReporter({ file: process.env.DURATIONS_FILE, root })],
  },
});
