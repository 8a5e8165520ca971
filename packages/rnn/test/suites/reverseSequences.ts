import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor3D } from '@tensorflow/tfjs-core';
import { it } from 'vitest';
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
}
