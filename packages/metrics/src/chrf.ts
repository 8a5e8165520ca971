import type { AnyIterable } from '@nlpkit/core';
import { fScore, resolveChrfOptions, segmentStatistics, type ChrfOptions, type ResolvedChrf } from './chrfStatistics.js';
import { createCorpusMetric, scoreCorpus, sentenceReferences, type CorpusMetric, type ReferenceStreams } from './corpusMetric.js';
import { pyFixed } from './pythonText.js';
import { formatSignature } from './signature.js';

/** A chrF score with its name (`chrF2`, `chrF2++`) and signature. */
export interface ChrfResult {
  /** chrF in percent (0–100). */
  readonly score: number;
  /** sacreBLEU's name for the variant: `chrF<beta>` followed by one `+` per word order. */
  readonly name: string;
  /** sacreBLEU's signature, e.g. `nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.6.0`. */
  readonly signature: string;
}

/** Streaming corpus chrF: feed batches with `update`, read the score with `compute`. `statistics()` holds
 * `[hyp, ref, match]` per order for each segment, for {@link bootstrapConfidence}. */
export type ChrfMetric = CorpusMetric<ChrfResult>;

/** sacreBLEU's name of the variant: `chrF2`, `chrF2++`. */
function chrfName(opts: ResolvedChrf): string {
  return `chrF${opts.beta}${'+'.repeat(opts.wordOrder)}`;
}

/** sacreBLEU's chrF signature, e.g. `nrefs:1|case:mixed|eff:yes|nc:6|nw:2|space:no|version:2.6.0`. */
export function chrfSignature(options: ChrfOptions = {}, nrefs: number | 'var' = 1): string {
  const opts = resolveChrfOptions(options);
  return formatSignature(
    nrefs,
    undefined,
    [
      { name: 'case', short: 'c', value: opts.lowercase ? 'lc' : 'mixed' },
      { name: 'eff', short: 'e', value: !opts.epsSmoothing },
      { name: 'nc', short: 'nc', value: opts.charOrder },
      { name: 'nw', short: 'nw', value: opts.wordOrder },
      { name: 'space', short: 's', value: opts.whitespace },
    ],
    opts.signature,
  );
}

/** Creates a streaming corpus chrF metric; {@link corpusChrf} is this fed the whole corpus. */
export function createChrf(options: ChrfOptions = {}): ChrfMetric {
  const opts = resolveChrfOptions(options);
  return createCorpusMetric({
    width: 3 * (opts.charOrder + opts.wordOrder),
    segment: (hypothesis, references) => segmentStatistics(hypothesis, references, opts),
    score: (totals, nrefs) => ({ score: fScore(totals, opts), name: chrfName(opts), signature: chrfSignature(opts, nrefs) }),
  });
}

/**
 * Corpus chrF / chrF++ identical to sacreBLEU's `corpus_chrf` (set `wordOrder: 2` for chrF++). Hypotheses and
 * reference streams may be arrays, iterables or async iterables; with any async input the result is a promise.
 */
export function corpusChrf(hypotheses: Iterable<string>, references: readonly Iterable<string | null>[], options?: ChrfOptions): ChrfResult;
export function corpusChrf(hypotheses: AsyncIterable<string>, references: ReferenceStreams, options?: ChrfOptions): Promise<ChrfResult>;
export function corpusChrf(hypotheses: AnyIterable<string>, references: readonly AsyncIterable<string | null>[], options?: ChrfOptions): Promise<ChrfResult>;
export function corpusChrf(hypotheses: AnyIterable<string>, references: ReferenceStreams, options?: ChrfOptions): ChrfResult | Promise<ChrfResult>;
export function corpusChrf(hypotheses: AnyIterable<string>, references: ReferenceStreams, options: ChrfOptions = {}): ChrfResult | Promise<ChrfResult> {
  return scoreCorpus(createChrf(options), hypotheses, references);
}

/** Sentence chrF against one or more references, identical to sacreBLEU's `sentence_chrf`. */
export function sentenceChrf(hypothesis: string, references: readonly string[], options: ChrfOptions = {}): ChrfResult {
  return createChrf(options)
    .update(
      [hypothesis],
      sentenceReferences(references).map((ref) => [ref]),
    )
    .compute();
}

/** sacreBLEU's one-line chrF report, e.g. `chrF2 = 61.20` (or `chrF2|<signature> = 61.20`). */
export function formatChrf(result: ChrfResult, withSignature = false, width = 2): string {
  const name = withSignature ? `${result.name}|${result.signature}` : result.name;
  return `${name} = ${pyFixed(result.score, width)}`;
}
