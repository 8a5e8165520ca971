import * as tf from '@tensorflow/tfjs-core';
import { createRng, evaluatePerplexity, UnknownNameError, vocabularyFromTokens } from '@nlpkit/core';
import { describeBackends } from '@nlpkit/tensor/testing';
import { serializeSafetensors, parseSafetensors, SafetensorsError } from '@nlpkit/tensor';
import { describe, expect, it } from 'vitest';
import { RnnModelFormatError, RnnOptionError, RnnShapeError } from '../errors.js';
import { float16Bits } from './float16.js';
import { recurrentLanguageModel } from './recurrentLanguageModel.js';
import { initRecurrentLm, recurrentLmForward, type RecurrentLmConfig } from './recurrentLm.js';
import { recurrentLmShapes } from './recurrentLm.js';
import { decodeRecurrentLm, encodeRecurrentLm } from './recurrentLmArtifact.js';

const vocabulary = vocabularyFromTokens(['the', 'cat', 'sat', 'on', 'mat']);
const sentences = [['the', 'cat', 'sat'], ['on', 'the', 'mat'], ['the', 'dog']];

/** Rewrites an artifact's metadata (or tensors) to make bad inputs. */
function rewrite(bytes: Uint8Array, change: (md: Record<string, string>, tensors: Map<string, never>) => void): Uint8Array {
  const p = parseSafetensors(bytes);
  const md = { ...p.metadata };
  const tensors = new Map(p.tensors) as Map<string, never>;
  change(md, tensors);
  return serializeSafetensors(tensors, md);
}

