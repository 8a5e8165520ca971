import type { TestProjectInlineConfiguration } from 'vitest/config';
import type { Reporter, TestModule } from 'vitest/node';

export declare function nodeProject(name: string, root: string): TestProjectInlineConfiguration;

/** Where the skip reason of a reference test travels to the reporter (`meta.referenceSkip`). */
export declare const REFERENCE_SKIP_META: 'referenceSkip';

declare module 'vitest' {
  interface TaskMeta {
    /** Why a reference test was skipped (set by `referenceData(...).options`). */
    referenceSkip?: string;
  }
}

/** Reference data found (or not) for a group of tests. */
export interface ReferenceData {
  /** Every requested file was found. */
  readonly available: boolean;
  /** Why the tests are skipped, e.g. `reference data missing: ptb/ptb.train.txt (looked in test-data/, ../shared/data/)`. */
  readonly reason: string | undefined;
  /** Absolute path of one of the requested files; throws if it was not found. */
  path(file: string): string;
  /** Options for `describe(name, options, fn)` / `it(name, options, fn)`: skip with the reason when data is missing. */
  readonly options: { readonly skip: boolean; readonly meta: { readonly referenceSkip?: string } };
}

/**
 * Looks up reference data files (e.g. `ptb/ptb.train.txt`) under the repository's `test-data/`, then
 * `NLPKIT_SHARED_DATA` or `../shared/data`. Pass `.options` to `describe` so a missing file skips loudly.
 */
export declare function referenceData(...files: string[]): ReferenceData;
/** The folders `referenceData` searches, in order. */
export declare function referenceDataRoots(): string[];
/** Whether `NLPKIT_REQUIRE_SHARED_DATA=1` (CI): skipped reference tests then fail the run. */
export declare function referenceDataRequired(): boolean;

export interface SkipReason {
  reason: string;
  count: number;
  /** Counted as failures (reference data required but missing). */
  failed: boolean;
}
export interface RunSummary {
  passed: number;
  failed: number;
  skipped: number;
  referenceFailures: number;
  reasons: SkipReason[];
}
export declare function summarize(
  testModules: ReadonlyArray<TestModule>,
  unhandledErrors: ReadonlyArray<unknown>,
  requireReferenceData: boolean,
): RunSummary;

export declare class SummaryReporter implements Reporter {
  constructor(options?: { write?: (text: string) => void });
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void;
}
