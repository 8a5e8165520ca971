import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor2D } from '@tensorflow/tfjs-core';
import { describeBackends, expectClose } from '../testing/index.js';
import { expect, it } from 'vitest';
import { splitColumns } from './splitColumns.js';
import { unstack } from './unstack.js';

describeBackends('unstack and splitColumns', () => {
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

  it('splitColumns splits a matrix into equal column blocks on every backend', () => {
    tf.tidy(() => {
      const x = tf.tensor2d(Array.from({ length: 12 }, (_, i) => i), [2, 6]) as Tensor2D;
      const parts = splitColumns(x, 3);
      expect(parts.map((p) => p.shape)).toEqual([[2, 2], [2, 2], [2, 2]]);
      parts.forEach((p, k) => expectClose(p, tf.slice(x, [0, 2 * k], [2, 2]), { atol: 0 }));
    });
  });
});
