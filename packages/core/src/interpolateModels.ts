import { EmptyInputError, InvalidArgumentError } from './errors.js';
import { checkModel } from './evaluatePerplexity.js';
import { isAsyncIterable } from './iterables.js';
import type { LanguageModel, SentenceScore, TokenLog10Prob } from './languageModel.js';
import { sentenceTokens, tokenTexts } from './sentenceTokens.js';
import type { TokenLike } from './token.js';
import { UNK_ID, vocabularyFromTokens } from './vocabulary.js';

const PKG = '@nlpkit/core';

function checkModels(models: unknown): readonly LanguageModel[] {
  if (!Array.isArray(models) || models.length === 0) {
    throw new InvalidArgumentError({ package: PKG, argument: 'models', expected: 'a non-empty array of LanguageModels', found: models });
  }
  models.forEach((m, i) => checkModel(m, `models[${i}]`, PKG));
  return models as LanguageModel[];
}

/**
 * Linear interpolation P(w | h) = Σᵢ λᵢ Pᵢ(w | h) of any {@link LanguageModel}s — an n-gram model with a neural
 * one (the "NN + KN" rows of perplexity tables), or several n-gram models. Weights must be ≥ 0 and sum to 1.
 *
 * The models may have different vocabularies: the result's vocabulary is their union, and a token one model does
 * not know gets that model's `<unk>` probability; a token is OOV for the mixture only when every model finds it
 * OOV. (So where vocabularies differ, {@link LanguageModel.nextLog10Probs} of the mixture need not sum to 1.)
 * Sentences are scored through each model's own `scoreSentence`, so a neural model runs one forward pass per
 * sentence.
 */
export function interpolateModels(models: readonly LanguageModel[], weights: readonly number[]): LanguageModel<readonly unknown[]> {
  const list = checkModels(models);
  if (!Array.isArray(weights) || weights.length !== list.length || weights.some((w) => typeof w !== 'number' || !(w >= 0))) {
    throw new InvalidArgumentError({ package: PKG, argument: 'weights', expected: `${list.length} numbers ≥ 0`, found: weights });
  }
  const sum = weights.reduce((s, w) => s + w, 0);
  if (Math.abs(sum - 1) > 1e-9) {
    throw new InvalidArgumentError({ package: PKG, argument: 'weights', expected: 'numbers summing to 1', foundText: `a sum of ${sum}` });
  }
  const vocabulary = vocabularyFromTokens(list.flatMap((m) => m.vocabulary.tokens));
  // idMaps[i][u]: the id in model i of the union's token u (its <unk> when model i lacks it).
  const idMaps = list.map((m) => Int32Array.from(vocabulary.tokens, (t) => {
    const id = m.vocabulary.lookup(t);
    return id < 0 ? UNK_ID : id;
  }));
  const mix = (log10Probs: readonly number[]): number => {
    let p = 0;
    for (let i = 0; i < list.length; i++) if (weights[i]! > 0) p += weights[i]! * 10 ** log10Probs[i]!;
    return Math.log10(p);
  };
  return {
    order: Math.max(...list.map((m) => m.order)),
    vocabulary,
    startState: () => list.map((m) => m.startState()),
    scoreToken(state, token) {
      const scores = list.map((m, i) => m.scoreToken(state[i], token));
      return {
        log10Prob: mix(scores.map((s) => s.log10Prob)),
        oov: scores.every((s) => s.oov),
        state: scores.map((s) => s.state),
      };
    },
    nextLog10Probs(state) {
      const out = new Float64Array(vocabulary.size);
      list.forEach((m, i) => {
        const w = weights[i]!;
        if (w === 0) return;
        const own = m.nextLog10Probs(state[i]);
        const map = idMaps[i]!;
        for (let u = 0; u < out.length; u++) out[u]! += w * 10 ** own[map[u]!]!;
      });
      for (let u = 0; u < out.length; u++) out[u] = Math.log10(out[u]!);
      return out;
    },
    scoreSentence(sentence, options = {}) {
      const tokens = tokenTexts(sentence, 'tokens', PKG);
      const parts = list.map((m) => m.scoreSentence(tokens, { perToken: true }).perToken as readonly TokenLog10Prob[]);
      const perToken: TokenLog10Prob[] = [];
      let log10Prob = 0;
      let oov = 0;
      let oovLog10Prob = 0;
      for (let t = 0; t <= tokens.length; t++) {
        const lp = mix(parts.map((p) => p[t]!.log10Prob));
        const isOov = parts.every((p) => p[t]!.oov);
        log10Prob += lp;
        if (isOov) {
          oov++;
          oovLog10Prob += lp;
        }
        if (options.perToken === true) perToken.push({ token: parts[0]![t]!.token, log10Prob: lp, oov: isOov });
      }
      const score: SentenceScore = { log10Prob, tokens: tokens.length + 1, oov, oovLog10Prob };
      return options.perToken === true ? { ...score, perToken } : score;
    },
  };
}

