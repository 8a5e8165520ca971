import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import { createRng } from '@nlpkit/core';
import { describeBackends, expectClose } from '@nlpkit/tensor/testing';
import { describe, expect, it } from 'vitest';
import { initTextClassifier } from './initTextClassifier.js';
import { poolSequence } from './poolSequence.js';
import { checkTextClassifierConfig, textClassifierShapes, type TextClassifierConfig } from './textClassifierConfig.js';
import { textClassifierLogits } from './textClassifierLogits.js';

const base = { vocabSize: 12, numLabels: 3, embeddingSize: 5 };
const CONFIGS: TextClassifierConfig[] = [
  { ...base, kind: 'rnn', hiddenSize: 4, layers: 1, pooling: 'last' },
  { ...base, kind: 'rnn', hiddenSize: 4, layers: 2, pooling: 'last', bidirectional: true },
  { ...base, kind: 'rnn', hiddenSize: 4, layers: 1, pooling: 'mean', bidirectional: true, cell: { type: 'gru' } },
  { ...base, kind: 'rnn', hiddenSize: 4, layers: 2, pooling: 'max', bidirectional: true },
  { ...base, kind: 'dan', hiddenSizes: [6, 6] },
  { ...base, kind: 'dan', hiddenSizes: [], activation: 'tanh' },
  { ...base, kind: 'cnn', widths: [3, 4, 5], filters: 3 },
];
const name = (c: TextClassifierConfig): string => (c.kind === 'rnn' ? `rnn ${c.cell?.type ?? 'lstm'} ${c.bidirectional === true ? 'bi' : 'uni'} ×${c.layers} ${c.pooling}` : c.kind);

describeBackends('text classifiers', () => {
  for (const config of CONFIGS) {
    it(`${name(config)}: a padded row gives the logits of the row alone, whatever the padding holds`, () => {
      const params = initTextClassifier(config, createRng(7));
      tf.tidy(() => {
        const rows = [[4, 5, 6, 7, 8, 9], [3, 2], [11, 10, 9, 8]];
        const T = 6;
        // Padding filled with real ids, not <pad>: the lengths alone must keep it out.
        const padded = rows.map((r) => [...r, ...[1, 7, 11, 5, 3, 2].slice(0, T - r.length)]);
        const all = textClassifierLogits(config, params, padded, rows.map((r) => r.length));
        expect(all.shape).toEqual([3, 3]);
        rows.forEach((r, b) => {
          const alone = textClassifierLogits(config, params, [r], [r.length]);
          expectClose(tf.slice(all, [b, 0], [1, 3]), alone, { atol: 1e-5 });
        });
      });
      tf.dispose(Object.values(params));
    });
  }

  it('every weight gets a gradient (text CNN, BiLSTM-max, DAN)', () => {
    for (const config of [CONFIGS[3], CONFIGS[4], CONFIGS[6]] as TextClassifierConfig[]) {
      const params = initTextClassifier(config, createRng(1));
      tf.tidy(() => {
        const names = Object.keys(params);
        const grads = tf.grads((...ts: Tensor[]) => {
          const p = Object.fromEntries(names.map((n, i) => [n, ts[i] as Tensor]));
          return tf.sum(textClassifierLogits(config, p, [[1, 2, 3, 4, 5], [6, 7, 0, 0, 0]], [5, 2], { training: true, dropout: 0.2, wordDropout: 0.3, rng: createRng(2) }));
        })(names.map((n) => params[n] as Tensor));
        grads.forEach((g, i) => expect(g.shape, names[i]).toEqual((params[names[i] as string] as Tensor).shape));
        // The output bias gets the batch size in every column.
        expectClose(grads[names.indexOf('output.b')] as Tensor, tf.fill([3], 2), { atol: 1e-6 });
      });
      tf.dispose(Object.values(params));
    }
  });

  it('the text CNN equals a 1-D convolution (tf.conv1d) + ReLU + max over the valid windows', () => {
    const config = CONFIGS[6] as Extract<TextClassifierConfig, { kind: 'cnn' }>;
    const params = initTextClassifier(config, createRng(3));
    tf.tidy(() => {
      const ids = [[1, 2, 3, 4, 5, 6, 7]];
      const x = tf.expandDims(tf.gather(params['embedding'] as Tensor2D, tf.tensor1d(ids[0] as number[], 'int32')), 0) as Tensor3D;
      const feats = config.widths.map((w, k) => {
        const filter = tf.reshape(params[`conv.${k}.w`] as Tensor, [w, 5, 3]);
        return tf.max(tf.relu(tf.add(tf.conv1d(x, filter as tf.Tensor3D, 1, 'valid'), params[`conv.${k}.b`] as Tensor)), 1);
      });
      const expected = tf.add(tf.matMul(tf.concat(feats, 1) as Tensor2D, params['output.w'] as Tensor2D), params['output.b'] as Tensor);
      expectClose(textClassifierLogits(config, params, ids, [7]), expected, { atol: 1e-5 });
    });
    tf.dispose(Object.values(params));
  });

  it('the DAN averages the embeddings of the valid tokens', () => {
    const config = CONFIGS[5] as TextClassifierConfig;
    const params = initTextClassifier(config, createRng(4));
    tf.tidy(() => {
      const emb = tf.gather(params['embedding'] as Tensor2D, tf.tensor1d([3, 4], 'int32'));
      const expected = tf.add(tf.matMul(tf.mean(emb, 0, true), params['output.w'] as Tensor2D), params['output.b'] as Tensor);
      expectClose(textClassifierLogits(config, params, [[3, 4, 9]], [2]), expected, { atol: 1e-6 });
    });
    tf.dispose(Object.values(params));
  });

  it('poolSequence: mean and max over valid steps only, negative outputs included', () => {
    tf.tidy(() => {
      const x = tf.tensor3d([[[-1, 2], [-3, 4], [9, 9]], [[-5, -6], [7, 7], [7, 7]]]);
      expectClose(poolSequence(x, [2, 1], 'mean'), tf.tensor2d([[-2, 3], [-5, -6]]), { atol: 1e-6 });
      expectClose(poolSequence(x, [2, 1], 'max'), tf.tensor2d([[-1, 4], [-5, -6]]), { atol: 0 });
      expect(() => poolSequence(x, [0, 1], 'mean')).toThrow('lengths[0] must be at least 1');
    });
  });
});

