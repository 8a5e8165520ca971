import { checkOrder } from './errors.js';
import { type FamilyOptions, statisticsOf } from './statisticsOf.js';
import type { ScoringModel } from './languageModel.js';
import type { NgramStatistics } from './ngramStatistics.js';
import { BOS_ID } from './vocabulary.js';

/** Options of {@link stupidBackoff}. */
export interface StupidBackoffOptions extends FamilyOptions {
  /** Multiplier applied at each backoff step (default 0.4, Brants et al. 2007). */
  alpha?: number;
}

/** Stupid backoff as a {@link ScoringModel}: also offers the linear `score`. */
export interface StupidBackoffModel extends ScoringModel {
  /** S(w | c) = c(c w)/Σ_v c(c v) if seen, else alpha·S(w | c'); c(w)/N for unigrams. Not a probability. */
  score(word: string, context: readonly string[], sentenceStart?: boolean): number;
}

/**
 * Stupid backoff (Brants et al. 2007; NLTK's `StupidBackoff`). Its numbers are relative scores that do not sum
 * to one, so it implements {@link ScoringModel} and never {@link LanguageModel}: it cannot be passed to perplexity
 * or interpolation by mistake.
 */
export function stupidBackoff(
  input: NgramStatistics | Iterable<readonly string[]>,
  options: StupidBackoffOptions = {},
): StupidBackoffModel {
  const stats = statisticsOf(input, options);
  checkOrder(stats.order);
  const alpha = options.alpha ?? 0.4;
  if (typeof alpha !== 'number' || !(alpha > 0)) {
    throw new RangeError(`@nlpkit/ngram: alpha must be a positive number, got ${String(alpha)}`);
  }
  const vocab = stats.vocabulary;
  const scoreIds = (word: number, context: readonly number[]): number => {
    if (context.length === 0) return stats.counts[0]![word]! / stats.totals[0]![0]!;
    let ctx = context[0]!;
    for (let i = 1; i < context.length && ctx >= 0; i++) ctx = stats.indexes[i]!.find(ctx, context[i]!);
    const n = context.length;
    const id = ctx >= 0 ? stats.indexes[n]!.find(ctx, word) : -1;
    if (id >= 0 && stats.counts[n]![id]! > 0) return stats.counts[n]![id]! / stats.totals[n]![ctx]!;
    return alpha * scoreIds(word, context.slice(1));
  };
  const score = (word: string, context: readonly string[], sentenceStart = true): number => {
    const ids: number[] = [];
    if (sentenceStart) for (let i = 0; i < (stats.padding === 'nltk' ? stats.order - 1 : 1); i++) ids.push(BOS_ID);
    for (const w of context) ids.push(vocab.id(w));
    return scoreIds(vocab.id(word), ids.slice(Math.max(0, ids.length - (stats.order - 1))));
  };
  return {
    order: stats.order,
    vocabulary: vocab.words(),
    score,
    logScore: (word, context) => Math.log10(score(word, context)),
  };
}
