// Plain JavaScript on purpose: the reporter (loaded by Node from the root vitest.config.ts) shares these names.
import { existsSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is tooling/vitest/referenceData.js). */
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** The `meta` key a skipped reference test carries its skip reason under (read by {@link SummaryReporter}). */
export const REFERENCE_SKIP_META = 'referenceSkip';

/** CI sets `NLPKIT_REQUIRE_SHARED_DATA=1`: a reference test that skips then fails the run. */
export function referenceDataRequired() {
  return process.env.NLPKIT_REQUIRE_SHARED_DATA === '1';
}

/**
 * The folders searched for reference data, in order: the repository's own `test-data/` (committed, small
 * public files such as PTB), then `NLPKIT_SHARED_DATA` if set, else `../shared/data` beside the repository
 * (the large benchmark files CI mounts there).
 * @returns {string[]}
 */
export function referenceDataRoots() {
  const shared = process.env.NLPKIT_SHARED_DATA || join(repoRoot, '..', 'shared', 'data');
  return [join(repoRoot, 'test-data'), shared];
}

/**
 * Finds reference data files that some tests compare against (real benchmark files, too large or not
 * licensed for the repository). Each name is looked up under every root of {@link referenceDataRoots}, the
 * first hit wins. When any file is missing, the returned `options` skip the suite and carry the reason, which
 * the summary reporter prints (and counts as a failure when `NLPKIT_REQUIRE_SHARED_DATA=1`).
 *
 * @example
 * const ptb = referenceData('ptb/ptb.train.txt', 'ptb/ptb.test.txt');
 * describe('modified Kneser-Ney on PTB against KenLM', ptb.options, () => {
 *   it('...', () => readFileSync(ptb.path('ptb/ptb.train.txt'), 'utf8'));
 * });
 *
 * @param {...string} files paths relative to a data root, e.g. `ptb/ptb.train.txt`
 * @returns {import('./index.js').ReferenceData}
 */
export function referenceData(...files) {
  if (files.length === 0) throw new TypeError('referenceData: name at least one file, e.g. "ptb/ptb.train.txt"');
  const roots = referenceDataRoots();
  /** @type {Map<string, string>} */
  const found = new Map();
  const missing = [];
  for (const file of files) {
    const hit = roots.map((root) => join(root, file)).find((candidate) => existsSync(candidate));
    if (hit === undefined) missing.push(file);
    else found.set(file, hit);
  }
  const available = missing.length === 0;
  const where = roots.map(displayPath).join(', ');
  const reason = available ? undefined : `reference data missing: ${missing.join(', ')} (looked in ${where})`;
  return {
    available,
    reason,
    path(file) {
      const hit = found.get(file);
      if (hit === undefined) {
        throw new Error(`referenceData: ${file} was ${files.includes(file) ? 'not found' : 'not requested'}${reason ? `; ${reason}` : ''}`);
      }
      return hit;
    },
    options: available ? { skip: false, meta: {} } : { skip: true, meta: { [REFERENCE_SKIP_META]: reason } },
  };
}

/** A root as the reason shows it: relative to the repository when inside it or beside it, else absolute. */
function displayPath(/** @type {string} */ root) {
  const rel = relative(repoRoot, root);
  return `${rel.startsWith('../..') || isAbsolute(rel) ? root.replace(/\/$/, '') : rel || '.'}/`;
}
