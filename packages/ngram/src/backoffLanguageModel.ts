import {
  BOS_ID,
  PAD_ID,
  UNK_ID,
  tokenText,
  type LanguageModel,
  type NextToken,
  type SentenceScore,
  type TokenLike,
  type TokenLog10Prob,
  type TokenScore,
  type Vocabulary,
} from '@nlpkit/core';
import { check, checkOrder } from './errors.js';
import { BOS_INDEX, EOS, EOS_INDEX, UNK_INDEX, type NgramWordIndex } from './ngramWordIndex.js';
import type { SuffixTrieLevel } from './suffixTrie.js';
import { SuffixTrieScorer } from './suffixTrieScorer.js';
import type { Utf8WordTable } from './utf8WordTable.js';

/**
 * Lookup of the n-grams of one order: (prefix id, last word index) → id. Implemented by the hash
 * {@link NgramIndex} and by the sorted trie levels of {@link loadBinaryModel}.
 */
export interface NgramLookup {
  readonly size: number;
  /** Prefix id of each n-gram. */
  readonly parents: ArrayLike<number>;
  /** Last word index of each n-gram. */
  readonly words: ArrayLike<number>;
  /** Id of (parent, word) or −1. */
  find(parent: number, word: number): number;
}

/**
 * The tables of a backoff n-gram model (what an ARPA file holds): for each order n, the n-grams as an
 * {@link NgramLookup} (unigram ids are word indexes, so `indexes[0]` is `undefined`), and parallel arrays of
 * log10 probabilities and log10 backoff weights.
 */
export interface BackoffModelData {
  readonly order: number;
  /** The internal word index (core vocabulary id − 1). */
  readonly wordIndex: NgramWordIndex;
  readonly indexes: readonly (NgramLookup | undefined)[];
  readonly log10Probs: readonly Float32Array[];
  readonly log10Backoffs: readonly Float32Array[];
  /**
   * The same n-grams reversed (KenLM's trie: each n-gram keyed by its suffix and first word), when the model was
   * read that way (the ARPA and binary readers). Scoring then uses these alone, and `indexes` is a view built on
   * first use. Ids are the same in both.
   */
  readonly suffixLevels?: readonly (SuffixTrieLevel | undefined)[];
  /**
   * The words keyed by their UTF-8 bytes (ids = indexes), when the reader built that table as it read (the fast
   * ARPA reader): the byte-level text scorer uses it instead of encoding every word again.
   */
  readonly utf8Words?: Utf8WordTable;
  /**
   * The words' UTF-8 spellings by index, each followed by a 0 byte except the last, when the loader holds them as
   * bytes (the binary model): the text scorer builds its byte-keyed table from them without encoding each word.
   */
  readonly wordBytes?: Uint8Array;
}

/**
 * Per-token results of {@link BackoffLanguageModel.scoreIds}: log10 probability (its float32 sum, as KenLM's `query`
 * computes it) and n-gram length by position.
 */
export interface TokenScores {
  readonly log10Probs: Float64Array;
  readonly lengths: Int32Array;
}

/** One scored token, with the n-gram length KenLM's `query` prints. */
export interface WordScore extends TokenLog10Prob {
  /** Order of the n-gram that supplied the probability (1 = unigram). */
  readonly ngramLength: number;
}

/** A sentence score whose per-token entries (when asked for) also give the n-gram length. */
export interface BackoffSentenceScore extends SentenceScore {
  readonly perToken?: readonly WordScore[];
}

/** {@link BackoffLanguageModel.scoreToken}'s result: core's token score plus the n-gram length used. */
export interface BackoffTokenScore extends TokenScore<BackoffState> {
  readonly ngramLength: number;
}

/**
 * Query state: `ids[k]` is the id (in order k) of the k-gram made of the last k words, or -1 when that k-gram is
 * not in the model. Longer histories can only exist when shorter ones do, so the scan stops at the first -1.
 * {@link BackoffLanguageModel.scoreToken} never modifies a state it is given.
 */
