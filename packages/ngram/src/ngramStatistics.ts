import { PAD, type TokenLike } from '@nlpkit/core';
import { emptyCorpus } from './countNgrams.js';
import { type Sentences, eachSentence } from './eachSentence.js';
import { NgramInputError, PKG, check, checkOrder } from './errors.js';
import { NgramIndex } from './ngramIndex.js';
import { BOS, BOS_INDEX, EOS, EOS_INDEX, UNK, NgramWordIndex } from './ngramWordIndex.js';

/**
 * How sentences are padded before counting.
 * - `'kenlm'`: `<s> w1 … wk </s>` — one marker each side, `<s>` never predicted (the ARPA / KenLM convention).
 * - `'nltk'`: order−1 copies of `<s>` and of `</s>` (NLTK's `padded_everygram_pipeline`), every padded token a
 *   unigram, including `<s>` and `</s>`.
 */
export type SentencePadding = 'kenlm' | 'nltk';

/** Options of {@link collectNgramStatistics}. */
export interface StatisticsOptions {
  /** Highest order, 1 to 10. */
  order: number;
  /** Padding convention (default `'kenlm'`). */
  padding?: SentencePadding;
  /**
   * Words seen fewer times than this are mapped to `<unk>` (NLTK's `unk_cutoff`; default 1 = keep all). Padding
   * tokens are counted as words here, as NLTK's vocabulary does.
   */
  unkCutoff?: number;
}

/**
 * Everything the classic smoothing methods need, as typed arrays over {@link NgramIndex} ids. Context layout:
 * an array "per context of order n" is indexed by the id of an n-gram of order n, and index 0 of the order-0
 * arrays is the empty context.
 */
export interface NgramStatistics {
  readonly order: number;
  readonly padding: SentencePadding;
  readonly wordIndex: NgramWordIndex;
  /** Number of words a model distributes probability over: |V| (NLTK) or |V| without `<s>` (KenLM). */
  readonly predictable: number;
  /** `indexes[n-1]` for order n ≥ 2; unigram ids are vocabulary ids. */
  readonly indexes: readonly (NgramIndex | undefined)[];
  /** `counts[n-1][id]`: raw count of n-gram `id` of order n. */
  readonly counts: readonly Float64Array[];
  /** `totals[n][ctx]`: Σ_w c(ctx w) over the (n+1)-grams extending context `ctx` of order n. */
  readonly totals: readonly Float64Array[];
  /** `distinct[n][ctx]`: number of words w with c(ctx w) > 0. */
  readonly distinct: readonly Uint32Array[];
  /** `continuation[n-1][id]` for n < order: number of distinct words seen left of n-gram `id` of order n. */
  readonly continuation: readonly Float64Array[];
  /** `continuationTotals[n][ctx]`: Σ_w continuation(ctx w), for n + 1 < order. */
  readonly continuationTotals: readonly Float64Array[];
  /** `suffixes[n-1][id]`: id (order n-1) of n-gram `id` without its first word, for n ≥ 2. */
  readonly suffixes: readonly Int32Array[];
  /** `countsOfCounts[n-1][r]`: number of n-grams of order n seen exactly r times (r ≤ 10). */
  readonly countsOfCounts: readonly number[][];
}

/**
 * Counts a corpus for the smoothing family ({@link mle}, {@link lidstone}, {@link wittenBell},
 * {@link absoluteDiscounting}, {@link kneserNeyInterpolated}, {@link katzBackoff}, {@link stupidBackoff}).
 * Sentences hold strings or text `Token`s; a sync iterable gives the statistics at once, an async one a promise.
 * @throws InvalidArgumentError for a bad order, padding or cutoff; NgramInputError for a bad sentence or token;
 * EmptyInputError for an empty corpus.
 */
export function collectNgramStatistics(sentences: Iterable<readonly TokenLike[]>, options: StatisticsOptions): NgramStatistics;
export function collectNgramStatistics(
  sentences: AsyncIterable<readonly TokenLike[]>,
  options: StatisticsOptions,
): Promise<NgramStatistics>;
export function collectNgramStatistics(
  sentences: Sentences<TokenLike>,
  options: StatisticsOptions,
): NgramStatistics | Promise<NgramStatistics>;
export function collectNgramStatistics(
  sentences: Sentences<TokenLike>,
  options: StatisticsOptions,
): NgramStatistics | Promise<NgramStatistics> {
  check.options(options, 'options', ['order', 'padding', 'unkCutoff']);
  const order = checkOrder(options?.order);
  const padding = check.oneOf(options.padding ?? 'kenlm', 'options.padding', ['kenlm', 'nltk'] as const);
  const cutoff = check.integer(options.unkCutoff ?? 1, 'options.unkCutoff', 1);
  const corpus: (readonly string[])[] = [];
  // Vocabulary (with the cutoff, counted over padded tokens as NLTK does).
  const frequency = new Map<string, number>();
  return eachSentence(
    sentences,
    (sentence, i) => {
      for (let j = 0; j < sentence.length; j++) {
        const token = sentence[j]!;
        if (token === '') {
          throw new NgramInputError({ package: PKG, argument: `sentences[${i}][${j}]`, expected: 'a non-empty token', found: token, line: i + 1 });
        }
        frequency.set(token, (frequency.get(token) ?? 0) + 1);
      }
      corpus.push(sentence);
    },
    () => statistics(corpus, frequency, order, padding, cutoff),
  );
}

