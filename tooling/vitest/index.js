// Plain JavaScript on purpose: Vitest loads config files with Node itself, and Node 20 cannot import TypeScript.
import { REFERENCE_SKIP_META, referenceDataRequired } from './referenceData.js';

export { REFERENCE_SKIP_META, referenceData, referenceDataRequired, referenceDataRoots } from './referenceData.js';
export { MAX_COMPLEXITY_RATIO, measureRatio, measureRatioAsync } from './timeRatio.js';
export { CHROMIUM_ARGS, browserProject, chromiumPath } from './chromium.js';
export { DurationSequencer } from './durationSequencer.js';
export { DurationsReporter } from './durationsReporter.js';

/**
 * Vitest settings for one package's Node test project. Workspace packages resolve to their TypeScript
 * sources through the `@nlpkit/source` export condition, so tests never need a build first.
 * @param {string} name project name shown in the test output
 * @param {string} root the package folder
 * @returns {import('vitest/config').TestProjectInlineConfiguration}
 */
export function nodeProject(name, root) {
  return {
    root,
    resolve: { conditions: ['@nlpkit/source'] },
    ssr: { resolve: { conditions: ['@nlpkit/source'] } },
    test: {
      name,
      environment: 'node',
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      // Complexity tests (*.complexity.test.ts) run in their own project, alone: see complexityProject.
      exclude: ['**/*.browser.test.ts', '**/*.complexity.test.ts', '**/node_modules/**', '**/dist/**'],
      testTimeout: 60_000,
      hookTimeout: 60_000,
    },
  };
}

/**
 * Vitest settings for the issue-13 complexity tests of every package (the `*.complexity.test.ts` files under each
 * package's `src`): they time 10× the input against the input by the lesser of wall and CPU time (see
 * `measureRatio`), so they run beside the other test files like any other. They used to run alone after everything
 * else, one file at a time and timed by the wall clock, which kept one of CI's two cores idle for about 160 s.
 * @param {string} root the packages folder
 * @returns {import('vitest/config').TestProjectInlineConfiguration}
 */
export function complexityProject(root) {
  return {
    root,
    resolve: { conditions: ['@nlpkit/source'] },
    ssr: { resolve: { conditions: ['@nlpkit/source'] } },
    test: {
      name: 'complexity',
      dir: root,
      environment: 'node',
      include: ['*/src/**/*.complexity.test.ts'],
      exclude: ['**/node_modules/**', '**/dist/**'],
      testTimeout: 120_000,
      hookTimeout: 60_000,
    },
  };
}

/**
 * Prints the totals over every project, ending with one closing line `N passed, N failed[, N skipped]` alone on
 * the last line: the line our CI reader parses. Before it, one line per distinct skip reason with its count, so
 * a fresh clone says how many reference tests did not run and why. A module that failed to load (so no test in
 * it ran) counts as one failure.
 *
 * Skip reasons come from `referenceData(...).options` (the suite's `meta.referenceSkip`) or from
 * `ctx.skip(note)`. With `NLPKIT_REQUIRE_SHARED_DATA=1` (CI) a reference test that skipped counts as failed,
 * and the process exits non-zero.
 * @implements {import('vitest/node').Reporter}
 */
export class SummaryReporter {
  /** @param {{ write?: (text: string) => void }} [options] where to print (tests capture it) */
  constructor(options = {}) {
    this.write = options.write ?? ((text) => process.stdout.write(text));
  }

  /**
   * @param {ReadonlyArray<import('vitest/node').TestModule>} testModules
   * @param {ReadonlyArray<unknown>} unhandledErrors
   */
  onTestRunEnd(testModules, unhandledErrors) {
    const summary = summarize(testModules, unhandledErrors, referenceDataRequired());
    const lines = [''];
    if (summary.reasons.length > 0) {
      lines.push('Tests not run, by reason:');
      for (const { reason, count, failed } of summary.reasons) {
        lines.push(`  ${String(count).padStart(4)} ${failed ? 'FAILED (NLPKIT_REQUIRE_SHARED_DATA=1, must not skip)' : 'skipped'}: ${reason}`);
      }
    }
    const tail = summary.skipped > 0 ? `, ${summary.skipped} skipped` : '';
    lines.push(`${summary.passed} passed, ${summary.failed} failed${tail}`);
    this.write(`${lines.join('\n')}\n`);
    // Vitest does not count a skip as a failure, so it would exit 0 on its own.
    if (summary.referenceFailures > 0) process.exitCode = 1;
  }
}

/**
 * Counts test results and groups the skipped ones by reason.
 * @param {ReadonlyArray<import('vitest/node').TestModule>} testModules
 * @param {ReadonlyArray<unknown>} unhandledErrors
 * @param {boolean} requireReferenceData count skipped reference tests as failures
 */
export function summarize(testModules, unhandledErrors, requireReferenceData) {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  let referenceFailures = 0;
  /** @type {Map<string, { reason: string, count: number, failed: boolean }>} */
  const reasons = new Map();
  for (const mod of testModules) {
    let seen = 0;
    for (const test of mod.children.allTests()) {
      seen += 1;
      const result = test.result();
      if (result.state === 'passed') {
        passed += 1;
        continue;
      }
      if (result.state === 'failed') {
        failed += 1;
        continue;
      }
      const reference = test.meta()[REFERENCE_SKIP_META];
      const reason = reference ?? (result.state === 'skipped' ? result.note : undefined) ?? unnamedReason(test);
      const fail = requireReferenceData && reference !== undefined;
      if (fail) {
        failed += 1;
        referenceFailures += 1;
      } else {
        skipped += 1;
      }
      const key = `${fail}|${reason}`;
      const entry = reasons.get(key) ?? { reason, count: 0, failed: fail };
      entry.count += 1;
      reasons.set(key, entry);
    }
    if (seen === 0 && mod.state() === 'failed') failed += 1;
  }
  failed += unhandledErrors.length;
  const sorted = [...reasons.values()].sort((a, b) => Number(b.failed) - Number(a.failed) || b.count - a.count || a.reason.localeCompare(b.reason));
  return { passed, failed, skipped, referenceFailures, reasons: sorted };
}

/** @param {import('vitest/node').TestCase} test */
function unnamedReason(test) {
  const mode = test.options.mode;
  if (mode === 'todo') return 'todo';
  if (mode === 'skip') return 'no reason given (.skip/.skipIf without referenceData(...).options or ctx.skip(reason), or filtered out)';
  return `not run (mode ${mode})`;
}
