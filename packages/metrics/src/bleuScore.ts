import { InvalidNumberError, LengthMismatchError, expectInteger, expectOneOf } from './errors.js';
import { pyFixed } from './pythonText.js';
import { formatSignature, type SignatureFormat } from './signature.js';
import { BLEU_TOKENIZERS, type BleuTokenizerName } from './tokenizeBleu.js';

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

const SMOOTH_DEFAULTS: Readonly<Record<BleuSmoothing, number | undefined>> = {
  none: undefined,
  floor: 0.1,
  'add-k': 1,
  exp: undefined,
};

/** Fills in and checks BLEU options; `effectiveOrderDefault` differs between corpus and sentence BLEU. */
export function resolveBleuOptions(options: BleuOptions = {}, effectiveOrderDefault = false): ResolvedBleuOptions {
  const tokenize = expectOneOf('tokenize', options.tokenize ?? '13a', BLEU_TOKENIZERS);
  const smoothMethod = expectOneOf('smoothMethod', options.smoothMethod ?? 'exp', BLEU_SMOOTHING);
  const maxNgramOrder = expectInteger('maxNgramOrder', options.maxNgramOrder ?? 4, 1, 100);
  const smoothValue = options.smoothValue ?? SMOOTH_DEFAULTS[smoothMethod];
  if (smoothValue !== undefined && !(Number.isFinite(smoothValue) && smoothValue >= 0)) {
    throw new InvalidNumberError('smoothValue', 'a finite number ≥ 0', smoothValue);
  }
  return {
    tokenize,
    lowercase: options.lowercase ?? false,
    smoothMethod,
    smoothValue: SMOOTH_DEFAULTS[smoothMethod] === undefined ? undefined : smoothValue,
    maxNgramOrder,
    effectiveOrder: options.effectiveOrder ?? effectiveOrderDefault,
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
    throw new LengthMismatchError('statistics', 2 + 2 * order, statistics.length, 'numbers (2 + 2 × maxNgramOrder)');
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
