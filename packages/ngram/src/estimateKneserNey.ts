import type { BackoffModelData, NgramLookup } from './backoffLanguageModel.js';
import { BackoffLanguageModel } from './backoffLanguageModel.js';
import { type NgramCounts, countNgrams } from './countNgrams.js';
import type { TokenLike } from '@nlpkit/core';
import type { Sentences } from './eachSentence.js';
import { check, checkOrder } from './errors.js';
import { NgramIndex } from './ngramIndex.js';
import { log10fInto } from './log10f.js';
import {
  DEFAULT_DISCOUNT_FALLBACK,
  type KneserNeyDiscount,
  type NgramWarning,
  checkDiscountOptions,
  discountedShare,
  interpolationWeight,
  kneserNeyDiscounts,
} from './kneserNeyDiscounts.js';
import { BOS_INDEX, EOS_INDEX, UNK_INDEX } from './ngramWordIndex.js';
import { largeFloat32Array, largeUint32Array, largeUint8Array } from './largeArrays.js';

/** Numbers kept per context while interpolating (see the loop in `estimateFromCounts`). */
const CONTEXT_STRIDE = 4;

/** Options of {@link estimateKneserNey}. */
export interface KneserNeyOptions {
  /** Model order; at most the order the counts were made with. Defaults to the counts' order. */
  order?: number;
  /** Discounts used where the estimate is undefined (KenLM's `--discount_fallback`, default 0.5/1/1.5). */
  discountFallback?: KneserNeyDiscount;
  /**
   * Fixed discounts per order (index 0 = unigrams), replacing the estimates (KenLM's `--discount_fallback`
   * overrides). Orders not given are estimated.
   */
  discounts?: readonly KneserNeyDiscount[];
  /**
   * Prune n-grams of order n ≥ 2 whose raw count is ≤ `prune[n-1]` (KenLM's `--prune`; thresholds must not
   * decrease with the order; the last one repeats for higher orders). A pruned n-gram's whole adjusted count
   * moves to its context's backoff weight, as in KenLM; n-grams needed as a prefix or suffix of a kept one stay.
   */
  prune?: readonly number[];
  /** Receives each warning as it happens (they are also returned). */
  onWarning?: (warning: NgramWarning) => void;
  /** Cancels counting when sentences are given (checked every 1024 sentences). */
  signal?: AbortSignal;
  /**
   * Called when counting (sentences given) has dropped large arrays, before it allocates more: a chance to give
   * their memory back (`collectDroppedArrays` of `@nlpkit/ngram/node`; lower peak memory). The estimation itself
   * drops none: its working arrays are made once and reused from order to order.
   */
  collect?: () => void;
}

/** What {@link estimateKneserNey} returns. */
export interface KneserNeyResult {
  model: BackoffLanguageModel;
  /** D1, D2, D3+ per order (index 0 = unigrams), as KenLM prints them. */
  discounts: KneserNeyDiscount[];
  /** Counts-of-counts n1..n4 of the adjusted counts per order (index 0 = unigrams). */
  countsOfCounts: number[][];
  warnings: NgramWarning[];
}

/**
 * Modified Kneser-Ney exactly as KenLM's `lmplz` computes it (Heafield et al. 2013):
 * - adjusted counts: for orders below the highest, the number of distinct words seen to the left of the n-gram,
 *   except n-grams starting with `<s>` which keep their raw count; the highest order keeps raw counts;
 * - per-order discounts D1/D2/D3+ from the counts-of-counts of adjusted counts;
 * - probabilities interpolated down to unigrams, which are interpolated with the uniform distribution over the
 *   vocabulary without `<s>`; `<unk>` (when unseen) gets only the interpolated mass; `<s>` gets log10 p = 0 (probability 1, as lmplz);
 *   computed in float32 operation by operation as lmplz does, so the numbers (and the ARPA text) are bit-identical;
 * - stored as a backoff model whose backoff weight is the interpolation weight of the context.
 *
 * `input` is either sentences (counted at `options.order`) or counts from {@link countNgrams} — counting once at
 * the highest order and estimating every lower order from the same counts gives the same models as counting anew.
 * Sentences hold strings or text `Token`s; a sync iterable gives the result at once, an async one (a file
 * reader) a promise of it.
 *
 * @example
 * const { model } = estimateKneserNey([wordTokenize('the cat sat')], { order: 3 });
 * const { model: big } = await estimateKneserNey(readSentencePerLine(readLines('train.txt')), { order: 5 });
 */
