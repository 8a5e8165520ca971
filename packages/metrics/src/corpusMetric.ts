import { EmptyInputError, LengthMismatchError, type AnyIterable } from '@nlpkit/core';
import { PKG, check } from './errors.js';
import { afterBatches, batchItems, forEachBatch } from './forEachBatch.js';
import { nrefsValue } from './signature.js';

/**
 * References in sacreBLEU's layout: a list of reference *streams*, each holding one line per hypothesis
 * (`references[k][i]` is the k-th reference of segment i). A stream is an array, any iterable, or an async
 * iterable such as a file reader. A `null` line means "segment i has no k-th reference", which allows a variable
 * number of references per segment (the signature then says `nrefs:var`).
 */
export type ReferenceStreams = readonly AnyIterable<string | null>[];

/**
 * A streaming corpus metric (BLEU, chrF or TER): feed batches with `update`, read the score with `compute` at any
 * point. Scores are computed from per-segment sufficient statistics, summed, so any batching gives the same score.
 */
export interface CorpusMetric<R> {
  /**
   * Adds a batch of hypotheses with their reference streams (arrays or sync iterables, see
   * {@link ReferenceStreams}). A batch that fails a check leaves the metric unchanged.
   */
  update(hypotheses: Iterable<string>, references: readonly Iterable<string | null>[]): CorpusMetric<R>;
  /** The score over everything added so far. Throws an `EmptyInputError` before the first segment. */
  compute(): R;
  /** Per-segment sufficient statistics so far, in input order, for bootstrap resampling. */
  statistics(): readonly (readonly number[])[];
}

/** What distinguishes one corpus metric from another: its segment statistics and its score from their sums. */
export interface CorpusMetricSpec<R> {
  /** Number of statistics per segment. */
  readonly width: number;
  /** The statistics of one segment against its (non-empty) references. */
  segment(hypothesis: string, references: readonly string[]): number[];
  /** The score from statistics summed over segments, and sacreBLEU's `nrefs` signature field. */
  score(totals: readonly number[], nrefs: number | 'var'): R;
}

/** The streaming metric for a spec: the update/compute/statistics code that BLEU, chrF and TER share. */
export function createCorpusMetric<R>(spec: CorpusMetricSpec<R>): CorpusMetric<R> {
  const segments: number[][] = [];
  const refCounts = new Set<number>();
  const metric: CorpusMetric<R> = {
    update(hypotheses, references) {
      const hyps = batchItems(hypotheses, 'hypotheses', 'strings', 'the corpus functions');
      const streams = check.array(references, 'references').map((stream, k) => batchItems(stream, `references[${k}]`, 'lines', 'the corpus functions'));
      hyps.forEach((hyp, i) => check.string(hyp, `hypotheses[${segments.length + i}]`));
      const refs = segmentReferences(hyps.length, streams, segments.length);
      // Score the whole batch before storing it, so a bad line leaves the metric unchanged.
      const stats = (hyps as readonly string[]).map((hyp, i) => spec.segment(hyp, refs[i]!));
      segments.push(...stats);
      for (const lines of refs) refCounts.add(lines.length);
      return metric;
    },
    compute() {
      if (segments.length === 0) throw new EmptyInputError({ package: PKG, argument: 'hypotheses', expected: 'at least one segment' });
      return spec.score(sumStatistics(segments, spec.width), nrefsValue(refCounts));
    },
    statistics() {
      return segments;
    },
  };
  return metric;
}

/**
 * Scores a whole corpus with a fresh metric: hypotheses and reference streams are read in lockstep (arrays at
 * once, iterables in batches), synchronously for sync input and as a promise when any input is async.
 */
export function scoreCorpus<R>(metric: CorpusMetric<R>, hypotheses: AnyIterable<string>, references: ReferenceStreams): R | Promise<R> {
  const streams = check.array(references, 'references');
  if (streams.length === 0) {
    throw new EmptyInputError({ package: PKG, argument: 'references', expected: 'at least one reference stream' });
  }
  const done = forEachBatch(
    [
      { items: hypotheses, argument: 'hypotheses', what: 'strings' },
      ...streams.map((items, k) => ({ items, argument: `references[${k}]`, what: 'lines (one per hypothesis)' })),
    ],
    ([hyps, ...refs]) => metric.update(hyps as string[], refs as (string | null)[][]),
  );
  return afterBatches(done, () => metric.compute());
}

/** Checks the references of a single sentence (a non-empty array of strings). */
export function sentenceReferences(references: readonly string[]): readonly string[] {
  check.array(references, 'references');
  if (references.length === 0) throw new EmptyInputError({ package: PKG, argument: 'references', expected: 'at least one reference' });
  references.forEach((ref, k) => check.string(ref, `references[${k}]`));
  return references;
}

/** Adds segment statistics column by column (sacreBLEU's `sum_of_lists`), left to right. */
export function sumStatistics(segments: readonly (readonly number[])[], width: number): number[] {
  const total = new Array<number>(width).fill(0);
  for (const stats of segments) {
    for (let j = 0; j < width; j++) total[j] = total[j]! + stats[j]!;
  }
  return total;
}

/** Checks a batch and regroups its references per segment, nulls removed; `offset` numbers segments in messages. */
function segmentReferences(count: number, streams: readonly (readonly unknown[])[], offset: number): string[][] {
  if (streams.length === 0) throw new EmptyInputError({ package: PKG, argument: 'references', expected: 'at least one reference stream' });
  streams.forEach((stream, k) => {
    if (stream.length !== count) {
      throw new LengthMismatchError({
        package: PKG,
        argument: `references[${k}]`,
        expectedLength: count,
        foundLength: stream.length,
        items: 'lines (one per hypothesis)',
      });
    }
  });
  return Array.from({ length: count }, (_, i) => {
    const lines: string[] = [];
    streams.forEach((stream, k) => {
      const line = stream[i];
      if (line === null) return;
      if (typeof line !== 'string') throw check.invalid(line, `references[${k}][${offset + i}]`, 'a string or null');
      lines.push(line);
    });
    if (lines.length === 0) {
      throw new EmptyInputError({ package: PKG, argument: `references of hypotheses[${offset + i}]`, expected: 'at least one line that is not null' });
    }
    return lines;
  });
}