describe('text classifier config and inputs', () => {
  it('names every weight with its shape', () => {
    expect(Object.fromEntries(textClassifierShapes(CONFIGS[1] as TextClassifierConfig))).toMatchObject({
      embedding: [12, 5],
      'rnn.layers.0.forward.wIh': [5, 16],
      'rnn.layers.0.backward.wHh': [4, 16],
      'rnn.layers.1.backward.wIh': [8, 16],
      'output.w': [8, 3],
    });
    expect(Object.fromEntries(textClassifierShapes(CONFIGS[6] as TextClassifierConfig))).toEqual({
      embedding: [12, 5], 'conv.0.w': [15, 3], 'conv.0.b': [3], 'conv.1.w': [20, 3], 'conv.1.b': [3], 'conv.2.w': [25, 3], 'conv.2.b': [3], 'output.w': [9, 3], 'output.b': [3],
    });
  });

  it('bad configs and inputs are typed errors naming the argument', () => {
    expect(() => checkTextClassifierConfig({ ...base, kind: 'tree' } as never)).toThrow(expect.objectContaining({ code: 'ERR_UNKNOWN_NAME', argument: 'config.kind' }));
    expect(() => checkTextClassifierConfig({ ...base, kind: 'rnn', hiddenSize: 4, layers: 1, pooling: 'last', cell: { type: 'lstn' } } as never)).toThrow(
      expect.objectContaining({ code: 'ERR_UNKNOWN_NAME', argument: 'config.cell.type' }),
    );
    expect(() => checkTextClassifierConfig({ ...base, kind: 'rnn', hiddenSize: 4, layers: 1, pooling: 'first' } as never)).toThrow('config.pooling must be one of last, mean, max, got "first"');
    expect(() => checkTextClassifierConfig({ ...base, kind: 'cnn', widths: [], filters: 2 })).toThrow(/config\.widths must be an array of integers/);
    expect(() => checkTextClassifierConfig({ ...base, kind: 'dan', hiddenSizes: [4], filters: 2 } as never)).toThrow(expect.objectContaining({ code: 'ERR_RNN_OPTION', argument: 'config.filters' }));
    const config = CONFIGS[4] as TextClassifierConfig;
    const params = initTextClassifier(config, createRng(1));
    tf.tidy(() => {
      expect(() => textClassifierLogits(config, params, [[1, 12]], [2])).toThrow('ids[0][1] must be a token id from 0 to 11 (config.vocabSize 12), got 12');
      expect(() => textClassifierLogits(config, params, [[1, 2]], [0])).toThrow(expect.objectContaining({ code: 'ERR_RNN_LENGTH', argument: 'lengths[0]' }));
      expect(() => textClassifierLogits(config, params, [[1, 2]], [3])).toThrow(expect.objectContaining({ code: 'ERR_RNN_LENGTH' }));
      expect(() => textClassifierLogits(config, params, [[1, 2]], [2], { training: true, wordDropout: 0.5 })).toThrow(expect.objectContaining({ argument: 'options.rng' }));
      const { 'hidden.1.w': _, ...missing } = params;
      expect(() => textClassifierLogits(config, missing, [[1, 2]], [2])).toThrow(expect.objectContaining({ code: 'ERR_RNN_SHAPE', argument: 'params "hidden.1.w"' }));
    });
    tf.dispose(Object.values(params));
  });
});
