/**
 * The contract shared by every language model in nlpkit — n-gram models here, neural models in `@nlpkit/rnn` —
 * so that evaluation ({@link evaluatePerplexity}) and interpolation ({@link interpolateModels}) work on any of them.
 *
 * Probabilities are base-10 logarithms (the ARPA / KenLM convention). The context is the words before `word`,
 * oldest first, without `<s>`: a model that conditions on sentence starts sees the start through `options`.
 */
export interface LanguageModel {
  /** The longest n-gram the model uses (context length + 1); `Infinity` for unbounded-context models. */
  readonly order: number;
  /** The words the model can predict, including `</s>` and `<unk>` where the model has them. */
  readonly vocabulary: readonly string[];
  /**
   * log10 P(word | context). `context` holds the preceding words of the sentence, oldest first; when
   * `sentenceStart` is true (the default) the context begins right after `<s>`. An unknown word is scored as
   * `<unk>` when the model has one, and as `-Infinity` when it has none.
   */
  logProb(word: string, context: readonly string[], sentenceStart?: boolean): number;
}

/**
 * A model whose numbers are scores, not probabilities: they do not sum to one over the vocabulary (stupid backoff).
 * Kept apart from {@link LanguageModel} so a score can never be passed where a probability (perplexity,
 * interpolation) is required.
 */
export interface ScoringModel {
  readonly order: number;
  readonly vocabulary: readonly string[];
  /** log10 of the relative score of `word` after `context`; comparable across words, not a probability. */
  logScore(word: string, context: readonly string[]): number;
}