export function estimateKneserNey(input: NgramCounts | Iterable<readonly TokenLike[]>, options?: KneserNeyOptions): KneserNeyResult;
export function estimateKneserNey(input: AsyncIterable<readonly TokenLike[]>, options?: KneserNeyOptions): Promise<KneserNeyResult>;
export function estimateKneserNey(
  input: NgramCounts | Sentences<TokenLike>,
  options?: KneserNeyOptions,
): KneserNeyResult | Promise<KneserNeyResult>;
export function estimateKneserNey(
  input: NgramCounts | Sentences<TokenLike>,
  options: KneserNeyOptions = {},
): KneserNeyResult | Promise<KneserNeyResult> {
  check.options(options, 'options', ['order', 'discountFallback', 'discounts', 'prune', 'onWarning', 'signal', 'collect']);
  checkDiscountOptions(options);
  if (isCounts(input)) return estimateFromCounts(input, options);
  const counts = countNgrams(input, {
    order: checkOrder(options.order),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.collect ? { collect: options.collect } : {}),
  });
  return counts instanceof Promise ? counts.then((c) => estimateFromCounts(c, options)) : estimateFromCounts(counts, options);
}

function estimateFromCounts(counts: NgramCounts, options: KneserNeyOptions): KneserNeyResult {
  const order = options.order === undefined ? counts.order : checkOrder(options.order, counts.order);
  const warnings: NgramWarning[] = [];
  const warn = (w: NgramWarning): void => {
    warnings.push(w);
    options.onWarning?.(w);
  };
  const prune = options.prune ?? [];
  const vocabSize = counts.wordIndex.size;
  const sizes = Array.from({ length: order }, (_, n) => (n === 0 ? vocabSize : counts.indexes[n]!.size));

  // suffixes[n][id]: id (order n) of the n-gram without its first word, for n-grams of order n+1 (recorded by
  // the counter). startsBos[n][id]: whether n-gram id of order n+1 begins with <s> (no left context exists).
  const suffixes = counts.suffixes;
  const startsBos: Uint8Array[] = [new Uint8Array(vocabSize)];
  startsBos[0]![BOS_INDEX] = 1;
  for (let n = 1; n < order; n++) startsBos.push(gatherFlags(startsBos[n - 1]!, counts.indexes[n]!.parents, sizes[n]!));

  // Adjusted counts.
  const adjusted: Uint32Array[] = [];
  for (let n = 0; n < order; n++) {
    const raw = counts.counts[n]!;
    if (n === order - 1) {
      adjusted.push(n === 0 ? raw.slice(0, sizes[0]) : raw);
      continue;
    }
    adjusted.push(adjustedCounts(raw, suffixes[n + 1]!, startsBos[n]!, sizes[n]!));
  }
  // <s> is never predicted: it has no count of its own (KenLM sets it to 0 and gives it probability 1).
  adjusted[0]![BOS_INDEX] = 0;

  // Pruning marks (order ≥ 2): an n-gram is kept when its count is above the threshold, and kept anyway when a
  // kept longer n-gram needs it as a prefix or suffix (so the model stays a valid backoff model).
  const kept = pruneMarks(order, sizes, prune, counts, suffixes);

  // Discounts from counts-of-counts of adjusted counts (before pruning, as KenLM does).
  const discounts: KneserNeyDiscount[] = [];
  const countsOfCounts: number[][] = [];
  const quirk = order > 1 ? lastSuffixChain(counts, order, suffixes, startsBos) : [];
  for (let n = 0; n < order; n++) {
    const coc = countsOfCountsOf(adjusted[n]!);
    const special = quirk[n];
    if (special !== undefined) {
      // KenLM's adjust_counts records the final n-gram of each order in its stream with the raw count instead
      // of the adjusted one; reproducing that keeps D1/D2/D3+ identical to lmplz's to the last printed digit.
      const a = adjusted[n]![special]!;
      const raw = counts.counts[n]![special]!;
      if (a > 0 && a < 5) coc[a]! -= 1;
      if (raw > 0 && raw < 5) coc[raw]! += 1;
    }
    countsOfCounts.push(coc.slice(1));
    const fixed = options.discounts?.[n];
    if (fixed) {
      discounts.push({ ...fixed });
      continue;
    }
    const { discount, warning } = kneserNeyDiscounts(coc, n + 1, options.discountFallback ?? DEFAULT_DISCOUNT_FALLBACK);
    if (warning) warn(warning);
    discounts.push(discount);
  }

  // Interpolated probabilities, order by order, straight into log10 form: the interpolation weight of the
  // contexts of order n+1 is the backoff weight of the n-grams of order n. Only the previous order's linear
  // probabilities are kept, to bound memory. The arithmetic is lmplz's, step by step in float32 (its
  // initial_probabilities.cc and interpolate.cc), so every stored number — and the ARPA text — is bit-identical:
  //   gamma(ctx) = (D1·n1 + D2·n2 + D3·n3+ + pruned mass) / Σ counts, summed in that order;
  //   p = (count − D) / Σ counts + gamma(ctx) · p(suffix);  log10 p and log10 gamma with glibc's log10f.
  const f = Math.fround;
  const log10Probs: Float32Array[] = [];
  const log10Backoffs: Float32Array[] = [];
  let lower: Float32Array | undefined;
  const uniform = f(1 / f(vocabSize - 1));
  // The working arrays — context sums, and linear probabilities of this order and the one below — made once at
  // the largest size and reused from order to order (fresh ones would be memory the system maps anew, page by page).
  let largestContexts = 1;
  let largestOrder = 0;
  for (let n = 0; n < order; n++) {
    largestOrder = Math.max(largestOrder, sizes[n]!);
    if (n > 0) largestContexts = Math.max(largestContexts, sizes[n - 1]!);
  }
  const statsBuffer = largeUint32Array(largestContexts * CONTEXT_STRIDE);
  let probBuffer = largeFloat32Array(largestOrder);
  let lowerBuffer = order > 1 ? largeFloat32Array(largestOrder) : probBuffer;
  for (let n = 0; n < order; n++) {
    const d1 = f(discounts[n]!.d1);
    const d2 = f(discounts[n]!.d2);
    const d3 = f(discounts[n]!.d3);
    const adj = adjusted[n]!;
    const keep = kept[n];
    const size = sizes[n]!;
    const contexts = n === 0 ? 1 : sizes[n - 1]!;
    const parents = n === 0 ? undefined : counts.indexes[n]!.parents;
    // Per context, side by side (one cache line per n-gram visit): [Σ adjusted counts, n1, n2, n3+], then
    // [Σ adjusted counts, gamma (float32 bits, read through `weights`)] once the weights are known. nK: kept
    // n-grams of the context with adjusted count K. Sums are of uint32 counts, as the counts themselves.
    const stats = statsBuffer.subarray(0, contexts * CONTEXT_STRIDE);
    if (n > 0) stats.fill(0);
    const weights = new Float32Array(stats.buffer, stats.byteOffset, stats.length);
    const normalizer = keep === undefined ? undefined : new Float64Array(contexts);
    if (normalizer === undefined) addContextCounts(stats, adj, parents, size);
    else addKeptContextCounts(stats, normalizer, keep!, adj, parents, size);
    contextWeights(stats, weights, normalizer, contexts, d1, d2, d3);
    if (n > 0) {
      // Every context's backoff is log10 gamma, -Infinity where gamma is 0 (all its discounts are 0, as with
      // --discount_fallback on a tiny corpus): lmplz writes -inf there. Not a context (no n-gram follows it): 0.
      const bo = largeFloat32Array(contexts);
      // Backoff weights take few distinct values (~9,000 over PTB's 1.6 M contexts at order 5): computed once each.
      log10fInto(weights, 1, CONTEXT_STRIDE, bo, contexts, false, true);
      zeroNonContexts(bo, stats, n === 1 ? undefined : counts.indexes[n - 1]!.words, contexts);
      log10Backoffs.push(bo);
    }
    const prob = probBuffer.subarray(0, size);
    const lp = largeFloat32Array(size);
    if (lower === undefined) interpolateUniform(prob, adj, stats, weights, uniform, size, [d1, d2, d3]);
    else interpolate(prob, adj, parents!, stats, weights, suffixes[n]!, lower, size, [d1, d2, d3]);
    // KenLM clamps tiny positive log probabilities from rounding to 0.
    log10fInto(prob, 0, 1, lp, size, true);
    if (n === 0) {
      // <s> is never predicted; lmplz gives it probability 1 (so log10 p = 0 in its ARPA files).
      prob[BOS_INDEX] = 1;
      lp[BOS_INDEX] = 0;
    }
    log10Probs.push(lp);
    lower = prob;
    [probBuffer, lowerBuffer] = [lowerBuffer, probBuffer];
  }
  log10Backoffs.push(largeFloat32Array(sizes[order - 1]!));

  const data = pruneData(counts, order, log10Probs, log10Backoffs, kept);
  return { model: new BackoffLanguageModel(data), discounts, countsOfCounts, warnings };
}

