import { EmptyInputError, LengthMismatchError, UnknownNameError, type AnyIterable, type SentenceScore } from '@nlpkit/core';
import { PKG, check } from './errors.js';
import { afterBatches, batchItems, forEachBatch, type BatchInput } from './forEachBatch.js';

/** Log bases accepted for log-probabilities: decimal (10, as nlpkit's language models, KenLM and ARPA use), natural (`'e'`) or bits (2). */
export type LogBase = 'e' | 2 | 10;

const LOG_BASES: readonly LogBase[] = [10, 'e', 2];

/** Settings for perplexity. */
export interface PerplexityOptions {
  /**
   * Base of the input log-probabilities, and of the cross-entropy returned. Required, because the same numbers
   * mean different perplexities in different bases: `10` for log10 scores (every nlpkit `LanguageModel`, KenLM,
   * ARPA files), `'e'` for natural logs (nats, e.g. `log_softmax` output), `2` for bits.
   */
  readonly base: LogBase;
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
 * or the number of real tokens at the start of each sentence (padding after them), as `@nlpkit/text`'s
 * `padSequences` returns them.
 */
export type Padding = { readonly mask: readonly (readonly (boolean | 0 | 1)[])[] } | { readonly lengths: readonly number[] };

/** Options of {@link perplexityFromScores} and {@link PerplexityMetric.updateScores}. */
export interface SentenceScoreOptions {
  /** Leave out-of-vocabulary tokens and their scores out, as KenLM's "perplexity excluding OOVs" (default false). */
  readonly excludeOov?: boolean;
}

/** Streaming perplexity: add batches of per-token log-probabilities or sentence scores, read scores with `compute`. */
export interface PerplexityMetric {
  /** Adds sentences of per-token log-probabilities in the metric's base, with optional padding information. */
  update(logProbs: Iterable<LogProbRow>, padding?: Padding): PerplexityMetric;
  /**
   * Adds sentence scores of a `LanguageModel` (`model.scoreSentence(tokens)`, log10 by contract); they are
   * converted to the metric's base.
   */
  updateScores(scores: Iterable<SentenceScore>, options?: SentenceScoreOptions): PerplexityMetric;
  /** Scores over everything added so far. Throws an `EmptyInputError` while no token has been counted. */
  compute(): PerplexityResult;
}

const BASE_HINT =
  "given: { base: 10 } for log10 scores (nlpkit language models, KenLM, ARPA), { base: 'e' } for natural logs (nats), { base: 2 } for bits";

function lnOfBase(options: unknown): number {
  const base = (options as { base?: unknown } | undefined)?.base;
  if (options === undefined || base === undefined) throw check.invalid(base, 'options.base', BASE_HINT);
  if (base === 'e') return 1;
  if (base === 2) return Math.LN2;
  if (base === 10) return Math.LN10;
  throw new UnknownNameError({ package: PKG, argument: 'options.base', allowed: LOG_BASES, found: base });
}

function score(sum: number, tokens: number, lnBase: number): PerplexityScore {
  if (tokens === 0) return { crossEntropy: Number.NaN, perplexity: Number.NaN, tokens: 0 };
  const crossEntropy = -sum / tokens;
  return { crossEntropy, perplexity: Math.exp(crossEntropy * lnBase), tokens };
}

/** Checks a log-probability: at most 0; -Infinity (probability 0) is allowed and makes perplexity infinite. */
function checkLogProb(value: unknown, argument: string): number {
  if (typeof value !== 'number' || Number.isNaN(value) || value > 0) throw check.invalid(value, argument, 'a log-probability (a number ≤ 0, not NaN)');
  return value;
}

/** One sentence of per-token log-probabilities: an array, or a typed array as a tensor's `data()` returns it. */
export type LogProbRow = readonly number[] | Float32Array | Float64Array;

/** Sum and count of one sentence of log-probabilities, padding skipped. */
function sentenceSum(row: unknown, s: number, rowMask: readonly unknown[] | undefined, length: unknown): [number, number] {
  const values = row instanceof Float32Array || row instanceof Float64Array ? row : check.array(row, `logProbs[${s}]`);
  if (rowMask !== undefined) {
    check.array(rowMask, `padding.mask[${s}]`);
    if (rowMask.length !== values.length) {
      throw new LengthMismatchError({ package: PKG, argument: `padding.mask[${s}]`, expectedLength: values.length, foundLength: rowMask.length, items: 'flags (one per log-probability)' });
    }
  }
  const n = length === undefined ? values.length : check.integer(length, `padding.lengths[${s}]`, 0, values.length);
  let sum = 0;
  let count = 0;
  for (let t = 0; t < n; t++) {
    if (rowMask !== undefined && !rowMask[t]) continue;
    sum += checkLogProb(values[t], `logProbs[${s}][${t}]`);
    count += 1;
  }
  return [sum, count];
}

/** Sum (log10) and count of one sentence score. */
function scoreSum(value: unknown, s: number, excludeOov: boolean): [number, number] {
  const argument = `scores[${s}]`;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw check.invalid(value, argument, 'a SentenceScore { log10Prob, tokens, oov, oovLog10Prob }');
  }
  const sc = value as Partial<SentenceScore>;
  const log10Prob = checkLogProb(sc.log10Prob, `${argument}.log10Prob`);
  const tokens = check.integer(sc.tokens, `${argument}.tokens`, 0);
  if (!excludeOov) return [log10Prob, tokens];
  const oov = check.integer(sc.oov, `${argument}.oov`, 0, tokens);
  const oovLog10Prob = checkLogProb(sc.oovLog10Prob, `${argument}.oovLog10Prob`);
  return [log10Prob - oovLog10Prob, tokens - oov];
}

