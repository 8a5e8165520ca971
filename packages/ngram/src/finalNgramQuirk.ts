import { DEFAULT_DISCOUNT_FALLBACK, type KneserNeyDiscount, type NgramWarning, kneserNeyDiscounts } from './kneserNeyDiscounts.js';
import { BOS_INDEX } from './ngramWordIndex.js';

/**
 * lmplz's final-n-gram quirk, for estimators that see the n-grams in pieces (out of core, distributed): KenLM's
 * adjust_counts records the final n-gram of each order in its stream with the raw count instead of the adjusted
 * one. That n-gram is a suffix of the greatest n-gram in suffix order (padded with `<s>` on the left to the full
 * order) among the highest-order n-grams and the `<s>`-initial lower ones ending in the last word of the
 * vocabulary. Offer every such candidate (in any order, from any number of pieces: the greatest wins), then read
 * the chain of n-grams whose raw count replaces their adjusted count in the counts-of-counts.
 */
export class FinalNgramQuirk {
  readonly order: number;
  /** The last word of the vocabulary: candidates end in it. */
  readonly top: number;
  #bestKey: number[] | undefined;
  #bestWords: number[] | undefined;

  constructor(order: number, vocabSize: number) {
    this.order = order;
    this.top = Math.max(1, vocabSize - 1);
  }

  /** Whether an m-gram ending in `last` and starting with `first` is a candidate. */
  isCandidate(m: number, first: number, last: number): boolean {
    return last === this.top && (m === this.order || first === BOS_INDEX);
  }

  /** Offers a candidate's words (in order; check {@link FinalNgramQuirk.isCandidate} first). */
  offer(words: ArrayLike<number>): void {
    const key: number[] = [];
    for (let k = words.length - 1; k >= 0; k--) key.push(words[k]!);
    while (key.length < this.order) key.push(BOS_INDEX);
    if (this.#bestKey === undefined || compareArrays(key, this.#bestKey) > 0) {
      this.#bestKey = key;
      this.#bestWords = Array.from(words);
    }
  }

  /** The greatest candidate offered so far (its words in order), if any. */
  get best(): readonly number[] | undefined {
    return this.#bestWords;
  }

  /** `chain[n-1]`: the n-gram of order n (words in order) whose raw count lmplz counts, if any. */
  chain(): (number[] | undefined)[] {
    const chain: (number[] | undefined)[] = Array.from({ length: this.order }, () => undefined);
    const best = this.#bestWords;
    if (best !== undefined) {
      const head = best.length === this.order ? best.slice(1) : best;
      for (let j = 1; j <= head.length; j++) chain[j - 1] = head.slice(head.length - j);
    }
    return chain;
  }
}

/**
 * One order's discounts from its counts-of-counts (`coc[1..4]`, changed in place by the quirk: the chain n-gram's
 * adjusted count `a` is replaced by its raw count), as every estimator computes them: fixed `discounts` win, else
 * {@link kneserNeyDiscounts} with the fallback (its warning goes to `warn`).
 */
export function orderDiscount(
  coc: number[],
  quirk: readonly [adjusted: number, raw: number] | undefined,
  n: number,
  options: {
    discounts?: readonly KneserNeyDiscount[] | undefined;
    discountFallback?: KneserNeyDiscount | undefined;
    warn: (warning: NgramWarning) => void;
  },
): { discount: KneserNeyDiscount; countsOfCounts: number[] } {
  if (quirk !== undefined) {
    const [a, raw] = quirk;
    if (a > 0 && a < 5) coc[a]! -= 1;
    if (raw > 0 && raw < 5) coc[raw]! += 1;
  }
  const countsOfCounts = coc.slice(1, 5);
  const fixed = options.discounts?.[n - 1];
  if (fixed) return { discount: { ...fixed }, countsOfCounts };
  const { discount, warning } = kneserNeyDiscounts(coc, n, options.discountFallback ?? DEFAULT_DISCOUNT_FALLBACK);
  if (warning) options.warn(warning);
  return { discount, countsOfCounts };
}

function compareArrays(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}
