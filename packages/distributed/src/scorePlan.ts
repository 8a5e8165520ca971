import type { Shard } from './shards.js';

/**
 * Everything the jobs of one distributed scoring run share, written once by the submitter as
 * `runs/<id>/score-plan.json` (jobs carry only the run id and their chunk index).
 */
export interface ScorePlan {
  readonly id: string;
  /** The input's chunks (byte ranges cut at line boundaries), in input order. */
  readonly chunks: readonly Shard[];
  /** Absolute path of the model file (ARPA, gzipped ARPA or nlpkit binary), the same on every worker. */
  readonly model: string;
  /** Storage key of the per-line results. */
  readonly output: string;
}

/** The corpus totals of a scoring run (`runs/<id>/score-totals.json`), as `evaluatePerplexity` reports them. */
export interface ScoreTotals {
  readonly perplexity: number;
  readonly perplexityExcludingOov: number;
  readonly tokens: number;
  readonly oov: number;
  readonly log10Prob: number;
  readonly sentences: number;
}

/** The storage key (inside the run) of chunk `index`'s scores. */
export const chunkName = (index: number): string => `score/chunk-${index}.tsv`;
