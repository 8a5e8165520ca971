import { type KneserNeyDiscount, discountedShare, interpolationWeight } from './kneserNeyDiscounts.js';
import { BOS_INDEX } from './ngramWordIndex.js';

/**
 * The interpolation weight of one context and the discounted probabilities of its n-grams — modified Kneser-Ney
 * for one context, in float32 step by step as {@link estimateKneserNey} (and lmplz) computes it:
 * `gamma = (D1·n1 + D2·n2 + D3+·n3+) / Σ a` and `discounted(a) = (a − D(a)) / Σ a`, where `a` are the adjusted
 * counts of the context's n-grams. Shared by the out-of-core estimator and the distributed one
 * (`@nlpkit/distributed`), so that both compute the same bits. Node only (`@nlpkit/ngram/node`).
 *
 * @param adjusted the adjusted counts of the context's n-grams (the first `size` entries).
 * @param discounted receives each n-gram's discounted probability (the first `size` entries).
 * @returns the context's interpolation weight (0 when every adjusted count is 0).
 */
export function kneserNeyContext(
  adjusted: ArrayLike<number>,
  size: number,
  discount: KneserNeyDiscount,
  discounted: Float32Array | Float64Array,
): number {
  const f = Math.fround;
  let denominator = 0;
  let n1 = 0;
  let n2 = 0;
  let n3 = 0;
  for (let i = 0; i < size; i++) {
    const a = adjusted[i]!;
    if (a === 0) continue;
    denominator += a;
    if (a === 1) n1++;
    else if (a === 2) n2++;
    else n3++;
  }
  const d1 = f(discount.d1);
  const d2 = f(discount.d2);
  const d3 = f(discount.d3);
  for (let i = 0; i < size; i++) discounted[i] = discountedShare(adjusted[i]!, denominator, d1, d2, d3);
  return interpolationWeight(n1, n2, n3, 0, denominator, d1, d2, d3);
}

/**
 * The unigrams' interpolated probabilities from their adjusted counts (by word index; `<s>`'s is ignored):
 * discounted, plus the unigram context's weight times the uniform distribution over the vocabulary but `<s>`.
 * `<s>` gets 1 (lmplz writes log10 p = 0 for it).
 */
export function kneserNeyUnigrams(adjusted: Uint32Array, discount: KneserNeyDiscount): Float32Array {
  const f = Math.fround;
  const V = adjusted.length;
  const uniform = f(1 / f(V - 1));
  const prob1 = new Float32Array(V);
  const gamma = kneserNeyContext(adjusted, V, discount, prob1);
  for (let id = 0; id < V; id++) prob1[id] = f(prob1[id]! + f(gamma * uniform));
  prob1[BOS_INDEX] = 1;
  return prob1;
}

/** A cursor over n-grams of one order in context order (sorted by their words) with their adjusted counts. */
export interface AdjustedCountCursor {
  /** The current record's words are `buffer[at .. at + n)`. */
  readonly buffer: Uint32Array;
  readonly at: number;
  readonly adjusted: number;
  /** Advances; false at the end. */
  next(): boolean;
}

/**
 * One context's n-grams, as {@link eachKneserNeyContext} gives them: the same object, with the same arrays, at
 * every call (read it during the call; no object per context).
 */
export interface KneserNeyContextGroup {
  /** The context's words (`n − 1` of them), in order. */
  readonly context: Uint32Array;
  /** The last word of each n-gram (the first `size` entries). */
  readonly lasts: Uint32Array;
  /** Each n-gram's discounted probability (the first `size` entries). */
  readonly discounted: Float32Array;
  /** `discounted`'s float32 bits (a view of the same memory), for writers of records of bits. */
  readonly discountedBits: Uint32Array;
  readonly size: number;
  /** The context's interpolation weight. */
  readonly gamma: number;
}

/**
 * Pass 3 of modified Kneser-Ney over n-grams of order `n ≥ 2` in context order: groups them by context and gives
 * each group its interpolation weight and discounted probabilities ({@link kneserNeyContext}). `vocabSize` bounds
 * a context's size. Checks `signal` every 65,536 n-grams.
 */
export function eachKneserNeyContext(
  n: number,
  cursor: AdjustedCountCursor,
  vocabSize: number,
  discount: KneserNeyDiscount,
  visit: (group: KneserNeyContextGroup) => void,
  signal?: AbortSignal,
): void {
  const adjusted = new Uint32Array(vocabSize);
  const group = contextGroup(n, vocabSize);
  const { context, lasts } = group;
  const buf = cursor.buffer;
  let size = 0;
  let steps = 0;
  while (cursor.next()) {
    const at = cursor.at;
    if (size > 0) {
      let same = true;
      for (let k = 0; same && k < n - 1; k++) same = context[k] === buf[at + k];
      if (!same) {
        visitContext(group, adjusted, size, discount, visit);
        size = 0;
      }
    }
    if (size === 0) for (let k = 0; k < n - 1; k++) context[k] = buf[at + k]!;
    lasts[size] = buf[at + n - 1]!;
    adjusted[size] = cursor.adjusted;
    size++;
    if ((++steps & 0xffff) === 0) signal?.throwIfAborted();
  }
  if (size > 0) visitContext(group, adjusted, size, discount, visit);
}

/** A {@link KneserNeyContextGroup} its producer fills in, context after context. */
export type ContextGroupSlot = { -readonly [K in keyof KneserNeyContextGroup]: KneserNeyContextGroup[K] };

/** The one group object a producer of contexts of order `n` fills (room for a context of `vocabSize` n-grams). */
export function contextGroup(n: number, vocabSize: number): ContextGroupSlot {
  const discounted = new Float32Array(vocabSize);
  return {
    context: new Uint32Array(n - 1),
    lasts: new Uint32Array(vocabSize),
    discounted,
    discountedBits: new Uint32Array(discounted.buffer),
    size: 0,
    gamma: 0,
  };
}

/** Computes the context in `group` ({@link kneserNeyContext} of its `size` adjusted counts) and visits it. */
function visitContext(
  group: ContextGroupSlot,
  adjusted: Uint32Array,
  size: number,
  discount: KneserNeyDiscount,
  visit: (group: KneserNeyContextGroup) => void,
): void {
  group.gamma = kneserNeyContext(adjusted, size, discount, group.discounted);
  group.size = size;
  visit(group);
}
