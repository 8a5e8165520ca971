import type { TokenLike } from '@nlpkit/core';
import { CountLanguageModel } from './countLanguageModel.js';
import { check } from './errors.js';
import { FAMILY_OPTIONS, type FamilyInput, type FamilyOptions, withStatistics } from './withStatistics.js';
import type { NgramStatistics } from './ngramStatistics.js';
import { BOS_INDEX } from './ngramWordIndex.js';

/** Options of {@link katzBackoff}. */
export interface KatzOptions extends FamilyOptions {
  /** Counts above this are trusted as they are (Katz's k; default 5). */
  maxDiscountedCount?: number;
}

/**
 * Good-Turing discounted counts r* for r = 1..k of one order (Katz 1987, eq. with the k-cutoff renormalization):
 * r* = ((r+1)·n_{r+1}/n_r − r·(k+1)·n_{k+1}/n_1) / (1 − (k+1)·n_{k+1}/n_1). Where a ratio is undefined or the
 * result leaves (0, r], that r keeps its count (no discount) — toy corpora have empty count-of-count bins.
 */
export function goodTuringCounts(countsOfCounts: readonly number[], k: number): number[] {
  const n = countsOfCounts;
  const star = Array.from({ length: k + 1 }, (_, r) => r);
  const n1 = n[1] ?? 0;
  const common = n1 > 0 ? ((k + 1) * (n[k + 1] ?? 0)) / n1 : Number.NaN;
  for (let r = 1; r <= k; r++) {
    const nr = n[r] ?? 0;
    const next = n[r + 1] ?? 0;
    if (!(nr > 0 && next > 0 && 1 - common > 0)) continue;
    const value = (((r + 1) * next) / nr - r * common) / (1 - common);
    if (value > 0 && value <= r) star[r] = value;
  }
  return star;
}

/**
 * Katz backoff with Good-Turing discounting: a seen n-gram gets r* / Σ, an unseen one alpha(c)·P_lower with
 * alpha(c) = (1 − Σ_seen P(w|c)) / (1 − Σ_seen P_lower(w|c')); a context whose seen words already hold all the
 * lower-order mass has its seen probabilities renormalized instead. Unigrams are Good-Turing discounted too and the
 * freed mass is shared uniformly by the words never seen (such as `<unk>`); with none, unigrams stay
 * maximum-likelihood. A backoff model, so it writes to ARPA as is.
 */
export function katzBackoff(input: NgramStatistics | Iterable<readonly TokenLike[]>, options?: KatzOptions): CountLanguageModel;
export function katzBackoff(input: AsyncIterable<readonly TokenLike[]>, options?: KatzOptions): Promise<CountLanguageModel>;
export function katzBackoff(input: FamilyInput, options?: KatzOptions): CountLanguageModel | Promise<CountLanguageModel>;
export function katzBackoff(input: FamilyInput, options: KatzOptions = {}): CountLanguageModel | Promise<CountLanguageModel> {
  check.options(options, 'options', [...FAMILY_OPTIONS, 'maxDiscountedCount']);
  const k = check.integer(options.maxDiscountedCount ?? 5, 'options.maxDiscountedCount', 1, 10);
  return withStatistics(input, options, (stats) => katz(stats, k));
}

function katz(stats: NgramStatistics, k: number): CountLanguageModel {
  const star = stats.countsOfCounts.map((coc) => goodTuringCounts(coc, k));
  const discounted = (order: number, r: number): number => (r <= k ? star[order - 1]![r]! : r);

  // Unigrams: discounted mass to unseen predictable words.
  const unigramCounts = stats.counts[0]!;
  const total = stats.totals[0]![0]!;
  let unseen = 0;
  let kept = 0;
  for (let w = 0; w < unigramCounts.length; w++) {
    if (w === BOS_INDEX && stats.padding === 'kenlm') continue;
    if (unigramCounts[w]! > 0) kept += discounted(1, unigramCounts[w]!);
    else unseen++;
  }
  const unigram = new Float64Array(unigramCounts.length);
  for (let w = 0; w < unigram.length; w++) {
    if (w === BOS_INDEX && stats.padding === 'kenlm') continue;
    const c = unigramCounts[w]!;
    unigram[w] = unseen === 0 ? c / total : c > 0 ? discounted(1, c) / total : (1 - kept / total) / unseen;
  }

  // Probabilities of seen n-grams and the backoff weight of each seen context, order by order.
  const probs: Float64Array[] = [unigram];
  const alphas: Float64Array[] = [new Float64Array(1)];
  for (let n = 2; n <= stats.order; n++) {
    const counts = stats.counts[n - 1]!;
    const parents = stats.indexes[n - 1]!.parents;
    const suffix = stats.suffixes[n - 1]!;
    const totals = stats.totals[n - 1]!;
    const p = new Float64Array(counts.length);
    const seenMass = new Float64Array(totals.length);
    const lowerMass = new Float64Array(totals.length);
    for (let id = 0; id < counts.length; id++) {
      const ctx = parents[id]!;
      p[id] = discounted(n, counts[id]!) / totals[ctx]!;
      seenMass[ctx]! += p[id]!;
      lowerMass[ctx]! += probs[n - 2]![suffix[id]!]!;
    }
    const alpha = new Float64Array(totals.length);
    const closed = new Uint8Array(totals.length);
    for (let c = 0; c < totals.length; c++) {
      const free = 1 - lowerMass[c]!;
      if (totals[c]! > 0 && free > 1e-12) alpha[c] = Math.max(0, 1 - seenMass[c]!) / free;
      else closed[c] = 1;
    }
    // A context followed by every word the lower order can give has nowhere to send the discounted mass:
    // renormalize its seen n-grams instead (else the distribution would sum to less than one).
    for (let id = 0; id < counts.length; id++) {
      const ctx = parents[id]!;
      if (closed[ctx]) p[id] = p[id]! / seenMass[ctx]!;
    }
    probs.push(p);
    alphas.push(alpha);
  }
  return new CountLanguageModel(stats, {
    kind: 'backoff',
    name: 'Katz backoff',
    arpa: true,
    unigram: (_s, w) => unigram[w]!,
    alpha: (_s, order, _ctx, id) => probs[order - 1]![id]!,
    gamma: (_s, order, ctx) => alphas[order - 1]![ctx]!,
  });
}
