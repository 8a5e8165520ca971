import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs-core';
import { InvalidArgumentError, createRng } from '@nlpkit/core';
import { expect, it } from 'vitest';
import { softmaxXentReference, worstDifference } from './softmaxXentReference.js';
import { registerFusedKernels } from '../../src/kernels/fusedKernels.js';
import { configureWasmPointwise, registerWasmPointwise } from '../../src/kernels/wasmPointwise.js';
import { affine } from '../../src/ops/affine.js';
import { gatherRows } from '../../src/ops/gatherRows.js';
import { softmaxCrossEntropy } from '../../src/ops/softmaxCrossEntropy.js';

/**
 * `softmaxCrossEntropy`, `affine`'s bias gradient and `gatherRows` against references on the active backend: on wasm
 * they run nlpkit's WebAssembly kernels (`wasmPointwise.wat`), on cpu its JavaScript kernels, elsewhere tfjs's
 * ops. Shapes straddle the kernels' 4- and 8-wide vectors (V = 1, 3, 8, 13, 1003), logits reach ±30 (log p down to
 * −60, above the clamp at log 1e−38), masks weigh rows 0, ½ and 1. On wasm the fused path is also pinned to tfjs's within
 * 1e-6. For describeBackends, in Node and in Chromium.
 */
export function wasmPointwiseSuite(): void {
  const rng = createRng(21);
  const array = (n: number, scale: number): Float32Array => Float32Array.from({ length: n }, () => rng.normal() * scale);

  for (const [N, V] of [[1, 1], [3, 3], [5, 8], [4, 13], [7, 1003]] as const) {
    for (const scale of [1, 8]) {
      it(`softmaxCrossEntropy [${N}, ${V}], logits ×${scale}, masked, ε 0 and 0.1: value and gradient within 1e-5 of float64`, () => {
        const xd = array(N * V, scale);
        const td = Int32Array.from({ length: N }, (_, i) => (i * 7919) % V);
        const md = Float32Array.from({ length: N }, (_, i) => [1, 0.5, 0, 1][i % 4] as number);
        if (N === 1) md[0] = 1;
        tf.tidy(() => {
          const [x, t, m] = [tf.tensor2d(xd, [N, V]), tf.tensor1d(td, 'int32'), tf.tensor1d(md)];
          for (const eps of [0, 0.1]) {
            const ref = softmaxXentReference(xd, td, md, N, V, eps);
            const f = (l: Tensor): tf.Scalar => softmaxCrossEntropy(l as Tensor2D, t, m, eps);
            const { value, grad } = tf.valueAndGrad(f)(x);
            expect(Math.abs((value.dataSync()[0] as number) - ref.loss)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(ref.loss)));
            expect(worstDifference(grad.dataSync(), ref.grad)).toBeLessThanOrEqual(1e-6);
          }
        });
      });
    }
  }

  it('softmaxCrossEntropy without a mask averages over every row', () => {
    const [N, V] = [6, 37];
    const xd = array(N * V, 3);
    const td = Int32Array.from({ length: N }, (_, i) => (i * 5) % V);
    tf.tidy(() => {
      const [x, t] = [tf.tensor2d(xd, [N, V]), tf.tensor1d(td, 'int32')];
      const ref = softmaxXentReference(xd, td, new Float32Array(N).fill(1), N, V, 0);
      const { value, grad } = tf.valueAndGrad((l: Tensor): tf.Scalar => softmaxCrossEntropy(l as Tensor2D, t))(x);
      expect(Math.abs((value.dataSync()[0] as number) - ref.loss)).toBeLessThanOrEqual(1e-5);
      expect(worstDifference(grad.dataSync(), ref.grad)).toBeLessThanOrEqual(1e-6);
    });
  });

  it('a NaN logit makes the loss NaN', () => {
    tf.tidy(() => {
      const x = tf.tensor2d([0, 1, Number.NaN, 2, 0.5, 0.25, 1, 3, -1, 0], [2, 5]);
      const loss = softmaxCrossEntropy(x, tf.tensor1d([1, 4], 'int32'));
      expect(Number.isNaN(loss.dataSync()[0])).toBe(true);
    });
  });

  it('a target outside the vocabulary is an InvalidArgumentError where nlpkit runs its own kernels', () => {
    if (!registerFusedKernels() && !registerWasmPointwise()) return;
    tf.tidy(() => {
      const x = tf.tensor2d(array(12, 1), [3, 4]);
      expect(() => softmaxCrossEntropy(x, tf.tensor1d([0, 4, 1], 'int32'))).toThrow(InvalidArgumentError);
      expect(() => softmaxCrossEntropy(x, tf.tensor1d([0, -1, 1], 'int32'))).toThrow(InvalidArgumentError);
    });
  });

  for (const [rows, cols] of [[1, 1], [3, 5], [4, 8], [7, 37], [65, 1003]] as const) {
    it(`affine's bias gradient (a column sum) over [${rows}, ${cols}] within 1e-5 of float64`, () => {
      const [xd, wd, gd] = [array(rows * 3, 1), array(3 * cols, 1), array(rows * cols, 1)];
      tf.tidy(() => {
        const [x, w, b, g] = [tf.tensor2d(xd, [rows, 3]), tf.tensor2d(wd, [3, cols]), tf.zeros([cols]) as Tensor1D, tf.tensor2d(gd, [rows, cols])];
        const db = tf.grad((bi: Tensor) => tf.sum(tf.mul(affine(x, w, bi as Tensor1D), g)))(b).dataSync();
        let w1 = 0;
        for (let j = 0; j < cols; j += 1) {
          let s = 0;
          let mag = 0;
          for (let i = 0; i < rows; i += 1) {
            s += gd[i * cols + j] as number;
            mag += Math.abs(gd[i * cols + j] as number);
          }
          w1 = Math.max(w1, Math.abs((db[j] as number) - s) / Math.max(1, mag));
        }
        expect(w1).toBeLessThanOrEqual(1e-5);
      });
    });
  }

  it('gatherRows: rows in id order, repeats included, float32 and int32 tables, no ids at all', () => {
    tf.tidy(() => {
      const [V, D] = [7, 5];
      const td = array(V * D, 1);
      const ids = [3, 0, 6, 3, 1];
      const want = ids.flatMap((i) => Array.from(td.subarray(i * D, (i + 1) * D)));
      const got = gatherRows(tf.tensor2d(td, [V, D]), tf.tensor1d(ids, 'int32'));
      expect(got.shape).toEqual([ids.length, D]);
      expect(Array.from(got.dataSync())).toEqual(want);
      const ints = gatherRows(tf.tensor2d(Int32Array.from({ length: V * 3 }, (_, i) => i - 4), [V, 3], 'int32'), tf.tensor1d([6, 2], 'int32'));
      expect(ints.dtype).toBe('int32');
      expect(Array.from(ints.dataSync())).toEqual([14, 15, 16, 2, 3, 4]);
      expect(gatherRows(tf.tensor2d(td, [V, D]), tf.tensor1d([], 'int32')).shape).toEqual([0, D]);
    });
  });

  it('gatherRows: an id outside the table throws with tfjs\'s wording where the backend checks (cpu, wasm)', () => {
    if (tf.getBackend() !== 'cpu' && tf.getBackend() !== 'wasm') return;
    tf.tidy(() => {
      const table = tf.tensor2d(array(14, 1), [7, 2]);
      expect(() => gatherRows(table, tf.tensor1d([1, 7], 'int32'))).toThrow(/index value 7 is not in \[0, 6\]/);
      expect(() => gatherRows(table, tf.tensor1d([-1], 'int32'))).toThrow(/index value -1 is not in \[0, 6\]/);
    });
  });

  it('on wasm: the WebAssembly kernels run, equal tfjs-op path within 1e-6, and leak no tensors', () => {
    if (tf.getBackend() !== 'wasm') {
      expect(registerWasmPointwise()).toBe(false);
      return;
    }
    expect(registerWasmPointwise()).toBe(true);
    const [N, V] = [37, 1003];
    const x = tf.tensor2d(array(N * V, 4), [N, V]);
    const t = tf.tensor1d(Int32Array.from({ length: N }, (_, i) => (i * 31) % V), 'int32');
    const m = tf.tensor1d(Float32Array.from({ length: N }, (_, i) => (i % 3 === 0 ? 0 : 1)));
    const run = (eps: number): [number, Float32Array] =>
      tf.tidy(() => {
        const { value, grad } = tf.valueAndGrad((l: Tensor): tf.Scalar => softmaxCrossEntropy(l as Tensor2D, t, m, eps))(x);
        return [value.dataSync()[0] as number, grad.dataSync() as Float32Array];
      });
    try {
      for (const eps of [0, 0.1]) {
        const fused = run(eps);
        const before = tf.memory().numTensors;
        run(eps);
        expect(tf.memory().numTensors).toBe(before);
        configureWasmPointwise({ enabled: false });
        expect(registerWasmPointwise()).toBe(false);
        const plain = run(eps);
        configureWasmPointwise({ enabled: undefined });
        expect(Math.abs(fused[0] - plain[0])).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(plain[0])));
        expect(worstDifference(fused[1], plain[1])).toBeLessThanOrEqual(1e-6);
      }
    } finally {
      configureWasmPointwise({ enabled: undefined });
      tf.dispose([x, t, m]);
    }
  });
}
