import {
  bleuFromStatistics,
  bleuSignature,
  resolveBleuOptions,
  type BleuOptions,
  type BleuScore,
  type ResolvedBleuOptions,
} from './bleuScore.js';
import { corpusSegments, sentenceReferences, sumStatistics, type ReferenceStreams } from './corpusInput.js';
import { EmptyInputError, expectString } from './errors.js';
import { pyRstrip, pySplit } from './pythonText.js';
import { nrefsValue } from './signature.js';
import { tokenizeBleu } from './tokenizeBleu.js';

/** A BLEU score with the signature that says how it was computed. */
export interface BleuResult extends BleuScore {
  /** sacreBLEU's signature string, e.g. `nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0`. */
  readonly signature: string;
}

/** Streaming corpus BLEU: feed batches with `update`, read the score with `compute` at any point. */
export interface BleuMetric {
  /** Adds a batch of hypotheses with their reference streams (see {@link ReferenceStreams}). */
  update(hypotheses: readonly string[], references: ReferenceStreams): BleuMetric;
  /** BLEU over everything added so far. Throws an EmptyInputError before the first segment. */
  compute(): BleuResult;
  /** Per-segment sufficient statistics so far (`[sysLen, refLen, correct..., total...]`), for bootstrap tests. */
  statistics(): readonly (readonly number[])[];
}

/** Lowercases (optionally), strips trailing whitespace and tokenizes, in sacreBLEU's order. */
function preprocess(line: string, opts: ResolvedBleuOptions): string[] {
  const text = opts.lowercase ? line.toLowerCase() : line;
  return pySplit(tokenizeBleu(pyRstrip(text), opts.tokenize));
}

/** Counts all n-grams of orders 1..maxOrder; the key is the n-gram's tokens joined by a space. */
function ngramCounts(tokens: readonly string[], maxOrder: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let n = 1; n <= maxOrder; n++) {
    for (let i = 0; i + n <= tokens.length; i++) {
      // Tokens never contain whitespace, so joining with a space cannot make two n-grams collide.
      const key = tokens.slice(i, i + n).join(' ');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return counts;
}

/** The reference length closest to the hypothesis length; ties go to the shorter reference. */
function closestRefLength(hypLen: number, refLens: readonly number[]): number {
  let bestDiff = -1;
  let best = -1;
  for (const len of refLens) {
    const diff = Math.abs(hypLen - len);
    if (bestDiff === -1 || diff < bestDiff) {
      bestDiff = diff;
      best = len;
    } else if (diff === bestDiff && len < best) {
      best = len;
    }
  }
  return best;
}

/**
 * Sufficient statistics of one segment, `[sysLen, refLen, correct_1..correct_N, total_1..total_N]`: n-gram
 * matches are clipped by the largest count of that n-gram in any one reference.
 */
export function bleuSegmentStatistics(hypothesis: string, references: readonly string[], options: BleuOptions = {}): number[] {
  expectString('hypothesis', hypothesis);
  const opts = resolveBleuOptions(options);
  return segmentStatistics(hypothesis, sentenceReferences(references), opts);
}

function segmentStatistics(hypothesis: string, references: readonly string[], opts: ResolvedBleuOptions): number[] {
  const order = opts.maxNgramOrder;
  const refNgrams = new Map<string, number>();
  const refLens: number[] = [];
  for (const ref of references) {
    const tokens = preprocess(ref, opts);
    refLens.push(tokens.length);
    for (const [ngram, count] of ngramCounts(tokens, order)) {
      const seen = refNgrams.get(ngram);
      if (seen === undefined || count > seen) refNgrams.set(ngram, count);
    }
  }
  const hypTokens = preprocess(hypothesis, opts);
  const correct = new Array<number>(order).fill(0);
  const total = new Array<number>(order).fill(0);
  for (let n = 1; n <= order; n++) {
    const counts = new Map<string, number>();
    for (let i = 0; i + n <= hypTokens.length; i++) {
      const key = hypTokens.slice(i, i + n).join(' ');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    for (const [ngram, count] of counts) {
      total[n - 1] = (total[n - 1] as number) + count;
      const inRef = refNgrams.get(ngram);
      if (inRef !== undefined) correct[n - 1] = (correct[n - 1] as number) + Math.min(count, inRef);
    }
  }
  return [hypTokens.length, closestRefLength(hypTokens.length, refLens), ...correct, ...total];
}

/** Creates a streaming corpus BLEU metric; `corpusBleu` is this with a single `update`. */
export function createBleu(options: BleuOptions = {}): BleuMetric {
  const opts = resolveBleuOptions(options);
  const segments: number[][] = [];
  const refCounts = new Set<number>();
  const metric: BleuMetric = {
    update(hypotheses, references) {
      const batch = corpusSegments(hypotheses, references);
      // Compute the whole batch before storing it, so a bad line leaves the metric unchanged.
      const stats = hypotheses.map((hyp, i) => segmentStatistics(hyp, batch.refs[i] as readonly string[], opts));
      segments.push(...stats);
      for (const count of batch.refCounts) refCounts.add(count);
      return metric;
    },
    compute() {
      if (segments.length === 0) throw new EmptyInputError('hypotheses');
      const score = bleuFromStatistics(sumStatistics(segments, 2 + 2 * opts.maxNgramOrder), opts);
      return { ...score, signature: bleuSignature(opts, nrefsValue(refCounts)) };
    },
    statistics() {
      return segments;
    },
  };
  return metric;
}

/**
 * Corpus BLEU, identical to sacreBLEU's `corpus_bleu`: `references[k][i]` is the k-th reference of
 * hypothesis i. Scores are in percent.
 *
 * @example
 * corpusBleu(['The cat sat on the mat.'], [['The cat is sitting on the mat.']]).score
 */
export function corpusBleu(hypotheses: readonly string[], references: ReferenceStreams, options: BleuOptions = {}): BleuResult {
  return createBleu(options).update(hypotheses, references).compute();
}

/**
 * Sentence BLEU against one or more references, identical to sacreBLEU's `sentence_bleu` (which turns on
 * effective order by default so that short sentences are not zeroed by a missing 4-gram).
 */
export function sentenceBleu(hypothesis: string, references: readonly string[], options: BleuOptions = {}): BleuResult {
  const opts = resolveBleuOptions(options, true);
  const refs = sentenceReferences(references);
  return createBleu(opts)
    .update(
      [hypothesis],
      refs.map((ref) => [ref]),
    )
    .compute();
}
