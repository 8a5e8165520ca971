import { EmptyInputError, InvalidArgumentError } from './errors.js';
import { isAsyncIterable, isIterable } from './iterables.js';
import type { LanguageModel } from './languageModel.js';
import { sentenceTokens } from './sentenceTokens.js';
import type { TokenLike } from './token.js';

const PKG = '@nlpkit/core';

/** Perplexity of a language model on a corpus, in KenLM `query`'s terms (log base 10 throughout). */
export interface ModelPerplexity {
  /** 10^(-log10Prob / tokens), OOV tokens included (scored as `<unk>`). */
  readonly perplexity: number;
  /** The same with the OOV tokens and their scores left out (NaN when every token is OOV). */
  readonly perplexityExcludingOov: number;
  /** Number of scored tokens: the words plus one `</s>` per sentence. */
  readonly tokens: number;
  /** Number of out-of-vocabulary tokens. */
  readonly oov: number;
  /** Total log10 probability, OOVs included. */
  readonly log10Prob: number;
  /** Number of sentences. */
  readonly sentences: number;
}

type Sentences = Iterable<readonly TokenLike[]> | AsyncIterable<readonly TokenLike[]>;

/**
 * Perplexity of any {@link LanguageModel} — n-gram, neural or interpolated — on tokenized sentences, counting one
 * `</s>` per sentence as KenLM does. Sentences hold strings or text's `Token`s; a sync iterable gives the result
 * at once, an async one (a file reader) a promise of it. A sentence scored above log10 p = 0 (or NaN) — a broken
 * or corrupted model — throws an `InvalidArgumentError` (argument `model`) naming the token.
 *
 * @example
 * const kn = estimateKneserNey(train, { order: 3 }).model;
 * evaluatePerplexity(kn, test).perplexity;
 * await evaluatePerplexity(kn, readSentencePerLine(readLines('test.txt')));
 */
export function evaluatePerplexity(model: LanguageModel, sentences: Iterable<readonly TokenLike[]>): ModelPerplexity;
export function evaluatePerplexity(model: LanguageModel, sentences: AsyncIterable<readonly TokenLike[]>): Promise<ModelPerplexity>;
export function evaluatePerplexity(model: LanguageModel, sentences: Sentences): ModelPerplexity | Promise<ModelPerplexity>;
export function evaluatePerplexity(model: LanguageModel, sentences: Sentences): ModelPerplexity | Promise<ModelPerplexity> {
  checkModel(model, 'model', PKG);
  const totals = { log10Prob: 0, oovLog10Prob: 0, tokens: 0, oov: 0, sentences: 0 };
  const add = (sentence: unknown): void => {
    const tokens = sentenceTokens(sentence, totals.sentences, PKG);
    const score = model.scoreSentence(tokens);
    // A sentence's probability is at most 1. A positive (or NaN) total means the model is broken — a corrupted
    // file, a bug — and would give a perplexity below 1: refuse it, naming the token that scored above 0.
    if (!(score.log10Prob <= 0)) throw positiveScoreError(model, tokens, totals.sentences, score.log10Prob);
    totals.log10Prob += score.log10Prob;
    totals.oovLog10Prob += score.oovLog10Prob;
    totals.tokens += score.tokens;
    totals.oov += score.oov;
    totals.sentences++;
  };
  if (isAsyncIterable(sentences)) {
    return (async () => {
      for await (const sentence of sentences) add(sentence);
      return finish(totals);
    })();
  }
  if (!isIterable(sentences) || typeof sentences === 'string') {
    throw new InvalidArgumentError({ package: PKG, argument: 'sentences', expected: 'an iterable or async iterable of token arrays', found: sentences });
  }
  for (const sentence of sentences) add(sentence);
  return finish(totals);
}

/**
 * The error for sentence `index`, whose total log10 probability `total` is positive or NaN: rescored token by
 * token (`perToken`) to name the first token whose log10 probability is not ≤ 0.
 */
function positiveScoreError(model: LanguageModel, tokens: readonly string[], index: number, total: number): InvalidArgumentError {
  const perToken = model.scoreSentence(tokens, { perToken: true }).perToken ?? [];
  const at = perToken.findIndex((t) => !(t.log10Prob <= 0));
  const where = at < 0 ? `sentences[${index}]` : at < tokens.length ? `sentences[${index}][${at}]` : `the </s> of sentences[${index}]`;
  const value = at < 0 ? total : perToken[at]!.log10Prob;
  const what = at < 0 ? 'a total log10 probability' : `log10 P(${JSON.stringify(perToken[at]!.token)})`;
  return new InvalidArgumentError({
    package: PKG,
    argument: 'model',
    expected: 'a model whose log10 probabilities are ≤ 0',
    foundText: `${what} = ${value} at ${where}`,
  });
}

function finish(t: { log10Prob: number; oovLog10Prob: number; tokens: number; oov: number; sentences: number }): ModelPerplexity {
  if (t.tokens === 0) throw new EmptyInputError({ package: PKG, argument: 'sentences', expected: 'at least one sentence' });
  const kept = t.tokens - t.oov;
  return {
    perplexity: 10 ** (-t.log10Prob / t.tokens),
    perplexityExcludingOov: kept > 0 ? 10 ** (-(t.log10Prob - t.oovLog10Prob) / kept) : Number.NaN,
    tokens: t.tokens,
    oov: t.oov,
    log10Prob: t.log10Prob,
    sentences: t.sentences,
  };
}

/** Throws an {@link InvalidArgumentError} unless `model` has the {@link LanguageModel} methods. */
export function checkModel(model: unknown, argument: string, packageName: string): asserts model is LanguageModel {
  const m = model as Partial<LanguageModel> | null;
  if (
    m === null ||
    typeof m !== 'object' ||
    typeof m.scoreSentence !== 'function' ||
    typeof m.scoreToken !== 'function' ||
    typeof m.startState !== 'function' ||
    typeof m.nextLog10Probs !== 'function' ||
    typeof m.vocabulary !== 'object'
  ) {
    throw new InvalidArgumentError({
      package: packageName,
      argument,
      expected: 'a LanguageModel (order, vocabulary, startState, scoreToken, nextLog10Probs, scoreSentence)',
      found: model,
    });
  }
}
