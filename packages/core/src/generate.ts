import { InvalidArgumentError } from './errors.js';
import { checkModel } from './evaluatePerplexity.js';
import type { LanguageModel } from './languageModel.js';
import { createRng, type Rng } from './rng.js';
import { validators } from './validators.js';
import { BOS_ID, EOS, EOS_ID, PAD_ID, UNK_ID } from './vocabulary.js';

const PKG = '@nlpkit/core';
const check = validators(PKG);

/** The state after reading `tokens` from the start of a sentence. */
export function stateAfter<S = unknown>(model: LanguageModel<S>, tokens: readonly string[]): S {
  let state = model.startState();
  for (const token of tokens) state = model.scoreToken(state, token).state;
  return state;
}

/** A candidate next token. */
export interface NextToken {
  readonly token: string;
  readonly id: number;
  readonly log10Prob: number;
}

/**
 * The `k` most probable next tokens after `context` (tokens from the start of a sentence), best first, with their
 * log10 probabilities. `</s>` is a candidate; `<pad>`, `<s>` and `<unk>` are not.
 */
export function topK(model: LanguageModel, context: readonly string[], k: number): NextToken[] {
  checkModel(model, 'model', PKG);
  check.integer(k, 'k', 0);
  const log10Probs = model.nextLog10Probs(stateAfter(model, context));
  const ids: number[] = [];
  for (let id = 0; id < log10Probs.length; id++) {
    if (id !== PAD_ID && id !== BOS_ID && id !== UNK_ID && log10Probs[id]! > -Infinity) ids.push(id);
  }
  ids.sort((a, b) => log10Probs[b]! - log10Probs[a]! || a - b);
  return ids.slice(0, k).map((id) => ({ token: model.vocabulary.token(id), id, log10Prob: log10Probs[id]! }));
}

/** Options of {@link generate}. */
export interface GenerateOptions {
  /** A seed or a seeded {@link Rng}; the same seed gives the same text. */
  readonly rng: number | Rng;
  /** Stop after this many tokens if `</s>` has not been drawn (default 50). */
  readonly maxTokens?: number;
  /** Tokens the generated text continues (default: the start of a sentence). */
  readonly prefix?: readonly string[];
  /** Divides the log-probabilities before sampling: < 1 sharper, > 1 flatter (default 1). */
  readonly temperature?: number;
  /** Sample only among the k most probable tokens (default: all). */
  readonly topK?: number;
  /** Sample only from the smallest set of tokens whose probability reaches p (nucleus sampling; default 1). */
  readonly topP?: number;
  /** Whether `<unk>` may be drawn (default false: it carries no text). */
  readonly allowUnknown?: boolean;
}

/**
 * Samples a sentence token by token from any {@link LanguageModel} until `</s>` or `maxTokens`, with temperature,
 * top-k and top-p (nucleus) filtering. Deterministic for a given seed. Returns the prefix and the new tokens,
 * without `</s>`.
 *
 * @example
 * generate(model, { rng: 1, temperature: 0.8, topP: 0.9 }) // ['the', 'company', 'said', ...]
 */
export function generate(model: LanguageModel, options: GenerateOptions): string[] {
  checkModel(model, 'model', PKG);
  check.options(options, 'options', ['rng', 'maxTokens', 'prefix', 'temperature', 'topK', 'topP', 'allowUnknown']);
  const rng = typeof options.rng === 'number' ? createRng(options.rng) : options.rng;
  if (rng === null || typeof rng !== 'object' || typeof rng.next !== 'function') {
    throw new InvalidArgumentError({ package: PKG, argument: 'options.rng', expected: 'a seed or an Rng', found: options.rng });
  }
  const maxTokens = check.integer(options.maxTokens ?? 50, 'options.maxTokens', 0);
  const temperature = check.number(options.temperature ?? 1, 'options.temperature', Number.MIN_VALUE);
  const k = check.integer(options.topK ?? Number.MAX_SAFE_INTEGER, 'options.topK', 1);
  const p = check.number(options.topP ?? 1, 'options.topP', Number.MIN_VALUE, 1);
  const words = [...check.array(options.prefix ?? [], 'options.prefix')].map((w, i) => check.string(w, `options.prefix[${i}]`));
  let state = stateAfter(model, words);
  let candidates = new Int32Array(0);
  for (let produced = 0; produced < maxTokens; produced++) {
    const log10Probs = model.nextLog10Probs(state);
    if (candidates.length < log10Probs.length) candidates = new Int32Array(log10Probs.length);
    let n = 0;
    let best = -Infinity;
    for (let id = 0; id < log10Probs.length; id++) {
      const lp = log10Probs[id]!;
      if (id === PAD_ID || id === BOS_ID || (id === UNK_ID && options.allowUnknown !== true) || !(lp > -Infinity)) continue;
      candidates[n++] = id;
      if (lp > best) best = lp;
    }
    if (n === 0) break;
    const choice = sample(log10Probs, candidates.subarray(0, n), best, temperature, k, p, rng.next());
    if (choice === EOS_ID) break;
    const token = model.vocabulary.token(choice);
    if (token === EOS) break;
    words.push(token);
    state = model.scoreToken(state, token).state;
  }
  return words;
}