function statistics(
  corpus: readonly (readonly string[])[],
  frequency: ReadonlyMap<string, number>,
  order: number,
  padding: SentencePadding,
  cutoff: number,
): NgramStatistics {
  if (corpus.length === 0) throw emptyCorpus();
  const pad = padding === 'nltk' ? order - 1 : 1;
  // <pad> maps to <unk>: core vocabularies reserve id 0 for it.
  const wordIndex = new NgramWordIndex();
  for (const [word, count] of frequency) {
    if (count >= cutoff && word !== BOS && word !== EOS && word !== UNK && word !== PAD) wordIndex.add(word);
  }

  const indexes: (NgramIndex | undefined)[] = [undefined];
  const countLists: number[][] = [[]];
  for (let n = 2; n <= order; n++) {
    indexes.push(new NgramIndex());
    countLists.push([]);
  }
  const unigram = new Float64Array(wordIndex.size);
  const ids: number[] = [];
  for (const sentence of corpus) {
    ids.length = 0;
    for (let i = 0; i < pad; i++) ids.push(BOS_INDEX);
    for (const token of sentence) ids.push(wordIndex.id(token));
    for (let i = 0; i < pad; i++) ids.push(EOS_INDEX);
    for (let start = 0; start < ids.length; start++) {
      let id = ids[start]!;
      unigram[id]! += 1;
      for (let n = 1; n < order && start + n < ids.length; n++) {
        id = indexes[n]!.findOrInsert(id, ids[start + n]!);
        const list = countLists[n]!;
        list[id] = (list[id] ?? 0) + 1;
      }
    }
  }
  // Under the KenLM convention <s> only conditions: it is not a predicted unigram.
  if (padding === 'kenlm') unigram[BOS_INDEX] = 0;
  const counts = [unigram, ...countLists.slice(1).map((l) => Float64Array.from(l))];

  const sizes = counts.map((c) => c.length);
  const suffixes: Int32Array[] = [new Int32Array(0)];
  const startsBos: Uint8Array[] = [new Uint8Array(sizes[0]!)];
  startsBos[0]![BOS_INDEX] = 1;
  for (let n = 1; n < order; n++) {
    const index = indexes[n]!;
    const suffix = new Int32Array(sizes[n]!);
    const bos = new Uint8Array(sizes[n]!);
    for (let id = 0; id < suffix.length; id++) {
      const parent = index.parents[id]!;
      suffix[id] = n === 1 ? index.words[id]! : indexes[n - 1]!.find(suffixes[n - 1]![parent]!, index.words[id]!);
      bos[id] = startsBos[n - 1]![parent]!;
    }
    suffixes.push(suffix);
    startsBos.push(bos);
  }

  const totals: Float64Array[] = [];
  const distinct: Uint32Array[] = [];
  for (let n = 0; n < order; n++) {
    const contexts = n === 0 ? 1 : sizes[n - 1]!;
    const total = new Float64Array(contexts);
    const dist = new Uint32Array(contexts);
    const c = counts[n]!;
    const parents = indexes[n]?.parents;
    for (let id = 0; id < c.length; id++) {
      if (c[id]! <= 0) continue;
      const ctx = parents === undefined ? 0 : parents[id]!;
      total[ctx]! += c[id]!;
      dist[ctx]! += 1;
    }
    totals.push(total);
    distinct.push(dist);
  }

  const continuation: Float64Array[] = [];
  const continuationTotals: Float64Array[] = [];
  for (let n = 0; n + 1 < order; n++) {
    const cont = new Float64Array(sizes[n]!);
    for (const s of suffixes[n + 1]!) cont[s]! += 1;
    // Under the KenLM convention nothing precedes <s>: such n-grams keep their raw count (as in lmplz).
    if (padding === 'kenlm') {
      const bos = startsBos[n]!;
      for (let id = 0; id < cont.length; id++) if (bos[id]) cont[id] = counts[n]![id]!;
      if (n === 0) cont[BOS_INDEX] = 0;
    }
    continuation.push(cont);
    const contexts = n === 0 ? 1 : sizes[n - 1]!;
    const ct = new Float64Array(contexts);
    const parents = indexes[n]?.parents;
    for (let id = 0; id < cont.length; id++) ct[parents === undefined ? 0 : parents[id]!]! += cont[id]!;
    continuationTotals.push(ct);
  }

  const countsOfCounts = counts.map((c) => {
    const coc = new Array<number>(12).fill(0);
    for (const r of c) if (r > 0 && r <= 11) coc[r]! += 1;
    return coc;
  });
  const predictable = padding === 'nltk' ? wordIndex.size : wordIndex.size - 1;
  return {
    order,
    padding,
    wordIndex,
    predictable,
    indexes,
    counts,
    totals,
    distinct,
    continuation,
    continuationTotals,
    suffixes,
    countsOfCounts,
  };
}
