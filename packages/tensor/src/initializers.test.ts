import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeBackends, expectClose } from './testing/index.js';
import { createRng, InvalidArgumentError } from '@nlpkit/core';
import { fans, glorotUniform, identity, orthogonal, rnnUniform, uniform } from './initializers.js';

describeBackends('initializers', () => {
  it('orthogonal gives orthonormal rows or columns, for tall and wide shapes', () => {
    for (const [r, c] of [[6, 4], [4, 6], [5, 5]] as const) {
      const q = orthogonal([r, c], createRng(3));
      const gram = r >= c ? tf.matMul(q, q, true, false) : tf.matMul(q, q, false, true);
      expectClose(gram, tf.eye(Math.min(r, c)), { atol: 1e-5 });
    }
  });

  it('glorotUniform and rnnUniform stay within their limits and are deterministic per seed', () => {
    const w = glorotUniform([30, 20], createRng(5));
    const limit = Math.sqrt(6 / 50);
    const values = Array.from(w.dataSync());
    expect(Math.max(...values.map(Math.abs))).toBeLessThanOrEqual(limit);
    expect(Math.max(...values.map(Math.abs))).toBeGreaterThan(limit * 0.9);
    expectClose(glorotUniform([30, 20], createRng(5)), w, { atol: 0 });
    const u = rnnUniform([8, 16], 16, createRng(2));
    expect(Math.max(...Array.from(u.dataSync()).map(Math.abs))).toBeLessThanOrEqual(0.25);
  });

  it('identity scales the identity matrix', () => {
    expectClose(identity(3, 2), [[2, 0, 0], [0, 2, 0], [0, 0, 2]], { atol: 0 });
  });

  it('computes fans as PyTorch and rejects bad shapes', () => {
    expect(fans([4, 3, 5])).toEqual({ fanIn: 15, fanOut: 20 });
    expect(() => uniform([2, -1], createRng(0))).toThrow(InvalidArgumentError);
    expect(() => fans([3])).toThrow('@nlpkit/tensor: fans shape must be of rank 2 or more, got rank 1');
  });
});
