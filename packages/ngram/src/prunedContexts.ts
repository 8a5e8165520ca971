import type { AdjustedCountCursor, KneserNeyContextGroup } from './kneserNeyContext.js';
import type { KneserNeyDiscount } from './kneserNeyDiscounts.js';

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
  const [d1, d2, d3] = [f(discount.d1), f(discount.d2), f(discount.d3)];
  const context = new Uint32Array(n - 1);
  const lasts = new Uint32Array(vocabSize);
  const adjusted = new Uint32Array(vocabSize);
  const discounted = new Float32Array(vocabSize);
  const group = { context, lasts, discounted, discountedBits: new Uint32Array(discounted.buffer), size: 0, gamma: 0 };
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
      discounted[i] = a === 0 ? 0 : f(f(a - (a === 1 ? d1 : a === 2 ? d2 : d3)) / f(denominator));
      if (a === 1) n1++;
      else if (a === 2) n2++;
      else if (a > 2) n3++;
    }
    let gamma = 0;
    if (denominator > 0) {
      let g = f(d1 * n1);
      g = f(g + f(d2 * n2));
      g = f(g + f(d3 * n3));
      g = f(g + f(prunedMass));
      gamma = f(g / f(denominator));
    }
    group.size = size;
    group.gamma = gamma;
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
