import { LengthMismatchError } from '@nlpkit/core';
import { PKG, check } from './errors.js';
import { pyRstrip, pySplit } from './pythonText.js';
import type { SignatureFormat } from './signature.js';
import { sentenceReferences } from './corpusMetric.js';
import { BLEU_TOKENIZERS, tokenizeBleu, type BleuTokenizerName } from './tokenizeBleu.js';

/** BLEU smoothing methods (Chen & Cherry 2014), by their sacreBLEU names. */
export const BLEU_SMOOTHING = ['none', 'floor', 'add-k', 'exp'] as const;

/** A BLEU smoothing method: `exp` (NIST, the default), `floor`, `add-k` or `none`. */
export type BleuSmoothing = (typeof BLEU_SMOOTHING)[number];

/** Settings for BLEU; the defaults are sacreBLEU's. */
export interface BleuOptions {
  /** Tokenizer applied to hypotheses and references (default `13a`). */
  readonly tokenize?: BleuTokenizerName;
  /** Lowercase both sides first (default false; the signature says `case:lc`). */
  readonly lowercase?: boolean;
  /** Smoothing for zero n-gram matches (default `exp`). */
  readonly smoothMethod?: BleuSmoothing;
  /** The value for `floor` (default 0.1) and `add-k` (default 1); ignored by the others. */
  readonly smoothValue?: number;
  /** Highest n-gram order (default 4). */
  readonly maxNgramOrder?: number;
  /**
   * Stop at the highest order the hypothesis has n-grams for, instead of scoring missing orders as zero
   * (default false for corpus BLEU, true for {@link sentenceBleu}, as in sacreBLEU).
   */
  readonly effectiveOrder?: boolean;
  /** How to print the signature (its `version` field, short keys). */
  readonly signature?: SignatureFormat;
}

/** BLEU options with every default filled in and checked. */
export interface ResolvedBleuOptions {
  readonly tokenize: BleuTokenizerName;
  readonly lowercase: boolean;
  readonly smoothMethod: BleuSmoothing;
  readonly smoothValue: number | undefined;
  readonly maxNgramOrder: number;
  readonly effectiveOrder: boolean;
  readonly signature: SignatureFormat;
}

/** A BLEU score and the numbers behind it, as sacreBLEU's `BLEUScore` holds them. */
export interface BleuScore {
  /** BLEU in percent (0–100). */
  readonly score: number;
  /** Matched n-grams per order. With `add-k`, orders ≥ 2 include the added k, as sacreBLEU reports them. */
  readonly counts: readonly number[];
  /** Hypothesis n-grams per order (with `add-k`, orders ≥ 2 include the added k). */
  readonly totals: readonly number[];
  /** Smoothed n-gram precisions per order, in percent. */
  readonly precisions: readonly number[];
  /** Brevity penalty. */
  readonly bp: number;
  /** Hypothesis length in tokens. */
  readonly sysLen: number;
  /** Effective reference length in tokens (closest reference length per segment, summed). */
  readonly refLen: number;
  /** sysLen / refLen (0 when refLen is 0). */
  readonly ratio: number;
}

/** The default `smoothValue` of each method; `undefined` for the methods that take no value. */
export const SMOOTH_DEFAULTS: Readonly<Record<BleuSmoothing, number | undefined>> = {
  none: undefined,
  floor: 0.1,
  'add-k': 1,
  exp: undefined,
};

