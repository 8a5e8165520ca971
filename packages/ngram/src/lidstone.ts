import type { TokenLike } from '@nlpkit/core';
import { CountLanguageModel } from './countLanguageModel.js';
import { check, positive } from './errors.js';
import { FAMILY_OPTIONS, type FamilyInput, type FamilyOptions, withStatistics } from './withStatistics.js';
import type { NgramStatistics } from './ngramStatistics.js';

/** Options of {@link lidstone}. */
export interface LidstoneOptions extends FamilyOptions {
  /** The pseudo-count k added to every event (Laplace: 1). Must be > 0. */
  k: number;
}

/**
 * Add-k (Lidstone) smoothing: P(w | c) = (c(c w) + k) / (Σ_v c(c v) + k·|V|), with |V| the number of predictable
 * words (NLTK's `Lidstone`; `len(vocab)` under NLTK padding). Not a backoff model, so it has no ARPA form.
 * @throws InvalidArgumentError when k is not a positive number.
 */
export function lidstone(input: NgramStatistics | Iterable<readonly TokenLike[]>, options: LidstoneOptions): CountLanguageModel;
export function lidstone(input: AsyncIterable<readonly TokenLike[]>, options: LidstoneOptions): Promise<CountLanguageModel>;
export function lidstone(input: FamilyInput, options: LidstoneOptions): CountLanguageModel | Promise<CountLanguageModel>;
export function lidstone(input: FamilyInput, options: LidstoneOptions): CountLanguageModel | Promise<CountLanguageModel> {
  check.options(options, 'options', [...FAMILY_OPTIONS, 'k']);
  const k = positive(options?.k, 'options.k');
  return withStatistics(input, options, (stats) => {
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
  });
}

/** Laplace (add-one) smoothing: {@link lidstone} with k = 1 (NLTK's `Laplace`). */
export function laplace(input: NgramStatistics | Iterable<readonly TokenLike[]>, options?: FamilyOptions): CountLanguageModel;
export function laplace(input: AsyncIterable<readonly TokenLike[]>, options?: FamilyOptions): Promise<CountLanguageModel>;
export function laplace(input: FamilyInput, options?: FamilyOptions): CountLanguageModel | Promise<CountLanguageModel>;
export function laplace(input: FamilyInput, options: FamilyOptions = {}): CountLanguageModel | Promise<CountLanguageModel> {
  check.options(options, 'options', [...FAMILY_OPTIONS]);
  return lidstone(input, { ...options, k: 1 });
}
