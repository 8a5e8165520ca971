import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import { createRng } from '@nlpkit/core';
import { describeBackends, expectClose } from '@nlpkit/tensor/testing';
import { expect, it } from 'vitest';
import { initCell } from '../cells/initCell.js';
import { embedding } from '../layers/embedding.js';
import { rnnStack, type StackParams } from '../layers/rnnStack.js';
import type { LstmParams } from '../types.js';
import { charWordFeatures, distinctWords } from './charWordFeatures.js';
import { taggerBiLstm } from './taggerBiLstm.js';

const rng = createRng(3);
const bilstm = (input: number, H: number, layers: number): StackParams => ({
  layers: Array.from({ length: layers }, (_, k) => ({
    forward: initCell({ type: 'lstm' }, k === 0 ? input : 2 * H, H, rng, { forgetBias: 1 }),
    backward: initCell({ type: 'lstm' }, k === 0 ? input : 2 * H, H, rng, { forgetBias: 1 }),
  })),
});
const leaves = (p: StackParams): Tensor[] => p.layers.flatMap((l) => [l.forward, l.backward as LstmParams]).flatMap((c) => [c.wIh, c.wHh, (c as LstmParams).bias]);
/** A stack whose leaves are `values` (for tf.grads, which differentiates with respect to its arguments). */
const withLeaves = (p: StackParams, values: Tensor[]): StackParams => {
  let at = 0;
  const cell = (): LstmParams => ({ wIh: values[at++] as Tensor2D, wHh: values[at++] as Tensor2D, bias: values[at++] as tf.Tensor1D });
  return { layers: p.layers.map(() => ({ forward: cell(), backward: cell() })) };
};

it('distinctWords keeps one row per distinct word (cut at its length), longest first, and points every slot at it', () => {
  const ids = [[5, 6, 7], [1, 0, 0], [5, 6, 7], [0, 0, 0], [1, 9, 9], [2, 4, 0]];
  const d = distinctWords(ids, [3, 1, 3, 0, 1, 2]);
  expect(d.words).toEqual([[5, 6, 7], [2, 4], [1]]);
  // Padding slots hold −1.
  expect(Array.from(d.slots)).toEqual([0, 2, 0, -1, 2, 1]);
  expect(distinctWords([[0], [0]], [0, 0]).words).toEqual([]);
});

