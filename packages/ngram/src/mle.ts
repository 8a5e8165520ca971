import type { TokenLike } from '@nlpkit/core';
import { CountLanguageModel } from './countLanguageModel.js';
import { check } from './errors.js';
import { FAMILY_OPTIONS, type FamilyInput, type FamilyOptions, withStatistics } from './withStatistics.js';
import type { NgramStatistics } from './ngramStatistics.js';

/**
 * Maximum-likelihood estimate P(w | c) = c(c w) / Σ_v c(c v); 0 for unseen events and unseen contexts (as
 * NLTK's `MLE`). Perplexity is infinite on any unseen event: use it as a reference, not for evaluation.
 */
export function mle(input: NgramStatistics | Iterable<readonly TokenLike[]>, options?: FamilyOptions): CountLanguageModel;
export function mle(input: AsyncIterable<readonly TokenLike[]>, options?: FamilyOptions): Promise<CountLanguageModel>;
export function mle(input: FamilyInput, options?: FamilyOptions): CountLanguageModel | Promise<CountLanguageModel>;
export function mle(input: FamilyInput, options: FamilyOptions = {}): CountLanguageModel | Promise<CountLanguageModel> {
  check.options(options, 'options', [...FAMILY_OPTIONS]);
  return withStatistics(input, options, (stats) =>
    new CountLanguageModel(stats, {
      kind: 'interpolated',
      name: 'MLE',
      arpa: true,
      unigram: (s, w) => s.counts[0]![w]! / s.totals[0]![0]!,
      alpha: (s, order, ctx, id) => (id < 0 ? 0 : s.counts[order - 1]![id]! / s.totals[order - 1]![ctx]!),
      gamma: () => 0,
      unseenContext: () => 0,
    }),
  );
}
