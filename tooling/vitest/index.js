// Plain JavaScript on purpose: Vitest loads config files with Node itself, and Node 20 cannot import TypeScript.

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
      exclude: ['**/*.browser.test.ts', '**/node_modules/**', '**/dist/**'],
      testTimeout: 60_000,
      hookTimeout: 60_000,
    },
  };
}

/**
 * Prints one closing line `N passed, N failed[, N skipped]` with totals over every project: the line our CI
 * reader parses. A module that failed to load (so no test in it ran) counts as one failure.
 * @implements {import('vitest/node').Reporter}
 */
export class SummaryReporter {
  /**
   * @param {ReadonlyArray<import('vitest/node').TestModule>} testModules
   * @param {ReadonlyArray<unknown>} unhandledErrors
   */
  onTestRunEnd(testModules, unhandledErrors) {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const mod of testModules) {
      let seen = 0;
      for (const test of mod.children.allTests()) {
        seen += 1;
        const state = test.result().state;
        if (state === 'passed') passed += 1;
        else if (state === 'failed') failed += 1;
        else skipped += 1;
      }
      if (seen === 0 && mod.state() === 'failed') failed += 1;
    }
    failed += unhandledErrors.length;
    const tail = skipped > 0 ? `, ${skipped} skipped` : '';
    process.stdout.write(`\n${passed} passed, ${failed} failed${tail}\n`);
  }
}
