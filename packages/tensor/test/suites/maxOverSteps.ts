import * as tf from '@tensorflow/tfjs-core';
import type { Tensor3D } from '@tensorflow/tfjs-core';
import { createRng } from '@nlpkit/core';
import { expect, it } from 'vitest';
import { maxOverSteps } from '../../src/ops/maxOverSteps.js';

/**
 * `maxOverSteps` (on wasm without a tape: one pass over each row's valid steps) against a reference over the
 * valid steps only, with padding that would win if it counted; under a tape (tfjs's ops) the same values and a
 * gradient; typed errors. For describeBackends, in Node and in Chromium.
 */
export function maxOverStepsSuite(): void {
  const rng = createRng(53);

  it('takes each row\'s max over its valid steps only (negative values, padding that would win, H off the 4 lanes)', async () => {
    for (const [B, T, H] of [[1, 1, 1], [3, 5, 7], [4, 9, 12], [2, 3, 301]] as const) {
      const lengths = Array.from({ length: B }, (_, b) => (b === 0 ? T : 1 + rng.int(T)));
      const values = new Float32Array(B * T * H);
      for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) for (let h = 0; h < H; h++) values[(b * T + t) * H + h] = t < (lengths[b] as number) ? -5 + rng.normal() : 100;
      const want = new Float32Array(B * H).fill(-Infinity);
      for (let b = 0; b < B; b++) for (let t = 0; t < (lengths[b] as number); t++) for (let h = 0; h < H; h++) want[b * H + h] = Math.max(want[b * H + h] as number, values[(b * T + t) * H + h] as number);
      const x = tf.tensor3d(values, [B, T, H]);
      const plain = maxOverSteps(x, lengths);
      expect(plain.shape).toEqual([B, H]);
      expect(Array.from(await plain.data()), `[${B}, ${T}, ${H}]`).toEqual(Array.from(want));
      // Under a tape: tfjs's ops, the same values, and the gradient goes to the argmax of each valid range.
      const g = tf.grad((t: tf.Tensor) => tf.sum(maxOverSteps(t as Tensor3D, lengths)))(x);
      const grad = await g.data();
      for (let b = 0; b < B; b++) {
        for (let h = 0; h < H; h++) {
          let ones = 0;
          for (let t = 0; t < T; t++) ones += grad[(b * T + t) * H + h] as number;
          expect(ones).toBeCloseTo(1, 5);
        }
      }
      tf.dispose([x, plain, g]);
    }
  });

  it('a NaN in a valid step gives NaN; bad lengths are InvalidArgumentErrors naming them', async () => {
    const x = tf.tensor3d([1, Number.NaN, 3, 4, 5, 6], [1, 3, 2]);
    const out = maxOverSteps(x, [2]);
    const [a, b] = await out.data();
    expect(a).toBe(3);
    expect(Number.isNaN(b)).toBe(true);
    expect(() => maxOverSteps(x, [0])).toThrow(/lengths\[0\] must be an integer from 1 to 3, got 0/);
    expect(() => maxOverSteps(x, [4])).toThrow(/lengths\[0\] must be an integer from 1 to 3/);
    expect(() => maxOverSteps(x, [1, 1])).toThrow(/lengths must be 1 lengths \(one per row of x\)/);
    expect(() => maxOverSteps(tf.zeros([2, 2]) as unknown as Tensor3D, [1])).toThrow(/x must be a \[B, T, H\] tensor/);
    tf.dispose([x, out]);
  });
}
