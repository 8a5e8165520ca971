import type { LanguageModel, SentenceScore } from '@nlpkit/core';

/**
 * `model` with `scoreSentence` remembered per sentence (by its words): a neural model runs one forward pass per
 * sentence, and `lm interpolate` scores the same input sentences for the mixture and for the model alone, so each
 * sentence is scored once (per-token scores kept, the summary derived from them). Other methods pass through.
 */
export function memoizedSentenceScores<S>(model: LanguageModel<S>): LanguageModel<S> {
  const seen = new Map<string, SentenceScore>();
  return {
    order: model.order,
    vocabulary: model.vocabulary,
    startState: () => model.startState(),
    scoreToken: (state, token) => model.scoreToken(state, token),
    nextLog10Probs: (state) => model.nextLog10Probs(state),
    scoreSentence(tokens, options = {}) {
      const key = tokens.map((t) => (typeof t === 'string' ? t : t.text)).join('\u0000');
      let score = seen.get(key);
      if (score === undefined) {
        score = model.scoreSentence(tokens, { perToken: true });
        seen.set(key, score);
      }
      if (options.perToken === true) return score;
      const { perToken: _, ...summary } = score;
      return summary;
    },
  };
}