/*
 * The estimator's loops over n-grams and contexts, each in a function of its own. `estimateFromCounts` runs once
 * and is too large for V8 to optimize as a whole: a loop in it runs in the interpreter until V8 compiles the
 * function from inside that loop, and every loop reached later without type feedback throws that code away
 * again. In the interpreter each float is a heap object (PTB order 5: ~100 MB of them, and the scavenges).
 * A small function is compiled for its loop on the first order and runs compiled for the others.
 */

/** `flags[parents[id]]` for each id < `size`: whether each n-gram's prefix has the flag (begins with `<s>`). */
function gatherFlags(flags: Uint8Array, parents: ArrayLike<number>, size: number): Uint8Array {
  const out = largeUint8Array(size);
  for (let id = 0; id < size; id++) out[id] = flags[parents[id]!]!;
  return out;
}

/**
 * Adjusted counts of the `size` n-grams of an order below the highest: how many distinct words precede each one
 * (the n-grams above with it as their suffix, `upperSuffix`); the raw count for those that begin with `<s>`.
 */
function adjustedCounts(raw: Uint32Array, upperSuffix: Int32Array, startsBos: Uint8Array, size: number): Uint32Array {
  // Written once before the counts are added up: `+=` reads first (fresh memory, see largeArrays.ts).
  const adj = largeUint32Array(size).fill(0);
  for (let id = 0; id < upperSuffix.length; id++) adj[upperSuffix[id]!]! += 1;
  for (let id = 0; id < size; id++) if (startsBos[id]) adj[id] = raw[id]!;
  return adj;
}

