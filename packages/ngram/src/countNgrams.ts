import { EmptyInputError, type TokenLike } from '@nlpkit/core';
import { type Sentences, eachSentence, tokensOf } from './eachSentence.js';
import { PKG, check, checkOrder } from './errors.js';
import { NgramIndex } from './ngramIndex.js';
import { NgramWordIndex, encodeTrainingSentence } from './ngramWordIndex.js';

/**
 * Raw n-gram counts of orders 1..order over sentences padded as `<s> w1 … wk </s>` (one `<s>`, as KenLM's
 * adjusted-count stage sees them). Order n is stored as an {@link NgramIndex} of (prefix id, word id) pairs with a
 * parallel count array; unigram ids are vocabulary ids.
 */
export interface NgramCounts {
  /** Highest order counted. */
  readonly order: number;
  /** The words counted, by internal index (a model's core vocabulary id is this index + 1). */
  readonly wordIndex: NgramWordIndex;
  /**
   * `indexes[n - 1]` holds the n-grams of order n for n ≥ 2; `indexes[0]` is `undefined` because unigram ids are
   * vocabulary ids.
   */
  readonly indexes: readonly (NgramIndex | undefined)[];
  /** `counts[n - 1][id]` is the raw count of n-gram `id` of order n. Unigram `<s>` counts sentences. */
  readonly counts: readonly Uint32Array[];
  /**
   * `suffixes[n - 1][id]` is the id (order n−1) of n-gram `id` of order n without its first word, for n ≥ 2
   * (`suffixes[0]` is empty). Recorded while counting, so Kneser-Ney needs no lookups to find left contexts.
   */
  readonly suffixes: readonly Int32Array[];
  /** Number of sentences read. */
  readonly sentences: number;
  /** Number of tokens read, counting one `</s>` per sentence (the perplexity convention). */
  readonly tokens: number;
}

/** Options of {@link countNgrams}. */
export interface CountOptions {
  /** Highest n-gram order to count, 1 to 10. */
  order: number;
  /** Cancels counting (checked every 1024 sentences); the signal's reason is thrown. */
  signal?: AbortSignal;
}

/**
 * Incremental counter, for callers that produce sentences one at a time (file streams, generators).
 * {@link countNgrams} is the one-call form.
 */
export class NgramCounter {
  readonly order: number;
  readonly wordIndex = new NgramWordIndex();
  #indexes: (NgramIndex | undefined)[];
  #counts: Uint32Array[];
  #suffixes: Int32Array[];
  #next: Int32Array;
  #current: Int32Array;
  #sentences = 0;
  #tokens = 0;
  #ids: number[] = [];

  constructor(options: CountOptions) {
    check.options(options, 'options', ['order', 'signal']);
    this.order = checkOrder(options?.order);
    this.#indexes = [undefined];
    this.#counts = [new Uint32Array(1024)];
    this.#suffixes = [new Int32Array(0)];
    this.#next = new Int32Array(this.order);
    this.#current = new Int32Array(this.order);
    for (let n = 2; n <= this.order; n++) {
      this.#indexes.push(new NgramIndex(1 << 16));
      this.#counts.push(new Uint32Array(1 << 16));
      this.#suffixes.push(new Int32Array(1 << 16));
    }
  }

