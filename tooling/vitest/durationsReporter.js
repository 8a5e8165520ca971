import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Writes how long each test file took into `durations.json` (seconds by path from the repository root), the
 * order {@link import('./durationSequencer.js').DurationSequencer} starts files in. A file's time is what its
 * worker spent on it: environment set-up, preparation, import (collection), set-up files, and its run with every
 * hook. (Vitest's JSON report times a file from its first test to its last, without `beforeAll`: a file that
 * builds a model or starts a CLI there looked 5 to 20 times shorter than it is.) A run of part of the suite updates
 * the files it ran and keeps the others' durations, those whose file still exists. The file is replaced
 * atomically (a temporary beside it, then a rename). The root `vitest.config.ts` adds it with
 * `NLPKIT_WRITE_DURATIONS=1`.
 */
export class DurationsReporter {
  /** @param {{ file?: string, root?: string }} [options] where to write (default durations.json beside this file); paths relative to `root` (default the repository's) */
  constructor(options = {}) {
    this.file = options.file ?? fileURLToPath(new URL('durations.json', import.meta.url));
    this.root = options.root ?? fileURLToPath(new URL('../..', import.meta.url));
  }

  /** @param {ReadonlyArray<import('vitest/node').TestModule>} testModules */
  onTestRunEnd(testModules) {
    /** @type {Record<string, number>} */
    const previous = existsSync(this.file) ? JSON.parse(readFileSync(this.file, 'utf8')) : {};
    const durations = new Map(Object.entries(previous).filter(([path]) => existsSync(join(this.root, path))));
    for (const mod of testModules) {
      const d = mod.diagnostic();
      const ms = d.environmentSetupDuration + d.prepareDuration + d.collectDuration + d.setupDuration + d.duration;
      durations.set(relative(this.root, mod.moduleId).split('\\').join('/'), Math.round(ms / 100) / 10);
    }
    const entries = [...durations].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const temporary = `${this.file}.${process.pid}.tmp`;
    try {
      writeFileSync(temporary, `${JSON.stringify(Object.fromEntries(entries), null, 2)}\n`);
      renameSync(temporary, this.file);
    } finally {
      rmSync(temporary, { force: true });
    }
  }
}
