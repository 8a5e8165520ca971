import { buildVocabulary, createRng, evaluatePerplexity } from '@nlpkit/core';
import { initRecurrentLm, recurrentLanguageModel } from '@nlpkit/rnn';
import * as rnn from '@nlpkit/rnn';
import { initBackend } from '@nlpkit/tensor';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { batchedSentenceScores, withSentenceScores } from './batchedSentenceScores.js';

const WORDS = 'the cat dog sat ran on a mat log and'.split(' ');

describe('batchedSentenceScores', () => {
  beforeAll(async () => {
    await initBackend({ only: 'cpu' });
  });

  it("equals the recurrent LM's own per-sentence scores, for sentences of every length in mixed batches", () => {
    const rng = createRng(7);
    const vocabulary = buildVocabulary([WORDS.slice(0, 8)]);
    const sentences = Array.from({ length: 13 }, (_, i) => Array.from({ length: i % 7 }, () => WORDS[rng.int(WORDS.length)]!));
    const config = { vocabSize: vocabulary.size, embeddingSize: 6, hiddenSize: 5, layers: 2 };
    // Every tensor made here (the parameters too) is freed when the scope ends.
    tf.engine().startScope();
    try {
      const params = initRecurrentLm(config, createRng(3), 0.5);
      const lm = recurrentLanguageModel({ config, params, vocabulary });
      // A small token budget makes several batches of different widths (with padding).
      const batched = batchedSentenceScores({ tf, rnn }, { config, params, vocabulary }, sentences, { batchTokens: 12 });
      sentences.forEach((sentence, i) => {
        const expected = lm.scoreSentence(sentence, { perToken: true }).perToken!.map((t) => t.log10Prob);
        expect(batched[i]!.length).toBe(sentence.length + 1);
        batched[i]!.forEach((value, t) => expect(value).toBeCloseTo(expected[t]!, 5));
      });
      const cached = withSentenceScores(lm, sentences, batched);
      const direct = evaluatePerplexity(lm, sentences);
      const fast = evaluatePerplexity(cached, sentences);
      expect(fast.perplexity).toBeCloseTo(direct.perplexity, 4);
      expect({ oov: fast.oov, tokens: fast.tokens }).toEqual({ oov: direct.oov, tokens: direct.tokens });
      // A sentence it has no scores for goes to the model itself.
      expect(cached.scoreSentence(['mat', 'the']).log10Prob).toBeCloseTo(lm.scoreSentence(['mat', 'the']).log10Prob, 9);
    } finally {
      tf.engine().endScope();
    }
  });
});