describeBackends('the tagger\'s BiLSTMs', () => {
  it('taggerBiLstm equals rnnStack with lengths (values and every gradient; 2 layers, padded rows)', () => {
    const [B, T, D, H] = [4, 5, 3, 4];
    const stack = bilstm(D, H, 2);
    const x = tf.randomNormal([B, T, D], 0, 1, 'float32', 1) as Tensor3D;
    const lengths = [5, 2, 4, 1];
    const cot = tf.randomNormal([B, T, 2 * H], 0, 1, 'float32', 2);
    const loss = (run: (p: StackParams, xs: Tensor3D) => Tensor3D) => (xs: Tensor, ...ws: Tensor[]) => tf.sum(tf.mul(run(withLeaves(stack, ws), xs as Tensor3D), cot));
    const ours = (p: StackParams, xs: Tensor3D): Tensor3D => taggerBiLstm(p, xs, lengths);
    const ref = (p: StackParams, xs: Tensor3D): Tensor3D => rnnStack({ type: 'lstm' }, p, xs, { lengths }).outputs;
    expectClose(ours(stack, x), ref(stack, x), { atol: 1e-6 });
    const args = [x, ...leaves(stack)];
    const got = tf.grads(loss(ours))(args);
    const want = tf.grads(loss(ref))(args);
    got.forEach((g, k) => expectClose(g, want[k] as Tensor, { atol: 1e-5 }, `gradient ${k}`));
  });

  it('charWordFeatures equals a padded character BiLSTM over every word slot (values and gradients; repeated words, padding)', () => {
    const [V, E, H] = [9, 3, 4];
    const table = tf.randomNormal([V, E], 0, 1, 'float32', 4) as Tensor2D;
    const stack = bilstm(E, H, 1);
    // [B = 2, T = 3] slots, C = 4: a repeated word, a word cut short in its row, padding slots.
    const ids = [[1, 2, 3, 0], [4, 0, 0, 0], [1, 2, 3, 0], [5, 6, 7, 8], [1, 2, 3, 0], [0, 0, 0, 0]];
    const lengths = [3, 1, 3, 4, 3, 0];
    const cot = tf.randomNormal([2, 3, 2 * H], 0, 1, 'float32', 5);
    const ours = (emb: Tensor2D, p: StackParams): Tensor3D => charWordFeatures({ embedding: emb, rnn: p }, { ids, lengths }, 2, 3);
    const ref = (emb: Tensor2D, p: StackParams): Tensor3D => {
      const r = rnnStack({ type: 'lstm' }, p, embedding(emb, tf.tensor2d(ids, undefined, 'int32')) as Tensor3D, { lengths });
      return tf.reshape(tf.concat([(r.states[0] as { h: Tensor2D }).h, (r.states[1] as { h: Tensor2D }).h], 1), [2, 3, 2 * H]);
    };
    expectClose(ours(table, stack), ref(table, stack), { atol: 1e-6 });
    const loss = (run: typeof ours) => (emb: Tensor, ...ws: Tensor[]) => tf.sum(tf.mul(run(emb as Tensor2D, withLeaves(stack, ws)), cot));
    const args = [table, ...leaves(stack)];
    const got = tf.grads(loss(ours))(args);
    const want = tf.grads(loss(ref))(args);
    got.forEach((g, k) => expectClose(g, want[k] as Tensor, { atol: 1e-5 }, `gradient ${k}`));
  });

  it('one-character words and one-word sentences (a single step); no tensor left behind', () => {
    const stack = bilstm(2, 3, 1);
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const x = tf.randomNormal([3, 1, 2], 0, 1, 'float32', 6) as Tensor3D;
      expectClose(taggerBiLstm(stack, x, [1, 1, 1]), rnnStack({ type: 'lstm' }, stack, x, { lengths: [1, 1, 1] }).outputs, { atol: 1e-6 });
      const g = tf.grads((xs: Tensor) => tf.sum(taggerBiLstm(stack, xs as Tensor3D, [1, 1, 1])))([x]);
      expect(g[0]?.shape).toEqual([3, 1, 2]);
      // Character features of one-character words (one step) and of a batch with no word at all.
      const table = tf.randomNormal([4, 2], 0, 1, 'float32', 7) as Tensor2D;
      const features = charWordFeatures({ embedding: table, rnn: stack }, { ids: [[1], [2], [1], [0]], lengths: [1, 1, 1, 0] }, 2, 2);
      const [rows, expected] = [features.arraySync() as number[][][], rnnStack({ type: 'lstm' }, stack, embedding(table, tf.tensor2d([[1], [2]], undefined, 'int32')) as Tensor3D, { lengths: [1, 1] })];
      const h = tf.concat([(expected.states[0] as { h: Tensor2D }).h, (expected.states[1] as { h: Tensor2D }).h], 1).arraySync() as number[][];
      expect(rows[0]?.[0]?.map((v, i) => Math.abs(v - (h[0]?.[i] as number)) < 1e-6)).toEqual(new Array(6).fill(true));
      expect(rows[1]?.[0]).toEqual(rows[0]?.[0]);
      expect(rows[1]?.[1]).toEqual(new Array(6).fill(0));
      expect(charWordFeatures({ embedding: table, rnn: stack }, { ids: [[0]], lengths: [0] }, 1, 1).arraySync()).toEqual([[new Array(6).fill(0)]]);
    });
    expect(tf.memory().numTensors).toBe(before);
  });
});
