import { EmptyInputError, LengthMismatchError, type AnyIterable } from '@nlpkit/core';
import { PKG, check } from './errors.js';
import { afterBatches, batchItems, forEachBatch } from './forEachBatch.js';
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
  /** Adds gold and predicted labels of a batch of samples (arrays or sync iterables). A bad batch changes nothing. */
  update(gold: Iterable<Label>, pred: Iterable<Label>): ClassificationMetric;
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
  check.options(options, 'options', ['labels', 'zeroDivision']);
  const zeroDivision = options.zeroDivision ?? 0;
  if (zeroDivision !== 0 && zeroDivision !== 1) throw check.invalid(zeroDivision, 'options.zeroDivision', '0 or 1');
  if (options.labels !== undefined) check.array(options.labels, 'options.labels');
  // Pair counts keyed by gold and predicted label; labels keep their type (1 and "1" are different classes).
  const pairs = new Map<Label, Map<Label, number>>();
  const seen = new Set<Label>();
  let kind: 'string' | 'number' | undefined;
  let samples = 0;
  let correct = 0;
  const checkLabel = (argument: string, label: unknown): void => {
    const type = typeof label;
    if ((type !== 'string' && type !== 'number') || (type === 'number' && Number.isNaN(label))) {
      throw check.invalid(label, argument, 'a string or number label');
    }
    if (kind !== undefined && type !== kind) {
      throw check.invalid(label, argument, `a ${kind} like the labels before it (no mixed label types)`);
    }
    kind = type as 'string' | 'number';
  };
  options.labels?.forEach((label, i) => checkLabel(`options.labels[${i}]`, label));

  const metric: ClassificationMetric = {
    update(goldInput, predInput) {
      // Every label is checked below, before any is counted.
      const gold = batchItems(goldInput, 'gold', 'labels', 'classificationReport') as readonly Label[];
      const pred = batchItems(predInput, 'pred', 'labels', 'classificationReport') as readonly Label[];
      if (pred.length !== gold.length) {
        throw new LengthMismatchError({ package: PKG, argument: 'pred', expectedLength: gold.length, foundLength: pred.length, items: 'labels (as many as gold)' });
      }
      const before = kind;
      try {
        gold.forEach((label, i) => {
          checkLabel(`gold[${samples + i}]`, label);
          checkLabel(`pred[${samples + i}]`, pred[i]);
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
      if (samples === 0) throw new EmptyInputError({ package: PKG, argument: 'gold', expected: 'at least one label' });
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

type Labels = AnyIterable<Label>;

/** Feeds gold and predicted labels (sync or async, read in lockstep) to a fresh metric and computes it. */
function classify(gold: Labels, pred: Labels, options: ClassificationOptions): ClassificationResult | Promise<ClassificationResult> {
  const metric = createClassification(options);
  const done = forEachBatch(
    [
      { items: gold, argument: 'gold', what: 'labels' },
      { items: pred, argument: 'pred', what: 'labels (as many as gold)' },
    ],
    ([g, p]) => metric.update(g as Label[], p as Label[]),
  );
  return afterBatches(done, () => metric.compute());
}

/**
 * Accuracy, per-class precision/recall/F1 with micro, macro and support-weighted averages, and the confusion
 * matrix, identical to scikit-learn's `precision_recall_fscore_support` / `classification_report` /
 * `confusion_matrix`. Labels may come as arrays, iterables or async iterables; with any async input the result
 * is a promise.
 *
 * @example
 * classificationReport(['cat', 'dog', 'dog'], ['cat', 'cat', 'dog']).macro.f1 // 0.666…
 */
export function classificationReport(gold: Iterable<Label>, pred: Iterable<Label>, options?: ClassificationOptions): ClassificationResult;
export function classificationReport(gold: AsyncIterable<Label>, pred: Labels, options?: ClassificationOptions): Promise<ClassificationResult>;
export function classificationReport(gold: Labels, pred: AsyncIterable<Label>, options?: ClassificationOptions): Promise<ClassificationResult>;
export function classificationReport(gold: Labels, pred: Labels, options?: ClassificationOptions): ClassificationResult | Promise<ClassificationResult>;
export function classificationReport(gold: Labels, pred: Labels, options: ClassificationOptions = {}): ClassificationResult | Promise<ClassificationResult> {
  return classify(gold, pred, options);
}

/** Fraction of samples whose predicted label equals the gold label (scikit-learn's `accuracy_score`). */
export function accuracy(gold: Iterable<Label>, pred: Iterable<Label>): number;
export function accuracy(gold: AsyncIterable<Label>, pred: Labels): Promise<number>;
export function accuracy(gold: Labels, pred: AsyncIterable<Label>): Promise<number>;
export function accuracy(gold: Labels, pred: Labels): number | Promise<number>;
export function accuracy(gold: Labels, pred: Labels): number | Promise<number> {
  const result = classify(gold, pred, {});
  return result instanceof Promise ? result.then((r) => r.accuracy) : result.accuracy;
}

/** A confusion matrix: `matrix[i][j]` counts samples of gold class `labels[i]` predicted as `labels[j]`. */
export interface ConfusionMatrix {
  readonly labels: readonly Label[];
  readonly matrix: readonly (readonly number[])[];
}

/** The confusion matrix: `matrix[i][j]` counts samples of gold class `labels[i]` predicted as `labels[j]`. */
export function confusionMatrix(gold: Iterable<Label>, pred: Iterable<Label>, options?: Pick<ClassificationOptions, 'labels'>): ConfusionMatrix;
export function confusionMatrix(gold: AsyncIterable<Label>, pred: Labels, options?: Pick<ClassificationOptions, 'labels'>): Promise<ConfusionMatrix>;
export function confusionMatrix(gold: Labels, pred: AsyncIterable<Label>, options?: Pick<ClassificationOptions, 'labels'>): Promise<ConfusionMatrix>;
export function confusionMatrix(gold: Labels, pred: Labels, options?: Pick<ClassificationOptions, 'labels'>): ConfusionMatrix | Promise<ConfusionMatrix>;
export function confusionMatrix(gold: Labels, pred: Labels, options: Pick<ClassificationOptions, 'labels'> = {}): ConfusionMatrix | Promise<ConfusionMatrix> {
  const pick = (r: ClassificationResult): ConfusionMatrix => ({ labels: r.labels, matrix: r.confusion });
  const result = classify(gold, pred, options);
  return result instanceof Promise ? result.then(pick) : pick(result);
}
