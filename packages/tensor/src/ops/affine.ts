import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs-core';
import { cpuColumnSum, cpuMatMul, registerFusedKernels } from '../kernels/fusedKernels.js';
import { registerWasmGemm, wasmMatMul } from '../kernels/wasmKernels.js';
import { registerWasmPointwise, wasmColumnSum } from '../kernels/wasmPointwise.js';
import { matMul } from './matMul.js';

/**
 * `x·w + b` for `x: [N, in]`, `w: [in, out]`, `b: [out]`, differentiable, without shape checks (callers check
 * them): one fused op on the cpu backend (bias added as the matmul writes, db a column sum) and on wasm (nlpkit's
 * GEMM with the bias fused, db a WebAssembly column sum), {@link matMul} and a broadcast add elsewhere.
 *
 * Why: on the cpu backend a broadcast add over a 700 × 10k output and its gradient (a sum over axis 0, which
 * tfjs-backend-cpu does by transposing first) cost more than 0.5 s per LM step; here the bias is added while the
 * matmul writes its output and db is a plain column sum.
 */
export function affine(x: Tensor2D, w: Tensor2D, b: Tensor1D): Tensor2D {
  const floats = x.dtype === 'float32' && w.dtype === 'float32' && b.dtype === 'float32';
  if (floats && registerFusedKernels()) return cpuAffine(x, w, b);
  if (floats && registerWasmGemm()) return wasmAffine(x, w, b);
  return tf.add<Tensor2D>(matMul(x, w), b);
}

function wasmAffine(x: Tensor2D, w: Tensor2D, b: Tensor1D): Tensor2D {
  const op = tf.customGrad((...args: (Tensor | tf.GradSaveFunc)[]) => {
    const [xi, wi, bi] = args as [Tensor2D, Tensor2D, Tensor1D];
    const save = args[3] as tf.GradSaveFunc;
    save([xi, wi]);
    return {
      value: wasmMatMul(xi, wi, false, false, bi),
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [xs, ws] = saved as [Tensor2D, Tensor2D];
        const g = dy as Tensor2D;
        // db: tfjs-backend-wasm sums over axis 0 by transposing first (~50 ms for 700 × 10k); a GEMM with a row of
        // ones took ~9 ms, the column-sum kernel ~2 ms (it is off with NLPKIT_WASM_FUSED=0).
        const db = registerWasmPointwise() ? wasmColumnSum(g) : tf.reshape<tf.Rank.R1>(wasmMatMul(tf.ones([1, g.shape[0]]), g), [g.shape[1]]);
        return [wasmMatMul(g, ws, false, true), wasmMatMul(xs, g, true, false), db];
      },
    };
  });
  return op(x, w, b) as Tensor2D;
}

function cpuAffine(x: Tensor2D, w: Tensor2D, b: Tensor1D): Tensor2D {
  const op = tf.customGrad((...args: (Tensor | tf.GradSaveFunc)[]) => {
    const [xi, wi, bi] = args as [Tensor2D, Tensor2D, Tensor1D];
    const save = args[3] as tf.GradSaveFunc;
    save([xi, wi]);
    return {
      value: cpuMatMul(xi, wi, false, false, bi),
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [xs, ws] = saved as [Tensor2D, Tensor2D];
        const g = dy as Tensor2D;
        return [cpuMatMul(g, ws, false, true), cpuMatMul(xs, g, true, false), cpuColumnSum(g)];
      },
    };
  });
  return op(x, w, b) as Tensor2D;
}
