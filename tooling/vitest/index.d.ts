import type { TestProjectInlineConfiguration } from 'vitest/config';
import type { BaseSequencer, Reporter, TestModule, TestSpecification } from 'vitest/node';

export declare function nodeProject(name: string, root: string): TestProjectInlineConfiguration;
/** The project of every package's `*.complexity.test.ts`, timed by the lesser of wall and CPU time, run beside the others. */
export declare function complexityProject(root: string): TestProjectInlineConfiguration;

/** The flags that give headless Chromium WebGPU on SwiftShader (browser projects and the web app's e2e test). */
export declare const CHROMIUM_ARGS: readonly string[];
/** `CHROMIUM_PATH`, else `/usr/bin/chromium`. */
export declare function chromiumPath(): string;
/** A real-browser test project (headless Chromium with WebGPU); `playwright` is `@vitest/browser-playwright`'s factory. */
export declare function browserProject(
  name: string,
  root: string,
  playwright: (options: { launchOptions: { executablePath: string; args: string[] } }) => unknown,
  options?: { include?: string[] },
): TestProjectInlineConfiguration;

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

/** A time ratio measured by {@link measureRatio}. */
export interface ComplexityRatio {
  readonly label: string;
  /** One small run, timed as ten in a row with their results kept alive, divided by ten. */
  readonly smallMs: number;
  readonly largeMs: number;
  /** largeMs / max(smallMs, floorMs). */
  readonly ratio: number;
}
/** Options of {@link measureRatio}. */
export interface MeasureRatioOptions {
  /** Floor of the small time, so a 2 ms run does not turn timer noise into a ratio (default 20). */
  readonly floorMs?: number;
  /** Timings per side (ten small runs, or one large run, each); the best counts (default 2). */
  readonly repeats?: number;
  /** Measurements of the pair while the ratio exceeds the bound; the best counts (default 5). */
  readonly attempts?: number;
}
/** The issue-13 complexity bound: 10× the input may take at most 15× the time. */
export declare const MAX_COMPLEXITY_RATIO: 15;
/** Time of `large` over time of `small` (floored; ten small runs with their results kept, per run), best of several timings and attempts. */
export declare function measureRatio(label: string, small: () => unknown, large: () => unknown, options?: MeasureRatioOptions): ComplexityRatio;
/** {@link measureRatio} for asynchronous work. */
export declare function measureRatioAsync(
  label: string,
  small: () => Promise<unknown>,
  large: () => Promise<unknown>,
  options?: MeasureRatioOptions,
): Promise<ComplexityRatio>;

/** Vitest's order (project by project, the slowest files first) with the durations of `durations.json`, also on a fresh clone. */
export declare class DurationSequencer extends BaseSequencer {
  sort(files: TestSpecification[]): Promise<TestSpecification[]>;
}

/** Writes each test file's time (set-up, import and run with its hooks) into `durations.json`, for {@link DurationSequencer}. */
export declare class DurationsReporter implements Reporter {
  constructor(options?: { file?: string; root?: string });
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void;
}
