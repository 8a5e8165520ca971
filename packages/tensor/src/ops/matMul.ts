import * as tf from '@tensorflow/tfjs-core';
import type { Tensor2D } from '@tensorflow/tfjs-core';
import { cpuMatMul, registerFusedKernels } from '../kernels/fusedKernels.js';
import { registerWasmGemm, wasmMatMul } from '../kernels/wasmKernels.js';

/**
 * `a @ b` whose gradient uses only plain (untransposed) matmuls on explicitly transposed copies.
 *
 * Why: tfjs's own MatMul gradient calls `matMul(dy, b, false, true)` and `matMul(a, dy, true, false)`; on the
 * wasm backend a transposed-operand matmul runs about 10× slower than a plain one (measured: 168 ms vs 15 ms
 * for 700×200·200×800), while a transpose costs ~1 ms. Doing the transpose ourselves wins by a wide margin.
 * On the cpu and wasm backends all three products run on nlpkit's own kernels (a packed JavaScript matmul; a
 * WebAssembly SIMD GEMM on worker threads), which read transposed operands in place.
 */
export function matMul(a: Tensor2D, b: Tensor2D): Tensor2D {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, w] = args as [Tensor2D, Tensor2D];
    const save = args[2] as tf.GradSaveFunc;
    save([x, w]);
    return {
      value: plainMatMul(x, w),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, ws] = saved as [Tensor2D, Tensor2D];
        return [plainMatMul(dy as Tensor2D, ws, false, true), plainMatMul(xs, dy as Tensor2D, true, false)];
      },
    };
  });
  return op(a, b) as Tensor2D;
}

/**
 * `op(a) · op(b)` with op = transpose when asked, without a gradient of its own (for use inside `customGrad`):
 * nlpkit's packed kernel on the cpu backend, its WebAssembly SIMD GEMM on wasm; elsewhere tfjs's plain matmul
 * on explicitly transposed copies (see {@link matMul} for why).
 */
export function plainMatMul(a: Tensor2D, b: Tensor2D, transposeA = false, transposeB = false): Tensor2D {
  const floats = a.dtype === 'float32' && b.dtype === 'float32';
  if (floats && registerFusedKernels()) return cpuMatMul(a, b, transposeA, transposeB);
  if (floats && registerWasmGemm()) return wasmMatMul(a, b, transposeA, transposeB);
  return tf.matMul(transposeA ? tf.transpose(a) : a, transposeB ? tf.transpose(b) : b);
}
