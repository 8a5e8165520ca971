import {
  PAD_ID,
  UnsupportedError,
  scoreSentenceByTokens,
  type LanguageModel,
  type SentenceScore,
  type TokenLike,
  type TokenScore,
  type Vocabulary,
} from '@nlpkit/core';
import type { BackoffModelData } from './backoffLanguageModel.js';
import { BackoffLanguageModel } from './backoffLanguageModel.js';
import { PKG, check } from './errors.js';
import type { NgramStatistics } from './ngramStatistics.js';
import { BOS_INDEX, UNK_INDEX } from './ngramWordIndex.js';

/**
 * How one member of the smoothing family turns counts into P(w | c). `order` is the order of the n-gram being
 * scored (context length + 1); `ctx` the id of the context (order−1 n-gram; 0 for the empty context); `id` the
 * n-gram's id or −1 when unseen.
 */
export interface Smoothing {
  /** `'interpolated'`: P = alpha + gamma·P_lower; `'backoff'`: P = alpha if seen else gamma·P_lower. */
  readonly kind: 'interpolated' | 'backoff';
  /** Name for messages and ARPA export. */
  readonly name: string;
  /** P(w) with no context. */
  unigram(stats: NgramStatistics, word: number): number;
  /** The n-gram's own mass (interpolated) or its discounted probability (backoff). */
  alpha(stats: NgramStatistics, order: number, ctx: number, id: number): number;
  /** Weight of the lower order for context `ctx` of a seen context. */
  gamma(stats: NgramStatistics, order: number, ctx: number): number;
  /**
   * P(w | c) for a context never seen in training. Absent: defer to the lower order (NLTK's interpolated models);
   * MLE gives 0 and add-k gives 1/|V| (NLTK's `MLE` / `Lidstone` on an empty count table).
   */
  unseenContext?(stats: NgramStatistics): number;
  /**
   * Whether the model can be written as an ARPA backoff model (true for interpolated and backoff methods whose
   * unseen-n-gram probability is gamma(ctx)·P_lower; false for add-k, whose unseen mass is flat).
   */
  readonly arpa: boolean;
}

/**
 * A language model computed on demand from {@link NgramStatistics} by a {@link Smoothing} (the way NLTK's
 * `nltk.lm` models work), implementing core's `LanguageModel` (log10 probabilities). An unseen context defers to
 * the lower order (NLTK: alpha 0, gamma 1).
 *
 * Its state is the internal indexes of the last order−1 tokens (an `Int32Array`, never modified): the start
 * state holds the padding `<s>` tokens of the model's convention (one for `'kenlm'`, order−1 for `'nltk'`).
 * Sentences are scored KenLM style, each token then one `</s>`, under either padding.
 */
export class CountLanguageModel implements LanguageModel<Int32Array> {
  readonly stats: NgramStatistics;
  readonly smoothing: Smoothing;

  constructor(stats: NgramStatistics, smoothing: Smoothing) {
    this.stats = stats;
    this.smoothing = smoothing;
  }

  get order(): number {
    return this.stats.order;
  }

  /** The words as a core `Vocabulary` (core id = internal index + 1). */
  get vocabulary(): Vocabulary {
    return this.stats.wordIndex.toVocabulary();
  }

  /** The state at the start of a sentence: the padding `<s>` tokens (at most order−1 of them). */
  startState(): Int32Array {
    const pad = this.stats.padding === 'nltk' ? this.order - 1 : 1;
    return new Int32Array(Math.min(pad, this.order - 1)).fill(BOS_INDEX);
  }

  /** log10 P(token | state) and the state after `token`; OOV tokens (and `<unk>`) are scored as `<unk>`. */
  scoreToken(state: Int32Array, token: string): TokenScore<Int32Array> {
    const context = this.#checkState(state);
    const index = this.stats.wordIndex.lookup(token);
    const word = index < 0 ? UNK_INDEX : index;
    const keep = Math.min(this.order - 1, context.length + 1);
    const next = new Int32Array(keep);
    if (keep > 0) {
      next.set(context.subarray(context.length - (keep - 1)));
      next[keep - 1] = word;
    }
    return { log10Prob: Math.log10(this.probIds(word, context)), oov: word === UNK_INDEX, state: next };
  }

  /**
   * log10 P(id | state) for every core vocabulary id; `<pad>` and `<s>` hold `-Infinity` (never predicted — under
   * NLTK padding `<s>` has unigram mass of its own, so there the others sum to less than 1).
   */
  nextLog10Probs(state: Int32Array): Float64Array {
    const context = this.#checkState(state);
    const size = this.stats.wordIndex.size;
    const out = new Float64Array(size + 1);
    out[PAD_ID] = -Infinity;
    for (let w = 0; w < size; w++) out[w + 1] = w === BOS_INDEX ? -Infinity : Math.log10(this.probIds(w, context));
    return out;
  }

  /** Scores `tokens` as one sentence: each token after the start padding, then one `</s>`. */
  scoreSentence(tokens: readonly TokenLike[], options: { readonly perToken?: boolean } = {}): SentenceScore {
    if (!Array.isArray(tokens)) throw check.invalid(tokens, 'tokens', 'an array of tokens');
    return scoreSentenceByTokens(this, tokens, options);
  }

