import type { TokenLike } from '@nlpkit/core';
import { checkDiscount, type DiscountOptions } from './absoluteDiscounting.js';
import { CountLanguageModel } from './countLanguageModel.js';
import { type FamilyInput, withStatistics } from './withStatistics.js';
import type { NgramStatistics } from './ngramStatistics.js';

/**
 * Interpolated Kneser-Ney with one discount D, as NLTK's `KneserNeyInterpolated` computes it: the highest order
 * uses raw counts, lower orders continuation counts (distinct left neighbours), the unigram is the continuation
 * unigram with no uniform floor; gamma(c) = D·N1+(c•)/denominator where N1+ counts distinct raw continuations.
 * For KenLM's modified Kneser-Ney (three discounts, uniform floor) use {@link estimateKneserNey}.
 * Default D = 0.1 (NLTK's default).
 */
export function kneserNeyInterpolated(input: NgramStatistics | Iterable<readonly TokenLike[]>, options?: DiscountOptions): CountLanguageModel;
export function kneserNeyInterpolated(input: AsyncIterable<readonly TokenLike[]>, options?: DiscountOptions): Promise<CountLanguageModel>;
export function kneserNeyInterpolated(input: FamilyInput, options?: DiscountOptions): CountLanguageModel | Promise<CountLanguageModel>;
export function kneserNeyInterpolated(input: FamilyInput, options: DiscountOptions = {}): CountLanguageModel | Promise<CountLanguageModel> {
  const d = checkDiscount(options, 0.1);
  const denominator = (s: NgramStatistics, order: number, ctx: number): number =>
    order === s.order ? s.totals[order - 1]![ctx]! : s.continuationTotals[order - 1]![ctx]!;
  return withStatistics(input, options, (stats) =>
    new CountLanguageModel(stats, {
      kind: 'interpolated',
      name: 'interpolated Kneser-Ney',
      arpa: true,
      unigram: (s, w) => (s.order === 1 ? s.counts[0]![w]! / s.totals[0]![0]! : s.continuation[0]![w]! / s.continuationTotals[0]![0]!),
      alpha: (s, order, ctx, id) => {
        if (id < 0) return 0;
        const c = order === s.order ? s.counts[order - 1]![id]! : s.continuation[order - 1]![id]!;
        return Math.max(c - d, 0) / denominator(s, order, ctx);
      },
      gamma: (s, order, ctx) => (d * s.distinct[order - 1]![ctx]!) / denominator(s, order, ctx),
    }),
  );
}
