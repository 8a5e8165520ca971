import { CountLanguageModel } from './countLanguageModel.js';
import { type FamilyOptions, statisticsOf } from './statisticsOf.js';
import type { NgramStatistics } from './ngramStatistics.js';

/** Options of {@link absoluteDiscounting}. */
export interface DiscountOptions extends FamilyOptions {
  /** The discount subtracted from every seen count, from 0 to 1 (default 0.75 as in NLTK). */
  discount?: number;
}

/** @internal Validates a discount in [0, 1]. */
export function checkDiscount(discount: unknown): number {
  if (typeof discount !== 'number' || !(discount >= 0 && discount <= 1)) {
    throw new RangeError(`@nlpkit/ngram: discount must be a number from 0 to 1, got ${String(discount)}`);
  }
  return discount;
}

/**
 * Interpolated absolute discounting: P = max(c(c w) − D, 0)/Σ + D·N1+(c•)/Σ · P_lower, down to the
 * maximum-likelihood unigram (NLTK's `AbsoluteDiscountingInterpolated`).
 */
export function absoluteDiscounting(
  input: NgramStatistics | Iterable<readonly string[]>,
  options: DiscountOptions = {},
): CountLanguageModel {
  const d = checkDiscount(options.discount ?? 0.75);
  return new CountLanguageModel(statisticsOf(input, options), {
    kind: 'interpolated',
    name: 'absolute discounting',
    arpa: true,
    unigram: (s, w) => s.counts[0]![w]! / s.totals[0]![0]!,
    alpha: (s, order, ctx, id) => (id < 0 ? 0 : Math.max(s.counts[order - 1]![id]! - d, 0) / s.totals[order - 1]![ctx]!),
    gamma: (s, order, ctx) => (d * s.distinct[order - 1]![ctx]!) / s.totals[order - 1]![ctx]!,
  });
}
