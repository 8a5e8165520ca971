import { numpyMean, numpySum, numpyWeightedMean } from './numpySum.js';

/** Precision, recall, F1 and support of one class (or one average). */
export interface PrfRow {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  /** Number of gold instances (entities or samples) of the class; for averages, the total. */
  readonly support: number;
}

/** What precision, recall and F take when their denominator is 0 (scikit-learn's `zero_division`). */
export type ZeroDivision = 0 | 1;

/** Counts for one class: true positives, predicted positives and gold positives. */
export interface ClassCounts {
  readonly tp: number;
  readonly predicted: number;
  readonly actual: number;
}

/** Per-class rows and the micro, macro and support-weighted averages. */
export interface PrfAverages {
  readonly perClass: readonly PrfRow[];
  readonly micro: PrfRow;
  readonly macro: PrfRow;
  readonly weighted: PrfRow;
}

function divide(numerator: number, denominator: number, zeroDivision: ZeroDivision): number {
  return denominator === 0 ? zeroDivision : numerator / denominator;
}

function row(counts: ClassCounts, zeroDivision: ZeroDivision): PrfRow {
  const precision = divide(counts.tp, counts.predicted, zeroDivision);
  const recall = divide(counts.tp, counts.actual, zeroDivision);
  // As in scikit-learn and seqeval: a zero denominator becomes 1, so F is 0 unless both sides are 1.
  const denom = precision + recall;
  const f1 = (2 * precision * recall) / (denom === 0 ? 1 : denom);
  return { precision, recall, f1, support: counts.actual };
}

/**
 * seqeval's (and scikit-learn's) `precision_recall_fscore_support` for every averaging at once. Macro and
 * weighted averages use numpy's summation order so that they are bit-identical; a macro average over no class
 * is NaN, as numpy gives.
 */
export function prfAverages(classes: readonly ClassCounts[], zeroDivision: ZeroDivision = 0): PrfAverages {
  const perClass = classes.map((counts) => row(counts, zeroDivision));
  const support = numpySum(classes.map((c) => c.actual));
  const predictedTotal = numpySum(classes.map((c) => c.predicted));
  const micro = row({ tp: numpySum(classes.map((c) => c.tp)), predicted: predictedTotal, actual: support }, zeroDivision);
  const macro: PrfRow = {
    precision: numpyMean(perClass.map((r) => r.precision)),
    recall: numpyMean(perClass.map((r) => r.recall)),
    f1: numpyMean(perClass.map((r) => r.f1)),
    support,
  };
  let weighted: PrfRow;
  if (support === 0) {
    // No gold instance at all: scikit-learn's special case, without dividing by a zero weight sum.
    const value = predictedTotal === 0 ? zeroDivision : 0;
    weighted = { precision: value, recall: zeroDivision, f1: value, support: 0 };
  } else {
    const weights = classes.map((c) => c.actual);
    weighted = {
      precision: numpyWeightedMean(perClass.map((r) => r.precision), weights),
      recall: numpyWeightedMean(perClass.map((r) => r.recall), weights),
      f1: numpyWeightedMean(perClass.map((r) => r.f1), weights),
      support,
    };
  }
  return { perClass, micro, macro, weighted };
}

/** Python's `sorted()` order for strings: by code point (JavaScript's default sort compares UTF-16 units). */
export function compareCodePoints(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done) return y.done ? 0 : -1;
    if (y.done) return 1;
    const cx = (x.value as string).codePointAt(0) as number;
    const cy = (y.value as string).codePointAt(0) as number;
    if (cx !== cy) return cx - cy;
  }
}