  /** Counts one sentence of tokens, strings or text `Token`s (without `<s>`/`</s>`; they are added here). */
  add(sentence: readonly TokenLike[]): void {
    const line = this.#sentences + 1;
    const ids = encodeTrainingSentence(tokensOf(sentence, line - 1), this.wordIndex, line, this.#ids);
    this.#sentences = line;
    this.#tokens += ids.length - 1;
    this.addIds(ids);
  }

  /** Counts one already-encoded padded sentence (`<s>` … `</s>` ids from this counter's vocabulary). */
  addIds(ids: readonly number[]): void {
    const order = this.order;
    const indexes = this.#indexes;
    const counts = this.#counts;
    const suffixes = this.#suffixes;
    let unigrams = counts[0]!;
    if (unigrams.length < this.wordIndex.size) {
      unigrams = growCounts(unigrams, this.wordIndex.size);
      counts[0] = unigrams;
    }
    const length = ids.length;
    // Walk starts right to left: the ids of the n-grams starting one word later (`next`) are then known, and
    // they are exactly the suffixes of the n-grams starting here.
    let next = this.#next;
    let current = this.#current;
    for (let start = length - 1; start >= 0; start--) {
      let id = ids[start]!;
      unigrams[id]! += 1;
      current[0] = id;
      const last = Math.min(length, start + order);
      for (let end = start + 1, n = 1; end < last; end++, n++) {
        const index = indexes[n]!;
        const before = index.size;
        id = index.findOrInsert(id, ids[end]!);
        let levelCounts = counts[n]!;
        if (id >= levelCounts.length) {
          levelCounts = growCounts(levelCounts, index.parents.length);
          counts[n] = levelCounts;
          const grown = new Int32Array(levelCounts.length);
          grown.set(suffixes[n]!);
          suffixes[n] = grown;
        }
        if (index.size > before) suffixes[n]![id] = next[n - 1]!;
        levelCounts[id]! += 1;
        current[n] = id;
      }
      const swap = next;
      next = current;
      current = swap;
    }
  }

  /** Number of sentences counted so far. */
  get sentences(): number {
    return this.#sentences;
  }

  /** Freezes the counts. @throws EmptyInputError when no sentence was counted (an empty corpus defines no model). */
  finish(): NgramCounts {
    if (this.#sentences === 0) throw emptyCorpus();
    const counts = this.#counts.map((c, n) => {
      const size = n === 0 ? this.wordIndex.size : this.#indexes[n]!.size;
      return c.length === size ? c : c.slice(0, size);
    });
    for (const index of this.#indexes) index?.trim();
    const suffixes = this.#suffixes.map((x, n) => (n === 0 ? x : x.slice(0, this.#indexes[n]!.size)));
    return {
      suffixes,
      order: this.order,
      wordIndex: this.wordIndex,
      indexes: this.#indexes,
      counts,
      sentences: this.#sentences,
      tokens: this.#tokens,
    };
  }
}

/**
 * Counts all n-grams of orders 1..`order` in `sentences` (each an array of token strings or text `Token`s;
 * `<s>` and `</s>` are added). A sync iterable gives the counts at once, an async one (a file reader) a promise.
 * @throws InvalidArgumentError for a bad order; NgramInputError for a bad sentence or token (naming its line);
 * EmptyInputError for an empty corpus.
 */
export function countNgrams(sentences: Iterable<readonly TokenLike[]>, options: CountOptions): NgramCounts;
export function countNgrams(sentences: AsyncIterable<readonly TokenLike[]>, options: CountOptions): Promise<NgramCounts>;
export function countNgrams(sentences: Sentences<TokenLike>, options: CountOptions): NgramCounts | Promise<NgramCounts>;
export function countNgrams(sentences: Sentences<TokenLike>, options: CountOptions): NgramCounts | Promise<NgramCounts> {
  const counter = new NgramCounter(options);
  const signal = options.signal;
  signal?.throwIfAborted();
  return eachSentence(
    sentences,
    (tokens, i) => {
      counter.add(tokens);
      if (((i + 1) & 1023) === 0) signal?.throwIfAborted();
    },
    () => counter.finish(),
  );
}

/** The error for a corpus with no sentence. */
export function emptyCorpus(): EmptyInputError {
  return new EmptyInputError({ package: PKG, argument: 'sentences', expected: 'at least one sentence' });
}

function growCounts(counts: Uint32Array, atLeast: number): Uint32Array {
  let capacity = counts.length * 2;
  while (capacity < atLeast) capacity *= 2;
  const grown = new Uint32Array(capacity);
  grown.set(counts);
  return grown;
}
