import { NgramInputError, describe } from './errors.js';
import type { LanguageModel } from './languageModel.js';
import { EOS } from './vocabulary.js';

/**
 * Linear interpolation P(w | h) = Σ_i λ_i P_i(w | h) of any {@link LanguageModel}s — n-gram and neural alike
 * (the "NN + KN" rows of the perplexity tables). Weights must be ≥ 0 and sum to 1.
 * @throws RangeError for a weight list of the wrong length, negative weights, or weights not summing to 1.
 */
export function interpolateModels(models: readonly LanguageModel[], weights: readonly number[]): LanguageModel {
  if (!Array.isArray(models) || models.length === 0) {
    throw new RangeError(`@nlpkit/ngram: models must be a non-empty array, got ${describe(models)}`);
  }
  if (!Array.isArray(weights) || weights.length !== models.length || weights.some((w) => !(w >= 0))) {
    throw new RangeError(`@nlpkit/ngram: weights must be ${models.length} numbers ≥ 0, got ${JSON.stringify(weights)}`);
  }
  const sum = weights.reduce((s, w) => s + w, 0);
  if (Math.abs(sum - 1) > 1e-9) throw new RangeError(`@nlpkit/ngram: weights must sum to 1, got ${sum}`);
  const vocabulary = [...new Set(models.flatMap((m) => m.vocabulary))];
  return {
    order: Math.max(...models.map((m) => m.order)),
    vocabulary,
    logProb(word, context, sentenceStart = true) {
      let p = 0;
      for (let i = 0; i < models.length; i++) {
        if (weights[i]! > 0) p += weights[i]! * 10 ** models[i]!.logProb(word, context, sentenceStart);
      }
      return Math.log10(p);
    },
  };
}

/** Result of {@link tuneInterpolationWeights}. */
export interface InterpolationFit {
  /** The weights, one per model, summing to 1. */
  weights: number[];
  /** Held-out perplexity (`</s>` counted) with those weights. */
  perplexity: number;
  /** EM iterations run. */
  iterations: number;
}

/**
 * Interpolation weights maximizing the likelihood of held-out sentences, by expectation-maximization: each
 * model's probability of every held-out token is computed once, then λ_i ← mean over tokens of
 * λ_i P_i / Σ_j λ_j P_j until the log-likelihood gains less than `tolerance` (natural log, per token).
 */
export function tuneInterpolationWeights(
  models: readonly LanguageModel[],
  heldOut: Iterable<readonly string[]>,
  options: { maxIterations?: number; tolerance?: number } = {},
): InterpolationFit {
  const k = models.length;
  if (k === 0) throw new RangeError('@nlpkit/ngram: models must be a non-empty array, got an empty array');
  const columns: number[][] = Array.from({ length: k }, () => []);
  for (const sentence of heldOut) {
    const words = [...sentence, EOS];
    for (let t = 0; t < words.length; t++) {
      const context = sentence.slice(0, t);
      for (let i = 0; i < k; i++) columns[i]!.push(10 ** models[i]!.logProb(words[t]!, context));
    }
  }
  const tokens = columns[0]!.length;
  if (tokens === 0) throw new NgramInputError('@nlpkit/ngram: the held-out text is empty; expected at least one sentence');
  const probs = columns.map((c) => Float64Array.from(c));
  let weights = new Array<number>(k).fill(1 / k);
  const maxIterations = options.maxIterations ?? 100;
  const tolerance = options.tolerance ?? 1e-7;
  let previous = -Infinity;
  let iterations = 0;
  let logLikelihood = -Infinity;
  for (; iterations < maxIterations; iterations++) {
    const next = new Array<number>(k).fill(0);
    logLikelihood = 0;
    for (let t = 0; t < tokens; t++) {
      let mix = 0;
      for (let i = 0; i < k; i++) mix += weights[i]! * probs[i]![t]!;
      logLikelihood += Math.log(mix);
      for (let i = 0; i < k; i++) next[i]! += (weights[i]! * probs[i]![t]!) / mix;
    }
    logLikelihood /= tokens;
    weights = next.map((w) => w / tokens);
    if (logLikelihood - previous < tolerance) break;
    previous = logLikelihood;
  }
  // Perplexity with the final weights.
  let total = 0;
  for (let t = 0; t < tokens; t++) {
    let mix = 0;
    for (let i = 0; i < k; i++) mix += weights[i]! * probs[i]![t]!;
    total += Math.log(mix);
  }
  return { weights, perplexity: Math.exp(-total / tokens), iterations: iterations + 1 };
}
