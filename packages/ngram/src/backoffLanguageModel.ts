import { checkOrder } from './errors.js';
import type { LanguageModel } from './languageModel.js';
import { BOS_ID, EOS, EOS_ID, UNK_ID, type Vocabulary } from './vocabulary.js';

/**
 * Lookup of the n-grams of one order: (prefix id, last word id) → id. Implemented by the hash {@link NgramIndex}
 * and by the sorted trie levels of {@link loadBinaryModel}.
 */
export interface NgramLookup {
  readonly size: number;
  /** Prefix id of each n-gram. */
  readonly parents: ArrayLike<number>;
  /** Last word id of each n-gram. */
  readonly words: ArrayLike<number>;
  /** Id of (parent, word) or −1. */
  find(parent: number, word: number): number;
}

/**
 * The tables of a backoff n-gram model (what an ARPA file holds): for each order n, the n-grams as an
 * {@link NgramIndex} (unigram ids are vocabulary ids, so `indexes[0]` is `undefined`), and parallel arrays of
 * log10 probabilities and log10 backoff weights.
 */
export interface BackoffModelData {
  readonly order: number;
  readonly vocabulary: Vocabulary;
  readonly indexes: readonly (NgramLookup | undefined)[];
  readonly logProbs: readonly Float32Array[];
  readonly backoffs: readonly Float32Array[];
}

/** One scored token. */
export interface WordScore {
  word: string;
  /** log10 P(word | context). */
  logProb: number;
  /** Order of the n-gram that supplied the probability (1 = unigram), as KenLM's `query` prints it. */
  ngramLength: number;
  /** Whether the word is outside the vocabulary (scored as `<unk>`). */
  oov: boolean;
}

/** Score of one sentence, `</s>` included. */
export interface SentenceScore {
  /** Sum of the token log10 probabilities, `</s>` included. */
  logProb: number;
  /** Per token, `</s>` last. */
  words: WordScore[];
  /** Number of out-of-vocabulary tokens. */
  oov: number;
}

/**
 * Query state: `ids[k]` is the id (in order k) of the k-gram made of the last k words, or -1 when that k-gram is
 * not in the model. Longer histories can only exist when shorter ones do, so the scan stops at the first -1.
 */
export interface BackoffState {
  ids: Int32Array;
}

/**
 * A backoff n-gram model (ARPA semantics): P(w | h) is the probability of the longest n-gram `h' w` in the model,
 * with h' a suffix of h, times the backoff weights of the longer contexts that exist. Built by
 * {@link estimateKneserNey}, {@link readArpa} or {@link loadBinaryModel}.
 */
export class BackoffLanguageModel implements LanguageModel {
  readonly data: BackoffModelData;

  constructor(data: BackoffModelData) {
    checkOrder(data.order);
    this.data = data;
  }

  get order(): number {
    return this.data.order;
  }

  get vocabulary(): readonly string[] {
    return this.data.vocabulary.words();
  }

  /** Number of n-grams of each order, as in an ARPA header. */
  get counts(): number[] {
    return this.data.logProbs.map((p) => p.length);
  }

  /** A state positioned at the start of a sentence (after `<s>`). */
  beginSentence(): BackoffState {
    const ids = new Int32Array(this.order + 1).fill(-1);
    if (this.order > 1) ids[1] = BOS_ID;
    return { ids };
  }

  /** A state with no context at all (not even `<s>`). */
  nullContext(): BackoffState {
    return { ids: new Int32Array(this.order + 1).fill(-1) };
  }

