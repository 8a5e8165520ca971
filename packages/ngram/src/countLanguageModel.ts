import type { BackoffModelData } from './backoffLanguageModel.js';
import { BackoffLanguageModel } from './backoffLanguageModel.js';
import type { LanguageModel } from './languageModel.js';
import type { NgramStatistics } from './ngramStatistics.js';
import { BOS_ID } from './vocabulary.js';

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
 * `nltk.lm` models work). An unseen context defers to the lower order (NLTK: alpha 0, gamma 1).
 */
export class CountLanguageModel implements LanguageModel {
  readonly stats: NgramStatistics;
  readonly smoothing: Smoothing;

  constructor(stats: NgramStatistics, smoothing: Smoothing) {
    this.stats = stats;
    this.smoothing = smoothing;
  }

  get order(): number {
    return this.stats.order;
  }

  get vocabulary(): readonly string[] {
    return this.stats.vocabulary.words();
  }

  /**
   * P(word | context). `context` is the preceding tokens; with `sentenceStart` (default) the padding `<s>`
   * tokens of the model's convention are put before it (pass them yourself with `sentenceStart = false`).
   * Unknown words, in the context too, are `<unk>`. Only the last order−1 context words are used.
   */
  prob(word: string, context: readonly string[], sentenceStart = true): number {
    const vocab = this.stats.vocabulary;
    const ids: number[] = [];
    if (sentenceStart) {
      const pad = this.stats.padding === 'nltk' ? this.order - 1 : 1;
      for (let i = 0; i < pad; i++) ids.push(BOS_ID);
    }
    for (const w of context) ids.push(vocab.id(w));
    return this.probIds(vocab.id(word), ids.slice(Math.max(0, ids.length - (this.order - 1))));
  }

  /** log10 P(word | context); −Infinity where the method gives 0 (MLE on unseen events). */
  logProb(word: string, context: readonly string[], sentenceStart = true): number {
    return Math.log10(this.prob(word, context, sentenceStart));
  }

  /** P(word | context ids), context of at most order−1 ids, oldest first. */
  probIds(word: number, context: readonly number[]): number {
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
   * backoff model's scores equal this model's. @throws RangeError for add-k (not expressible) or NLTK padding.
   */
  toBackoffModel(): BackoffLanguageModel {
    const stats = this.stats;
    const s = this.smoothing;
    if (!s.arpa) throw new RangeError(`@nlpkit/ngram: ${s.name} cannot be written as an ARPA backoff model`);
    if (stats.padding !== 'kenlm') {
      throw new RangeError('@nlpkit/ngram: only models counted with padding "kenlm" can be written as ARPA');
    }
    const order = stats.order;
    const probs: Float64Array[] = [];
    const logProbs: Float32Array[] = [];
    const backoffs: Float32Array[] = [];
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
      if (n === 0) lp[BOS_ID] = -99;
      logProbs.push(lp);
      const bo = new Float32Array(size);
      if (n + 1 < order) {
        const totals = stats.totals[n + 1]!;
        for (let id = 0; id < size; id++) if (totals[id]! > 0) bo[id] = Math.log10(s.gamma(stats, n + 2, id));
      }
      backoffs.push(bo);
    }
    const data: BackoffModelData = { order, vocabulary: stats.vocabulary, indexes: stats.indexes, logProbs, backoffs };
    return new BackoffLanguageModel(data);
  }
}
