import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor3D } from '@tensorflow/tfjs-core';
import { describeBackends, expectClose } from '@nlpkit/tensor/testing';
import { expect, it } from 'vitest';
import { reverseSequences } from './reverseSequences.js';
import { unstack } from './unstack.js';

describeBackends('sequence plumbing', () => {
  it('unstack splits axis 0 and is differentiable, also for a length-1 axis', () => {
    tf.tidy(() => {
      for (const n of [1, 3]) {
        const x = tf.tensor3d(Array.from({ length: n * 4 }, (_, i) => i), [n, 2, 2]);
        const parts = unstack(x);
        expect(parts).toHaveLength(n);
        parts.forEach((p, i) => expectClose(p, tf.reshape(tf.slice(x, [i, 0, 0], [1, 2, 2]), [2, 2]), { atol: 0 }));
        // d/dx Σ_i (i+1)·Σ part_i = (i+1) everywhere in slice i.
        const g = tf.grad((t: Tensor) => tf.addN(unstack(t).map((p, i) => tf.mul(tf.sum(p), i + 1))))(x);
        expectClose(g, tf.tensor3d(Array.from({ length: n * 4 }, (_, i) => Math.floor(i / 4) + 1), [n, 2, 2]), { atol: 0 });
      }
    });
  });

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
