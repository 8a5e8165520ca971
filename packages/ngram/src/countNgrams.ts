import { EmptyInputError, type TokenLike, UnsupportedError } from '@nlpkit/core';
import { type Sentences, eachSentence, tokensOf } from './eachSentence.js';
import { PKG, check, checkOrder } from './errors.js';
import { NgramCountTable } from './ngramCountTable.js';
import type { NgramIndex } from './ngramIndex.js';
import { NgramWordIndex, encodeTrainingSentence } from './ngramWordIndex.js';
import { largeInt32Array } from './largeArrays.js';

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
  /**
   * Called when counting has dropped large arrays (a finished order's hash table), before it allocates the next:
   * a chance to give their memory back (`collectDroppedArrays` of `@nlpkit/ngram/node`; lower peak memory).
   */
  collect?: () => void;
  /**
   * The share (0 to 1) of the input counted so far, where the caller knows it (`countKenlmText` given the input's
   * size): a hash table that fills up then grows at once to the size the whole input is projected to need,
   * instead of doubling step by step. The counts are the same either way.
   */
  progress?: () => number;
}

/**
 * Incremental counter, for callers that produce sentences one at a time (file streams, generators).
 * {@link countNgrams} is the one-call form.
 */
export class NgramCounter {
  readonly order: number;
  readonly wordIndex = new NgramWordIndex();
  /** `#tables[n - 1]` counts the n-grams of order n ≥ 2 (their counts live in the table until `finish`). */
  #tables: (NgramCountTable | undefined)[];
  #unigrams: Uint32Array;
  #suffixes: Int32Array[];
  /** Ids of the n-grams of the order below and of this order by start position (grown to the longest sentence). */
  #below = new Int32Array(256);
  #level = new Int32Array(256);
  /** The sentence's word ids as an Int32Array (the `ids` given may be any array). */
  #words = new Int32Array(256);
  #sentences = 0;
  #tokens = 0;
  #ids: number[] = [];
  /** The counts once {@link NgramCounter.finish} has frozen them (the tables are then handed over, not copied). */
  #finished: NgramCounts | undefined;
  readonly #collect: (() => void) | undefined;

  constructor(options: CountOptions) {
    check.options(options, 'options', ['order', 'signal', 'collect', 'progress']);
    this.order = checkOrder(options?.order);
    this.#collect = options.collect;
    this.#tables = [undefined];
    this.#unigrams = new Uint32Array(1024);
    this.#suffixes = [new Int32Array(0)];
    const progress = options.progress;
    // What the whole input is expected to bring from the n-grams found so far and the share of the input read.
    // Distinct n-grams grow slower than the text (Heaps' law): on PTB and a 2.2 M-token corpus, each order's grew
    // about as (tokens read)^0.84, so a table grown from 4% of the text straight to the size the rest needs, instead
    // of linearly projected (which overshot, and took the doubling's cap, then another doubling at the end).
    const project =
      progress === undefined
        ? undefined
        : (size: number): number => {
            const share = progress();
            // From the first 2% of a text the growth of new n-grams is not known yet (a text that repeats itself
            // has seen all of them): the table doubles until then.
            return share >= MIN_PROJECTED_SHARE && share < 1 ? size * (1 / share) ** DISTINCT_GROWTH : 0;
          };
    for (let n = 2; n <= this.order; n++) {
      this.#tables.push(new NgramCountTable(1 << 16, options.collect, project));
      this.#suffixes.push(new Int32Array(1 << 16));
    }
  }