/**
 * One draw of {@link generate}: the candidates (ids ascending) ranked by weight 10^((log10 p − best) / temperature),
 * descending, ties by id; the first `k`; of those the shortest prefix whose weight reaches `p` of theirs (at least
 * one); then the one where `u` times their total weight falls, walking the ranking. Sums and walk run on the
 * weights alone, sorted (equal weights are interchangeable in them), and the id is found afterwards by its rank
 * among the candidates of its weight: the same draw as sorting the candidates themselves, which took ~3 ms for a
 * 10,000-word vocabulary, most of a generated token's time.
 */
function sample(log10Probs: ArrayLike<number>, candidates: Int32Array, best: number, temperature: number, k: number, p: number, u: number): number {
  const n = candidates.length;
  const weights = new Float64Array(n);
  for (let i = 0; i < n; i++) weights[i] = 10 ** ((log10Probs[candidates[i]!]! - best) / temperature);
  const ranked = sortedDescending(weights);
  let kept = Math.min(k, n);
  if (p < 1) {
    let total = 0;
    for (let i = 0; i < kept; i++) total += ranked[i]!;
    let mass = 0;
    let m = 0;
    while (m < kept && mass < p * total) mass += ranked[m++]!;
    kept = Math.max(1, m);
  }
  let total = 0;
  for (let i = 0; i < kept; i++) total += ranked[i]!;
  let target = u * total;
  let at = kept - 1;
  for (let i = 0; i < kept; i++) {
    target -= ranked[i]!;
    if (target < 0) {
      at = i;
      break;
    }
  }
  // The candidate ranked `at`: among those of its weight (ids ascending), the one as far from the first as `at` is.
  const weight = ranked[at]!;
  let first = at;
  while (first > 0 && ranked[first - 1] === weight) first--;
  let rank = at - first;
  for (let i = 0; i < n; i++) {
    if (weights[i] === weight && rank-- === 0) return candidates[i]!;
  }
  return candidates[n - 1]!; // unreachable: `weight` is one of the weights
}

/** True where typed arrays are little-endian (every mainstream platform): {@link sortedDescending} reads words. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const RADIX_BITS = [11, 11, 10] as const;

/**
 * A copy of `values` (non-negative, no NaN) sorted largest first, by a radix sort on their bits: for doubles ≥ 0
 * the 64-bit pattern orders as the value does. Six stable counting passes of 10–11 bits (low word, then high word),
 * each skipped when every value has the same digit; ~5× faster than `Float64Array.prototype.sort` on 10,000
 * weights (~1 ms there). Falls back to that sort on a big-endian platform.
 */
export function sortedDescending(values: Float64Array): Float64Array {
  if (!LITTLE_ENDIAN) return values.slice().sort().reverse();
  const n = values.length;
  let src = values.slice();
  let dst = new Float64Array(n);
  const count = new Uint32Array(1 << 11);
  for (let word = 0; word < 2; word++) {
    let shift = 0;
    for (const bits of RADIX_BITS) {
      const mask = (1 << bits) - 1;
      const srcWords = new Uint32Array(src.buffer);
      count.fill(0, 0, mask + 1);
      for (let i = 0; i < n; i++) count[(srcWords[2 * i + word]! >>> shift) & mask]!++;
      const first = (srcWords[word]! >>> shift) & mask;
      if (count[first] !== n) {
        // Largest digit first; stable, so the lower digits' order stays within equal digits.
        let at = 0;
        for (let d = mask; d >= 0; d--) {
          const c = count[d]!;
          count[d] = at;
          at += c;
        }
        for (let i = 0; i < n; i++) dst[count[(srcWords[2 * i + word]! >>> shift) & mask]!++] = src[i]!;
        [src, dst] = [dst, src];
      }
      shift += bits;
    }
  }
  return src;
}
