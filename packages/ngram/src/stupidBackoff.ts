import type { TokenLike, Vocabulary } from '@nlpkit/core';
import { check, positive, checkOrder } from './errors.js';
import { FAMILY_OPTIONS, type FamilyInput, type FamilyOptions, withStatistics } from './withStatistics.js';
import type { NgramStatistics } from './ngramStatistics.js';
import { BOS_INDEX } from './ngramWordIndex.js';

/**
 * A model whose numbers are scores, not probabilities: they do not sum to one over the vocabulary (stupid
 * backoff). Kept apart from core's `LanguageModel` so a score can never be passed where a probability
 * (perplexity, interpolation) is required.
 */
export interface ScoringModel {
  readonly order: number;
  /** The words scored, as a core `Vocabulary`. */
  readonly vocabulary: Vocabulary;
  /** log10 of the relative score of `word` after `context`; comparable across words, not a probability. */
  log10Score(word: string, context: readonly string[], sentenceStart?: boolean): number;
}

/** Options of {@link stupidBackoff}. */
export interface StupidBackoffOptions extends FamilyOptions {
  /** Multiplier applied at each backoff step (default 0.4, Brants et al. 2007). */
  alpha?: number;
}

/**
 * The raw counts stupid backoff scores with — exactly what S(w | c) needs, and what a stupid-backoff file holds
 * (see `stupidBackoffByteChunks`): a subset of {@link NgramStatistics}.
 */
export type StupidBackoffCounts = Pick<NgramStatistics, 'order' | 'padding' | 'wordIndex' | 'indexes' | 'counts' | 'totals'>;

/** Stupid backoff as a {@link ScoringModel}: also offers the linear `score`. */
export interface StupidBackoffModel extends ScoringModel {
  /** The multiplier applied at each backoff step. */
  readonly alpha: number;
  /** The raw counts behind the scores (shared, not copied: do not modify). */
  readonly counts: StupidBackoffCounts;
  /** S(w | c) = c(c w)/Σ_v c(c v) if seen, else alpha·S(w | c'); c(w)/N for unigrams. Not a probability. */
  score(word: string, context: readonly string[], sentenceStart?: boolean): number;
}

/**
 * Stupid backoff (Brants et al. 2007; NLTK's `StupidBackoff`). Its numbers are relative scores that do not sum
 * to one, so it implements {@link ScoringModel} and never core's `LanguageModel`: it cannot be passed to perplexity
 * or interpolation by mistake.
 */
export function stupidBackoff(input: NgramStatistics | Iterable<readonly TokenLike[]>, options?: StupidBackoffOptions): StupidBackoffModel;
export function stupidBackoff(input: AsyncIterable<readonly TokenLike[]>, options?: StupidBackoffOptions): Promise<StupidBackoffModel>;
export function stupidBackoff(input: FamilyInput, options?: StupidBackoffOptions): StupidBackoffModel | Promise<StupidBackoffModel>;
export function stupidBackoff(input: FamilyInput, options: StupidBackoffOptions = {}): StupidBackoffModel | Promise<StupidBackoffModel> {
  check.options(options, 'options', [...FAMILY_OPTIONS, 'alpha']);
  const alpha = positive(options.alpha ?? 0.4, 'options.alpha');
  return withStatistics(input, options, (stats) => stupidBackoffFromCounts(stats, alpha));
}

/**
 * The {@link StupidBackoffModel} over raw counts (the in-memory estimator and the file reader share it, so a model
 * read back scores exactly as the one written). `alpha` is trusted (checked by the callers).
 */
export function stupidBackoffFromCounts(stats: StupidBackoffCounts, alpha: number): StupidBackoffModel {
  checkOrder(stats.order, 10, 'statistics.order');
  const vocab = stats.wordIndex;
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
    if (sentenceStart) for (let i = 0; i < (stats.padding === 'nltk' ? stats.order - 1 : 1); i++) ids.push(BOS_INDEX);
    for (const w of context) ids.push(vocab.id(w));
    return scoreIds(vocab.id(word), ids.slice(Math.max(0, ids.length - (stats.order - 1))));
  };
  return {
    order: stats.order,
    vocabulary: vocab.toVocabulary(),
    alpha,
    counts: { order: stats.order, padding: stats.padding, wordIndex: stats.wordIndex, indexes: stats.indexes, counts: stats.counts, totals: stats.totals },
    score,
    log10Score: (word, context, sentenceStart = true) => Math.log10(score(word, context, sentenceStart)),
  };
}