export interface BackoffState {
  readonly ids: Int32Array;
}

/**
 * A backoff n-gram model (ARPA semantics) implementing core's `LanguageModel`: P(w | h) is the probability of the
 * longest n-gram `h' w` in the model, with h' a suffix of h, times the backoff weights of the longer contexts that
 * exist. Built by {@link estimateKneserNey}, {@link readArpa}, {@link loadBinaryModel} or
 * `CountLanguageModel.toBackoffModel`. Probabilities are log10, as in ARPA files.
 */
export class BackoffLanguageModel implements LanguageModel<BackoffState> {
  readonly data: BackoffModelData;
  /** The state of the whole-sentence fast path, reused from sentence to sentence. */
  readonly #scratch: Int32Array;
  /** Word indexes of the sentence {@link scoreSentence} scores, reused. */
  #words = new Int32Array(256);
  readonly #out = new Float64Array(3);
  /** Whole sentences, order by order, over suffix-trie levels ({@link scoreIds}). */
  readonly #suffixScorer: SuffixTrieScorer | undefined;

  constructor(data: BackoffModelData) {
    checkOrder(data.order, 10, 'data.order');
    this.data = data;
    this.#scratch = new Int32Array(data.order + 1);
    this.#suffixScorer = data.suffixLevels === undefined ? undefined : new SuffixTrieScorer(data.order, data.suffixLevels, data.log10Probs, data.log10Backoffs);
  }

  get order(): number {
    return this.data.order;
  }

  /** The words as a core `Vocabulary` (`<pad>` 0, `<unk>` 1, `<s>` 2, `</s>` 3, then the model's words). */
  get vocabulary(): Vocabulary {
    return this.data.wordIndex.toVocabulary();
  }

  /** Number of n-grams of each order, as in an ARPA header. */
  get counts(): number[] {
    return this.data.log10Probs.map((p) => p.length);
  }

  /** The state at the start of a sentence (after `<s>`). */
  startState(): BackoffState {
    const ids = new Int32Array(this.order + 1).fill(-1);
    if (this.order > 1) ids[1] = BOS_INDEX;
    return { ids };
  }

  /** A state with no context at all (not even `<s>`). */
  nullContext(): BackoffState {
    return { ids: new Int32Array(this.order + 1).fill(-1) };
  }

