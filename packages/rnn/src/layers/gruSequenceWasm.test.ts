import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor1D, Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import { createRng } from '@nlpkit/core';
import { registerWasmGruKernels } from '@nlpkit/tensor';
import { describeBackends, expectClose } from '@nlpkit/tensor/testing';
import { expect, it } from 'vitest';
import { gruSequence } from './gruSequence.js';
import { gruSequenceWasm } from './gruSequenceWasm.js';

// The fused wasm GRU sequence (one WebAssembly kernel call forward, one backward) against the op-by-op
// `gruSequence` on the same backend: outputs, final state and all four gradients within 1e-5, with and without
// padding masks, H = 4, 8, 6 (not a multiple of the 4-wide vectors), 260 (two depth blocks of the GEMM) and 700
// (3H past one column block, so the weight is packed per block). The PyTorch parity suites run the fused path too
// (it is the default on wasm).
describeBackends(
  'gruSequence on the fused wasm kernels',
  () => {
    const rng = createRng(17);
    const rand = (shape: number[], scale = 1): Tensor => tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal() * scale), shape);

    // H = 700 once, unmasked: the op-by-op reference takes ~15 s there, and masks do not touch the column blocks.
    const cases = [[1, 1, 4], [5, 3, 8], [3, 2, 6], [4, 2, 260], [2, 1, 700]] as const;
    for (const [T, B, H] of cases) {
      for (const masked of H === 700 ? [false] : [false, true]) {
        it(`T ${T}, B ${B}, H ${H}${masked ? ', padded rows' : ''}: value and gradients equal the op-by-op path`, () => {
          expect(registerWasmGruKernels()).toBe(true);
          const masks = masked ? Array.from({ length: T }, (_, t) => Float32Array.from({ length: B }, (_, b) => (t > T - 1 - b ? 0 : 1))) : null;
          // Weights of PyTorch's initial scale (1/√H) keep the gates' inputs O(1): with larger ones the gates saturate and
          // float32 rounding alone moves the gradients of H = 260 by ~4e-5 (both paths, against a float64 reference).
          const scale = Math.min(0.3, 1 / Math.sqrt(H));
          const [xp, w, b, h0] = [rand([T, B, 3 * H]), rand([H, 3 * H], scale), rand([3 * H], scale), rand([B, H])] as [Tensor3D, Tensor2D, Tensor1D, Tensor2D];
          const dy = rand([T + 1, B, H]);
          const run = (seq: typeof gruSequence): Float32Array[] =>
            tf.tidy(() => {
              const f = (a: Tensor, c: Tensor, d: Tensor, e: Tensor): tf.Scalar =>
                tf.sum(tf.mul(seq(a as Tensor3D, c as Tensor2D, d as Tensor1D, e as Tensor2D, masks), dy));
              const value = seq(xp, w, b, h0, masks);
              return [value, ...tf.grads(f)([xp, w, b, h0])].map((t) => t.dataSync() as Float32Array);
            });
          const before = tf.memory().numTensors;
          const fused = run(gruSequenceWasm);
          expect(tf.memory().numTensors).toBe(before);
          const generic = run(gruSequence);
          fused.forEach((got, i) => expectClose(got, generic[i] as Float32Array, { atol: 1e-5, rtol: 1e-5 }));
          tf.dispose([xp, w, b, h0, dy]);
        });
      }
    }
  },
  { backends: ['wasm'] },
);