describe('float16Bits', () => {
  it('rounds to nearest even as numpy astype(float16)', () => {
    expect(float16Bits(1)).toBe(0x3c00);
    expect(float16Bits(-2)).toBe(0xc000);
    expect(float16Bits(65504)).toBe(0x7bff);
    expect(float16Bits(65520)).toBe(0x7c00); // rounds up to Infinity
    expect(float16Bits(1 + 2 ** -11)).toBe(0x3c00); // tie → even
    expect(float16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie → even (up)
    expect(float16Bits(2 ** -24)).toBe(0x0001); // smallest subnormal
    expect(float16Bits(2 ** -26)).toBe(0x0000);
    expect(float16Bits(0.1)).toBe(0x2e66);
    expect(float16Bits(NaN) & 0x7c00).toBe(0x7c00);
  });
});

describeBackends('recurrent LM artifact', () => {
  for (const cell of [{ type: 'lstm' }, { type: 'gru' }, { type: 'rnn' }] as const) {
    it(`round-trips config, vocabulary and weights exactly (${cell.type}); the decoded model scores as the original`, () => {
      const config: RecurrentLmConfig = { vocabSize: vocabulary.size, embeddingSize: 6, hiddenSize: 5, layers: 2, cell };
      const params = initRecurrentLm(config, createRng(3), 0.3);
      const bytes = encodeRecurrentLm({ config, params, vocabulary }, { meta: { recipe: 'tiny' } });
      const a = decodeRecurrentLm(bytes);
      expect(a.config).toEqual(config);
      expect(a.vocabulary.tokens).toEqual(vocabulary.tokens);
      expect(a.meta).toEqual({ recipe: 'tiny' });
      const original = evaluatePerplexity(recurrentLanguageModel({ config, params, vocabulary }), sentences);
      expect(evaluatePerplexity(a.model, sentences)).toEqual(original);
      a.dispose();
      tf.dispose(Object.values(params as never));
    });
  }

  it('float16 artifacts are half the weight bytes and give the same scores to about 1e-3', () => {
    const config: RecurrentLmConfig = { vocabSize: vocabulary.size, embeddingSize: 8, hiddenSize: 8, layers: 1, tied: true };
    const params = initRecurrentLm(config, createRng(4), 0.3);
    const full = encodeRecurrentLm({ config, params, vocabulary });
    const half = encodeRecurrentLm({ config, params, vocabulary }, { dtype: 'float16' });
    const weightBytes = (b: Uint8Array) => [...parseSafetensors(b).tensors.values()].reduce((n, t) => n + t.data.byteLength, 0);
    expect(weightBytes(half) * 2).toBe(weightBytes(full));
    const a = decodeRecurrentLm(half);
    expect(a.params.embedding.dtype).toBe('float32');
    const x = [[2, 4, 5, 6]];
    const logitsOf = (c: RecurrentLmConfig, p: typeof params): number[][] => {
      const t = tf.tidy(() => recurrentLmForward(c, p, x).logits);
      const out = t.arraySync();
      t.dispose();
      return out;
    };
    const want = logitsOf(config, params);
    const got = logitsOf(a.config, a.params);
    got.flat().forEach((v, i) => expect(Math.abs(v - (want.flat()[i] as number))).toBeLessThan(2e-3));
    const pf = evaluatePerplexity(recurrentLanguageModel({ config, params, vocabulary }), sentences).perplexity;
    expect(Math.abs(evaluatePerplexity(a.model, sentences).perplexity / pf - 1)).toBeLessThan(1e-3);
    a.dispose();
  });

  it('bad input: typed errors naming what is wrong, and no tensor leaks', () => {
    const config: RecurrentLmConfig = { vocabSize: vocabulary.size, embeddingSize: 4, hiddenSize: 4, layers: 1 };
    const params = initRecurrentLm(config, createRng(5), 0.3);
    const bytes = encodeRecurrentLm({ config, params, vocabulary });
    const before = tf.memory().numTensors;
    // A config that does not match the weights (hiddenSize 5 in the config, 4 in the weights).
    const wrongSize = rewrite(bytes, (md) => void (md['config'] = JSON.stringify({ ...config, hiddenSize: 5 })));
    expect(() => decodeRecurrentLm(wrongSize)).toThrow(RnnShapeError);
    expect(() => decodeRecurrentLm(wrongSize)).toThrow(/weights "rnn\.layers\.0\.forward\.wIh" must be of shape \[4, 20\]/);
    // An unknown cell type.
    const badCell = rewrite(bytes, (md) => void (md['config'] = JSON.stringify({ ...config, cell: { type: 'lstn' } })));
    expect(() => decodeRecurrentLm(badCell)).toThrow(UnknownNameError);
    expect(() => decodeRecurrentLm(badCell)).toThrow('config.cell.type must be one of lstm, gru, rnn, got "lstn"');
    // Weights missing or extra; another format; broken JSON; a vocabulary of another size.
    expect(() => decodeRecurrentLm(rewrite(bytes, (_, t) => void t.delete('output.b')))).toThrow(/"output.b" must be present/);
    expect(() => decodeRecurrentLm(rewrite(bytes, (_, t) => void t.set('extra', t.get('output.b')!)))).toThrow(RnnShapeError);
    expect(() => decodeRecurrentLm(rewrite(bytes, (md) => void (md['format'] = 'nlpkit-checkpoint/1')))).toThrow(RnnModelFormatError);
    expect(() => decodeRecurrentLm(rewrite(bytes, (md) => void (md['config'] = '{oops')))).toThrow(RnnModelFormatError);
    expect(() => decodeRecurrentLm(rewrite(bytes, (md) => void (md['vocabulary'] = JSON.stringify(vocabularyFromTokens(['a']).toJSON()))))).toThrow(RnnShapeError);
    expect(() => decodeRecurrentLm(new Uint8Array([1, 2, 3]))).toThrow(SafetensorsError);
    expect(tf.memory().numTensors).toBe(before);
    // Encoding refuses what it could not decode.
    expect(() => encodeRecurrentLm({ config: { ...config, layers: 2 }, params, vocabulary })).toThrow(RnnShapeError);
    expect(() => encodeRecurrentLm({ config, params, vocabulary: vocabularyFromTokens(['a']) })).toThrow(RnnOptionError);
    expect(() => encodeRecurrentLm({ config, params, vocabulary }, { dtype: 'int8' as never })).toThrow(RnnOptionError);
    tf.dispose(Object.values(params as never));
  });

  it('out-of-range ids given to recurrentLmForward are a typed error naming the id, not a raw GatherV2 failure', () => {
    const config: RecurrentLmConfig = { vocabSize: 9, embeddingSize: 4, hiddenSize: 4, layers: 1 };
    const params = initRecurrentLm(config, createRng(5), 0.3);
    expect(() => tf.tidy(() => recurrentLmForward(config, params, [[1, 2], [3, 9]]).logits)).toThrow('ids[1][1] must be a token id from 0 to 8 (config.vocabSize 9), got 9');
    expect(() => tf.tidy(() => recurrentLmForward({ ...config, cell: { type: 'conv' } as never }, params, [[1]]).logits)).toThrow(UnknownNameError);
  });
});

it('recurrentLmShapes lists every weight a config implies', () => {
  expect([...recurrentLmShapes({ vocabSize: 10, embeddingSize: 3, hiddenSize: 2, layers: 2, tied: false })]).toEqual([
    ['embedding', [10, 3]],
    ['rnn.layers.0.forward.wIh', [3, 8]],
    ['rnn.layers.0.forward.wHh', [2, 8]],
    ['rnn.layers.0.forward.bias', [8]],
    ['rnn.layers.1.forward.wIh', [2, 8]],
    ['rnn.layers.1.forward.wHh', [2, 8]],
    ['rnn.layers.1.forward.bias', [8]],
    ['output.w', [2, 10]],
    ['output.b', [10]],
  ]);
});
