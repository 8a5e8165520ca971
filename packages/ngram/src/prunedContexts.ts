import { type AdjustedCountCursor, type KneserNeyContextGroup, contextGroup } from './kneserNeyContext.js';
import { type KneserNeyDiscount, discountedShare, interpolationWeight } from './kneserNeyDiscounts.js';

/** An {@link AdjustedCountCursor} that also says whether a pruned model keeps the current n-gram. */
export interface PrunedCountCursor extends AdjustedCountCursor {
  readonly kept: boolean;
}

/**
 * {@link eachKneserNeyContext} for a pruned model: groups the n-grams of order `n ≥ 2` (in context order) by
 * context and gives each group its kept n-grams' discounted probabilities and the context's interpolation weight,
 * into which every pruned n-gram moves its whole adjusted count — in float32 step by step as
 * {@link estimateKneserNey} computes it with `prune`:
 * `gamma = (D1·n1 + D2·n2 + D3+·n3+ + Σ pruned a) / Σ a` (nK over the kept n-grams, Σ a over all of them) and
 * `discounted(a) = (a − D(a)) / Σ a`. A group whose n-grams are all pruned comes with `size` 0 (its weight is 1).
 */
export function eachPrunedContext(
  n: number,
  cursor: PrunedCountCursor,
  vocabSize: number,
  discount: KneserNeyDiscount,
  visit: (group: KneserNeyContextGroup) => void,
  signal?: AbortSignal,
): void {
  const f = Math.fround;
  const d1 = f(discount.d1);
  const d2 = f(discount.d2);
  const d3 = f(discount.d3);
  const adjusted = new Uint32Array(vocabSize);
  const group = contextGroup(n, vocabSize);
  const { context, lasts, discounted } = group;
  let size = 0;
  let members = 0;
  let denominator = 0;
  let prunedMass = 0;
  const flush = (): void => {
    let n1 = 0;
    let n2 = 0;
    let n3 = 0;
    for (let i = 0; i < size; i++) {
      const a = adjusted[i]!;
      discounted[i] = discountedShare(a, denominator, d1, d2, d3);
      if (a === 1) n1++;
      else if (a === 2) n2++;
      else if (a > 2) n3++;
    }
    group.size = size;
    group.gamma = interpolationWeight(n1, n2, n3, prunedMass, denominator, d1, d2, d3);
    visit(group);
    size = 0;
    members = 0;
    denominator = 0;
    prunedMass = 0;
  };
  const buf = cursor.buffer;
  let steps = 0;
  while (cursor.next()) {
    const at = cursor.at;
    if (members > 0) {
      let same = true;
      for (let k = 0; same && k < n - 1; k++) same = context[k] === buf[at + k];
      if (!same) flush();
    }
    if (members === 0) for (let k = 0; k < n - 1; k++) context[k] = buf[at + k]!;
    members++;
    const a = cursor.adjusted;
    denominator += a;
    if (cursor.kept) {
      lasts[size] = buf[at + n - 1]!;
      adjusted[size] = a;
      size++;
    } else prunedMass += a;
    if ((++steps & 0xffff) === 0) signal?.throwIfAborted();
  }
  if (members > 0) flush();
}
