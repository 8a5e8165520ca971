import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor2D } from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { embedding } from '../../src/layers/embedding.js';
import { idsTensor } from '../../src/layers/idsTensor.js';
import { expectChecks } from './checks.js';

/** The embedding suite, shared by src/layers/embedding.test.ts (Node) and src/numericSuites.browser.test.ts (Chromium). */
export function embeddingSuite(): void {
  it('embedding gradient sums rows of repeated ids', () =>
    expectChecks(() => {
      const table = tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]);
      const ids = tf.tensor2d([[2, 0], [2, 2]], [2, 2], 'int32');
      const w = tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2]);
      const g = tf.grad((t: Tensor) => tf.sum(tf.mul(embedding(t as Tensor2D, ids), w)))(table);
      return [['d table', g, [[3, 4], [0, 0], [1 + 5 + 7, 2 + 6 + 8]], { atol: 0 }]];
    }));

  it('idsTensor takes padded number[][] ids or passes an int32 tensor through', async () => {
    const t = idsTensor([[5, 6, 7], [8, 0, 0]]);
    expect(t.dtype).toBe('int32');
    expect(t.shape).toEqual([2, 3]);
    expect(await t.array()).toEqual([[5, 6, 7], [8, 0, 0]]);
    expect(idsTensor(t)).toBe(t);
    const empty = idsTensor([]);
    expect(empty.shape).toEqual([0, 0]);
    tf.dispose([t, empty]);
  });
}