  /**
   * Scores word id `word` after `state` and advances `state` past it. Returns the log10 probability; the order of
   * the n-gram used is left in `lastNgramLength`. This is the inner loop of evaluation, so it allocates nothing.
   */
  scoreId(state: BackoffState, word: number): number {
    const { indexes, logProbs, backoffs } = this.data;
    const order = this.order;
    const ids = state.ids;
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
    let logProb = logProbs[k - 1]![matchedId]!;
    // Contexts of length k..order-1 that exist but were not extended contribute their backoff weight.
    for (let len = k; len < order; len++) {
      const ctx = len === k ? previous : ids[len]!;
      if (ctx < 0) break;
      logProb += backoffs[len - 1]![ctx]!;
    }
    ids[k] = matchedId;
    for (let len = k + 1; len <= order; len++) ids[len] = -1;
    this.lastNgramLength = k;
    return logProb;
  }

  /** Order of the n-gram used by the latest {@link scoreId} call. */
  lastNgramLength = 0;

  /** log10 P(word | context); see {@link LanguageModel.logProb}. */
  logProb(word: string, context: readonly string[], sentenceStart = true): number {
    return this.score(word, context, sentenceStart).logProb;
  }

  /** log10 P(word | context) with the n-gram length used and whether the word is OOV. */
  score(word: string, context: readonly string[], sentenceStart = true): WordScore {
    const state = this.stateAfter(context, sentenceStart);
    const vocab = this.data.vocabulary;
    const oov = !vocab.has(word);
    const logProb = this.scoreId(state, vocab.id(word));
    return { word, logProb, ngramLength: this.lastNgramLength, oov };
  }

  /** The state after reading `context` (from a sentence start when `sentenceStart`). */
  stateAfter(context: readonly string[], sentenceStart = true): BackoffState {
    const vocab = this.data.vocabulary;
    // Only the last order-1 words matter; when the context is longer, `<s>` is out of reach anyway.
    const from = Math.max(0, context.length - (this.order - 1));
    const state = sentenceStart && from === 0 ? this.beginSentence() : this.nullContext();
    for (let i = from; i < context.length; i++) this.scoreId(state, vocab.id(context[i]!));
    return state;
  }

  /** Scores `words` as one sentence: each word after `<s>`, then `</s>`. */
  scoreSentence(words: readonly string[]): SentenceScore {
    const state = this.beginSentence();
    const vocab = this.data.vocabulary;
    const scores: WordScore[] = [];
    let total = 0;
    let oovs = 0;
    for (const word of words) {
      const oov = !vocab.has(word);
      const logProb = this.scoreId(state, vocab.id(word));
      if (oov) oovs++;
      total += logProb;
      scores.push({ word, logProb, ngramLength: this.lastNgramLength, oov });
    }
    const logProb = this.scoreId(state, EOS_ID);
    total += logProb;
    scores.push({ word: EOS, logProb, ngramLength: this.lastNgramLength, oov: false });
    return { logProb: total, words: scores, oov: oovs };
  }

  /**
   * P(w | context) for every vocabulary id w (linear probabilities; `<s>` gets 0 since it is never predicted).
   * Sums to 1 for a properly normalized model such as modified Kneser-Ney.
   */
  nextWordDistribution(context: readonly string[], sentenceStart = true): Float64Array {
    const base = this.stateAfter(context, sentenceStart);
    const size = this.data.vocabulary.size;
    const out = new Float64Array(size);
    const state: BackoffState = { ids: new Int32Array(base.ids.length) };
    for (let w = 0; w < size; w++) {
      if (w === BOS_ID) continue;
      state.ids.set(base.ids);
      out[w] = 10 ** this.scoreId(state, w);
    }
    return out;
  }

  /** The `k` most probable next words with their log10 probabilities, best first. */
  topK(context: readonly string[], k: number, sentenceStart = true): { word: string; logProb: number }[] {
    const dist = this.nextWordDistribution(context, sentenceStart);
    const ids = Array.from(dist.keys()).filter((w) => w !== BOS_ID && w !== UNK_ID);
    ids.sort((a, b) => dist[b]! - dist[a]!);
    return ids.slice(0, Math.max(0, k)).map((w) => ({
      word: this.data.vocabulary.word(w),
      logProb: Math.log10(dist[w]!),
    }));
  }
}