/** How many of `counts` are 1, 2, 3 and 4, at indexes 1 to 4 (index 0 unused). */
function countsOfCountsOf(counts: Uint32Array): number[] {
  let n1 = 0;
  let n2 = 0;
  let n3 = 0;
  let n4 = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i]!;
    if (c === 1) n1++;
    else if (c === 2) n2++;
    else if (c === 3) n3++;
    else if (c === 4) n4++;
  }
  return [0, n1, n2, n3, n4];
}

/** Adds each n-gram's adjusted count to its context's record in `stats` (sum, n1, n2, n3+); no pruning. */
function addContextCounts(stats: Uint32Array, adj: Uint32Array, parents: ArrayLike<number> | undefined, size: number): void {
  for (let id = 0; id < size; id++) {
    const a = adj[id]!;
    if (a === 0) continue;
    const at = (parents === undefined ? 0 : parents[id]!) * CONTEXT_STRIDE;
    stats[at]! += a;
    stats[at + (a === 1 ? 1 : a === 2 ? 2 : 3)]!++;
  }
}

/** {@link addContextCounts} with pruning: a pruned n-gram's whole adjusted count moves to its context's backoff. */
function addKeptContextCounts(
  stats: Uint32Array,
  normalizer: Float64Array,
  keep: Uint8Array,
  adj: Uint32Array,
  parents: ArrayLike<number> | undefined,
  size: number,
): void {
  for (let id = 0; id < size; id++) {
    const a = adj[id]!;
    if (a === 0) continue;
    const at = (parents === undefined ? 0 : parents[id]!) * CONTEXT_STRIDE;
    stats[at]! += a;
    if (!keep[id]) normalizer[at / CONTEXT_STRIDE]! += a;
    else stats[at + (a === 1 ? 1 : a === 2 ? 2 : 3)]!++;
  }
}