/**
 * Creates a streaming perplexity metric; {@link perplexity} and {@link perplexityFromScores} are this fed the
 * whole corpus. `options.base` is required (see {@link PerplexityOptions}).
 */
export function createPerplexity(options: PerplexityOptions): PerplexityMetric {
  const lnBase = lnOfBase(options);
  check.options(options, 'options', ['base']);
  const sentences: PerplexityScore[] = [];
  let total = 0;
  let tokens = 0;
  const add = (sums: readonly [number, number][]): void => {
    for (const [sum, count] of sums) {
      sentences.push(score(sum, count, lnBase));
      total += sum;
      tokens += count;
    }
  };
  const metric: PerplexityMetric = {
    update(logProbsInput, padding) {
      const logProbs = batchItems(logProbsInput, 'logProbs', 'arrays of log-probabilities', 'perplexity');
      const mask = padding && 'mask' in padding ? check.array(padding.mask, 'padding.mask') : undefined;
      const lengths = padding && 'lengths' in padding ? check.array(padding.lengths, 'padding.lengths') : undefined;
      if (padding !== undefined && mask === undefined && lengths === undefined) throw check.invalid(padding, 'padding', '{ mask } or { lengths }');
      for (const [argument, list] of [['padding.mask', mask], ['padding.lengths', lengths]] as const) {
        if (list !== undefined && list.length !== logProbs.length) {
          throw new LengthMismatchError({ package: PKG, argument, expectedLength: logProbs.length, foundLength: list.length, items: 'entries (one per sentence)' });
        }
      }
      // Check the whole batch before adding any of it, so that a bad value leaves the metric unchanged.
      const offset = sentences.length;
      add(logProbs.map((row, i) => sentenceSum(row, offset + i, mask?.[i] as readonly unknown[] | undefined, lengths?.[i])));
      return metric;
    },
    updateScores(scoresInput, scoreOptions = {}) {
      check.options(scoreOptions, 'options', ['excludeOov']);
      const excludeOov = check.boolean(scoreOptions.excludeOov ?? false, 'options.excludeOov');
      const scores = batchItems(scoresInput, 'scores', 'SentenceScores', 'perplexityFromScores');
      // Sentence scores are log10 by the LanguageModel contract: convert them to this metric's base.
      const factor = Math.LN10 / lnBase;
      const offset = sentences.length;
      add(scores.map((value, i): [number, number] => {
        const [sum, count] = scoreSum(value, offset + i, excludeOov);
        return [sum * factor, count];
      }));
      return metric;
    },
    compute() {
      if (tokens === 0) throw new EmptyInputError({ package: PKG, argument: 'logProbs or scores', expected: 'at least one token that is not padding' });
      const corpus = score(total, tokens, lnBase);
      return { ...corpus, sentences: sentences.slice(), nats: corpus.crossEntropy * lnBase, bits: (corpus.crossEntropy * lnBase) / Math.LN2 };
    },
  };
  return metric;
}

