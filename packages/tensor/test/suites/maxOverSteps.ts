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

  it('the gradient: dy at each max\'s step, 0 elsewhere and on padding; a tie gives it to the first step (wasm) or to each (tfjs\'s ops)', async () => {
    const [B, T, H] = [3, 6, 10];
    const lengths = [6, 2, 4];
    const values = Float32Array.from({ length: B * T * H }, () => rng.normal());
    // Row 2, unit 3: steps 1 and 3 tie for the max; padding (row 1, steps 2+) holds values that would win.
    for (const t of [1, 3]) values[(2 * T + t) * H + 3] = 9;
    for (let t = 2; t < T; t++) for (let h = 0; h < H; h++) values[(1 * T + t) * H + h] = 50;
    const dyValues = Float32Array.from({ length: B * H }, () => rng.normal());
    const x = tf.tensor3d(values, [B, T, H]);
    const dy = tf.tensor2d(dyValues, [B, H]);
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(maxOverSteps(t as Tensor3D, lengths), dy)))(x);
    const grad = await g.data();
    const firstOnly = tf.getBackend() === 'wasm';
    for (let b = 0; b < B; b++) {
      for (let h = 0; h < H; h++) {
        let best = -Infinity;
        for (let t = 0; t < (lengths[b] as number); t++) best = Math.max(best, values[(b * T + t) * H + h] as number);
        let seen = false;
        for (let t = 0; t < T; t++) {
          const at = (b * T + t) * H + h;
          const isMax = t < (lengths[b] as number) && values[at] === best;
          const want = isMax && !(firstOnly && seen) ? (dyValues[b * H + h] as number) : 0;
          if (isMax) seen = true;
          expect(grad[at], `b ${b}, t ${t}, h ${h}`).toBeCloseTo(want, 6);
        }
      }
    }
    tf.dispose([x, dy, g]);
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