  /** Counts one sentence of tokens, strings or text `Token`s (without `<s>`/`</s>`; they are added here). */
  add(sentence: readonly TokenLike[]): void {
    if (this.#finished !== undefined) throw finishedCounter();
    const line = this.#sentences + 1;
    const ids = encodeTrainingSentence(tokensOf(sentence, line - 1), this.wordIndex, line, this.#ids);
    this.#sentences = line;
    this.#tokens += ids.length - 1;
    this.addIds(ids);
  }

  /** Counts one already-encoded padded sentence (`<s>` … `</s>` ids from this counter's vocabulary). */
  addIds(ids: readonly number[]): void {
    this.#count(ids, ids.length);
  }

  /**
   * Counts one sentence given as ids `ids[0..length)` (`<s>` … `</s>` ids from this counter's vocabulary), as
   * one more sentence and `length − 1` more tokens (what {@link NgramCounter.add} counts): the form byte readers
   * of text give it (`countKenlmText`).
   */
  addSentenceIds(ids: Int32Array, length: number): void {
    if (this.#finished !== undefined) throw finishedCounter();
    this.#sentences++;
    this.#tokens += length - 1;
    this.#count(ids, length);
  }

  #count(ids: ArrayLike<number>, length: number): void {
    if (this.#finished !== undefined) throw finishedCounter();
    const tables = this.#tables;
    const suffixes = this.#suffixes;
    let unigrams = this.#unigrams;
    if (unigrams.length < this.wordIndex.size) {
      unigrams = growCounts(unigrams, this.wordIndex.size);
      this.#unigrams = unigrams;
    }
    if (this.#below.length < length) {
      this.#below = new Int32Array(length * 2);
      this.#level = new Int32Array(length * 2);
      this.#words = new Int32Array(length * 2);
    }
    let below = this.#below;
    let level = this.#level;
    const words = this.#words;
    for (let start = 0; start < length; start++) {
      const id = ids[start]!;
      unigrams[id]! += 1;
      below[start] = id;
      words[start] = id;
    }
    // One order at a time: the n-grams of order n+1 are (n-gram at start, word at start + n), and the suffix of
    // the one at start is the n-gram at start + 1. The lookups of one order are independent of each other, so
    // the processor overlaps their cache misses (a walk start by start chains each lookup on the one before);
    // `addAll` reads their home slots first, in a loop of loads alone.
    for (let n = 1; n < this.order && n < length; n++) {
      const table = tables[n]!;
      const before = table.size;
      table.addAll(below, words, n, length - n, level);
      if (table.size > before) {
        let suffix = suffixes[n]!;
        if (table.size > suffix.length) {
          // As large as the table has become (grown at once to a projected size, see CountOptions.progress).
          suffix = growSuffixes(suffix, table.capacity);
          suffixes[n] = suffix;
        }
        // A new n-gram's suffix is the n-gram one position on (the same id for each occurrence of it).
        for (let start = 0; start + n < length; start++) if (level[start]! >= before) suffix[level[start]!] = below[start + 1]!;
      }
      const swap = below;
      below = level;
      level = swap;
    }
  }

  /** Number of sentences counted so far. */
  get sentences(): number {
    return this.#sentences;
  }

  /**
   * Freezes the counts and ends counting (a second call gives the same counts; adding after it is an error).
   * @throws EmptyInputError when no sentence was counted (an empty corpus defines no model).
   */
  finish(): NgramCounts {
    if (this.#finished !== undefined) return this.#finished;
    if (this.#sentences === 0) throw emptyCorpus();
    const indexes: (NgramIndex | undefined)[] = [undefined];
    const counts: Uint32Array[] = [this.#unigrams.slice(0, this.wordIndex.size)];
    const suffixes = [this.#suffixes[0]!];
    for (let n = 1; n < this.order; n++) {
      const table = this.#tables[n]!;
      const suffix = largeInt32Array(table.size);
      suffix.set(this.#suffixes[n]!.subarray(0, table.size));
      suffixes.push(suffix);
      this.#suffixes[n] = new Int32Array(0);
      const bytes = table.bytes;
      const finished = table.finish();
      if (bytes >= DROPPED_BYTES) this.#collect?.();
      indexes.push(finished.index);
      counts.push(finished.counts);
    }
    this.#finished = {
      suffixes,
      order: this.order,
      wordIndex: this.wordIndex,
      indexes,
      counts,
      sentences: this.#sentences,
      tokens: this.#tokens,
    };
    return this.#finished;
  }
}

/** Distinct n-grams grow about as (tokens)^this (see the constructor's projection). */
const DISTINCT_GROWTH = 0.85;
/** The least share of the input read from which a table's final size is projected (see the constructor). */
const MIN_PROJECTED_SHARE = 0.02;

/** Bytes of a dropped table above which `collect` is called. */
const DROPPED_BYTES = 1 << 24;

/** The error for adding to a counter after {@link NgramCounter.finish}. */
function finishedCounter(): UnsupportedError {
  return new UnsupportedError({
    package: PKG,
    argument: 'sentence',
    expected: 'a counter that is still counting (finish() has frozen this one: start a new NgramCounter)',
  });
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

function growSuffixes(suffixes: Int32Array, atLeast: number): Int32Array {
  const grown = largeInt32Array(Math.max(suffixes.length * 2, atLeast));
  grown.set(suffixes);
  return grown;
}

function growCounts(counts: Uint32Array, atLeast: number): Uint32Array {
  let capacity = counts.length * 2;
  while (capacity < atLeast) capacity *= 2;
  const grown = new Uint32Array(capacity);
  grown.set(counts);
  return grown;
}