/** Each context's interpolation weight gamma into `weights` (the float view of `stats`) at its record's slot 1. */
function contextWeights(
  stats: Uint32Array,
  weights: Float32Array,
  normalizer: Float64Array | undefined,
  contexts: number,
  d1: number,
  d2: number,
  d3: number,
): void {
  for (let c = 0, at = 0; c < contexts; c++, at += CONTEXT_STRIDE) {
    const pruned = normalizer === undefined ? 0 : normalizer[c]!;
    weights[at + 1] = interpolationWeight(stats[at + 1]!, stats[at + 2]!, stats[at + 3]!, pruned, stats[at]!, d1, d2, d3);
  }
}

/**
 * Backoff 0 for what is not a context: no n-gram follows it (its sum in `stats` is 0), or it ends in `<unk>` or
 * `</s>` (`words`: the last word of each; undefined for unigrams, whose id is the word).
 */
function zeroNonContexts(bo: Float32Array, stats: Uint32Array, words: ArrayLike<number> | undefined, contexts: number): void {
  for (let c = 0; c < contexts; c++) {
    const last = words === undefined ? c : words[c]!;
    if (!(stats[c * CONTEXT_STRIDE]! > 0 && last !== UNK_INDEX && last !== EOS_INDEX)) bo[c] = 0;
  }
}

/** D1, D2, D3+ of one order, as float32 values. */
type Discounts = readonly [number, number, number];

/** Unigram probabilities: the discounted count plus gamma of the empty context times the uniform distribution. */
function interpolateUniform(prob: Float32Array, adj: Uint32Array, stats: Uint32Array, weights: Float32Array, uniform: number, size: number, d: Discounts): void {
  const f = Math.fround;
  const [d1, d2, d3] = d;
  const spread = f(weights[1]! * uniform);
  for (let id = 0; id < size; id++) prob[id] = f(discountedShare(adj[id]!, stats[0]!, d1, d2, d3) + spread);
}

/** Probabilities of an order above the unigrams: discounted count plus gamma(context) · p(suffix) from `lower`. */
function interpolate(
  prob: Float32Array,
  adj: Uint32Array,
  parents: ArrayLike<number>,
  stats: Uint32Array,
  weights: Float32Array,
  suffix: Int32Array,
  lower: Float32Array,
  size: number,
  d: Discounts,
): void {
  const f = Math.fround;
  const [d1, d2, d3] = d;
  for (let id = 0; id < size; id++) {
    const at = parents[id]! * CONTEXT_STRIDE;
    prob[id] = f(discountedShare(adj[id]!, stats[at]!, d1, d2, d3) + f(weights[at + 1]! * lower[suffix[id]!]!));
  }
}

/**
 * The n-grams KenLM flushes last in its adjusted-count pass: the suffixes (orders 1..order-1) of the greatest
 * order-`order` n-gram in suffix order (last word first, `<s>`-padded on the left), stopping at a `<s>`-initial
 * one. Word ids are first-seen order, as in lmplz, so this is the same n-gram KenLM ends on. Returns the id per
 * order (index 0 = unigrams), undefined where that order has none.
 */
function lastSuffixChain(
  counts: NgramCounts,
  order: number,
  suffixes: readonly Int32Array[],
  startsBos: readonly Uint8Array[],
): (number | undefined)[] {
  const top = Math.max(1, counts.wordIndex.size - 1);
  // Candidates end in the highest word id; compare their words right to left, padding with <s> on the left.
  let best: number[] | undefined;
  let bestAt: [number, number] | undefined;
  for (let n = 1; n < order; n++) {
    const index = counts.indexes[n]!;
    const bos = startsBos[n]!;
    const full = n === order - 1;
    for (let id = 0; id < index.size; id++) {
      if (index.words[id] !== top || (!full && !bos[id])) continue;
      const words = wordsOf(counts, n, id).reverse();
      while (words.length < order) words.push(BOS_INDEX);
      if (best === undefined || compareWords(words, best) > 0) {
        best = words;
        bestAt = [n, id];
      }
    }
  }
  const chain: (number | undefined)[] = Array.from({ length: order }, () => undefined);
  if (bestAt === undefined) return chain;
  let [n, id] = bestAt;
  if (n === order - 1) {
    id = suffixes[n]![id]!;
    n--;
  }
  for (; n >= 0; n--) {
    chain[n] = id;
    if (n > 0) id = suffixes[n]![id]!;
  }
  return chain;
}