  /** log10 P(token | state), whether `token` is OOV (scored as `<unk>`), the n-gram length and the next state. */
  scoreToken(state: BackoffState, token: string): BackoffTokenScore {
    const next = { ids: this.#copyState(state) };
    const word = this.data.wordIndex.lookup(token);
    const log10Prob = this.scoreId(next, word <= 0 ? UNK_INDEX : word);
    return { log10Prob, oov: word <= 0, state: next, ngramLength: this.matchedLength(next) };
  }

  /**
   * log10 P(id | state) for every id of {@link vocabulary} (core ids; `-Infinity` for `<pad>` and `<s>`, which
   * are never predicted). Sums to 1 in linear space for a normalized model such as modified Kneser-Ney.
   */
  nextLog10Probs(state: BackoffState): Float64Array {
    const base = this.#copyState(state);
    const size = this.data.wordIndex.size;
    const out = new Float64Array(size + 1);
    out[PAD_ID] = -Infinity;
    const probe: BackoffState = { ids: new Int32Array(base.length) };
    for (let w = 0; w < size; w++) {
      if (w === BOS_INDEX) {
        out[w + 1] = -Infinity;
        continue;
      }
      probe.ids.set(base);
      out[w + 1] = this.scoreId(probe, w);
    }
    return out;
  }

  /**
   * Scores `tokens` as one sentence: each token after `<s>`, then `</s>` (KenLM's `query`). Without
   * `perToken` this is KenLM's inner loop with no allocation per token: the steps of {@link scoreId} (find the
   * longest n-gram by extending the state's matches one order at a time, then add the backoffs of the longer
   * contexts) inlined with the tables in locals and one state array reused across sentences — the path core's
   * `evaluatePerplexity` takes. With `perToken`, each token's score and n-gram length are listed too.
   */
  scoreSentence(tokens: readonly TokenLike[], options: { readonly perToken?: boolean } = {}): BackoffSentenceScore {
    if (!Array.isArray(tokens)) throw check.invalid(tokens, 'tokens', 'an array of tokens');
    if (options?.perToken === true) return this.#scoreSentencePerToken(tokens);
    const wordIndex = this.data.wordIndex;
    const length = tokens.length;
    if (this.#words.length < length) this.#words = new Int32Array(Math.max(length, this.#words.length * 2));
    const words = this.#words;
    for (let i = 0; i < length; i++) {
      const token = tokens[i];
      // One map lookup per token: -1 means out of vocabulary, scored as <unk> (index 0), as is <unk> itself.
      words[i] = typeof token === 'string' ? wordIndex.lookup(token) : this.#lookupTokenLike(token, i);
    }
    const out = this.#out;
    this.scoreIds(words, length, out);
    return { log10Prob: out[0]!, tokens: length + 1, oov: out[2]!, oovLog10Prob: out[1]! };
  }

  /**
   * Scores the sentence of internal word indexes `words[0..length)` then `</s>`, from `<s>`, as KenLM's `query`
   * does: an index ≤ 0 (unknown, or `<unk>` itself) is scored as `<unk>` and counted as OOV. Writes the total
   * log10 probability, the part of it from OOV tokens and the number of OOV tokens to `out[0..2]`. This is the
   * inner loop of {@link scoreSentence} and of the byte-level text scorer: no allocation, tables in locals, the
   * steps of {@link scoreId} inlined; one state array of the model reused (calls must not interleave, which
   * synchronous code cannot do). A model read as suffix-trie levels (from an ARPA file) is scored one order at a
   * time over the whole sentence instead (`SuffixTrieScorer`: the same numbers). With `perToken`, each token's log10 probability and n-gram length (the `</s>`
   * last, at index `length`) are written to its arrays too, which must hold `length + 1`; that log10 probability is
   * added up in float32 as KenLM's `query` adds it (the probability, then each backoff), so it prints as KenLM's
   * does, where the totals in `out` add the same values in double precision.
   */
  scoreIds(words: Int32Array, length: number, out: Float64Array, perToken?: TokenScores): void {
    if (this.#suffixScorer !== undefined) {
      this.#suffixScorer.score(words, length, out, perToken);
      return;
    }
    const { log10Probs, log10Backoffs } = this.data;
    const order = this.order;
    const ids = this.#scratch;
    const f = Math.fround;
    ids.fill(-1);
    if (order > 1) ids[1] = BOS_INDEX;
    let total = 0;
    let oovTotal = 0;
    let oov = 0;
    const indexes = this.data.indexes;
    for (let i = 0; i <= length; i++) {
      let word = EOS_INDEX;
      let isOov = false;
      if (i < length) {
        word = words[i]!;
        if (word <= 0) {
          isOov = true;
          word = UNK_INDEX;
        }
      }
      let matchedId = word;
      let k = 1;
      let previous = ids[1]!;
      for (; k < order; k++) {
        if (previous < 0) break;
        const id = indexes[k]!.find(previous, word);
        if (id < 0) break;
        const next = ids[k + 1]!;
        ids[k] = matchedId;
        matchedId = id;
        previous = next;
      }
      let log10Prob = log10Probs[k - 1]![matchedId]!;
      // The same sum in float32, as KenLM's query adds it (what perToken gets).
      let kenlmProb = log10Prob;
      for (let len = k; len < order; len++) {
        const ctx = len === k ? previous : ids[len]!;
        if (ctx < 0) break;
        const backoff = log10Backoffs[len - 1]![ctx]!;
        log10Prob += backoff;
        kenlmProb = f(kenlmProb + backoff);
      }
      ids[k] = matchedId;
      for (let len = k + 1; len <= order; len++) ids[len] = -1;
      total += log10Prob;
      if (perToken !== undefined) {
        perToken.log10Probs[i] = kenlmProb;
        // The order of the n-gram that gave the probability (KenLM query's n-gram length).
        perToken.lengths[i] = k;
      }
      if (isOov) {
        oov++;
        oovTotal += log10Prob;
      }
    }
    out[0] = total;
    out[1] = oovTotal;
    out[2] = oov;
  }

  #scoreSentencePerToken(tokens: readonly TokenLike[]): BackoffSentenceScore {
    const state = this.startState();
    const wordIndex = this.data.wordIndex;
    const perToken: WordScore[] = [];
    let total = 0;
    let oovTotal = 0;
    let oov = 0;
    for (let i = 0; i <= tokens.length; i++) {
      const token = i < tokens.length ? tokens[i] : EOS;
      const text = typeof token === 'string' ? token : this.#textOf(token, i);
      const word = i < tokens.length ? wordIndex.lookup(text) : EOS_INDEX;
      const isOov = word <= 0;
      const log10Prob = this.scoreId(state, isOov ? UNK_INDEX : word);
      total += log10Prob;
      if (isOov) {
        oov++;
        oovTotal += log10Prob;
      }
      perToken.push({ token: text, log10Prob, ngramLength: this.matchedLength(state), oov: isOov });
    }
    return { log10Prob: total, tokens: tokens.length + 1, oov, oovLog10Prob: oovTotal, perToken };
  }

  #textOf(token: unknown, i: number): string {
    const text = tokenText(token);
    if (text === undefined) throw check.invalid(token, `tokens[${i}]`, 'a string or a Token');
    return text;
  }

