import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { BaseSequencer } from 'vitest/node';

/** Seconds assumed for a test file that `durations.json` does not list (most files take well under one). */
const UNKNOWN_SECONDS = 1;

/**
 * Vitest's own order, with the durations it would have on a machine that ran the suite before. Vitest runs the
 * projects one after another and, inside a project, the slowest files first — but only when its results cache (in
 * `node_modules/.vite`) has their durations. On a fresh clone, as in CI, it has none and runs the largest files
 * first, so a short file that runs for two minutes (the committed-model checks) could start last and leave one of
 * CI's two workers idle while it ran: a fresh clone took 839 s where a warm one took 734 s. Here the durations come
 * from `durations.json` beside this file (seconds by path from the repository root, written by
 * `writeDurations.js` from a run's JSON report); a file it does not list counts as {@link UNKNOWN_SECONDS}.
 * Ties go by path, so the order is the same on every machine.
 */
export class DurationSequencer extends BaseSequencer {
  /** @type {Record<string, number> | undefined} */
  #durations;

  /** @param {import('vitest/node').TestSpecification[]} files */
  async sort(files) {
    this.#durations ??= /** @type {Record<string, number>} */ (JSON.parse(readFileSync(new URL('durations.json', import.meta.url), 'utf8')));
    const durations = this.#durations;
    const root = this.ctx.config.root;
    const keyed = files.map((spec) => {
      const path = relative(root, spec.moduleId).split('\\').join('/');
      const { config, name } = spec.project;
      return { spec, path, project: name, group: config.sequence.groupOrder, isolate: config.isolate ? 0 : 1, seconds: durations[path] ?? UNKNOWN_SECONDS };
    });
    const byText = (/** @type {string} */ a, /** @type {string} */ b) => (a < b ? -1 : a > b ? 1 : 0);
    // As BaseSequencer: group order, then project by project, isolated projects' files first; then the slowest first.
    keyed.sort((a, b) => a.group - b.group || byText(a.project, b.project) || a.isolate - b.isolate || b.seconds - a.seconds || byText(a.path, b.path));
    return keyed.map(({ spec }) => spec);
  }
}
