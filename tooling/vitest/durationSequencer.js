import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { BaseSequencer } from 'vitest/node';

/** Seconds assumed for a test file that `durations.json` does not list (most files take well under one). */
const UNKNOWN_SECONDS = 1;

/**
 * The slowest test files first, over all projects, with the durations they would have on a machine that ran the
 * suite before. Vitest's own order takes the projects one after another and, inside a project, the slowest files
 * first — but only when its results cache (in `node_modules/.vite`) has their durations. On a fresh clone, as in CI,
 * it has none and runs the largest files first, so a short file that runs for two minutes (the committed-model
 * checks) could start last and leave one of CI's two workers idle while it ran: a fresh clone took 839 s where a
 * warm one took 734 s. Project by project, the slowest file of the last projects (the web demo's end-to-end test,
 * 80 s on CI) still started near the end of the run, with the other worker idle once it ran out of small files; the
 * isolated projects' files share one queue of workers, so they are taken slowest first whatever their project.
 * Files of a project that is not isolated stay together (Vitest reuses one worker for consecutive files of such a
 * project). Here the durations come from `durations.json` beside this file (seconds by path from the repository
 * root, written by `DurationsReporter` with `NLPKIT_WRITE_DURATIONS=1`); a file it does not list counts as
 * {@link UNKNOWN_SECONDS}. Ties go by project and path, so the order is the same on every machine.
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
      const isolate = config.isolate !== false;
      // Isolated files are scheduled one by one; a project that is not isolated keeps its files together.
      return { spec, path, project: name, group: config.sequence.groupOrder, isolate: isolate ? 0 : 1, together: isolate ? '' : name, seconds: durations[path] ?? UNKNOWN_SECONDS };
    });
    const byText = (/** @type {string} */ a, /** @type {string} */ b) => (a < b ? -1 : a > b ? 1 : 0);
    // Group order and isolated files first, as BaseSequencer; then the slowest first over all projects.
    keyed.sort((a, b) => a.group - b.group || a.isolate - b.isolate || byText(a.together, b.together) || b.seconds - a.seconds || byText(a.project, b.project) || byText(a.path, b.path));
    return keyed.map(({ spec }) => spec);
  }
}
