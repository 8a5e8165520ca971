import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor2D } from '@tensorflow/tfjs-core';
import { describeBackends, expectClose } from '../testing/index.js';
import { expect, it } from 'vitest';
import { concatColumns } from './concatColumns.js';
import { splitColumns } from './splitColumns.js';
import { unstack } from './unstack.js';

describeBackends('unstack and splitColumns', (backend) => {
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

  it('splitColumns takes block widths (an empty block too), is differentiable, and names a bad split', () => {
    tf.tidy(() => {
      const x = tf.tensor2d(Array.from({ length: 3 * 7 }, (_, i) => i * 0.5 - 3), [3, 7]) as Tensor2D;
      const parts = splitColumns(x, [2, 0, 4, 1]);
      expect(parts.map((p) => p.shape)).toEqual([[3, 2], [3, 0], [3, 4], [3, 1]]);
      parts.forEach((p, k) => expectClose(p, tf.slice(x, [0, [0, 2, 2, 6][k] as number], [3, [2, 0, 4, 1][k] as number]), { atol: 0 }));
      // d/dx Σ_k (k+1)·Σ part_k: each column's weight is its block's; unused blocks give 0.
      const g = tf.grad((t: Tensor) => {
        const [a, , c] = splitColumns(t as Tensor2D, [2, 0, 4, 1]);
        return tf.add(tf.sum(a as Tensor), tf.mul(tf.sum(c as Tensor), 3));
      })(x);
      expectClose(g, tf.tensor2d(Array.from({ length: 21 }, (_, i) => [1, 1, 3, 3, 3, 3, 0][i % 7] as number), [3, 7]), { atol: 0 });
      expect(() => splitColumns(x, 2)).toThrow(/parts must be a number of equal blocks that divides x's 7 columns/);
      expect(() => splitColumns(x, [3, 3])).toThrow(/block widths summing to 7/);
      expect(() => splitColumns(x, 2.5)).toThrow(/parts must be a number of equal blocks.*got 2\.5/);
    });
  });

  it('on wasm, one kernel of our own each (no Slice or SplitV, which copy the whole input out to JavaScript)', async () => {
    const x = tf.tensor3d(Array.from({ length: 4 * 3 * 6 }, (_, i) => i), [4, 3, 6]);
    const info = await tf.profile(() => {
      tf.tidy(() => {
        const steps = unstack<Tensor2D>(x);
        splitColumns(steps[1] as Tensor2D, [2, 4]);
      });
    });
    const names = new Set(info.kernels.map((k) => k.name));
    if (backend === 'wasm') expect([...names].sort()).toEqual(['NlpkitWasmSplitColumns', 'NlpkitWasmSplitLeading', 'Reshape']);
    expect(names.has('Slice') || names.has('SplitV')).toBe(false);
    x.dispose();
  });

  it('concatColumns joins the last axis (rank 2 and 3), its gradient splits it (no SplitV), and names a bad part', async () => {
    const a = tf.tensor3d(Array.from({ length: 2 * 3 * 2 }, (_, i) => i), [2, 3, 2]);
    const b = tf.tensor3d(Array.from({ length: 2 * 3 * 5 }, (_, i) => -i), [2, 3, 5]);
    const m = tf.tensor2d([[1, 2], [3, 4]]);
    const n = tf.tensor2d([[5], [6]]);
    tf.tidy(() => {
      expectClose(concatColumns([a, b]), tf.concat([a, b], 2), { atol: 0 });
      expectClose(concatColumns([m, n]), tf.concat([m, n], 1), { atol: 0 });
      expectClose(concatColumns([m]), m, { atol: 0 });
      // d/da, d/db of Σ w ⊙ concat(a, b) with w = 1..7 along the last axis: each part gets its columns of w.
      const w = tf.reshape(tf.range(1, 8), [1, 1, 7]);
      const [ga, gb] = tf.grads((x: Tensor, y: Tensor) => tf.sum(tf.mul(concatColumns([x, y]), w)))([a, b]);
      expectClose(ga as Tensor, tf.tile(tf.tensor3d([1, 2], [1, 1, 2]), [2, 3, 1]), { atol: 0 });
      expectClose(gb as Tensor, tf.tile(tf.tensor3d([3, 4, 5, 6, 7], [1, 1, 5]), [2, 3, 1]), { atol: 0 });
    });
    const info = await tf.profile(() => {
      tf.tidy(() => tf.grads((x: Tensor, y: Tensor) => tf.sum(concatColumns([x, y])))([a, b]));
    });
    expect(info.kernels.map((k) => k.name)).not.toContain('SplitV');
    expect(() => concatColumns([a, m])).toThrow(/parts\[1\] must be shape \[2, 3, ·\] \(parts\[0\]'s but for the last axis\), got \[2, 2\]/);
    expect(() => concatColumns([])).toThrow(/parts must be one or more tensors/);
    tf.dispose([a, b, m, n]);
  });
});
