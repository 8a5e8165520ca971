import type { TokenLike } from '@nlpkit/core';
import { CountLanguageModel } from './countLanguageModel.js';
import { check } from './errors.js';
import { FAMILY_OPTIONS, type FamilyInput, type FamilyOptions, withStatistics } from './withStatistics.js';
import type { NgramStatistics } from './ngramStatistics.js';

/** Options of {@link absoluteDiscounting}. */
export interface DiscountOptions extends FamilyOptions {
  /** The discount subtracted from every seen count, from 0 to 1 (default 0.75 as in NLTK). */
  discount?: number;
}

/** @internal Validates the options of a discounting method and its discount in [0, 1]. */
export function checkDiscount(options: DiscountOptions, fallback: number): number {
  check.options(options, 'options', [...FAMILY_OPTIONS, 'discount']);
  return check.number(options.discount ?? fallback, 'options.discount', 0, 1);
}

/**
 * Interpolated absolute discounting: P = max(c(c w) − D, 0)/Σ + D·N1+(c•)/Σ · P_lower, down to the
 * maximum-likelihood unigram (NLTK's `AbsoluteDiscountingInterpolated`).
 */
export function absoluteDiscounting(input: NgramStatistics | Iterable<readonly TokenLike[]>, options?: DiscountOptions): CountLanguageModel;
export function absoluteDiscounting(input: AsyncIterable<readonly TokenLike[]>, options?: DiscountOptions): Promise<CountLanguageModel>;
export function absoluteDiscounting(input: FamilyInput, options?: DiscountOptions): CountLanguageModel | Promise<CountLanguageModel>;
export function absoluteDiscounting(input: FamilyInput, options: DiscountOptions = {}): CountLanguageModel | Promise<CountLanguageModel> {
  const d = checkDiscount(options, 0.75);
  return withStatistics(input, options, (stats) =>
    new CountLanguageModel(stats, {
      kind: 'interpolated',
      name: 'absolute discounting',
      arpa: true,
      unigram: (s, w) => s.counts[0]![w]! / s.totals[0]![0]!,
      alpha: (s, order, ctx, id) => (id < 0 ? 0 : Math.max(s.counts[order - 1]![id]! - d, 0) / s.totals[order - 1]![ctx]!),
      gamma: (s, order, ctx) => (d * s.distinct[order - 1]![ctx]!) / s.totals[order - 1]![ctx]!,
    }),
  );
}
