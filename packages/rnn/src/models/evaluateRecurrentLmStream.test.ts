import * as tf from '@tensorflow/tfjs-core';
import { createRng, vocabularyFromTokens } from '@nlpkit/core';
import { describeBackends } from '@nlpkit/tensor/testing';
import { expect, it } from 'vitest';
import { lmStream, lmStreamFromIds } from '../data/lmStream.js';
import { RnnShapeError } from '../errors.js';
import { evaluateRecurrentLmStream } from './evaluateRecurrentLmStream.js';
import { recurrentLanguageModel } from './recurrentLanguageModel.js';
import { initRecurrentLm, type RecurrentLmConfig } from './recurrentLm.js';

const vocabulary = vocabularyFromTokens(['the', 'cat', 'sat', 'on', 'mat']);
const config: RecurrentLmConfig = { vocabSize: vocabulary.size, embeddingSize: 6, hiddenSize: 6, layers: 2 };

describeBackends('evaluateRecurrentLmStream', () => {
  it('one line scores exactly as the LanguageModel scores the sentence (<s> … </s>)', async () => {
    const params = initRecurrentLm(config, createRng(1), 0.5);
    const sentence = ['the', 'cat', 'sat', 'on', 'the', 'mat', 'dog'];
    const lm = recurrentLanguageModel({ config, params, vocabulary });
    const want = lm.scoreSentence(sentence);
    for (const bptt of [1, 3, 100]) {
      const r = await evaluateRecurrentLmStream(config, params, lmStream([sentence], vocabulary), { batchSize: 1, bptt });
      expect(r.tokens).toBe(8);
      expect(r.log10Prob).toBeCloseTo(want.log10Prob, 4);
    }
    tf.dispose(Object.values(params as never));
  });

  it('the state runs across lines and segments: any bptt gives the same total; batching scores every token once', async () => {
    const params = initRecurrentLm(config, createRng(2), 0.5);
    const lines = [['the', 'cat'], ['sat', 'on', 'the', 'mat'], [], ['on', 'the', 'cat'], ['mat']];
    const stream = lmStream(lines, vocabulary);
    const before = tf.memory().numTensors;
    const a = await evaluateRecurrentLmStream(config, params, stream, { batchSize: 1, bptt: 2 });
    const b = await evaluateRecurrentLmStream(config, params, stream, { batchSize: 1, bptt: 50 });
    expect(a.tokens).toBe(10 + 5);
    expect(a.nats).toBeCloseTo(b.nats, 4);
    expect(a.perplexity).toBeCloseTo(Math.exp(a.nats / 15), 6);
    const c = await evaluateRecurrentLmStream(config, params, stream, { batchSize: 4, bptt: 3 });
    expect(c.tokens).toBe(15);
    expect(tf.memory().numTensors).toBe(before);
    await expect(evaluateRecurrentLmStream(config, params, lmStreamFromIds([4, 40, 3], 41))).rejects.toThrow(RnnShapeError);
    tf.dispose(Object.values(params as never));
  });
});
