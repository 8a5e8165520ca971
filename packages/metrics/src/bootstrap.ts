import { EmptyInputError, LengthMismatchError, createRng } from '@nlpkit/core';
import { sumStatistics } from './corpusMetric.js';
import { PKG, check } from './errors.js';

/** Settings for bootstrap resampling. */
export interface BootstrapOptions {
  /** Number of resampled corpora (default 1000, as sacreBLEU). */
  readonly samples?: number;
  /** Seed of the resampling RNG (default 12345, sacreBLEU's default seed); the same seed gives the same result. */
  readonly seed?: number;
}

/** A score with its bootstrap estimate: mean of the resampled scores and a 95% interval around it. */
export interface BootstrapResult {
  /** The score of the full corpus. */
  readonly score: number;
  /** Mean of the resampled scores. */
  readonly mean: number;
  /** Half-width of the 95% interval, (upper − lower) / 2, as sacreBLEU prints it after ±. */
  readonly ci: number;
  /** 2.5th percentile of the resampled scores (sacreBLEU's index n // 40 of the sorted scores). */
  readonly lower: number;
  /** 97.5th percentile of the resampled scores. */
  readonly upper: number;
  readonly samples: number;
  readonly seed: number;
}

/** Paired bootstrap test of a system against a baseline on the same segments. */
export interface PairedBootstrapResult {
  readonly baseline: number;
  readonly system: number;
  /** p-value of the null hypothesis "the difference is due to chance" (Koehn 2004, as sacreBLEU computes it). */
  readonly pValue: number;
  /** The system's bootstrap mean and 95% interval, from the same resamples. */
  readonly systemMean: number;
  readonly systemCi: number;
  readonly samples: number;
  readonly seed: number;
}

/** Scores summed segment statistics, e.g. `(s) => bleuFromStatistics(s, options).score`. */
export type ScoreFromStatistics = (statistics: readonly number[]) => number;

function resolve(options: BootstrapOptions): { samples: number; seed: number } {
  check.options(options, 'options', ['samples', 'seed']);
  return {
    samples: check.integer(options.samples ?? 1000, 'options.samples', 1),
    seed: check.integer(options.seed ?? 12345, 'options.seed', 0, 0xffffffff),
  };
}

function checkStatistics(argument: string, statistics: readonly (readonly number[])[]): number {
  check.array(statistics, argument);
  if (statistics.length === 0) throw new EmptyInputError({ package: PKG, argument, expected: 'at least one segment' });
  const width = check.array(statistics[0], `${argument}[0]`).length;
  statistics.forEach((row, i) => {
    if (check.array(row, `${argument}[${i}]`).length !== width) {
      throw new LengthMismatchError({
        package: PKG,
        argument: `${argument}[${i}]`,
        expectedLength: width,
        foundLength: row.length,
        items: 'numbers (as many as the first segment)',
      });
    }
  });
  return width;
}

/**
 * Draws `samples` resamples of `n` segment indices with replacement: resample after resample, index after index,
 * each `createRng(seed).int(n)` from `@nlpkit/core`, so the draws are the same in every runtime.
 */
export function drawIndices(n: number, samples: number, seed: number): Uint32Array[] {
  const rng = createRng(seed);
  return Array.from({ length: samples }, () => {
    const idx = new Uint32Array(n);
    for (let i = 0; i < n; i++) idx[i] = rng.int(n);
    return idx;
  });
}

function resampledScores(statistics: readonly (readonly number[])[], width: number, draws: readonly Uint32Array[], score: ScoreFromStatistics): number[] {
  return draws.map((idx) => score(sumStatistics(Array.from(idx, (i) => statistics[i] as readonly number[]), width)));
}

/** sacreBLEU's `estimate_ci`: mean, and half the spread between the n//40-th lowest and highest scores. */
function estimate(scores: readonly number[]): { mean: number; ci: number; lower: number; upper: number } {
  const sorted = [...scores].sort((a, b) => a - b);
  const lowerIdx = Math.floor(sorted.length / 40);
  const lower = sorted[lowerIdx] as number;
  const upper = sorted[sorted.length - lowerIdx - 1] as number;
  const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
  return { mean, ci: 0.5 * (upper - lower), lower, upper };
}

/**
 * Bootstrap 95% confidence interval of a corpus score: resample segments with replacement, re-score from the
 * summed segment statistics, and read the interval from the sorted scores, as sacreBLEU's `--confidence` does
 * (with `@nlpkit/core`'s seeded `createRng`, so intervals agree with sacreBLEU's in distribution, not digit for
 * digit, and are the same in every runtime for a given seed).
 *
 * @example
 * const bleu = createBleu().update(hyps, [refs]);
 * bootstrapConfidence(bleu.statistics(), (s) => bleuFromStatistics(s).score, { seed: 1 });
 */
export function bootstrapConfidence(
  statistics: readonly (readonly number[])[],
  score: ScoreFromStatistics,
  options: BootstrapOptions = {},
): BootstrapResult {
  const { samples, seed } = resolve(options);
  const width = checkStatistics('statistics', statistics);
  const scores = resampledScores(statistics, width, drawIndices(statistics.length, samples, seed), score);
  return { score: score(sumStatistics(statistics, width)), ...estimate(scores), samples, seed };
}

/**
 * Paired bootstrap resampling test (Koehn 2004), as sacreBLEU's `--paired-bs`: both systems are re-scored on
 * the same resampled segments; the p-value is the share of resamples whose centred absolute difference
 * exceeds the observed one (with +1 smoothing).
 */
export function pairedBootstrap(
  baseline: readonly (readonly number[])[],
  system: readonly (readonly number[])[],
  score: ScoreFromStatistics,
  options: BootstrapOptions = {},
): PairedBootstrapResult {
  const { samples, seed } = resolve(options);
  const width = checkStatistics('baseline', baseline);
  checkStatistics('system', system);
  if (system.length !== baseline.length) {
    throw new LengthMismatchError({ package: PKG, argument: 'system', expectedLength: baseline.length, foundLength: system.length, items: 'segments (as many as baseline)' });
  }
  const draws = drawIndices(baseline.length, samples, seed);
  const baseScores = resampledScores(baseline, width, draws, score);
  const sysScores = resampledScores(system, width, draws, score);
  const baseScore = score(sumStatistics(baseline, width));
  const sysScore = score(sumStatistics(system, width));
  const observed = Math.abs(baseScore - sysScore);
  const diffs = sysScores.map((s, i) => Math.abs(s - (baseScores[i] as number)));
  const meanDiff = diffs.reduce((a, b) => a + b, 0) / diffs.length;
  const exceeding = diffs.filter((d) => d - meanDiff > observed).length;
  const { mean, ci } = estimate(sysScores);
  return {
    baseline: baseScore,
    system: sysScore,
    pValue: (exceeding + 1) / (samples + 1),
    systemMean: mean,
    systemCi: ci,
    samples,
    seed,
  };
}