  // Kept out of the hot loop so the optimizing compiler has less to compile.
  #lookupTokenLike(token: unknown, i: number): number {
    return this.data.wordIndex.lookup(this.#textOf(token, i));
  }

  #copyState(state: BackoffState): Int32Array {
    const ids = (state as BackoffState | null)?.ids;
    if (!(ids instanceof Int32Array) || ids.length !== this.order + 1) {
      throw check.invalid(state, 'state', `a BackoffState of this model (ids: an Int32Array of length ${this.order + 1})`);
    }
    return ids.slice();
  }

  /**
   * Scores internal word index `word` (core id − 1) after `state` and advances `state` past it, in place.
   * Returns the log10 probability; the order of the n-gram used is then {@link matchedLength}`(state)`. Allocates
   * nothing and writes nothing but `state` (never the model, so any number of scorings may interleave): the
   * building block of the other methods, for callers that manage their own states.
   */
  scoreId(state: BackoffState, word: number): number {
    const { indexes, log10Probs, log10Backoffs, suffixLevels } = this.data;
    const order = this.order;
    const ids = state.ids;
    if (suffixLevels !== undefined) {
      // Reversed orders: extend back from the word, reading each older word from the state's context n-grams
      // (the first word of the k-gram of the last k words); ids[k] is overwritten only once it has been read.
      let matchedId = word;
      let k = 1;
      for (; k < order; k++) {
        const ctx = ids[k]!;
        if (ctx < 0) break;
        const id = suffixLevels[k]!.find(matchedId, k === 1 ? ctx : suffixLevels[k - 1]!.firstWords[ctx]!);
        if (id < 0) break;
        ids[k] = matchedId;
        matchedId = id;
      }
      let log10Prob = log10Probs[k - 1]![matchedId]!;
      for (let len = k; len < order; len++) {
        const ctx = ids[len]!;
        if (ctx < 0) break;
        log10Prob += log10Backoffs[len - 1]![ctx]!;
      }
      ids[k] = matchedId;
      for (let len = k + 1; len <= order; len++) ids[len] = -1;
      return log10Prob;
    }
    // Find the longest n-gram (last k-1 words of history, word); new ids are written one slot up as we go.
    let matchedId = word;
    let k = 1;
    let previous = ids[1]!;
    for (; k < order; k++) {
      if (previous < 0) break;
      const id = indexes[k]!.find(previous, word);
      if (id < 0) break;
      const next = ids[k + 1]!;
      ids[k] = matchedId;
      matchedId = id;
      previous = next;
    }
    // k is now the matched order; ids[1..k-1] hold the new shorter ids, `previous` is the old ids[k].
    let log10Prob = log10Probs[k - 1]![matchedId]!;
    // Contexts of length k..order-1 that exist but were not extended contribute their backoff weight.
    for (let len = k; len < order; len++) {
      const ctx = len === k ? previous : ids[len]!;
      if (ctx < 0) break;
      log10Prob += log10Backoffs[len - 1]![ctx]!;
    }
    ids[k] = matchedId;
    for (let len = k + 1; len <= order; len++) ids[len] = -1;
    return log10Prob;
  }

  /**
   * The order of the longest n-gram of the model ending with the last word `state` has read — after
   * {@link scoreId}, the order of the n-gram that supplied its probability (KenLM's `ngram_length`). The state
   * holds it (`ids[1..k]` set, the rest -1), so it needs no shared field on the model.
   */
  matchedLength(state: BackoffState): number {
    const ids = state.ids;
    let k = 0;
    while (k < this.order && ids[k + 1]! >= 0) k++;
    return k;
  }

  /** log10 P(word | context): {@link score} without the details. */
  log10Prob(word: string, context: readonly string[], sentenceStart = true): number {
    return this.score(word, context, sentenceStart).log10Prob;
  }

  /**
   * log10 P(word | context) with the n-gram length used and whether the word is OOV, as KenLM's `query` prints
   * them. `context` holds the preceding words, oldest first; with `sentenceStart` (default) it begins right
   * after `<s>`.
   */
  score(word: string, context: readonly string[], sentenceStart = true): WordScore {
    const state = this.stateAfter(context, sentenceStart);
    const index = this.data.wordIndex.lookup(word);
    const log10Prob = this.scoreId(state, index <= 0 ? UNK_INDEX : index);
    return { token: word, log10Prob, ngramLength: this.matchedLength(state), oov: index <= 0 };
  }

  /** The state after reading `context` (from a sentence start when `sentenceStart`). */
  stateAfter(context: readonly string[], sentenceStart = true): BackoffState {
    const wordIndex = this.data.wordIndex;
    // Only the last order-1 words matter; when the context is longer, `<s>` is out of reach anyway.
    const from = Math.max(0, context.length - (this.order - 1));
    const state = sentenceStart && from === 0 ? this.startState() : this.nullContext();
    for (let i = from; i < context.length; i++) this.scoreId(state, wordIndex.id(context[i]!));
    return state;
  }

  /**
   * P(w | context) for every core vocabulary id w, as linear probabilities (`<pad>` and `<s>` get 0). Sums to 1
   * for a properly normalized model such as modified Kneser-Ney.
   */
  nextWordDistribution(context: readonly string[], sentenceStart = true): Float64Array {
    return this.nextLog10Probs(this.stateAfter(context, sentenceStart)).map((lp) => 10 ** lp);
  }

  /** The `k` most probable next words after `context`, best first (`<unk>` excluded, `</s>` included). */
  topK(context: readonly string[], k: number, sentenceStart = true): NextToken[] {
    check.integer(k, 'k', 0);
    const log10Probs = this.nextLog10Probs(this.stateAfter(context, sentenceStart));
    const ids: number[] = [];
    for (let id = 0; id < log10Probs.length; id++) {
      if (id !== PAD_ID && id !== BOS_ID && id !== UNK_ID && log10Probs[id]! > -Infinity) ids.push(id);
    }
    ids.sort((a, b) => log10Probs[b]! - log10Probs[a]! || a - b);
    const vocabulary = this.vocabulary;
    return ids.slice(0, k).map((id) => ({ token: vocabulary.token(id), id, log10Prob: log10Probs[id]! }));
  }
}

