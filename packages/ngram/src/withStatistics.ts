import type { TokenLike } from '@nlpkit/core';
import type { Sentences } from './eachSentence.js';
import { type NgramStatistics, type StatisticsOptions, collectNgramStatistics } from './ngramStatistics.js';

/** Options shared by the smoothing family constructors: counting options when given sentences. */
export type FamilyOptions = Partial<StatisticsOptions>;

/** What the smoothing family constructors take: statistics, or sentences (sync or async) to count. */
export type FamilyInput = NgramStatistics | Sentences<TokenLike>;

/** The counting options of a family constructor's options. */
export const FAMILY_OPTIONS = ['order', 'padding', 'unkCutoff'] as const;

function isStatistics(input: unknown): input is NgramStatistics {
  return typeof input === 'object' && input !== null && 'continuationTotals' in input;
}

/**
 * `make(statistics)`, with the statistics as given or counted from sentences (order required then): at once for
 * statistics or a sync corpus, as a promise for an async corpus.
 */
export function withStatistics<M>(input: FamilyInput, options: FamilyOptions, make: (stats: NgramStatistics) => M): M | Promise<M> {
  if (isStatistics(input)) return make(input);
  const counting: Record<string, unknown> = {};
  for (const key of FAMILY_OPTIONS) if (options[key] !== undefined) counting[key] = options[key];
  const stats = collectNgramStatistics(input, counting as unknown as StatisticsOptions);
  return stats instanceof Promise ? stats.then(make) : make(stats);
}
