import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs-core';
import { cpuColumnSum, cpuMatMul, useCpuKernels } from './cpuKernels.js';
import { matMul } from './matMul.js';
import { checkShape } from './validate.js';

/** Parameters of an affine layer, input-major weight `[in, out]`. */
export interface DenseParams {
  w: Tensor2D;
  b?: Tensor1D;
}

/**
 * `x·w + b` for `x: [N, in]`. Use with `tiedWeight(embeddingTable)` for tied input/output embeddings
 * (Press & Wolf 2017; Inan et al. 2017).
 */
export function dense(params: DenseParams, x: Tensor2D): Tensor2D {
  checkShape('x', x, [null, params.w.shape[0]], ['N', `in=${params.w.shape[0]}`]);
  return params.b === undefined ? matMul(x, params.w) : affine(x, params.w, params.b);
}

/**
 * `x·w + b` without shape checks, for callers that have checked them (the cells' input projections): one
 * fused op on the cpu backend, {@link matMul} and a broadcast add elsewhere.
 */
export function affine(x: Tensor2D, w: Tensor2D, b: Tensor1D): Tensor2D {
  const floats = x.dtype === 'float32' && w.dtype === 'float32' && b.dtype === 'float32';
  return floats && useCpuKernels() ? cpuAffine(x, w, b) : tf.add<Tensor2D>(matMul(x, w), b);
}

/**
 * `x·w + b` as one op on this package's cpu kernels. Why: on the cpu backend a broadcast add over a 700 × 10k
 * output and its gradient (a sum over axis 0, which tfjs-backend-cpu does by transposing first) cost more than
 * 0.5 s per LM step; here the bias is added while the matmul writes its output and db is a plain column sum.
 */
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

/**
 * The output weight `[D, V]` of a tied embedding `[V, D]`: one differentiable transpose, so gradients from the
 * softmax and from the lookup both reach the same table.
 */
export function tiedWeight(table: Tensor2D): Tensor2D {
  return tf.transpose(table);
}
