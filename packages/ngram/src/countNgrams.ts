import { EmptyInputError, type TokenLike, UnsupportedError } from '@nlpkit/core';
import { type Sentences, eachSentence, tokensOf } from './eachSentence.js';
import { PKG, check, checkOrder } from './errors.js';
import type { NgramIndex } from './ngramIndex.js';
import { NgramWordIndex, encodeTrainingSentence } from './ngramWordIndex.js';
import { NgramOrderTables } from './ngramOrderTables.js';

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
 * Where a counter that counts only the lower orders hands each sentence on (to count the orders above elsewhere):
 * its word ids (`words[0..length)`) and the ids of its n-grams of the counter's highest order by start position
 * (`ids[0..length − order]`); called for the sentences longer than that order, with arrays valid during the call.
 */
export type UpperOrdersSink = (words: Int32Array, ids: Int32Array, length: number) => void;

/**
 * Incremental counter, for callers that produce sentences one at a time (file streams, generators).
 * {@link countNgrams} is the one-call form.
 */
export class NgramCounter {
  readonly order: number;
  readonly wordIndex = new NgramWordIndex();
  /** The tables of orders 2 and up (their counts live there until `finish`). */
  readonly #tables: NgramOrderTables;
  #unigrams: Uint32Array;
  /** The sentence's word ids as an Int32Array (the `ids` given may be any array). */
  #words = new Int32Array(256);
  #sentences = 0;
  #tokens = 0;
  #ids: number[] = [];
  /** The counts once {@link NgramCounter.finish} has frozen them (the tables are then handed over, not copied). */
  #finished: NgramCounts | undefined;
  readonly #upper: UpperOrdersSink | undefined;

  /**
   * @param upper where each sentence goes on to, to count orders above `options.order` elsewhere (the counts this
   * counter gives are those of orders 1 to `options.order`).
   */
  constructor(options: CountOptions, upper?: UpperOrdersSink) {
    check.options(options, 'options', ['order', 'signal', 'collect', 'progress']);
    this.order = checkOrder(options?.order);
    this.#unigrams = new Uint32Array(1024);
    this.#upper = upper;
    this.#tables = new NgramOrderTables(1, this.order, options.collect, projection(options.progress));
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
    let unigrams = this.#unigrams;
    if (unigrams.length < this.wordIndex.size) {
      unigrams = growCounts(unigrams, this.wordIndex.size);
      this.#unigrams = unigrams;
    }
    if (this.#words.length < length) this.#words = new Int32Array(length * 2);
    const words = this.#words;
    for (let start = 0; start < length; start++) {
      const id = ids[start]!;
      unigrams[id]! += 1;
      words[start] = id;
    }
    const top = this.#tables.count(words, words, length);
    if (this.#upper !== undefined && length > this.order) this.#upper(words, top, length);
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
    const suffixes: Int32Array[] = [new Int32Array(0)];
    for (const order of this.#tables.finish()) {
      indexes.push(order.index);
      counts.push(order.counts);
      suffixes.push(order.suffixes);
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

/**
 * What the whole input is expected to bring from the n-grams found so far and the share of the input read
 * (`CountOptions.progress`), for the count tables. Distinct n-grams grow slower than the text (Heaps' law): on PTB and
 * a 2.2 M-token corpus, each order's grew about as (tokens read)^0.84, so a table grown from 4% of the text straight
 * to the size the rest needs, instead of linearly projected (which overshot, and took the doubling's cap, then
 * another doubling at the end).
 */
export function projection(progress: (() => number) | undefined): ((size: number) => number) | undefined {
  if (progress === undefined) return undefined;
  return (size: number): number => {
    const share = progress();
    // From the first 2% of a text the growth of new n-grams is not known yet (a text that repeats itself has seen
    // all of them): the table doubles until then.
    return share >= MIN_PROJECTED_SHARE && share < 1 ? size * (1 / share) ** DISTINCT_GROWTH : 0;
  };
}

/** Distinct n-grams grow about as (tokens)^this (see the constructor's projection). */
const DISTINCT_GROWTH = 0.85;
/** The least share of the input read from which a table's final size is projected (see the constructor). */
const MIN_PROJECTED_SHARE = 0.02;

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

function growCounts(counts: Uint32Array, atLeast: number): Uint32Array {
  let capacity = counts.length * 2;
  while (capacity < atLeast) capacity *= 2;
  const grown = new Uint32Array(capacity);
  grown.set(counts);
  return grown;
}
