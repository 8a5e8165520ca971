import type { BackoffModelData } from './backoffLanguageModel.js';
import { largeUint32Array } from './largeArrays.js';

/** One order of a model's n-grams in KenLM's suffix order, as {@link suffixOrder} gives it. */
export interface SuffixOrderLevel {
  /** `perm[i]`: the id of the i-th n-gram in suffix order; undefined when that is `i` (the ids are in suffix order). */
  readonly perm: Uint32Array | undefined;
  /**
   * `prefixRanks[i]`: the position, in the suffix order of the order below, of the i-th n-gram without its last
   * word (for unigrams: the word itself). Within one last word these increase, so a writer reading the order
   * below's rows by them walks forward through memory.
   */
  readonly prefixRanks: Uint32Array | Int32Array;
  /** The n-grams ending in word `w` are positions `wordStarts[w]` to `wordStarts[w + 1]` (unigrams: w to w + 1). */
  readonly wordStarts: Uint32Array;
}

/**
 * KenLM's ARPA order of a model's n-grams (its `SuffixOrder`), one order at a time from the unigrams up:
 * unigrams in vocabulary order; the n-grams of each higher order sorted by their last word, then by the word
 * before it, and so on to the first — each compared by vocabulary id. Writing in this order (with a vocabulary in
 * first-seen order, as the estimator and the ARPA reader keep it) gives lmplz's line order.
 *
 * Two stable counting sorts per order — by the rank of the prefix (the n-gram's words but the last, whose rank in
 * the order below already encodes "compare from the last word back"), then by the last word — so the cost is
 * linear in the number of n-grams plus the vocabulary size. Only one order's arrays (and the ranks of the order
 * below) are alive at a time. A model whose ids already follow suffix order (the estimator's, the ARPA reader's)
 * is recognized in one pass and not sorted. A level's arrays are reused for the next one: a caller is done with a
 * level (has formatted or copied it) before it asks for the next.
 */
export function* suffixOrder(data: BackoffModelData): Generator<SuffixOrderLevel, void, undefined> {
  const vocab = data.log10Probs[0]!.length;
  const identity = Uint32Array.from({ length: vocab }, (_, i) => i);
  // Unigrams: vocabulary order (given as a permutation, like every order an estimated model gives, so that a
  // writer's loop sees one shape throughout).
  yield { perm: identity, prefixRanks: identity, wordStarts: Uint32Array.from({ length: vocab + 1 }, (_, i) => i) };
  // rank[id]: position of n-gram id of the order below in its suffix order; undefined while that is id.
  let rank: Uint32Array | undefined;
  // The sort's arrays, made once at the largest order's size and reused from order to order (fresh ones per order
  // would be memory the system maps anew, page by page: more time than the sort). `byPrefix` becomes the next
  // order's `rank`; `spare` holds the current `rank` (read first, then overwritten with the sorted keys).
  let largest = 0;
  for (let n = 1; n < data.order; n++) largest = Math.max(largest, data.log10Probs[n]!.length);
  let pool: { keys: Uint32Array; prefixRanks: Uint32Array; byPrefix: Uint32Array; spare: Uint32Array } | undefined;
  const arrays = (): NonNullable<typeof pool> => {
    pool ??= { keys: largeUint32Array(largest), prefixRanks: largeUint32Array(largest), byPrefix: largeUint32Array(largest), spare: largeUint32Array(largest) };
    return pool;
  };
  for (let n = 1; n < data.order; n++) {
    const { parents, words } = data.indexes[n]!;
    const size = data.log10Probs[n]!.length;
    if (rank === undefined) {
      const wordStarts = sortedWordStarts(parents, words, size, vocab);
      if (wordStarts !== undefined) {
        yield { perm: undefined, prefixRanks: parents instanceof Int32Array ? parents.subarray(0, size) : Int32Array.from(parents), wordStarts };
        continue;
      }
      rank = new Uint32Array(data.log10Probs[n - 1]!.length);
      for (let i = 0; i < rank.length; i++) rank[i] = i;
    }
    const buffers = arrays();
    // By prefix rank: the sorted ids and, beside them, their keys.
    const keys = buffers.keys.subarray(0, size);
    const byPrefix = buffers.byPrefix.subarray(0, size);
    // The ranks of the order below are read no more: their buffer (when it is one of the pool's) holds the keys.
    const sortedKeys = buffers.spare.subarray(0, size);
    sortByPrefix(rank, parents, size, keys, byPrefix, sortedKeys);
    // Then stably by last word.
    const wordStarts = new Uint32Array(vocab + 1);
    const perm = keys; // reused: the keys by id are no longer needed
    const prefixRanks = buffers.prefixRanks.subarray(0, size);
    sortByWord(words, byPrefix, sortedKeys, size, wordStarts, perm, prefixRanks);
    if (n + 1 < data.order) {
      rank = byPrefix; // reused: rank[id] = position
      inverse(perm, size, rank);
      // The next order sorts into the other rank buffer.
      [buffers.byPrefix, buffers.spare] = [buffers.spare, buffers.byPrefix];
    }
    yield { perm, prefixRanks, wordStarts };
  }
}