  #checkState(state: Int32Array): Int32Array {
    if (!(state instanceof Int32Array) || state.length > Math.max(0, this.order - 1)) {
      throw check.invalid(state, 'state', `a state of this model (an Int32Array of at most ${Math.max(0, this.order - 1)} indexes)`);
    }
    return state;
  }

  /**
   * P(word | context). `context` is the preceding tokens; with `sentenceStart` (default) the padding `<s>`
   * tokens of the model's convention are put before it (pass them yourself with `sentenceStart = false`).
   * Unknown words, in the context too, are `<unk>`. Only the last order−1 context words are used.
   */
  prob(word: string, context: readonly string[], sentenceStart = true): number {
    const index = this.stats.wordIndex;
    const ids: number[] = [];
    if (sentenceStart) {
      const pad = this.stats.padding === 'nltk' ? this.order - 1 : 1;
      for (let i = 0; i < pad; i++) ids.push(BOS_INDEX);
    }
    for (const w of context) ids.push(index.id(w));
    return this.probIds(index.id(word), ids.slice(Math.max(0, ids.length - (this.order - 1))));
  }

  /** log10 P(word | context); −Infinity where the method gives 0 (MLE on unseen events). */
  log10Prob(word: string, context: readonly string[], sentenceStart = true): number {
    return Math.log10(this.prob(word, context, sentenceStart));
  }

  /** P(word | context) by internal indexes (core id − 1), context of at most order−1 indexes, oldest first. */
  probIds(word: number, context: ArrayLike<number>): number {
    // Ids of the context suffixes: ctxIds[k] = id of the last k context words (order k), −1 if unseen.
    const k = context.length;
    const ctxIds = new Array<number>(k + 1).fill(-1);
    ctxIds[0] = 0;
    for (let len = 1; len <= k; len++) {
      let id = context[k - len]!;
      for (let i = 1; i < len && id >= 0; i++) id = this.stats.indexes[i]!.find(id, context[k - len + i]!);
      ctxIds[len] = id;
    }
    return this.#prob(word, ctxIds, k);
  }

  #prob(word: number, ctxIds: readonly number[], k: number): number {
    const s = this.smoothing;
    const stats = this.stats;
    if (k === 0) return s.unigram(stats, word);
    const ctx = ctxIds[k]!;
    if (ctx < 0 || !(stats.totals[k]![ctx]! > 0)) {
      return s.unseenContext ? s.unseenContext(stats) : this.#prob(word, ctxIds, k - 1);
    }
    const id = stats.indexes[k]!.find(ctx, word);
    const seen = id >= 0 && stats.counts[k]![id]! > 0;
    if (s.kind === 'backoff') {
      return seen ? s.alpha(stats, k + 1, ctx, id) : s.gamma(stats, k + 1, ctx) * this.#prob(word, ctxIds, k - 1);
    }
    return s.alpha(stats, k + 1, ctx, seen ? id : -1) + s.gamma(stats, k + 1, ctx) * this.#prob(word, ctxIds, k - 1);
  }

  /**
   * The same model as an ARPA backoff model (KenLM padding only: ARPA queries start from one `<s>`). Every
   * counted n-gram gets its smoothed probability and every seen context its gamma as backoff weight, so the
   * backoff model's scores equal this model's. @throws UnsupportedError for add-k (not expressible) or NLTK
   * padding.
   */
  toBackoffModel(): BackoffLanguageModel {
    const stats = this.stats;
    const s = this.smoothing;
    if (!s.arpa) throw new UnsupportedError({ package: PKG, message: `${s.name} cannot be written as an ARPA backoff model` });
    if (stats.padding !== 'kenlm') {
      throw new UnsupportedError({ package: PKG, message: 'only models counted with padding "kenlm" can be written as ARPA' });
    }
    const order = stats.order;
    const probs: Float64Array[] = [];
    const log10Probs: Float32Array[] = [];
    const log10Backoffs: Float32Array[] = [];
    for (let n = 0; n < order; n++) {
      const size = stats.counts[n]!.length;
      const p = new Float64Array(size);
      const parents = stats.indexes[n]?.parents;
      for (let id = 0; id < size; id++) {
        if (n === 0) {
          p[id] = s.unigram(stats, id);
          continue;
        }
        const ctx = parents![id]!;
        const lower = probs[n - 1]![stats.suffixes[n]![id]!]!;
        p[id] =
          s.kind === 'backoff'
            ? s.alpha(stats, n + 1, ctx, id)
            : s.alpha(stats, n + 1, ctx, id) + s.gamma(stats, n + 1, ctx) * lower;
      }
      probs.push(p);
      const lp = Float32Array.from(p, (x) => Math.log10(x));
      if (n === 0) lp[BOS_INDEX] = 0;
      log10Probs.push(lp);
      const bo = new Float32Array(size);
      if (n + 1 < order) {
        const totals = stats.totals[n + 1]!;
        for (let id = 0; id < size; id++) if (totals[id]! > 0) bo[id] = Math.log10(s.gamma(stats, n + 2, id));
      }
      log10Backoffs.push(bo);
    }
    const data: BackoffModelData = { order, wordIndex: stats.wordIndex, indexes: stats.indexes, log10Probs, log10Backoffs };
    return new BackoffLanguageModel(data);
  }
}
