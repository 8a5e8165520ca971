import { EmptyInputError, InvalidNumberError, LengthMismatchError, describe, expectArray } from './errors.js';
import { compareCodePoints, prfAverages, type PrfRow, type ZeroDivision } from './prf.js';

/** A class label: all labels of one evaluation are strings, or all are numbers. */
export type Label = string | number;

/** Settings for classification scores. */
export interface ClassificationOptions {
  /**
   * The classes to report, in this order (default: every label seen in gold or predictions, sorted as
   * scikit-learn's `np.unique` sorts them). Labels outside this list still count for accuracy.
   */
  readonly labels?: readonly Label[];
  /** Value of precision/recall/F when a denominator is 0 (default 0, scikit-learn's `'warn'` without the warning). */
  readonly zeroDivision?: ZeroDivision;
}

/** Accuracy, per-class precision/recall/F1 and their averages, as scikit-learn 1.2 computes them. */
export interface ClassificationResult {
  /** Fraction of samples whose predicted label equals the gold label. */
  readonly accuracy: number;
  /** The classes of `perClass` and of the confusion matrix, in order. */
  readonly labels: readonly Label[];
  /** One row per class, in `labels` order. */
  readonly perClass: readonly PrfRow[];
  readonly micro: PrfRow;
  readonly macro: PrfRow;
  readonly weighted: PrfRow;
  /** `confusion[i][j]`: samples of gold class `labels[i]` predicted as `labels[j]`. */
  readonly confusion: readonly (readonly number[])[];
  /** Number of samples. */
  readonly samples: number;
}

/** Streaming classification scores: add labelled batches with `update`, read scores with `compute`. */
export interface ClassificationMetric {
  /** Adds gold and predicted labels of a batch of samples. */
  update(gold: readonly Label[], pred: readonly Label[]): ClassificationMetric;
  /** Scores over all samples so far. Throws an EmptyInputError before the first sample. */
  compute(): ClassificationResult;
}

/** Sorts labels as numpy sorts a homogeneous array: numbers ascending, strings by code point. */
function sortLabels(labels: Iterable<Label>): Label[] {
  const list = [...labels];
  return list.every((l) => typeof l === 'number')
    ? (list as number[]).sort((a, b) => a - b)
    : (list as string[]).sort(compareCodePoints);
}

/** Creates a streaming classification metric; `classificationReport` is this with a single `update`. */
export function createClassification(options: ClassificationOptions = {}): ClassificationMetric {
  const zeroDivision = options.zeroDivision ?? 0;
  if (zeroDivision !== 0 && zeroDivision !== 1) throw new InvalidNumberError('zeroDivision', '0 or 1', zeroDivision);
  if (options.labels !== undefined) expectArray('labels', options.labels);
  // Pair counts keyed by gold and predicted label; labels keep their type (1 and "1" are different classes).
  const pairs = new Map<Label, Map<Label, number>>();
  const seen = new Set<Label>();
  let kind: 'string' | 'number' | undefined;
  let samples = 0;
  let correct = 0;
  const checkLabel = (argument: string, label: unknown): void => {
    const type = typeof label;
    if ((type !== 'string' && type !== 'number') || (type === 'number' && Number.isNaN(label))) {
      throw new TypeError(`@nlpkit/metrics: ${argument} must be a string or number label, got ${describe(label)}`);
    }
    if (kind !== undefined && type !== kind) {
      throw new TypeError(`@nlpkit/metrics: ${argument} must be a ${kind} like the labels before it (no mixed label types), got ${describe(label)}`);
    }
    kind = type as 'string' | 'number';
  };
  options.labels?.forEach((label, i) => checkLabel(`labels[${i}]`, label));

  const metric: ClassificationMetric = {
    update(gold, pred) {
      expectArray('gold', gold);
      expectArray('pred', pred);
      if (pred.length !== gold.length) throw new LengthMismatchError('pred', gold.length, pred.length, 'labels (as many as gold)');
      const before = kind;
      try {
        gold.forEach((label, i) => {
          checkLabel(`gold[${i}]`, label);
          checkLabel(`pred[${i}]`, pred[i]);
        });
      } catch (error) {
        kind = before;
        throw error;
      }
      gold.forEach((g, i) => {
        const p = pred[i] as Label;
        let row = pairs.get(g);
        if (!row) pairs.set(g, (row = new Map()));
        row.set(p, (row.get(p) ?? 0) + 1);
        seen.add(g);
        seen.add(p);
        if (g === p) correct += 1;
      });
      samples += gold.length;
      return metric;
    },
    compute() {
      if (samples === 0) throw new EmptyInputError('gold');
      const labels = options.labels ? [...options.labels] : sortLabels(seen);
      const confusion = labels.map((g) => labels.map((p) => pairs.get(g)?.get(p) ?? 0));
      const predictedTotals = new Map<Label, number>();
      const actualTotals = new Map<Label, number>();
      for (const [g, row] of pairs) {
        for (const [p, n] of row) {
          predictedTotals.set(p, (predictedTotals.get(p) ?? 0) + n);
          actualTotals.set(g, (actualTotals.get(g) ?? 0) + n);
        }
      }
      const counts = labels.map((label) => ({
        tp: pairs.get(label)?.get(label) ?? 0,
        predicted: predictedTotals.get(label) ?? 0,
        actual: actualTotals.get(label) ?? 0,
      }));
      const averages = prfAverages(counts, zeroDivision);
      return {
        accuracy: correct / samples,
        labels,
        perClass: averages.perClass,
        micro: averages.micro,
        macro: averages.macro,
        weighted: averages.weighted,
        confusion,
        samples,
      };
    },
  };
  return metric;
}

/**
 * Accuracy, per-class precision/recall/F1 with micro, macro and support-weighted averages, and the confusion
 * matrix, identical to scikit-learn's `precision_recall_fscore_support` / `classification_report` /
 * `confusion_matrix`.
 *
 * @example
 * classificationReport(['cat', 'dog', 'dog'], ['cat', 'cat', 'dog']).macro.f1 // 0.666…
 */
export function classificationReport(gold: readonly Label[], pred: readonly Label[], options: ClassificationOptions = {}): ClassificationResult {
  return createClassification(options).update(gold, pred).compute();
}

/** Fraction of samples whose predicted label equals the gold label (scikit-learn's `accuracy_score`). */
export function accuracy(gold: readonly Label[], pred: readonly Label[]): number {
  return classificationReport(gold, pred).accuracy;
}

/** The confusion matrix: `matrix[i][j]` counts samples of gold class `labels[i]` predicted as `labels[j]`. */
export function confusionMatrix(
  gold: readonly Label[],
  pred: readonly Label[],
  options: Pick<ClassificationOptions, 'labels'> = {},
): { readonly labels: readonly Label[]; readonly matrix: readonly (readonly number[])[] } {
  const result = classificationReport(gold, pred, options);
  return { labels: result.labels, matrix: result.confusion };
}
