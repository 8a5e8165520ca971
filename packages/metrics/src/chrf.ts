import { corpusSegments, sentenceReferences, sumStatistics, type ReferenceStreams } from './corpusInput.js';
import { EmptyInputError, InvalidNumberError, LengthMismatchError, expectInteger, expectString } from './errors.js';
import { codePoints, isSingleUnit, pyFixed, pyRemoveWhitespace, pySplit } from './pythonText.js';
import { formatSignature, nrefsValue, type SignatureFormat } from './signature.js';

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

interface ResolvedChrf {
  readonly charOrder: number;
  readonly wordOrder: number;
  readonly beta: number;
  readonly lowercase: boolean;
  readonly whitespace: boolean;
  readonly epsSmoothing: boolean;
  readonly signature: SignatureFormat;
}

/** A chrF score with its name (`chrF2`, `chrF2++`) and signature. */
export interface ChrfResult {
  /** chrF in percent (0–100). */
  readonly score: number;
  /** sacreBLEU's name for the variant: `chrF<beta>` followed by one `+` per word order. */
  readonly name: string;
  /** sacreBLEU's signature, e.g. `nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.6.0`. */
  readonly signature: string;
}

/** Streaming corpus chrF: feed batches with `update`, read the score with `compute`. */
export interface ChrfMetric {
  /** Adds a batch of hypotheses with their reference streams. */
  update(hypotheses: readonly string[], references: ReferenceStreams): ChrfMetric;
  /** chrF over everything added so far. Throws an EmptyInputError before the first segment. */
  compute(): ChrfResult;
  /** Per-segment statistics so far: `[hyp, ref, match]` per order, for bootstrap tests. */
  statistics(): readonly (readonly number[])[];
}

function resolve(options: ChrfOptions): ResolvedChrf {
  const beta = options.beta ?? 2;
  if (!(Number.isFinite(beta) && beta >= 0)) throw new InvalidNumberError('beta', 'a finite number ≥ 0', beta);
  const charOrder = expectInteger('charOrder', options.charOrder ?? 6, 0, 100);
  const wordOrder = expectInteger('wordOrder', options.wordOrder ?? 0, 0, 100);
  // With no order at all the score would be 0/0.
  if (charOrder + wordOrder === 0) throw new InvalidNumberError('charOrder + wordOrder', 'at least 1', 0);
  return {
    charOrder,
    wordOrder,
    beta,
    lowercase: options.lowercase ?? false,
    whitespace: options.whitespace ?? false,
    epsSmoothing: options.epsSmoothing ?? false,
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
function fScore(stats: readonly number[], opts: ResolvedChrf): number {
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

function segmentStatistics(hypothesis: string, references: readonly string[], opts: ResolvedChrf): number[] {
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

function chrfName(opts: ResolvedChrf): string {
  return `chrF${opts.beta}${'+'.repeat(opts.wordOrder)}`;
}

/** sacreBLEU's chrF signature, e.g. `nrefs:1|case:mixed|eff:yes|nc:6|nw:2|space:no|version:2.6.0`. */
export function chrfSignature(options: ChrfOptions = {}, nrefs: number | 'var' = 1): string {
  const opts = resolve(options);
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

/** chrF from summed segment statistics (`[hyp, ref, match]` per order), for bootstrap resampling. */
export function chrfFromStatistics(statistics: readonly number[], options: ChrfOptions = {}): { readonly score: number } {
  const opts = resolve(options);
  const width = 3 * (opts.charOrder + opts.wordOrder);
  if (statistics.length !== width) throw new LengthMismatchError('statistics', width, statistics.length, 'numbers');
  return { score: fScore(statistics, opts) };
}

/** Statistics of one segment against its references (the best-scoring reference wins). */
export function chrfSegmentStatistics(hypothesis: string, references: readonly string[], options: ChrfOptions = {}): number[] {
  expectString('hypothesis', hypothesis);
  return segmentStatistics(hypothesis, sentenceReferences(references), resolve(options));
}

/** Creates a streaming corpus chrF metric; `corpusChrf` is this with a single `update`. */
export function createChrf(options: ChrfOptions = {}): ChrfMetric {
  const opts = resolve(options);
  const segments: number[][] = [];
  const refCounts = new Set<number>();
  const metric: ChrfMetric = {
    update(hypotheses, references) {
      const batch = corpusSegments(hypotheses, references);
      const stats = hypotheses.map((hyp, i) => segmentStatistics(hyp, batch.refs[i] as readonly string[], opts));
      segments.push(...stats);
      for (const c of batch.refCounts) refCounts.add(c);
      return metric;
    },
    compute() {
      if (segments.length === 0) throw new EmptyInputError('hypotheses');
      const score = fScore(sumStatistics(segments, 3 * (opts.charOrder + opts.wordOrder)), opts);
      return { score, name: chrfName(opts), signature: chrfSignature(opts, nrefsValue(refCounts)) };
    },
    statistics() {
      return segments;
    },
  };
  return metric;
}

/** Corpus chrF / chrF++ identical to sacreBLEU's `corpus_chrf` (set `wordOrder: 2` for chrF++). */
export function corpusChrf(hypotheses: readonly string[], references: ReferenceStreams, options: ChrfOptions = {}): ChrfResult {
  return createChrf(options).update(hypotheses, references).compute();
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
