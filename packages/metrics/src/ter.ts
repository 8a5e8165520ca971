import type { AnyIterable } from '@nlpkit/core';
import { createCorpusMetric, scoreCorpus, sentenceReferences, type CorpusMetric, type ReferenceStreams } from './corpusMetric.js';
import { pyFixed } from './pythonText.js';
import { formatSignature } from './signature.js';
import { resolveTerOptions, segmentStatistics, terFromStatistics, type TerOptions } from './terStatistics.js';

/** A TER score with the edit counts behind it. */
export interface TerResult {
  /** TER in percent: edits per reference word × 100 (it can exceed 100). */
  readonly score: number;
  /** Total edits (shifts, insertions, deletions, substitutions), best reference per segment. */
  readonly numEdits: number;
  /** Sum over segments of the average reference length. */
  readonly refLength: number;
  /** sacreBLEU's signature, e.g. `nrefs:1|case:lc|tok:tercom|norm:no|punct:yes|asian:no|version:2.6.0`. */
  readonly signature: string;
}

/**
 * Streaming corpus TER: feed batches with `update`, read the score with `compute`. `statistics()` holds
 * `[bestEdits, averageRefLength]` per segment, for {@link bootstrapConfidence}.
 */
export type TerMetric = CorpusMetric<TerResult>;

/** sacreBLEU's TER signature. */
export function terSignature(options: TerOptions = {}, nrefs: number | 'var' = 1): string {
  const opts = resolveTerOptions(options);
  return formatSignature(
    nrefs,
    undefined,
    [
      { name: 'case', short: 'c', value: opts.caseSensitive ? 'mixed' : 'lc' },
      { name: 'tok', short: 't', value: 'tercom' },
      { name: 'norm', short: 'nr', value: opts.normalized },
      { name: 'punct', short: 'pn', value: !opts.noPunct },
      { name: 'asian', short: 'as', value: opts.asianSupport },
    ],
    opts.signature,
  );
}

/** Creates a streaming corpus TER metric; {@link corpusTer} is this fed the whole corpus. */
export function createTer(options: TerOptions = {}): TerMetric {
  const opts = resolveTerOptions(options);
  return createCorpusMetric({
    width: 2,
    segment: (hypothesis, references) => segmentStatistics(hypothesis, references, opts),
    score: (totals, nrefs) => ({ ...terFromStatistics(totals), signature: terSignature(opts, nrefs) }),
  });
}

/**
 * Corpus TER identical to sacreBLEU's (its Tercom re-implementation with shift search): total edits over the
 * total average reference length, in percent. Hypotheses and reference streams may be arrays, iterables or
 * async iterables; with any async input the result is a promise.
 */
export function corpusTer(hypotheses: Iterable<string>, references: readonly Iterable<string | null>[], options?: TerOptions): TerResult;
export function corpusTer(hypotheses: AsyncIterable<string>, references: ReferenceStreams, options?: TerOptions): Promise<TerResult>;
export function corpusTer(hypotheses: AnyIterable<string>, references: readonly AsyncIterable<string | null>[], options?: TerOptions): Promise<TerResult>;
export function corpusTer(hypotheses: AnyIterable<string>, references: ReferenceStreams, options?: TerOptions): TerResult | Promise<TerResult>;
export function corpusTer(hypotheses: AnyIterable<string>, references: ReferenceStreams, options: TerOptions = {}): TerResult | Promise<TerResult> {
  return scoreCorpus(createTer(options), hypotheses, references);
}

/** Sentence TER against one or more references. */
export function sentenceTer(hypothesis: string, references: readonly string[], options: TerOptions = {}): TerResult {
  return createTer(options)
    .update(
      [hypothesis],
      sentenceReferences(references).map((ref) => [ref]),
    )
    .compute();
}

/** sacreBLEU's one-line TER report, e.g. `TER = 51.28` (or `TER|<signature> = 51.28`). */
export function formatTer(result: TerResult, withSignature = false, width = 2): string {
  return `${withSignature ? `TER|${result.signature}` : 'TER'} = ${pyFixed(result.score, width)}`;
}
