import type { NgramLookup } from './backoffLanguageModel.js';
import { NgramIndex } from './ngramIndex.js';

/**
 * One order n ≥ 2 of a model stored as KenLM stores its trie: reversed. An n-gram `w1 … wn` is the pair (id of its
 * suffix `w2 … wn` in order n − 1, its first word `w1`), and the n-grams are sorted by that pair — which is KenLM's
 * ARPA line order (its suffix order), so a reader of lmplz's files only appends. The n-grams extending suffix s to
 * the left are positions `childStart[s]` to `childStart[s + 1]` of `firstWords`, searched by bisection. Scoring
 * walks back from the word being scored (`w`, then `w−1 w`, …), one search per order, as KenLM's `query` does.
 */
export class SuffixTrieLevel {
  /** First word of each n-gram, by n-gram id (= position). */
  readonly firstWords: Uint16Array | Uint32Array | Int32Array;
  /** `childStart[s]..childStart[s + 1]`: the n-grams whose suffix is the (n−1)-gram `s`. */
  readonly childStart: Uint32Array | Int32Array;

  constructor(firstWords: Uint16Array | Uint32Array | Int32Array, childStart: Uint32Array | Int32Array) {
    this.firstWords = firstWords;
    this.childStart = childStart;
  }

  get size(): number {
    return this.firstWords.length;
  }

  /** Id of the n-gram `first` + suffix `suffix`, or −1. */
  find(suffix: number, first: number): number {
    const starts = this.childStart;
    let lo = starts[suffix]!;
    let hi = starts[suffix + 1]!;
    const words = this.firstWords;
    // Most suffixes have few extensions: a short scan of one cache line beats the bisection's unpredictable branches.
    if (hi - lo <= LINEAR) {
      for (; lo < hi; lo++) {
        const w = words[lo]!;
        if (w >= first) return w === first ? lo : -1;
      }
      return -1;
    }
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const w = words[mid]!;
      if (w === first) return mid;
      if (w < first) lo = mid + 1;
      else hi = mid;
    }
    return -1;
  }

  /** The suffix id of each n-gram (expanded from `childStart`). */
  suffixes(): Int32Array {
    const starts = this.childStart;
    const out = new Int32Array(this.size);
    for (let s = 0; s + 1 < starts.length; s++) out.fill(s, starts[s]!, starts[s + 1]!);
    return out;
  }
}

/** Suffixes with at most this many extensions are scanned; longer lists are bisected. */
const LINEAR = 8;

/**
 * The forward view of reversed orders, as the rest of the package reads models ({@link NgramLookup}: prefix id and
 * last word of each n-gram, and a lookup by them). Built on first use, order by order (each needs the one below):
 * scoring never asks for it; writing the model as ARPA or binary, or estimating on top of it, does.
 */
export function suffixTrieLookups(levels: readonly (SuffixTrieLevel | undefined)[]): (NgramLookup | undefined)[] {
  const cache: { parents: Int32Array; words: Int32Array; index?: NgramIndex }[] = [];
  const forward = (n: number): { parents: Int32Array; words: Int32Array; index?: NgramIndex } => {
    let entry = cache[n];
    if (entry === undefined) {
      const level = levels[n]!;
      const suffixes = level.suffixes();
      const size = level.size;
      const parents = new Int32Array(size);
      const words = new Int32Array(size);
      const first = level.firstWords;
      if (n === 1) {
        for (let i = 0; i < size; i++) {
          parents[i] = first[i]!;
          words[i] = suffixes[i]!;
        }
      } else {
        // Prefix of w1…wn is w1…w(n−1): the first word put before the prefix of the suffix w2…wn.
        const below = forward(n - 1);
        const lower = levels[n - 1]!;
        for (let i = 0; i < size; i++) {
          const s = suffixes[i]!;
          words[i] = below.words[s]!;
          parents[i] = lower.find(below.parents[s]!, first[i]!);
        }
      }
      entry = { parents, words };
      cache[n] = entry;
    }
    return entry;
  };
  return levels.map((level, n) =>
    level === undefined
      ? undefined
      : {
          get size() {
            return level.size;
          },
          get parents() {
            return forward(n).parents;
          },
          get words() {
            return forward(n).words;
          },
          find(parent: number, word: number): number {
            const entry = forward(n);
            entry.index ??= NgramIndex.fromArrays(entry.parents, entry.words);
            return entry.index.find(parent, word);
          },
        },
  );
}
