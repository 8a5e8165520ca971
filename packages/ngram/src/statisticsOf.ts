import { type NgramStatistics, type StatisticsOptions, collectNgramStatistics } from './ngramStatistics.js';

/** Options shared by the smoothing family constructors: counting options when given sentences. */
export type FamilyOptions = Partial<StatisticsOptions>;

/** Statistics as given, or counted from sentences (order required then). */
export function statisticsOf(
  input: NgramStatistics | Iterable<readonly string[]>,
  options: FamilyOptions,
): NgramStatistics {
  if (typeof input === 'object' && input !== null && 'continuationTotals' in input) return input;
  return collectNgramStatistics(input as Iterable<readonly string[]>, options as StatisticsOptions);
}
