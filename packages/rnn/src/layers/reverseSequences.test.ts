import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor3D } from '@tensorflow/tfjs-core';
import { describeBackends, expectClose } from '@nlpkit/tensor/testing';
import { expect, it } from 'vitest';
import { reverseSequences } from './reverseSequences.js';

describeBackends('reverseSequences', () => {
  it('reverseSequences reverses only the valid prefix, is its own inverse, and so is its gradient', () => {
    tf.tidy(() => {
      const x = tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8], [2, 4, 1]) as Tensor3D;
      const r = reverseSequences(x, [3, 4]);
      expect(Array.from(r.dataSync())).toEqual([3, 2, 1, 4, 8, 7, 6, 5]);
      expectClose(reverseSequences(r, [3, 4]), x, { atol: 0 });
      const w = tf.tensor3d([1, 10, 100, 1000, 1, 2, 3, 4], [2, 4, 1]);
      const g = tf.grad((t: Tensor) => tf.sum(tf.mul(reverseSequences(t as Tensor3D, [3, 4]), w)))(x);
      expect(Array.from(g.dataSync())).toEqual([100, 10, 1, 1000, 4, 3, 2, 1]);
    });
  });
});
