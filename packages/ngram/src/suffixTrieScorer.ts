import type { TokenScores } from './backoffLanguageModel.js';
import { BOS_INDEX, EOS_INDEX, UNK_INDEX } from './ngramWordIndex.js';
import type { SuffixTrieLevel } from './suffixTrie.js';

/**
 * Scores sentences under a model held as suffix-trie levels (KenLM's layout: what the ARPA readers build), one order
 * at a time over the whole sentence rather than one token at a time: the numbers of the token-by-token walk of
 * `BackoffLanguageModel.scoreIds`, bit for bit, found faster. Token by token, each order's search waits for the one
 * below (it extends the suffix found there to the left), a chain of cache misses per token. Order by order, the
 * searches of one order for every token of the sentence are independent of each other, so the processor overlaps
 * their misses (as counting's `addAll` does): PTB train scored under its order-5 ARPA in ~10% less time. (A forward
 * trie, the binary model's, needs no such change: there each order's search extends the previous token's n-gram,
 * so a token's searches are already independent of one another.)
 *
 * The grid: row k (1 ≤ k ≤ order) holds, by position p from −1 (`<s>`) to `length` (`</s>`), the id in order k of
 * the k-gram that ends at p, or −1 where the model has none, or where the walk does not look (the (k−1)-gram ending
 * at p − 1 missing: KenLM's state has no longer context then). Row 1 holds the words (`<unk>` for unknown ones).
 * Row k + 1 at p extends the k-gram ending at p by the word k positions back.
 */
export class SuffixTrieScorer {
  readonly #levels: readonly (SuffixTrieLevel | undefined)[];
  readonly #log10Probs: readonly Float32Array[];
  readonly #log10Backoffs: readonly Float32Array[];
  readonly #order: number;
  #grid = new Int32Array(0);
  /** Per token, where its search of the order being found starts and ends (then the id found). */
  #from = new Int32Array(0);
  #to = new Int32Array(0);

  constructor(order: number, levels: readonly (SuffixTrieLevel | undefined)[], log10Probs: readonly Float32Array[], log10Backoffs: readonly Float32Array[]) {
    this.#order = order;
    this.#levels = levels;
    this.#log10Probs = log10Probs;
    this.#log10Backoffs = log10Backoffs;
  }

  /** As `BackoffLanguageModel.scoreIds`: totals to `out`, and each token's score and n-gram length to `perToken`. */
  score(words: Int32Array, length: number, out: Float64Array, perToken?: TokenScores): void {
    const order = this.#order;
    const stride = length + 2;
    if (this.#grid.length < (order + 1) * stride) {
      this.#grid = new Int32Array(Math.max((order + 1) * stride, this.#grid.length * 2));
      this.#from = new Int32Array(Math.max(stride, this.#from.length * 2));
      this.#to = new Int32Array(Math.max(stride, this.#to.length * 2));
    }
    const grid = this.#grid;
    const oov = unigramRow(words, length, grid, stride);
    for (let k = 1; k < order; k++) {
      const level = this.#levels[k]!;
      extensionRanges(level.childStart, grid, k * stride, length + 1, this.#from, this.#to);
      findExtensions(level.firstWords, grid, k, stride, length + 1, this.#from, this.#to);
    }
    out[2] = oov;
    sentenceTotals(grid, stride, length, order, this.#log10Probs, this.#log10Backoffs, words, out, perToken);
  }
}

/** Row 1 of the grid: `<s>` at position −1, the words (unknown ones as `<unk>`), `</s>`; returns the number unknown. */
function unigramRow(words: Int32Array, length: number, grid: Int32Array, stride: number): number {
  grid[stride] = BOS_INDEX;
  let oov = 0;
  for (let i = 0; i < length; i++) {
    const w = words[i]!;
    if (w <= 0) oov++;
    grid[stride + i + 1] = w <= 0 ? UNK_INDEX : w;
  }
  grid[stride + length + 1] = EOS_INDEX;
  return oov;
}

/**
 * For each of the `tokens` positions p, the range of the (k+1)-grams that extend the k-gram ending at p (the grid's
 * row k, at `row`) to the left, when it exists and so does the k-gram ending at p − 1 (else an empty range): loads
 * that do not depend on one another.
 */
function extensionRanges(starts: Uint32Array | Int32Array, grid: Int32Array, row: number, tokens: number, from: Int32Array, to: Int32Array): void {
  for (let i = 0; i < tokens; i++) {
    const suffix = grid[row + i + 1]!;
    if (suffix < 0 || grid[row + i]! < 0) {
      from[i] = 0;
      to[i] = 0;
    } else {
      from[i] = starts[suffix]!;
      to[i] = starts[suffix + 1]!;
    }
  }
}

/**
 * Row k + 1 of the grid: at each position p, the (k+1)-gram whose first word is the word at p − k, searched in its
 * range (a short scan, else a bisection, as `SuffixTrieLevel.find`), or −1.
 */
function findExtensions(firstWords: Uint16Array | Uint32Array | Int32Array, grid: Int32Array, k: number, stride: number, tokens: number, from: Int32Array, to: Int32Array): void {
  const next = (k + 1) * stride;
  grid[next] = -1;
  for (let i = 0; i < tokens; i++) {
    let lo = from[i]!;
    let hi = to[i]!;
    let found = -1;
    if (lo < hi) {
      // Position i − k ≥ −1 (`<s>`): a k-gram ends at i − 1.
      const first = grid[stride + i - k + 1]!;
      if (hi - lo <= LINEAR) {
        for (; lo < hi; lo++) {
          const w = firstWords[lo]!;
          if (w >= first) {
            if (w === first) found = lo;
            break;
          }
        }
      } else {
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          const w = firstWords[mid]!;
          if (w === first) {
            found = mid;
            break;
          }
          if (w < first) lo = mid + 1;
          else hi = mid;
        }
      }
    }
    grid[next + i + 1] = found;
  }
}

/** Ranges of at most this many extensions are scanned; longer ones are bisected (as `SuffixTrieLevel.find`). */
const LINEAR = 8;

/**
 * Each token's log10 probability from the grid: the longest n-gram found, plus the backoffs of the longer contexts
 * ending one position before, added as KenLM's `query` adds them (in double for the totals, in float32 for
 * `perToken`). Totals to `out[0]` and, for unknown words, `out[1]`.
 */
function sentenceTotals(
  grid: Int32Array,
  stride: number,
  length: number,
  order: number,
  log10Probs: readonly Float32Array[],
  log10Backoffs: readonly Float32Array[],
  words: Int32Array,
  out: Float64Array,
  perToken: TokenScores | undefined,
): void {
  const f = Math.fround;
  let total = 0;
  let oovTotal = 0;
  for (let i = 0; i <= length; i++) {
    let k = 1;
    while (k < order && grid[(k + 1) * stride + i + 1]! >= 0) k++;
    let log10Prob = log10Probs[k - 1]![grid[k * stride + i + 1]!]!;
    let kenlmProb = log10Prob;
    for (let len = k; len < order; len++) {
      const context = grid[len * stride + i]!;
      if (context < 0) break;
      const backoff = log10Backoffs[len - 1]![context]!;
      log10Prob += backoff;
      kenlmProb = f(kenlmProb + backoff);
    }
    total += log10Prob;
    if (i < length && words[i]! <= 0) oovTotal += log10Prob;
    if (perToken !== undefined) {
      perToken.log10Probs[i] = kenlmProb;
      perToken.lengths[i] = k;
    }
  }
  out[0] = total;
  out[1] = oovTotal;
}