/** Fills in and checks BLEU options; `effectiveOrderDefault` differs between corpus and sentence BLEU. */
export function resolveBleuOptions(options: BleuOptions = {}, effectiveOrderDefault = false): ResolvedBleuOptions {
  check.options(options, 'options', ['tokenize', 'lowercase', 'smoothMethod', 'smoothValue', 'maxNgramOrder', 'effectiveOrder', 'signature']);
  const tokenize = check.oneOf(options.tokenize ?? '13a', 'options.tokenize', BLEU_TOKENIZERS);
  const smoothMethod = check.oneOf(options.smoothMethod ?? 'exp', 'options.smoothMethod', BLEU_SMOOTHING);
  const maxNgramOrder = check.integer(options.maxNgramOrder ?? 4, 'options.maxNgramOrder', 1, 100);
  const smoothValue = options.smoothValue ?? SMOOTH_DEFAULTS[smoothMethod];
  if (smoothValue !== undefined) check.number(smoothValue, 'options.smoothValue', 0);
  return {
    tokenize,
    lowercase: check.boolean(options.lowercase ?? false, 'options.lowercase'),
    smoothMethod,
    smoothValue: SMOOTH_DEFAULTS[smoothMethod] === undefined ? undefined : smoothValue,
    maxNgramOrder,
    effectiveOrder: check.boolean(options.effectiveOrder ?? effectiveOrderDefault, 'options.effectiveOrder'),
    signature: options.signature ?? {},
  };
}

/** sacreBLEU's floored logarithm: log(0) counts as -9999999999 so that a zero precision zeroes the score. */
function flooredLog(x: number): number {
  return x === 0 ? -9999999999 : Math.log(x);
}

/**
 * BLEU from summed sufficient statistics `[sysLen, refLen, correct_1..correct_N, total_1..total_N]`, with
 * sacreBLEU's smoothing and effective-order rules. Bootstrap resampling calls this on resampled sums.
 */
export function bleuFromStatistics(statistics: readonly number[], options: BleuOptions = {}): BleuScore {
  const opts = resolveBleuOptions(options);
  const order = opts.maxNgramOrder;
  if (statistics.length !== 2 + 2 * order) {
    throw new LengthMismatchError({
      package: PKG,
      argument: 'statistics',
      expectedLength: 2 + 2 * order,
      foundLength: statistics.length,
      items: 'numbers (2 + 2 × maxNgramOrder)',
    });
  }
  const sysLen = statistics[0] as number;
  const refLen = statistics[1] as number;
  const correct = statistics.slice(2, 2 + order);
  const total = statistics.slice(2 + order);
  const bp = sysLen < refLen ? (sysLen > 0 ? Math.exp(1 - refLen / sysLen) : 0) : 1;
  const precisions = new Array<number>(order).fill(0);
  const ratio = refLen ? sysLen / refLen : 0;
  // No match at any order: the score is 0 whatever the smoothing (sacreBLEU issue #141).
  if (!correct.some((c) => c !== 0)) {
    return { score: 0, counts: correct, totals: total, precisions, bp, sysLen, refLen, ratio };
  }
  const k = opts.smoothValue ?? 0;
  let mteval = 1;
  let effOrder = order;
  for (let n = 1; n <= order; n++) {
    if (opts.smoothMethod === 'add-k' && n > 1) {
      correct[n - 1] = (correct[n - 1] as number) + k;
      total[n - 1] = (total[n - 1] as number) + k;
    }
    const t = total[n - 1] as number;
    const c = correct[n - 1] as number;
    if (t === 0) break;
    if (opts.effectiveOrder) effOrder = n;
    if (c === 0) {
      if (opts.smoothMethod === 'exp') {
        mteval *= 2;
        precisions[n - 1] = 100 / (mteval * t);
      } else if (opts.smoothMethod === 'floor') {
        precisions[n - 1] = (100 * k) / t;
      }
      // `none` (and `add-k` with k = 0) leave the precision at 0, which zeroes the score below.
    } else {
      precisions[n - 1] = (100 * c) / t;
    }
  }
  let logSum = 0;
  for (let n = 0; n < effOrder; n++) logSum += flooredLog(precisions[n] as number);
  const score = bp * Math.exp(logSum / effOrder);
  return { score, counts: correct, totals: total, precisions, bp, sysLen, refLen, ratio };
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
  check.string(hypothesis, 'hypothesis');
  const opts = resolveBleuOptions(options);
  return segmentStatistics(hypothesis, sentenceReferences(references), opts);
}

/** {@link bleuSegmentStatistics} with checked options, for the streaming metric. */
export function segmentStatistics(hypothesis: string, references: readonly string[], opts: ResolvedBleuOptions): number[] {
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

