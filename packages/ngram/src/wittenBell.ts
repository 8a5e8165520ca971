import type { TokenLike } from '@nlpkit/core';
import { CountLanguageModel } from './countLanguageModel.js';
import { check } from './errors.js';
import { FAMILY_OPTIONS, type FamilyInput, type FamilyOptions, withStatistics } from './withStatistics.js';
import type { NgramStatistics } from './ngramStatistics.js';

/**
 * Interpolated Witten-Bell: gamma(c) = N1+(c•) / (N1+(c•) + Σ_v c(c v)), P = (1 − gamma)·c(c w)/Σ + gamma·P_lower,
 * down to the maximum-likelihood unigram (NLTK's `WittenBellInterpolated`, which has no uniform floor: a word
 * never seen in training gets probability 0).
 */
export function wittenBell(input: NgramStatistics | Iterable<readonly TokenLike[]>, options?: FamilyOptions): CountLanguageModel;
export function wittenBell(input: AsyncIterable<readonly TokenLike[]>, options?: FamilyOptions): Promise<CountLanguageModel>;
export function wittenBell(input: FamilyInput, options?: FamilyOptions): CountLanguageModel | Promise<CountLanguageModel>;
export function wittenBell(input: FamilyInput, options: FamilyOptions = {}): CountLanguageModel | Promise<CountLanguageModel> {
  check.options(options, 'options', [...FAMILY_OPTIONS]);
  const gamma = (s: NgramStatistics, order: number, ctx: number): number => {
    const d = s.distinct[order - 1]![ctx]!;
    return d / (d + s.totals[order - 1]![ctx]!);
  };
  return withStatistics(input, options, (stats) =>
    new CountLanguageModel(stats, {
      kind: 'interpolated',
      name: 'Witten-Bell',
      arpa: true,
      unigram: (s, w) => s.counts[0]![w]! / s.totals[0]![0]!,
      alpha: (s, order, ctx, id) =>
        id < 0 ? 0 : (1 - gamma(s, order, ctx)) * (s.counts[order - 1]![id]! / s.totals[order - 1]![ctx]!),
      gamma,
    }),
  );
}
