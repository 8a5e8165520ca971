import * as tf from '@tensorflow/tfjs-core';
import { EmptyInputError } from '@nlpkit/core';
import { PKG, RnnOptionError } from '../errors.js';
import { checkNumber } from '../validate.js';
import { classifierBatches } from './classifierBatches.js';
import type { ClassificationExamples } from './classificationTsv.js';
import type { TextClassifierParams } from './initTextClassifier.js';
import type { TextClassifierConfig } from './textClassifierConfig.js';
import { textClassifierLogits } from './textClassifierLogits.js';

/** A right-padded id batch of the given rows, with lengths. */
export function padRows(rows: readonly (readonly number[])[], minLength = 1): { ids: number[][]; lengths: number[] } {
  const lengths = rows.map((r) => r.length);
  const T = Math.max(minLength, ...lengths);
  return { ids: rows.map((r) => (r.length === T ? [...r] : [...r, ...new Array<number>(T - r.length).fill(0)])), lengths };
}

/** Class probabilities `[examples][numLabels]` (softmax of the logits), in example order; computed in batches of `batchSize` texts of similar lengths. */
export async function predictTextClassifier(
  config: TextClassifierConfig,
  params: TextClassifierParams,
  ids: readonly (readonly number[])[],
  batchSize = 64,
): Promise<Float32Array[]> {
  checkNumber(batchSize, 'batchSize', 1, 1 << 20, true);
  if (!Array.isArray(ids)) throw new RnnOptionError({ argument: 'ids', expected: 'an array of token id rows', found: ids });
  // Batches of texts of similar lengths (sorted by length, ties in input order), the results put back in input
  // order: a batch is padded to its longest text, and in input order that padding was most of the work (SST-2's
  // dev sentences in batches of 256: 2.3× the tokens, 1.3× sorted; PyTorch's packed sequences skip it).
  const lengths = ids.map((r) => r.length);
  const order = lengths.map((_, i) => i).sort((a, b) => (lengths[a] as number) - (lengths[b] as number) || a - b);
  const out = new Array<Float32Array>(ids.length);
  const L = config.numLabels;
  for (const positions of classifierBatches(lengths, { batchSize, seed: 0, ordered: true })) {
    const batch = positions.map((k) => order[k] as number);
    const { ids: rows, lengths: lens } = padRows(batch.map((i) => ids[i] as number[]));
    const probs = tf.tidy(() => tf.softmax(textClassifierLogits(config, params, rows, lens)));
    const values = (await probs.data()) as Float32Array;
    probs.dispose();
    for (let b = 0; b < batch.length; b++) out[batch[b] as number] = values.slice(b * L, (b + 1) * L);
  }
  return out;
}

/** Index of the largest value (the first one on ties). */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if ((values[i] as number) > (values[best] as number)) best = i;
  return best;
}

/** What {@link evaluateTextClassifier} returns. */
export interface TextClassifierEvaluation {
  /** Fraction of examples whose predicted label is the gold one. */
  readonly accuracy: number;
  /** Unweighted mean over the classes of per-class F1 (a class never gold nor predicted counts as 0, as scikit-learn). */
  readonly macroF1: number;
  /** Predicted label index per example. */
  readonly predictions: readonly number[];
  /** `confusion[gold][predicted]`. */
  readonly confusion: readonly (readonly number[])[];
  readonly examples: number;
}

/**
 * Accuracy and macro-F1 of a classifier on labelled examples (label indices into the model's label list), with
 * the predictions and the confusion matrix (`classificationReport` from `@nlpkit/metrics` takes the same labels).
 */
export async function evaluateTextClassifier(
  config: TextClassifierConfig,
  params: TextClassifierParams,
  data: ClassificationExamples,
  batchSize = 64,
): Promise<TextClassifierEvaluation> {
  if (data.ids.length === 0) throw new EmptyInputError({ package: PKG, argument: 'data', expected: 'at least one example' });
  const L = config.numLabels;
  const predictions = (await predictTextClassifier(config, params, data.ids, batchSize)).map(argmax);
  const confusion = Array.from({ length: L }, () => new Array<number>(L).fill(0));
  predictions.forEach((p, i) => {
    const g = data.labels[i] as number;
    (confusion[g] as number[])[p] = ((confusion[g] as number[])[p] as number) + 1;
  });
  let correct = 0;
  let f1Sum = 0;
  for (let c = 0; c < L; c++) {
    const tp = (confusion[c] as number[])[c] as number;
    correct += tp;
    const gold = (confusion[c] as number[]).reduce((a, b) => a + b, 0);
    const pred = confusion.reduce((a, row) => a + (row[c] as number), 0);
    f1Sum += gold + pred === 0 ? 0 : (2 * tp) / (gold + pred);
  }
  return { accuracy: correct / predictions.length, macroF1: f1Sum / L, predictions, confusion, examples: predictions.length };
}
