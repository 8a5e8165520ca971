import {
  BOS_ID,
  PAD_ID,
  UNK_ID,
  scoreSentenceByTokens,
  vocabularyFromTokens,
  type LanguageModel,
} from '../src/index.js';

/**
 * A bigram model over a fixed table, for contract tests: P(w | prev) from `table[prev][w]` (linear probabilities
 * over the vocabulary ids), `prev` being the previous token's id (`<s>` at the start). Unknown tokens are `<unk>`.
 */
export function toyBigramModel(words: readonly string[], probs: (prevId: number, id: number) => number): LanguageModel<number> {
  const vocabulary = vocabularyFromTokens(words);
  const row = (prev: number): Float64Array => {
    const out = new Float64Array(vocabulary.size);
    let total = 0;
    for (let id = 0; id < out.length; id++) {
      const p = id === PAD_ID || id === BOS_ID ? 0 : probs(prev, id);
      out[id] = p;
      total += p;
    }
    for (let id = 0; id < out.length; id++) out[id] = Math.log10(out[id]! / total);
    return out;
  };
  const model: LanguageModel<number> = {
    order: 2,
    vocabulary,
    startState: () => BOS_ID,
    scoreToken(state, token) {
      const id = vocabulary.lookup(token);
      const oov = id < 0 || id === UNK_ID;
      const use = id < 0 ? UNK_ID : id;
      return { log10Prob: row(state)[use]!, oov, state: use };
    },
    nextLog10Probs: (state) => row(state),
    scoreSentence: (tokens, options) => scoreSentenceByTokens(model, tokens, options),
  };
  return model;
}
