import { CountLanguageModel } from './countLanguageModel.js';
import { type FamilyOptions, statisticsOf } from './statisticsOf.js';
import type { NgramStatistics } from './ngramStatistics.js';

/** Options of {@link lidstone}. */
export interface LidstoneOptions extends FamilyOptions {
  /** The pseudo-count k added to every event (Laplace: 1). Must be > 0. */
  k: number;
}

/**
 * Add-k (Lidstone) smoothing: P(w | c) = (c(c w) + k) / (Σ_v c(c v) + k·|V|), with |V| the number of predictable
 * words (NLTK's `Lidstone`; `len(vocab)` under NLTK padding). Not a backoff model, so it has no ARPA form.
 * @throws RangeError when k is not a positive number.
 */
export function lidstone(input: NgramStatistics | Iterable<readonly string[]>, options: LidstoneOptions): CountLanguageModel {
  const k = options?.k;
  if (typeof k !== 'number' || !(k > 0) || !Number.isFinite(k)) {
    throw new RangeError(`@nlpkit/ngram: k must be a positive number, got ${String(k)}`);
  }
  const stats = statisticsOf(input, options);
  const v = stats.predictable;
  return new CountLanguageModel(stats, {
    kind: 'interpolated',
    name: `add-${k}`,
    arpa: false,
    unigram: (s, w) => (s.counts[0]![w]! + k) / (s.totals[0]![0]! + k * v),
    alpha: (s, order, ctx, id) => ((id < 0 ? 0 : s.counts[order - 1]![id]!) + k) / (s.totals[order - 1]![ctx]! + k * v),
    gamma: () => 0,
    unseenContext: () => 1 / v,
  });
}

/** Laplace (add-one) smoothing: {@link lidstone} with k = 1 (NLTK's `Laplace`). */
export function laplace(input: NgramStatistics | Iterable<readonly string[]>, options: FamilyOptions = {}): CountLanguageModel {
  return lidstone(input, { ...options, k: 1 });
}
