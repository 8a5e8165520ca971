import { CountLanguageModel } from './countLanguageModel.js';
import { type FamilyOptions, statisticsOf } from './statisticsOf.js';
import type { NgramStatistics } from './ngramStatistics.js';

/**
 * Maximum-likelihood estimate P(w | c) = c(c w) / Σ_v c(c v); 0 for unseen events and unseen contexts (as
 * NLTK's `MLE`). Perplexity is infinite on any unseen event: use it as a reference, not for evaluation.
 */
export function mle(input: NgramStatistics | Iterable<readonly string[]>, options: FamilyOptions = {}): CountLanguageModel {
  return new CountLanguageModel(statisticsOf(input, options), {
    kind: 'interpolated',
    name: 'MLE',
    arpa: true,
    unigram: (s, w) => s.counts[0]![w]! / s.totals[0]![0]!,
    alpha: (s, order, ctx, id) => (id < 0 ? 0 : s.counts[order - 1]![id]! / s.totals[order - 1]![ctx]!),
    gamma: () => 0,
    unseenContext: () => 0,
  });
}
