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
  for (let produced = 0; produced < maxTokens; produced++) {
    const log10Probs = model.nextLog10Probs(state);
    const candidates: { id: number; weight: number }[] = [];
    let best = -Infinity;
    for (let id = 0; id < log10Probs.length; id++) {
      const lp = log10Probs[id]!;
      if (id === PAD_ID || id === BOS_ID || (id === UNK_ID && options.allowUnknown !== true) || !(lp > -Infinity)) continue;
      candidates.push({ id, weight: lp });
      if (lp > best) best = lp;
    }
    if (candidates.length === 0) break;
    // Weights relative to the best token avoid underflow at low temperatures.
    for (const c of candidates) c.weight = 10 ** ((c.weight - best) / temperature);
    candidates.sort((a, b) => b.weight - a.weight || a.id - b.id);
    let kept = candidates.slice(0, k);
    if (p < 1) {
      const total = kept.reduce((s, c) => s + c.weight, 0);
      let mass = 0;
      let n = 0;
      while (n < kept.length && mass < p * total) mass += kept[n++]!.weight;
      kept = kept.slice(0, Math.max(1, n));
    }
    const total = kept.reduce((s, c) => s + c.weight, 0);
    let target = rng.next() * total;
    let choice = kept[kept.length - 1]!.id;
    for (const c of kept) {
      target -= c.weight;
      if (target < 0) {
        choice = c.id;
        break;
      }
    }
    if (choice === EOS_ID) break;
    const token = model.vocabulary.token(choice);
    if (token === EOS) break;
    words.push(token);
    state = model.scoreToken(state, token).state;
  }
  return words;
}
