import * as tf from '@tensorflow/tfjs-core';
import { createRng, vocabularyFromTokens } from '@nlpkit/core';
import { describeBackends } from '@nlpkit/tensor/testing';
import { expect, it } from 'vitest';
import { classifyTexts } from './classifyTexts.js';
import { initTextClassifier } from './initTextClassifier.js';
import { decodeTextClassifier, encodeTextClassifier } from './textClassifierArtifact.js';
import type { TextClassifierConfig } from './textClassifierConfig.js';

describeBackends('classifyTexts', () => {
  it('labels raw texts as the model was trained (lower-cased, unknown words and empty texts as <unk>)', async () => {
    const vocabulary = vocabularyFromTokens(['good', 'bad', 'film']);
    const config: TextClassifierConfig = { kind: 'cnn', vocabSize: vocabulary.size, numLabels: 2, embeddingSize: 4, widths: [2, 3], filters: 2, lowercase: true };
    const params = initTextClassifier(config, createRng(1));
    const model = decodeTextClassifier(encodeTextClassifier({ config, params, vocabulary, labels: ['neg', 'pos'] }));
    tf.dispose(Object.values(params));
    const before = tf.memory().numTensors;
    const out = await classifyTexts(model, ['Good FILM', 'good film', 'zebra', '', 'bad']);
    expect(tf.memory().numTensors).toBe(before);
    expect(out).toHaveLength(5);
    expect(out[0]).toEqual(out[1]);
    expect(out[2]).toEqual(out[3]);
    for (const p of out) {
      expect(['neg', 'pos']).toContain(p.label);
      expect(p.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      expect(p.probability).toBe(Math.max(...p.probabilities));
    }
    await expect(classifyTexts(model, [])).rejects.toMatchObject({ code: 'ERR_EMPTY_INPUT', argument: 'texts' });
    model.dispose();
  });
});
