import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '@nlpkit/core';
import { expect, it } from 'vitest';
import { globalNorm } from '../../src/ops/globalNorm.js';

/**
 * `globalNorm` (on wasm without a tape: one `sumSquares` pass per tensor, in float64) against √Σ x² in float64 over
 * float32 values: lengths off the 4-lane vectors, several tensors of several shapes, an empty one, values over a
 * wide range, NaN and ±Infinity. For describeBackends, in Node and in Chromium.
 */
export function globalNormSuite(backend: string): void {
  const rng = createRng(29);
  const reference = (xs: Float32Array[]): number => Math.sqrt(xs.reduce((s, x) => x.reduce((t, v) => t + v * v, s), 0));

  it(`matches √Σ x² in float64 over several tensors (${backend === 'cpu' || backend === 'wasm' ? 'within 2^-23' : 'within 1e-6'})`, async () => {
    for (const shapes of [[[1]], [[7]], [[3, 5], [0], [4099]], [[64, 33], [2, 3, 2], [1]]]) {
      const values = shapes.map((shape) =>
        Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => rng.normal() * (i % 13 === 0 ? 1e3 : i % 7 === 0 ? 1e-3 : 1)),
      );
      const before = tf.memory().numTensors;
      const norm = tf.tidy(() => globalNorm(values.map((v, i) => tf.tensor(v, shapes[i]))));
      expect(norm.shape).toEqual([]);
      expect(norm.dtype).toBe('float32');
      const got = (await norm.data())[0] as number;
      norm.dispose();
      expect(tf.memory().numTensors).toBe(before);
      const want = reference(values);
      expect(Math.abs(got - want) / want, `shapes ${JSON.stringify(shapes)}`).toBeLessThanOrEqual(backend === 'cpu' || backend === 'wasm' ? 2 ** -23 : 1e-6);
    }
  });

  it('is 0 for no tensors, NaN with a NaN and Infinity with an infinity anywhere', async () => {
    const read = async (xs: Float32Array[]): Promise<number> => {
      const t = tf.tidy(() => globalNorm(xs.map((x) => tf.tensor1d(x))));
      const v = (await t.data())[0] as number;
      t.dispose();
      return v;
    };
    expect(await read([])).toBe(0);
    const base = Float32Array.from({ length: 11 }, () => rng.normal());
    for (const [at, bad, want] of [[2, Number.NaN, Number.NaN], [9, -Infinity, Infinity], [10, Infinity, Infinity]] as const) {
      const x = base.slice();
      x[at] = bad;
      expect(await read([new Float32Array([1, 2, 3, 4]), x]), `${bad} at ${at}`).toBe(want);
    }
  });

  it('under a gradient tape it is tfjs ops, and one kernel on wasm without one', async () => {
    const xs = [tf.tensor1d([3, 4]), tf.tensor2d([[12]])];
    let taped = 0;
    tf.grad((x: tf.Tensor) => {
      taped = globalNorm(xs).dataSync()[0] as number;
      return tf.sum(x);
    })(tf.scalar(1));
    expect(taped).toBeCloseTo(13, 5);
    const info = await tf.profile(() => {
      tf.tidy(() => globalNorm(xs).dataSync());
    });
    const names = info.kernels.map((k) => k.name);
    if (backend === 'wasm') expect(names).toEqual(['NlpkitWasmGlobalNorm']);
    else expect(names).not.toContain('NlpkitWasmGlobalNorm');
    tf.dispose(xs);
  });

  it('something other than a tensor: InvalidArgumentError naming it', () => {
    expect(() => globalNorm([tf.scalar(1), [1, 2] as unknown as tf.Tensor])).toThrow(/xs\[1\] must be a tensor/);
  });
}
