import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import { createRng } from '@nlpkit/core';
import { configureWasmGemm, configureWasmPointwise, registerWasmLstmKernels } from '@nlpkit/tensor';
import { describeBackends, expectClose } from '@nlpkit/tensor/testing';
import { expect, it } from 'vitest';
import { lstmSequence } from './lstmSequence.js';

// The fused wasm LSTM sequence (one WebAssembly kernel call forward, one backward) against the generic op-by-op
// path on the same backend: outputs, final state and all four gradients within 1e-5, with and without padding
// masks, H = 4, 8, 6 (not a multiple of the 4-wide vectors), 260 (two depth blocks of the GEMM) and 650
// (Zaremba-medium: 4H past one column block, so the weight is packed per product). The PyTorch parity and finite-difference suites run the
// fused path too (it is the default on wasm).
describeBackends(
  'lstmSequence on the fused wasm kernels',
  () => {
    const rng = createRng(7);
    const rand = (shape: number[], scale = 1): Tensor => tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal() * scale), shape);

    for (const [T, B, H] of [[1, 1, 4], [5, 3, 8], [3, 2, 6], [4, 2, 260], [2, 1, 650]] as const) {
      for (const masked of [false, true]) {
        it(`T ${T}, B ${B}, H ${H}${masked ? ', padded rows' : ''}: value and gradients equal the generic path`, () => {
          // Both paths' products on nlpkit's GEMM, as the fused kernel's are: with a BLAS library (blasEngine) the
          // generic path's would be summed in another order (4.6e-5 apart at H 650), which is not what this compares.
          if (tf.getBackend() === 'wasm') configureWasmGemm({ blas: false });
          expect(registerWasmLstmKernels()).toBe(true);
          const masks = masked ? Array.from({ length: T }, (_, t) => Float32Array.from({ length: B }, (_, b) => (t > T - 1 - b ? 0 : 1))) : null;
          const [xp, w, h0, c0] = [rand([T, B, 4 * H]), rand([H, 4 * H], 0.3), rand([B, H]), rand([B, H])] as [Tensor3D, Tensor2D, Tensor2D, Tensor2D];
          const dy = rand([T + 2, B, H]);
          const run = (): Float32Array[] =>
            tf.tidy(() => {
              const f = (a: Tensor, b: Tensor, c: Tensor, d: Tensor): tf.Scalar =>
                tf.sum(tf.mul(lstmSequence(a as Tensor3D, b as Tensor2D, c as Tensor2D, d as Tensor2D, masks), dy));
              const value = lstmSequence(xp, w, h0, c0, masks);
              return [value, ...tf.grads(f)([xp, w, h0, c0])].map((t) => t.dataSync() as Float32Array);
            });
          const before = tf.memory().numTensors;
          const fused = run();
          expect(tf.memory().numTensors).toBe(before);
          configureWasmPointwise({ enabled: false });
          let generic: Float32Array[];
          try {
            expect(registerWasmLstmKernels()).toBe(false);
            generic = run();
          } finally {
            configureWasmPointwise({ enabled: undefined });
          }
          fused.forEach((got, i) => expectClose(got, generic[i] as Float32Array, { atol: 1e-5, rtol: 1e-5 }));
          tf.dispose([xp, w, h0, c0, dy]);
        });
      }
    }
  },
  { backends: ['wasm'] },
);

// A recurrent weight computed inside the loss function (not a Variable) is freed by tfjs before the backward pass
// unless the op saves it: the gradient must still come out, equal to the Variable's (every backend, both paths).
describeBackends('lstmSequence with a weight computed inside the loss', () => {
  it('gradients through an intermediate weight equal those through the variable', () => {
    const rng = createRng(9);
    const [T, B, H] = [3, 2, 8];
    const arr = (n: number, s = 1): Float32Array => Float32Array.from({ length: n }, () => rng.normal() * s);
    const xp = tf.tensor3d(arr(T * B * 4 * H), [T, B, 4 * H]);
    const [h0, c0] = [tf.tensor2d(arr(B * H), [B, H]), tf.tensor2d(arr(B * H), [B, H])];
    const w = tf.variable(tf.tensor2d(arr(H * 4 * H, 0.3), [H, 4 * H]));
    const masks = [Float32Array.from([1, 1]), Float32Array.from([1, 0]), Float32Array.from([1, 0])];
    for (const m of [null, masks]) {
      const direct = tf.variableGrads(() => tf.sum(lstmSequence(xp, w, h0, c0, m)), [w]);
      const scaled = tf.variableGrads(() => tf.sum(lstmSequence(xp, tf.mul(w, 2) as Tensor2D, h0, c0, m)), [w]);
      const again = tf.variableGrads(() => tf.sum(lstmSequence(xp, tf.div(tf.mul(w, 2), 2) as Tensor2D, h0, c0, m)), [w]);
      expect(Number.isFinite(scaled.value.dataSync()[0])).toBe(true);
      expectClose(again.grads[w.name] as Tensor, (direct.grads[w.name] as Tensor).dataSync(), { atol: 1e-5, rtol: 1e-5 });
      tf.dispose([direct.value, scaled.value, again.value, ...Object.values(direct.grads), ...Object.values(scaled.grads), ...Object.values(again.grads)]);
    }
    tf.dispose([xp, h0, c0, w]);
  });
});
