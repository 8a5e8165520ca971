import { LengthMismatchError } from '@nlpkit/core';
import { sentenceReferences } from './corpusMetric.js';
import { PKG, check } from './errors.js';
import { codePoints, isSingleUnit, pyRemoveWhitespace, pySplit } from './pythonText.js';
import type { SignatureFormat } from './signature.js';

/** Settings for chrF / chrF++; the defaults are sacreBLEU's chrF2. */
export interface ChrfOptions {
  /** Character n-gram order (default 6). */
  readonly charOrder?: number;
  /** Word n-gram order: 0 is chrF, 2 is chrF++ (default 0). */
  readonly wordOrder?: number;
  /** Weight of recall relative to precision (default 2). */
  readonly beta?: number;
  /** Lowercase both sides first (default false). */
  readonly lowercase?: boolean;
  /** Keep whitespace inside character n-grams (default false). */
  readonly whitespace?: boolean;
  /**
   * Average F-scores with ε smoothing as chrF++.py, Moses and NLTK do, instead of sacreBLEU's default
   * effective-order averaging of precision and recall (default false).
   */
  readonly epsSmoothing?: boolean;
  /** How to print the signature. */
  readonly signature?: SignatureFormat;
}

/** chrF options with every default filled in and checked. */
export interface ResolvedChrf {
  readonly charOrder: number;
  readonly wordOrder: number;
  readonly beta: number;
  readonly lowercase: boolean;
  readonly whitespace: boolean;
  readonly epsSmoothing: boolean;
  readonly signature: SignatureFormat;
}

/** Fills in and checks chrF options. */
export function resolveChrfOptions(options: ChrfOptions = {}): ResolvedChrf {
  check.options(options, 'options', ['charOrder', 'wordOrder', 'beta', 'lowercase', 'whitespace', 'epsSmoothing', 'signature']);
  const beta = check.number(options.beta ?? 2, 'options.beta', 0);
  const charOrder = check.integer(options.charOrder ?? 6, 'options.charOrder', 0, 100);
  const wordOrder = check.integer(options.wordOrder ?? 0, 'options.wordOrder', 0, 100);
  // With no order at all the score would be 0/0.
  if (charOrder + wordOrder === 0) throw check.invalid(0, 'options.charOrder + options.wordOrder', 'at least 1');
  return {
    charOrder,
    wordOrder,
    beta,
    lowercase: check.boolean(options.lowercase ?? false, 'options.lowercase'),
    whitespace: check.boolean(options.whitespace ?? false, 'options.whitespace'),
    epsSmoothing: check.boolean(options.epsSmoothing ?? false, 'options.epsSmoothing'),
    signature: options.signature ?? {},
  };
}

// string.punctuation, which chrF++ strips from the edges of words.
const PUNCTUATION = new Set('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~');

/** chrF++'s word split: a word longer than one character loses one punctuation mark at its end, else its start. */
function chrfWords(sentence: string): string[] {
  const words: string[] = [];
  for (const word of pySplit(sentence)) {
    const chars = codePoints(word);
    if (chars.length === 1) {
      words.push(word);
    } else if (PUNCTUATION.has(chars[chars.length - 1] as string)) {
      // Like sacreBLEU (issue #124), '(hi)' becomes '(hi' and ')': only one edge is split.
      words.push(chars.slice(0, -1).join(''), chars[chars.length - 1] as string);
    } else if (PUNCTUATION.has(chars[0] as string)) {
      words.push(chars[0] as string, chars.slice(1).join(''));
    } else {
      words.push(word);
    }
  }
  return words;
}

