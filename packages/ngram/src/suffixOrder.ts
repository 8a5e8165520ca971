import type { BackoffModelData } from './backoffLanguageModel.js';

/**
 * KenLM's ARPA order of a model's n-grams (its `SuffixOrder`): unigrams in vocabulary order; the n-grams of each
 * higher order sorted by their last word, then by the word before it, and so on to the first — each compared by
 * vocabulary id. `perms[n][i]` is the id of the i-th n-gram of order n+1 in that order. Writing in this order (with
 * a vocabulary in first-seen order, as the estimator and the ARPA reader keep it) gives lmplz's line order.
 *
 * Two stable counting sorts per order — by the rank of the prefix (the n-gram's words but the last, whose rank in
 * the order below already encodes "compare from the last word back"), then by the last word — so the cost is
 * linear in the number of n-grams plus the vocabulary size.
 */
export function suffixOrder(data: BackoffModelData): Uint32Array[] {
  const sizes = data.log10Probs.map((lp) => lp.length);
  const vocab = sizes[0]!;
  const perms: Uint32Array[] = [Uint32Array.from({ length: vocab }, (_, i) => i)];
  // rank[id]: position of n-gram id of the order below in its suffix order.
  let rank = Uint32Array.from({ length: vocab }, (_, i) => i);
  for (let n = 1; n < data.order; n++) {
    const { parents, words } = data.indexes[n]!;
    const size = sizes[n]!;
    const byPrefix = countingSort(size, rank.length, (id) => rank[parents[id]!]!, undefined);
    const perm = countingSort(size, vocab, (id) => words[id]!, byPrefix);
    perms.push(perm);
    if (n + 1 < data.order) {
      rank = new Uint32Array(size);
      for (let i = 0; i < size; i++) rank[perm[i]!] = i;
    }
  }
  return perms;
}

/** Ids 0..size-1 (visited in the order `input` gives, or ascending) stably sorted by `key` in [0, range). */
function countingSort(size: number, range: number, key: (id: number) => number, input: Uint32Array | undefined): Uint32Array {
  const starts = new Uint32Array(range + 1);
  for (let id = 0; id < size; id++) starts[key(id) + 1]!++;
  for (let k = 0; k < range; k++) starts[k + 1]! += starts[k]!;
  const out = new Uint32Array(size);
  for (let i = 0; i < size; i++) {
    const id = input === undefined ? i : input[i]!;
    out[starts[key(id)]!++] = id;
  }
  return out;
}
