import * as tf from '@tensorflow/tfjs-core';
import type { Tensor1D, Tensor2D } from '@tensorflow/tfjs-core';
import { createRng } from '@nlpkit/core';
import { expect, it } from 'vitest';
import { globalNorm } from '../../src/ops/globalNorm.js';
import { scatterRows } from '../../src/ops/scatterRows.js';

/**
 * `scatterRows` (on wasm a fill and a SIMD add per id, recording the rows written) against a float32 reference that
 * adds duplicates in id order; `globalNorm` of its result (on wasm, only the recorded rows) against a float64 sum
 * over the whole matrix; typed errors. For describeBackends, in Node and in Chromium.
 */
export function scatterRowsSuite(backend: string): void {
  const rng = createRng(41);

  it('sums the rows of repeated ids in id order, zeros elsewhere; the norm of the result reads right', async () => {
    for (const [V, D, n] of [[7, 3, 5], [50, 8, 40], [1000, 13, 300], [3, 1, 9], [4, 5, 0]] as const) {
      const ids = Int32Array.from({ length: n }, () => rng.int(n % 2 === 0 ? V : Math.min(V, 4)));
      const rows = Float32Array.from({ length: n * D }, () => rng.normal());
      const want = new Float32Array(V * D);
      for (let i = 0; i < n; i += 1) for (let d = 0; d < D; d += 1) want[(ids[i] as number) * D + d] = Math.fround((want[(ids[i] as number) * D + d] as number) + (rows[i * D + d] as number));
      const before = tf.memory().numTensors;
      const out = tf.tidy(() => scatterRows(tf.tensor1d(ids, 'int32') as Tensor1D, tf.tensor2d(rows, [n, D]) as Tensor2D, V));
      expect(out.shape).toEqual([V, D]);
      expect(Array.from(await out.data()), `V ${V} D ${D} n ${n} on ${backend}`).toEqual(Array.from(want));
      const norm = globalNorm([out]);
      const exact = Math.sqrt(want.reduce((s, x) => s + x * x, 0));
      expect(Math.abs(((await norm.data())[0] as number) - exact), `norm, V ${V} D ${D} n ${n}`).toBeLessThanOrEqual(exact * 2 ** -23);
      tf.dispose([out, norm]);
      expect(tf.memory().numTensors).toBe(before);
    }
  });

  it('an id out of range or rows of another length: InvalidArgumentError naming the argument', () => {
    tf.tidy(() => {
      const rows = tf.ones([2, 3]) as Tensor2D;
      if (backend === 'wasm') expect(() => scatterRows(tf.tensor1d([0, 9], 'int32') as Tensor1D, rows, 5)).toThrow(/ids must be row numbers from 0 to 4, got index value 9 is not in \[0, 4\] \(at 1\)/);
      expect(() => scatterRows(tf.tensor1d([0, 1, 2], 'int32') as Tensor1D, rows, 5)).toThrow(/rows must be shape \[n, D\] with n = ids' length \(3\), got \[2, 3\]/);
      expect(() => scatterRows(tf.tensor1d([0, 1], 'int32') as Tensor1D, rows, 0)).toThrow(/V must be a positive integer/);
    });
  });
}
