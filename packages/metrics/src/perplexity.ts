import { EmptyInputError, InvalidNumberError, LengthMismatchError, UnknownNameError, expectArray } from './errors.js';

/** Log bases accepted for log-probabilities: natural (`'e'`), bits (2) or decimal (10, as KenLM and ARPA files use). */
export type LogBase = 'e' | 2 | 10;

/** Settings for perplexity. */
export interface PerplexityOptions {
  /** Base of the input log-probabilities, and of the cross-entropy returned (default `'e'`). */
  readonly base?: LogBase;
}

/** Cross-entropy and perplexity of one sentence or of the whole corpus. */
export interface PerplexityScore {
  /** Average negative log-probability per counted token, in the input base. NaN when no token was counted. */
  readonly crossEntropy: number;
  /** base^crossEntropy: the same whatever base the log-probabilities were given in. */
  readonly perplexity: number;
  /** Number of tokens counted (padding excluded). */
  readonly tokens: number;
}

/** Corpus scores (per token over all sentences) with the per-sentence scores. */
export interface PerplexityResult extends PerplexityScore {
  /** Per sentence, in input order; a sentence with only padding has NaN scores and 0 tokens. */
  readonly sentences: readonly PerplexityScore[];
  /** The corpus cross-entropy in bits (base 2), whatever the input base. */
  readonly bits: number;
  /** The corpus cross-entropy in nats (base e), whatever the input base. */
  readonly nats: number;
}

/**
 * Which positions are real tokens: a mask of the same shape as the log-probabilities (`true` or 1 = count it),
 * or the number of real tokens at the start of each sentence (padding after them).
 */
export type Padding = { readonly mask: readonly (readonly (boolean | 0 | 1)[])[] } | { readonly lengths: readonly number[] };

/** Streaming perplexity: add batches of per-token log-probabilities with `update`, read scores with `compute`. */
export interface PerplexityMetric {
  /** Adds sentences of per-token log-probabilities, with optional padding information. */
  update(logProbs: readonly (readonly number[])[], padding?: Padding): PerplexityMetric;
  /** Scores over everything added so far. Throws an EmptyInputError while no token has been counted. */
  compute(): PerplexityResult;
}

function lnOfBase(base: LogBase): number {
  if (base === 'e') return 1;
  if (base === 2) return Math.LN2;
  if (base === 10) return Math.LN10;
  throw new UnknownNameError('base', ['e', '2', '10'], base);
}

function score(sum: number, tokens: number, lnBase: number): PerplexityScore {
  if (tokens === 0) return { crossEntropy: Number.NaN, perplexity: Number.NaN, tokens: 0 };
  const crossEntropy = -sum / tokens;
  return { crossEntropy, perplexity: Math.exp(crossEntropy * lnBase), tokens };
}

/** Creates a streaming perplexity metric; `perplexity` is this with a single `update`. */
export function createPerplexity(options: PerplexityOptions = {}): PerplexityMetric {
  const base = options.base ?? 'e';
  const lnBase = lnOfBase(base);
  const sentences: PerplexityScore[] = [];
  let total = 0;
  let tokens = 0;
  const metric: PerplexityMetric = {
    update(logProbs, padding) {
      expectArray('logProbs', logProbs);
      const mask = padding && 'mask' in padding ? padding.mask : undefined;
      const lengths = padding && 'lengths' in padding ? padding.lengths : undefined;
      if (mask) {
        expectArray('padding.mask', mask);
        if (mask.length !== logProbs.length) throw new LengthMismatchError('padding.mask', logProbs.length, mask.length, 'rows (one per sentence)');
      }
      if (lengths) {
        expectArray('padding.lengths', lengths);
        if (lengths.length !== logProbs.length) throw new LengthMismatchError('padding.lengths', logProbs.length, lengths.length, 'lengths (one per sentence)');
      }
      // Check the whole batch before adding any of it, so that a bad value leaves the metric unchanged.
      const sums: [number, number][] = logProbs.map((row, s) => {
        expectArray(`logProbs[${s}]`, row);
        const rowMask = mask?.[s];
        if (rowMask !== undefined && rowMask.length !== row.length) {
          throw new LengthMismatchError(`padding.mask[${s}]`, row.length, rowMask.length, 'flags (one per log-probability)');
        }
        const length = lengths?.[s] ?? row.length;
        if (!Number.isInteger(length) || length < 0 || length > row.length) {
          throw new InvalidNumberError(`padding.lengths[${s}]`, `an integer from 0 to ${row.length}`, length);
        }
        let sum = 0;
        let count = 0;
        for (let t = 0; t < length; t++) {
          if (rowMask !== undefined && !rowMask[t]) continue;
          const lp = row[t];
          // A log-probability is at most 0; -Infinity (probability 0) is allowed and makes perplexity infinite.
          if (typeof lp !== 'number' || Number.isNaN(lp) || lp > 0) {
            throw new InvalidNumberError(`logProbs[${s}][${t}]`, 'a log-probability (a number ≤ 0, not NaN)', lp);
          }
          sum += lp;
          count += 1;
        }
        return [sum, count];
      });
      for (const [sum, count] of sums) {
        sentences.push(score(sum, count, lnBase));
        total += sum;
        tokens += count;
      }
      return metric;
    },
    compute() {
      if (tokens === 0) throw new EmptyInputError('logProbs (tokens that are not padding)');
      const corpus = score(total, tokens, lnBase);
      return { ...corpus, sentences: sentences.slice(), nats: corpus.crossEntropy * lnBase, bits: (corpus.crossEntropy * lnBase) / Math.LN2 };
    },
  };
  return metric;
}

/**
 * Perplexity and cross-entropy from per-token log-probabilities (`logProbs[s][t]` for token t of sentence s),
 * per token over the corpus and per sentence, skipping padding positions.
 *
 * @example
 * perplexity([[Math.log(0.5), Math.log(0.25)]]).perplexity // 2.828… = 1 / sqrt(0.5 · 0.25)
 */
export function perplexity(logProbs: readonly (readonly number[])[], options: PerplexityOptions & { readonly padding?: Padding } = {}): PerplexityResult {
  return createPerplexity(options).update(logProbs, options.padding).compute();
}