function wordsOf(counts: NgramCounts, n: number, id: number): number[] {
  const words: number[] = [];
  for (let level = n; level > 0; level--) {
    const index = counts.indexes[level]!;
    words.push(index.words[id]!);
    id = index.parents[id]!;
  }
  words.push(id);
  return words.reverse();
}

function compareWords(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

function isCounts(input: unknown): input is NgramCounts {
  return typeof input === 'object' && input !== null && 'indexes' in input && 'counts' in input && 'wordIndex' in input;
}

function pruneMarks(
  order: number,
  sizes: readonly number[],
  prune: readonly number[],
  counts: NgramCounts,
  suffixes: readonly Int32Array[],
): (Uint8Array | undefined)[] {
  const kept: (Uint8Array | undefined)[] = Array.from({ length: order }, () => undefined);
  if (!prune.some((t) => t > 0)) return kept;
  for (let n = 1; n < prune.length; n++) {
    if (prune[n]! < prune[n - 1]!) {
        throw check.invalid(prune, 'options.prune', 'thresholds that do not decrease with the order');
    }
  }
  if ((prune[0] ?? 0) > 0) {
    throw check.invalid(prune[0], 'options.prune[0]', '0 (unigrams cannot be pruned)');
  }
  for (let n = 1; n < order; n++) {
    const threshold = prune[Math.min(n, prune.length - 1)] ?? 0;
    const keep = new Uint8Array(sizes[n]!);
    const raw = counts.counts[n]!;
    for (let id = 0; id < keep.length; id++) keep[id] = raw[id]! > threshold ? 1 : 0;
    kept[n] = keep;
  }
  // Closure from the top down: a kept n-gram keeps its prefix and its suffix.
  for (let n = order - 1; n >= 2; n--) {
    const keep = kept[n]!;
    const lowerKeep = kept[n - 1]!;
    const parents = counts.indexes[n]!.parents;
    const suffix = suffixes[n]!;
    for (let id = 0; id < keep.length; id++) {
      if (!keep[id]) continue;
      lowerKeep[parents[id]!] = 1;
      lowerKeep[suffix[id]!] = 1;
    }
  }
  return kept;
}

/** The model tables, without the pruned n-grams (ids renumbered) when pruning is on. */
function pruneData(
  counts: NgramCounts,
  order: number,
  log10Probs: Float32Array[],
  log10Backoffs: Float32Array[],
  kept: readonly (Uint8Array | undefined)[],
): BackoffModelData {
  const indexes: (NgramLookup | undefined)[] = counts.indexes.slice(0, order);
  if (kept.every((k) => k === undefined)) return { order, wordIndex: counts.wordIndex, indexes, log10Probs, log10Backoffs };
  let parentMap: Int32Array | undefined;
  for (let n = 1; n < order; n++) {
    const keep = kept[n]!;
    const old = counts.indexes[n]!;
    const size = count(keep);
    const remap = new Int32Array(keep.length).fill(-1);
    const parents = new Int32Array(size);
    const words = new Int32Array(size);
    const lp = new Float32Array(size);
    const bo = new Float32Array(size);
    let out = 0;
    for (let id = 0; id < keep.length; id++) {
      if (!keep[id]) continue;
      remap[id] = out;
      parents[out] = parentMap === undefined ? old.parents[id]! : parentMap[old.parents[id]!]!;
      words[out] = old.words[id]!;
      lp[out] = log10Probs[n]![id]!;
      bo[out] = log10Backoffs[n]![id]!;
      out++;
    }
    indexes[n] = NgramIndex.fromArrays(parents, words);
    log10Probs[n] = lp;
    log10Backoffs[n] = bo;
    parentMap = remap;
  }
  return { order, wordIndex: counts.wordIndex, indexes, log10Probs, log10Backoffs };
}

function count(mask: Uint8Array): number {
  let c = 0;
  for (const m of mask) c += m;
  return c;
}
