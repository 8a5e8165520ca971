import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor1D, Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import { describeBackends, expectClose } from '@nlpkit/tensor/testing';
import { expect, it } from 'vitest';
import { CRF_FORBIDDEN, logPartition } from './crf.js';
import { crfLogPartitionHost } from './crfPartition.js';

describeBackends('crfLogPartitionHost', () => {
  it('equals the forward algorithm as tensor ops, value and gradient of every input (padded rows, a forbidden transition)', () => {
    const [B, T, K] = [4, 6, 5];
    const lengths = [6, 1, 3, 5];
    const mask = tf.tensor2d(lengths.flatMap((len) => Array.from({ length: T }, (_, t) => (t < len ? 1 : 0))), [B, T]);
    const e = tf.mul(tf.randomNormal([B, T, K], 0, 1, 'float32', 11), 3) as Tensor3D;
    const trans = tf.add(tf.randomNormal([K, K], 0, 1, 'float32', 12), tf.mul(tf.reshape(tf.oneHot(tf.tensor1d([2], 'int32'), K * K), [K, K]), CRF_FORBIDDEN)) as Tensor2D;
    const start = tf.randomNormal([K], 0, 1, 'float32', 13) as Tensor1D;
    const end = tf.randomNormal([K], 0, 1, 'float32', 14) as Tensor1D;
    const w = tf.randomNormal([B], 0, 1, 'float32', 15);
    const host = (a: Tensor, b: Tensor, c: Tensor, d: Tensor): Tensor1D => crfLogPartitionHost(a as Tensor3D, b as Tensor2D, c as Tensor1D, d as Tensor1D, lengths) as Tensor1D;
    const ops = (a: Tensor, b: Tensor, c: Tensor, d: Tensor): Tensor1D => logPartition(a as Tensor3D, mask, b as Tensor2D, c as Tensor1D, d as Tensor1D);
    expectClose(host(e, trans, start, end), ops(e, trans, start, end), { atol: 1e-4, rtol: 1e-5 });
    const weighted = (f: typeof host) => (a: Tensor, b: Tensor, c: Tensor, d: Tensor) => tf.sum(tf.mul(f(a, b, c, d), w));
    const got = tf.grads(weighted(host))([e, trans, start, end]);
    const want = tf.grads(weighted(ops))([e, trans, start, end]);
    got.forEach((g, k) => expectClose(g, want[k] as Tensor, { atol: 1e-5 }, `gradient ${k}`));
    // Padding positions get no gradient.
    expect(Array.from((got[0] as Tensor).dataSync().slice((1 * T + 1) * K, 2 * T * K)).every((v) => v === 0)).toBe(true);
  });

  it('gives way (undefined) when scaled probabilities cannot represent a row', () => {
    const e = tf.tensor3d([[[0, -2000], [-2000, 0]]]);
    const trans = tf.tensor2d([[0, -1e4], [-1e4, 0]]);
    expect(crfLogPartitionHost(e, trans, tf.zeros([2]), tf.zeros([2]), [2])).toBeUndefined();
  });
});