/** Result of {@link tuneInterpolationWeights}. */
export interface InterpolationFit {
  /** The weights, one per model, summing to 1. */
  readonly weights: number[];
  /** Held-out perplexity (`</s>` counted) with those weights. */
  readonly perplexity: number;
  /** EM iterations run. */
  readonly iterations: number;
}

/** Options of {@link tuneInterpolationWeights}. */
export interface TuneOptions {
  /** Most EM iterations (default 100). */
  readonly maxIterations?: number;
  /** Stop when the per-token log-likelihood (natural log) gains less than this (default 1e-7). */
  readonly tolerance?: number;
}

type Sentences = Iterable<readonly TokenLike[]> | AsyncIterable<readonly TokenLike[]>;

/**
 * Interpolation weights maximizing the likelihood of held-out sentences, by expectation-maximization: each
 * model's probability of every held-out token is computed once, then λᵢ ← mean over tokens of
 * λᵢ Pᵢ / Σⱼ λⱼ Pⱼ until the log-likelihood gains less than `tolerance`. Sync input gives the fit at once, async
 * input a promise of it.
 */
export function tuneInterpolationWeights(models: readonly LanguageModel[], heldOut: Iterable<readonly TokenLike[]>, options?: TuneOptions): InterpolationFit;
export function tuneInterpolationWeights(models: readonly LanguageModel[], heldOut: AsyncIterable<readonly TokenLike[]>, options?: TuneOptions): Promise<InterpolationFit>;
export function tuneInterpolationWeights(
  models: readonly LanguageModel[],
  heldOut: Sentences,
  options: TuneOptions = {},
): InterpolationFit | Promise<InterpolationFit> {
  const list = checkModels(models);
  const columns: number[][] = list.map(() => []);
  let index = 0;
  const add = (sentence: unknown): void => {
    const tokens = sentenceTokens(sentence, index++, PKG, 'heldOut');
    list.forEach((m, i) => {
      for (const t of m.scoreSentence(tokens, { perToken: true }).perToken ?? []) columns[i]!.push(10 ** t.log10Prob);
    });
  };
  const fit = (): InterpolationFit => em(columns, options);
  if (isAsyncIterable(heldOut)) {
    return (async () => {
      for await (const sentence of heldOut as AsyncIterable<readonly TokenLike[]>) add(sentence);
      return fit();
    })();
  }
  for (const sentence of heldOut as Iterable<readonly TokenLike[]>) add(sentence);
  return fit();
}

function em(columns: readonly number[][], options: TuneOptions): InterpolationFit {
  const k = columns.length;
  const tokens = columns[0]!.length;
  if (tokens === 0) throw new EmptyInputError({ package: PKG, argument: 'heldOut', expected: 'at least one sentence' });
  const probs = columns.map((c) => Float64Array.from(c));
  let weights = new Array<number>(k).fill(1 / k);
  const maxIterations = options.maxIterations ?? 100;
  const tolerance = options.tolerance ?? 1e-7;
  let previous = -Infinity;
  let iterations = 0;
  for (; iterations < maxIterations; iterations++) {
    const next = new Array<number>(k).fill(0);
    let logLikelihood = 0;
    for (let t = 0; t < tokens; t++) {
      let m = 0;
      for (let i = 0; i < k; i++) m += weights[i]! * probs[i]![t]!;
      logLikelihood += Math.log(m);
      for (let i = 0; i < k; i++) next[i]! += (weights[i]! * probs[i]![t]!) / m;
    }
    logLikelihood /= tokens;
    weights = next.map((w) => w / tokens);
    if (logLikelihood - previous < tolerance) break;
    previous = logLikelihood;
  }
  let total = 0;
  for (let t = 0; t < tokens; t++) {
    let m = 0;
    for (let i = 0; i < k; i++) m += weights[i]! * probs[i]![t]!;
    total += Math.log(m);
  }
  return { weights, perplexity: Math.exp(-total / tokens), iterations: iterations + 1 };
}