function count(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

/** Character n-gram counts for orders 1..charOrder, then word n-gram counts for orders 1..wordOrder. */
function allNgrams(sentence: string, opts: ResolvedChrf): Map<string, number>[] {
  const line = opts.whitespace ? sentence : pyRemoveWhitespace(sentence);
  const result: Map<string, number>[] = [];
  const single = isSingleUnit(line);
  const chars = single ? null : Array.from(line);
  const length = chars ? chars.length : line.length;
  for (let n = 1; n <= opts.charOrder; n++) {
    const grams = new Map<string, number>();
    for (let i = 0; i + n <= length; i++) count(grams, chars ? chars.slice(i, i + n).join('') : line.slice(i, i + n));
    result.push(grams);
  }
  if (opts.wordOrder > 0) {
    const words = chrfWords(sentence);
    for (let n = 1; n <= opts.wordOrder; n++) {
      const grams = new Map<string, number>();
      for (let i = 0; i + n <= words.length; i++) count(grams, words.slice(i, i + n).join(' '));
      result.push(grams);
    }
  }
  return result;
}

/** chrF (in percent) from `[hyp, ref, match]` triples per order, summed over segments. */
export function fScore(stats: readonly number[], opts: ResolvedChrf): number {
  const eps = 1e-16;
  const order = opts.charOrder + opts.wordOrder;
  const factor = opts.beta ** 2;
  let score = 0;
  let effectiveOrder = 0;
  let avgPrec = 0;
  let avgRec = 0;
  for (let i = 0; i < order; i++) {
    const nHyp = stats[3 * i] as number;
    const nRef = stats[3 * i + 1] as number;
    const nMatch = stats[3 * i + 2] as number;
    const prec = nHyp > 0 ? nMatch / nHyp : eps;
    const rec = nRef > 0 ? nMatch / nRef : eps;
    const denom = factor * prec + rec;
    score += denom > 0 ? ((1 + factor) * prec * rec) / denom : eps;
    if (nHyp > 0 && nRef > 0) {
      avgPrec += prec;
      avgRec += rec;
      effectiveOrder += 1;
    }
  }
  if (opts.epsSmoothing) return (100 * score) / order;
  if (effectiveOrder === 0) {
    avgPrec = 0;
    avgRec = 0;
  } else {
    avgPrec /= effectiveOrder;
    avgRec /= effectiveOrder;
  }
  if (avgPrec + avgRec) {
    let f = (1 + factor) * avgPrec * avgRec;
    f /= factor * avgPrec + avgRec;
    return 100 * f;
  }
  return 0;
}

/** The statistics of one segment: the reference with the best chrF wins. */
export function segmentStatistics(hypothesis: string, references: readonly string[], opts: ResolvedChrf): number[] {
  const prep = (s: string): string => (opts.lowercase ? s.toLowerCase() : s);
  const hypNgrams = allNgrams(prep(hypothesis), opts);
  let best: number[] = [];
  let bestF = -1;
  // With several references, the segment keeps the statistics of the reference with the best chrF.
  for (const ref of references) {
    const refNgrams = allNgrams(prep(ref), opts);
    const stats: number[] = [];
    hypNgrams.forEach((hyp, j) => {
      const refMap = refNgrams[j] as Map<string, number>;
      let match = 0;
      let hypCount = 0;
      let refCount = 0;
      for (const [gram, c] of hyp) {
        hypCount += c;
        const r = refMap.get(gram);
        if (r !== undefined) match += Math.min(c, r);
      }
      for (const c of refMap.values()) refCount += c;
      // No reference n-grams of this order: the hypothesis n-grams are not counted either.
      stats.push(refMap.size > 0 ? hypCount : 0, refCount, match);
    });
    const f = fScore(stats, opts);
    if (f > bestF) {
      bestF = f;
      best = stats;
    }
  }
  return best;
}

/** chrF from summed segment statistics (`[hyp, ref, match]` per order), for bootstrap resampling. */
export function chrfFromStatistics(statistics: readonly number[], options: ChrfOptions = {}): { readonly score: number } {
  const opts = resolveChrfOptions(options);
  const width = 3 * (opts.charOrder + opts.wordOrder);
  if (statistics.length !== width) {
    throw new LengthMismatchError({ package: PKG, argument: 'statistics', expectedLength: width, foundLength: statistics.length, items: 'numbers (3 per order)' });
  }
  return { score: fScore(statistics, opts) };
}

/** Statistics of one segment against its references (the best-scoring reference wins). */
export function chrfSegmentStatistics(hypothesis: string, references: readonly string[], options: ChrfOptions = {}): number[] {
  check.string(hypothesis, 'hypothesis');
  return segmentStatistics(hypothesis, sentenceReferences(references), resolveChrfOptions(options));
}

