import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor2D } from '@tensorflow/tfjs-core';
import { describeBackends, expectClose } from '@nlpkit/tensor/testing';
import { expect, it } from 'vitest';
import { embedding } from './embedding.js';
import { idsTensor } from './idsTensor.js';

describeBackends('embedding', () => {
  it('embedding gradient sums rows of repeated ids', () => {
    tf.tidy(() => {
      const table = tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]);
      const ids = tf.tensor2d([[2, 0], [2, 2]], [2, 2], 'int32');
      const w = tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2]);
      const g = tf.grad((t: Tensor) => tf.sum(tf.mul(embedding(t as Tensor2D, ids), w)))(table);
      expectClose(g, tf.tensor2d([3, 4, 0, 0, 1 + 5 + 7, 2 + 6 + 8], [3, 2]), { atol: 0 });
    });
  });

  it('idsTensor takes padded number[][] ids or passes an int32 tensor through', () => {
    tf.tidy(() => {
      const t = idsTensor([[5, 6, 7], [8, 0, 0]]);
      expect(t.dtype).toBe('int32');
      expect(t.shape).toEqual([2, 3]);
      expect(Array.from(t.dataSync())).toEqual([5, 6, 7, 8, 0, 0]);
      expect(idsTensor(t)).toBe(t);
      expect(idsTensor([]).shape).toEqual([0, 0]);
    });
  });
});