/*
 * The sort's passes, each in a function of its own: a generator runs as one function, which V8 optimizes from
 * inside one loop and throws away at the next loop it reaches without type feedback; small functions are
 * compiled once and reused from order to order.
 */

/**
 * A stable counting sort of ids `0..size-1` by key `rank[parents[id]]` (the rank of each n-gram's prefix): each
 * id's key into `keys`, the ids in key order into `byPrefix` and their keys beside them into `sortedKeys`.
 */
function sortByPrefix(
  rank: Uint32Array,
  parents: ArrayLike<number>,
  size: number,
  keys: Uint32Array,
  byPrefix: Uint32Array,
  sortedKeys: Uint32Array,
): void {
  const starts = new Uint32Array(rank.length + 1);
  for (let id = 0; id < size; id++) {
    const key = rank[parents[id]!]!;
    keys[id] = key;
    starts[key + 1]!++;
  }
  for (let k = 0; k < rank.length; k++) starts[k + 1]! += starts[k]!;
  for (let id = 0; id < size; id++) {
    const at = starts[keys[id]!]!++;
    byPrefix[at] = id;
    sortedKeys[at] = keys[id]!;
  }
}

/**
 * Then a stable counting sort of `byPrefix` by each id's last word: the ids into `perm`, their prefix ranks
 * (`sortedKeys`, beside them) into `prefixRanks`, and where each word's n-grams start into `wordStarts`
 * (vocabulary size + 1 zeros on entry).
 */
function sortByWord(
  words: ArrayLike<number>,
  byPrefix: Uint32Array,
  sortedKeys: Uint32Array,
  size: number,
  wordStarts: Uint32Array,
  perm: Uint32Array,
  prefixRanks: Uint32Array,
): void {
  const vocab = wordStarts.length - 1;
  for (let id = 0; id < size; id++) wordStarts[words[id]! + 1]!++;
  for (let w = 0; w < vocab; w++) wordStarts[w + 1]! += wordStarts[w]!;
  const next = wordStarts.slice(0, vocab);
  for (let i = 0; i < size; i++) {
    const id = byPrefix[i]!;
    const at = next[words[id]!]!++;
    perm[at] = id;
    prefixRanks[at] = sortedKeys[i]!;
  }
}

/** `rank[perm[i]] = i` for i < `size`. */
function inverse(perm: Uint32Array, size: number, rank: Uint32Array): void {
  for (let i = 0; i < size; i++) rank[perm[i]!] = i;
}

/**
 * Where each word's n-grams start when ids `0..size-1` are already in suffix order — sorted by word, then by
 * parent (the order below being in suffix order too) — or undefined when they are not.
 */
function sortedWordStarts(parents: ArrayLike<number>, words: ArrayLike<number>, size: number, vocab: number): Uint32Array | undefined {
  const wordStarts = new Uint32Array(vocab + 1);
  for (let id = 0; id < size; id++) {
    const w = words[id]!;
    if (id > 0) {
      const previous = words[id - 1]!;
      if (w < previous || (w === previous && parents[id]! <= parents[id - 1]!)) return undefined;
    }
    wordStarts[w + 1]!++;
  }
  for (let w = 0; w < vocab; w++) wordStarts[w + 1]! += wordStarts[w]!;
  return wordStarts;
}
