import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '@nlpkit/core';
import { describeBackends } from '@nlpkit/tensor/testing';
import { expect, it } from 'vitest';
import { predictTextClassifier } from './evaluateTextClassifier.js';
import { initTextClassifier } from './initTextClassifier.js';
import type { TextClassifierConfig } from './textClassifierConfig.js';

describeBackends('predictTextClassifier', () => {
  it('batches texts of similar lengths and returns every text\'s probabilities in input order', async () => {
    const config: TextClassifierConfig = { vocabSize: 20, numLabels: 3, embeddingSize: 6, kind: 'rnn', hiddenSize: 5, layers: 1, pooling: 'max', bidirectional: true };
    const params = initTextClassifier(config, createRng(9));
    const rng = createRng(4);
    // Lengths out of order, with repeats, so that sorting moves texts between batches.
    const texts = [7, 1, 12, 3, 3, 9, 2, 12, 5, 1, 8].map((n) => Array.from({ length: n }, () => rng.int(20)));
    const alone = await Promise.all(texts.map(async (t) => (await predictTextClassifier(config, params, [t], 1))[0] as Float32Array));
    for (const batchSize of [1, 3, 4, 64]) {
      const got = await predictTextClassifier(config, params, texts, batchSize);
      expect(got).toHaveLength(texts.length);
      got.forEach((p, i) => {
        for (let c = 0; c < 3; c++) expect(Math.abs((p[c] as number) - ((alone[i] as Float32Array)[c] as number)), `text ${i}, batch ${batchSize}`).toBeLessThan(1e-6);
      });
    }
    tf.dispose(Object.values(params));
  });
});
