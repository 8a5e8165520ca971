import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { createRng, vocabularyFromTokens } from '@nlpkit/core';
import { parseSafetensors, serializeSafetensors, type RawTensor } from '@nlpkit/tensor';
import { describeBackends, expectClose } from '@nlpkit/tensor/testing';
import { expect, it } from 'vitest';
import { initTextClassifier } from './initTextClassifier.js';
import { decodeTextClassifier, encodeTextClassifier } from './textClassifierArtifact.js';
import type { TextClassifierConfig } from './textClassifierConfig.js';
import { textClassifierLogits } from './textClassifierLogits.js';

const vocabulary = vocabularyFromTokens(['good', 'bad', 'film', 'plot']);
const config: TextClassifierConfig = { kind: 'rnn', vocabSize: vocabulary.size, numLabels: 3, embeddingSize: 4, hiddenSize: 3, layers: 1, bidirectional: true, pooling: 'mean', lowercase: true };
const labels = ['negative', 'neutral', 'positive'];

/** The artifact's bytes with its metadata or tensors changed. */
function rewrite(bytes: Uint8Array, edit: (md: Record<string, string>, tensors: Map<string, RawTensor>) => void): Uint8Array {
  const parsed = parseSafetensors(bytes);
  const md = { ...parsed.metadata };
  const tensors = new Map(parsed.tensors);
  edit(md, tensors);
  return serializeSafetensors(tensors, md);
}

describeBackends('text classifier artifact', () => {
  it('round-trips config, vocabulary, labels, meta and weights (float32 exact, float16 within half precision)', () => {
    const params = initTextClassifier(config, createRng(1));
    const bytes = encodeTextClassifier({ config, params, vocabulary, labels }, { meta: { recipe: 'x' } });
    const a = decodeTextClassifier(bytes);
    expect(a.config).toEqual(config);
    expect(a.labels).toEqual(labels);
    expect(a.vocabulary.toJSON()).toEqual(vocabulary.toJSON());
    expect(a.meta).toEqual({ recipe: 'x' });
    for (const [name, t] of Object.entries(params)) expect(Array.from((a.params[name] as Tensor).dataSync()), name).toEqual(Array.from(t.dataSync()));
    const half = encodeTextClassifier({ config, params, vocabulary, labels }, { dtype: 'float16', meta: { recipe: 'x' } });
    const count = Object.values(params).reduce((n, t) => n + t.size, 0);
    expect(Math.abs(bytes.length - half.length - 2 * count)).toBeLessThanOrEqual(8);
    const h = decodeTextClassifier(half);
    tf.tidy(() => {
      const ids = [[5, 6, 7], [4, 0, 0]];
      expectClose(textClassifierLogits(h.config, h.params, ids, [3, 1]), textClassifierLogits(config, params, ids, [3, 1]), { atol: 2e-3 });
    });
    a.dispose();
    h.dispose();
    tf.dispose(Object.values(params));
  });

  it('a config that does not match the weights, labels or vocabulary, and foreign bytes, are typed errors', () => {
    const params = initTextClassifier(config, createRng(1));
    const bytes = encodeTextClassifier({ config, params, vocabulary, labels });
    const before = tf.memory().numTensors;
    const bigger = rewrite(bytes, (md) => void (md['config'] = JSON.stringify({ ...config, hiddenSize: 4 })));
    expect(() => decodeTextClassifier(bigger)).toThrow(expect.objectContaining({ code: 'ERR_RNN_SHAPE', argument: 'weights "rnn.layers.0.forward.wIh"' }));
    const cnn = rewrite(bytes, (md) => void (md['config'] = JSON.stringify({ ...config, kind: 'cnn' })));
    expect(() => decodeTextClassifier(cnn)).toThrow(expect.objectContaining({ code: 'ERR_RNN_OPTION' }));
    const kind = rewrite(bytes, (md) => void (md['config'] = JSON.stringify({ ...config, kind: 'tree' })));
    expect(() => decodeTextClassifier(kind)).toThrow(expect.objectContaining({ code: 'ERR_UNKNOWN_NAME', argument: 'config.kind' }));
    const twoLabels = rewrite(bytes, (md) => void (md['labels'] = JSON.stringify(['a', 'b'])));
    expect(() => decodeTextClassifier(twoLabels)).toThrow(expect.objectContaining({ code: 'ERR_RNN_SHAPE', argument: 'model metadata "labels"' }));
    const extra = rewrite(bytes, (_, t) => void t.set('output.extra', t.get('output.b') as RawTensor));
    expect(() => decodeTextClassifier(extra)).toThrow(expect.objectContaining({ argument: 'weights "output.extra"' }));
    const lm = rewrite(bytes, (md) => void (md['format'] = 'nlpkit-recurrent-lm/1'));
    expect(() => decodeTextClassifier(lm)).toThrow(expect.objectContaining({ code: 'ERR_RNN_MODEL_FORMAT', argument: 'model format' }));
    const badJson = rewrite(bytes, (md) => void (md['vocabulary'] = '{'));
    expect(() => decodeTextClassifier(badJson)).toThrow(expect.objectContaining({ code: 'ERR_RNN_MODEL_FORMAT' }));
    expect(tf.memory().numTensors).toBe(before);
    expect(() => encodeTextClassifier({ config, params, vocabulary, labels: ['a', 'a', 'b'] })).toThrow(expect.objectContaining({ argument: 'model.labels' }));
    expect(() => encodeTextClassifier({ config: { ...config, vocabSize: 99 }, params, vocabulary, labels })).toThrow(expect.objectContaining({ argument: 'model.vocabulary.size' }));
    const { 'output.b': _, ...missing } = params;
    expect(() => encodeTextClassifier({ config, params: missing, vocabulary, labels })).toThrow(expect.objectContaining({ code: 'ERR_RNN_SHAPE', argument: 'model.params "output.b"' }));
    tf.dispose(Object.values(params));
  });
});
