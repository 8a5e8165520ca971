import { tokenTexts } from './sentenceTokens.js';
import type { TokenLike } from './token.js';
import type { Vocabulary } from './vocabulary.js';

/** The score of one token given a state, and the state after it. */
export interface TokenScore<S> {
  /** log10 P(token | state); an out-of-vocabulary token is scored as `<unk>` (or `-Infinity` without one). */
  readonly log10Prob: number;
  /** Whether the token is outside the model's vocabulary (scored as `<unk>`). */
  readonly oov: boolean;
  /** The state after reading the token. */
  readonly state: S;
}

/** One scored token of a sentence. */
export interface TokenLog10Prob {
  readonly token: string;
  /** log10 P(token | the tokens before it in the sentence). */
  readonly log10Prob: number;
  readonly oov: boolean;
}

/** The score of a sentence: each of its tokens after `<s>`, then `</s>`. */
export interface SentenceScore {
  /** Sum of the token log10 probabilities, `</s>` included. */
  readonly log10Prob: number;
  /** Number of tokens scored: the sentence's tokens plus one `</s>`. */
  readonly tokens: number;
  /** Number of out-of-vocabulary tokens. */
  readonly oov: number;
  /** Sum of the log10 probabilities of the out-of-vocabulary tokens (for perplexity without OOVs). */
  readonly oovLog10Prob: number;
  /** Per token, `</s>` last; present when asked for with `{ perToken: true }`. */
  readonly perToken?: readonly TokenLog10Prob[];
}

/**
 * The contract every language model in nlpkit implements — n-gram models from `@nlpkit/ngram`, recurrent ones
 * from `@nlpkit/rnn`, and their interpolations — so that {@link evaluatePerplexity}, {@link interpolateModels},
 * {@link generate} and {@link topK} work on any of them.
 *
 * Probabilities are base-10 logarithms, and every name that holds one says so (`log10Prob`), the convention of
 * ARPA files and KenLM. Sentences are scored as KenLM does: each token after `<s>`, then one `</s>`; `<s>` is never
 * predicted.
 *
 * Incremental scoring goes through a state `S`: {@link startState} is the state right after `<s>`, and
 * {@link scoreToken} returns the next state. States are immutable plain values owned by the garbage collector
 * (typed arrays, not tensors), so a caller can keep, branch and drop them freely, as beam search does.
 */
export interface LanguageModel<S = unknown> {
  /** The longest n-gram the model uses (context length + 1); `Infinity` for unbounded-context models. */
  readonly order: number;
  /** The tokens the model predicts, in the shared id layout (`<pad>` 0, `<unk>` 1, `<s>` 2, `</s>` 3). */
  readonly vocabulary: Vocabulary;
  /** The state at the start of a sentence, right after `<s>`. */
  startState(): S;
  /** log10 P(token | state) and the state after `token`. `state` is not modified. */
  scoreToken(state: S, token: string): TokenScore<S>;
  /**
   * log10 P(id | state) for every id of {@link vocabulary} (a new array of length `vocabulary.size`). Ids the
   * model never predicts (`<pad>`, `<s>`) hold `-Infinity`; for a normalized model the probabilities sum to 1.
   */
  nextLog10Probs(state: S): Float64Array;
  /** Scores `tokens` (strings or text `Token`s) as one sentence: each token after `<s>`, then `</s>`. */
  scoreSentence(tokens: readonly TokenLike[], options?: { readonly perToken?: boolean }): SentenceScore;
}

/**
 * {@link LanguageModel.scoreSentence} written once over {@link LanguageModel.startState} and
 * {@link LanguageModel.scoreToken}: a model with no faster whole-sentence path uses this.
 */
export function scoreSentenceByTokens<S>(
  model: Pick<LanguageModel<S>, 'startState' | 'scoreToken'>,
  sentence: readonly TokenLike[],
  options: { readonly perToken?: boolean } = {},
): SentenceScore {
  const tokens = tokenTexts(sentence, 'tokens', '@nlpkit/core');
  let state = model.startState();
  let log10Prob = 0;
  let oov = 0;
  let oovLog10Prob = 0;
  const perToken: TokenLog10Prob[] | undefined = options.perToken === true ? [] : undefined;
  for (let i = 0; i <= tokens.length; i++) {
    const token = i < tokens.length ? (tokens[i] as string) : '</s>';
    const score = model.scoreToken(state, token);
    state = score.state;
    log10Prob += score.log10Prob;
    if (score.oov) {
      oov++;
      oovLog10Prob += score.log10Prob;
    }
    perToken?.push({ token, log10Prob: score.log10Prob, oov: score.oov });
  }
  return { log10Prob, tokens: tokens.length + 1, oov, oovLog10Prob, ...(perToken ? { perToken } : {}) };
}