type LogProbs = AnyIterable<LogProbRow>;
type PerplexityCallOptions = PerplexityOptions & { readonly padding?: Padding };

/**
 * Perplexity and cross-entropy from per-token log-probabilities (`logProbs[s][t]` for token t of sentence s; rows
 * are arrays or typed arrays), per token over the corpus and per sentence, skipping padding positions. The base is required: `10` for
 * nlpkit and KenLM scores, `'e'` for natural logs. Sentences may come as an array, an iterable or an async
 * iterable; async input gives a promise.
 *
 * @example
 * perplexity([[Math.log(0.5), Math.log(0.25)]], { base: 'e' }).perplexity // 2.828… = 1 / sqrt(0.5 · 0.25)
 * perplexity([[-0.30103, -0.60206]], { base: 10 }).perplexity             // the same, from log10 scores
 */
export function perplexity(logProbs: Iterable<LogProbRow>, options: PerplexityCallOptions): PerplexityResult;
export function perplexity(logProbs: AsyncIterable<LogProbRow>, options: PerplexityCallOptions): Promise<PerplexityResult>;
export function perplexity(logProbs: LogProbs, options: PerplexityCallOptions): PerplexityResult | Promise<PerplexityResult>;
export function perplexity(logProbs: LogProbs, options: PerplexityCallOptions): PerplexityResult | Promise<PerplexityResult> {
  lnOfBase(options);
  check.options(options, 'options', ['base', 'padding']);
  const metric = createPerplexity({ base: options.base });
  const padding = options.padding;
  const inputs: BatchInput[] = [{ items: logProbs, argument: 'logProbs', what: 'arrays of log-probabilities' }];
  let kind: 'mask' | 'lengths' | undefined;
  if (padding !== undefined) {
    kind = padding !== null && typeof padding === 'object' && 'mask' in padding ? 'mask' : 'lengths';
    const list = check.array((padding as Record<string, unknown>)[kind], `options.padding.${kind}`);
    inputs.push({ items: list, argument: `options.padding.${kind}`, what: kind === 'mask' ? 'mask rows (one per sentence)' : 'lengths (one per sentence)' });
  }
  const done = forEachBatch(inputs, ([rows, pad]) => {
    metric.update(rows as LogProbRow[], kind === undefined ? undefined : ({ [kind]: pad } as unknown as Padding));
  });
  return afterBatches(done, () => metric.compute());
}

type Scores = AnyIterable<SentenceScore>;

/**
 * Perplexity from the sentence scores of any nlpkit `LanguageModel` (`model.scoreSentence(tokens)`, with or
 * without `perToken`): log10 by contract, so no base is needed; the cross-entropy is in log10 units (`bits` and
 * `nats` convert it). Counts one `</s>` per sentence, as the scores do, so the numbers are KenLM's.
 *
 * @example
 * perplexityFromScores(test.map((s) => model.scoreSentence(s))).perplexity
 * perplexityFromScores(scores, { excludeOov: true }) // KenLM's "perplexity excluding OOVs"
 */
export function perplexityFromScores(scores: Iterable<SentenceScore>, options?: SentenceScoreOptions): PerplexityResult;
export function perplexityFromScores(scores: AsyncIterable<SentenceScore>, options?: SentenceScoreOptions): Promise<PerplexityResult>;
export function perplexityFromScores(scores: Scores, options?: SentenceScoreOptions): PerplexityResult | Promise<PerplexityResult>;
export function perplexityFromScores(scores: Scores, options: SentenceScoreOptions = {}): PerplexityResult | Promise<PerplexityResult> {
  check.options(options, 'options', ['excludeOov']);
  const metric = createPerplexity({ base: 10 });
  const done = forEachBatch([{ items: scores, argument: 'scores', what: 'SentenceScores' }], ([batch]) => {
    metric.updateScores(batch as SentenceScore[], options);
  });
  return afterBatches(done, () => metric.compute());
}
