import type { AnyIterable } from '@nlpkit/core';
import {
  SMOOTH_DEFAULTS,
  bleuFromStatistics,
  resolveBleuOptions,
  segmentStatistics,
  type BleuOptions,
  type BleuScore,
} from './bleuStatistics.js';
import { createCorpusMetric, scoreCorpus, sentenceReferences, type CorpusMetric, type ReferenceStreams } from './corpusMetric.js';
import { pyFixed } from './pythonText.js';
import { formatSignature } from './signature.js';

/** A BLEU score with the signature that says how it was computed. */
export interface BleuResult extends BleuScore {
  /** sacreBLEU's signature string, e.g. `nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0`. */
  readonly signature: string;
}

/**
 * Streaming corpus BLEU: feed batches with `update`, read the score with `compute` at any point. `statistics()`
 * holds `[sysLen, refLen, correct..., total...]` per segment, for {@link bootstrapConfidence}.
 */
export type BleuMetric = CorpusMetric<BleuResult>;

/** Creates a streaming corpus BLEU metric; {@link corpusBleu} is this fed the whole corpus. */
export function createBleu(options: BleuOptions = {}): BleuMetric {
  const opts = resolveBleuOptions(options);
  return createCorpusMetric({
    width: 2 + 2 * opts.maxNgramOrder,
    segment: (hypothesis, references) => segmentStatistics(hypothesis, references, opts),
    score: (totals, nrefs) => ({ ...bleuFromStatistics(totals, opts), signature: bleuSignature(opts, nrefs) }),
  });
}

/**
 * Corpus BLEU, identical to sacreBLEU's `corpus_bleu`: `references[k][i]` is the k-th reference of
 * hypothesis i. Scores are in percent. Hypotheses and reference streams may be arrays, iterables or async
 * iterables (file readers); with any async input the result is a promise.
 *
 * @example
 * corpusBleu(['The cat sat on the mat.'], [['The cat is sitting on the mat.']]).score
 * await corpusBleu(readLines('hyp.txt'), [readLines('ref.txt')]);
 */
export function corpusBleu(hypotheses: Iterable<string>, references: readonly Iterable<string | null>[], options?: BleuOptions): BleuResult;
export function corpusBleu(hypotheses: AsyncIterable<string>, references: ReferenceStreams, options?: BleuOptions): Promise<BleuResult>;
export function corpusBleu(hypotheses: AnyIterable<string>, references: readonly AsyncIterable<string | null>[], options?: BleuOptions): Promise<BleuResult>;
export function corpusBleu(hypotheses: AnyIterable<string>, references: ReferenceStreams, options?: BleuOptions): BleuResult | Promise<BleuResult>;
export function corpusBleu(hypotheses: AnyIterable<string>, references: ReferenceStreams, options: BleuOptions = {}): BleuResult | Promise<BleuResult> {
  return scoreCorpus(createBleu(options), hypotheses, references);
}

/**
 * Sentence BLEU against one or more references, identical to sacreBLEU's `sentence_bleu` (which turns on
 * effective order by default so that short sentences are not zeroed by a missing 4-gram).
 */
export function sentenceBleu(hypothesis: string, references: readonly string[], options: BleuOptions = {}): BleuResult {
  const opts = resolveBleuOptions(options, true);
  return createBleu(opts)
    .update(
      [hypothesis],
      sentenceReferences(references).map((ref) => [ref]),
    )
    .compute();
}

/** sacreBLEU's BLEU signature, e.g. `nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0`. */
export function bleuSignature(
  options: BleuOptions = {},
  nrefs: number | 'var' = 1,
  bootstrap?: { readonly samples: number; readonly seed: number },
): string {
  const opts = resolveBleuOptions(options);
  const defaultValue = SMOOTH_DEFAULTS[opts.smoothMethod];
  // Methods that take a value print it with two decimals, e.g. `floor[0.10]`.
  const smooth = defaultValue === undefined ? opts.smoothMethod : `${opts.smoothMethod}[${pyFixed(opts.smoothValue ?? defaultValue, 2)}]`;
  return formatSignature(
    nrefs,
    bootstrap,
    [
      { name: 'case', short: 'c', value: opts.lowercase ? 'lc' : 'mixed' },
      { name: 'eff', short: 'e', value: opts.effectiveOrder },
      { name: 'tok', short: 'tok', value: opts.tokenize },
      { name: 'smooth', short: 's', value: smooth },
    ],
    opts.signature,
  );
}

/**
 * sacreBLEU's one-line report: `BLEU = 35.53 73.6/45.1/30.5/22.6 (BP = 0.914 ratio = 0.918 hyp_len = 212
 * ref_len = 231)`; with a signature, `BLEU|<signature> = ...`.
 */
export function formatBleu(score: BleuScore, signature?: string, width = 2): string {
  const name = signature ? `BLEU|${signature}` : 'BLEU';
  const precisions = score.precisions.map((p) => pyFixed(p, 1)).join('/');
  return (
    `${name} = ${pyFixed(score.score, width)} ${precisions} (BP = ${pyFixed(score.bp, 3)} ` +
    `ratio = ${pyFixed(score.ratio, 3)} hyp_len = ${score.sysLen} ref_len = ${score.refLen})`
  );
}
