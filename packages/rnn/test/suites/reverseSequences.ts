import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { inversePermutation, permuteRows, timeMajorRows } from '../../src/layers/permuteRows.js';
import { reverseSequences } from '../../src/layers/reverseSequences.js';
import { expectChecks } from './checks.js';

/** Shared by src/layers/reverseSequences.test.ts (Node) and src/numericSuites.browser.test.ts (Chromium). */
export function reverseSequencesSuite(): void {
  it('reverseSequences reverses only the valid prefix, is its own inverse, and so is its gradient', () =>
    expectChecks(() => {
      const x = tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8], [2, 4, 1]) as Tensor3D;
      const r = reverseSequences(x, [3, 4]);
      const w = tf.tensor3d([1, 10, 100, 1000, 1, 2, 3, 4], [2, 4, 1]);
      const g = tf.grad((t: Tensor) => tf.sum(tf.mul(reverseSequences(t as Tensor3D, [3, 4]), w)))(x);
      return [
        ['reversed', tf.reshape(r, [8]), [3, 2, 1, 4, 8, 7, 6, 5], { atol: 0 }],
        ['reversed twice', reverseSequences(r, [3, 4]), x, { atol: 0 }],
        ['gradient', tf.reshape(g, [8]), [100, 10, 1, 1000, 4, 3, 2, 1], { atol: 0 }],
      ];
    }));

  it('permuteRows moves rows by a permutation, and its gradient by the inverse one', () =>
    expectChecks(() => {
      const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]) as Tensor2D;
      const perm = Int32Array.from([2, 0, 1]);
      const w = tf.tensor2d([1, 10, 100, 1000, 1e4, 1e5], [3, 2]);
      const g = tf.grad((t: Tensor) => tf.sum(tf.mul(permuteRows(t as Tensor2D, perm), w)))(x);
      return [
        ['rows', tf.reshape(permuteRows(x, perm), [6]), [5, 6, 1, 2, 3, 4], { atol: 0 }],
        ['gradient', tf.reshape(g, [6]), [100, 1000, 1e4, 1e5, 1, 10], { atol: 0 }],
      ];
    }));

  it('timeMajorRows: batch-major rows in time-major order, the backward direction reversed within its lengths', () => {
    // B 2, T 3: row 0 has 3 valid steps, row 1 one.
    expect(Array.from(timeMajorRows(2, 3, [3, 1], false))).toEqual([0, 3, 1, 4, 2, 5]);
    expect(Array.from(timeMajorRows(2, 3, [3, 1], true))).toEqual([2, 3, 1, 4, 0, 5]);
    expect(Array.from(timeMajorRows(2, 3, undefined, true))).toEqual([2, 5, 1, 4, 0, 3]);
    expect(Array.from(inversePermutation(Int32Array.from([2, 0, 1])))).toEqual([1, 2, 0]);
  });
}
