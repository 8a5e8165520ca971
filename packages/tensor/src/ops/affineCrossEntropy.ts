import * as tf from '@tensorflow/tfjs-core';
import type { Scalar, Tensor1D, Tensor2D } from '@tensorflow/tfjs-core';
import { affineXentKernelOn, wasmAffineXent } from '../kernels/wasmAffineXent.js';
import { affine } from './affine.js';
import { softmaxCrossEntropy } from './softmaxCrossEntropy.js';

/**
 * Mean token cross-entropy of the logits `x·w + b` (x `[N, in]`, w `[in, V]`, b `[V]`, float32) against int32
 * `targets: [N]`, weighted by an optional float32 `mask: [N]` and label-smoothed by `eps`: the value of
 * `softmaxCrossEntropy(affine(x, w, b), targets, mask, eps)`, without argument checks (callers check them).
 *
 * When no gradient is being recorded (evaluation) and the backend is wasm, the output layer and the loss run as
 * one kernel that never writes the `[N, V]` logits (`wasmAffineXent.ts`: column blocks of logits reduced where
 * the GEMM wrote them, on the GEMM's threads); the result equals the unfused loss to float32 rounding (the
 * log-sum-exp is joined over column blocks). Under a gradient tape, and on other backends, it is exactly
 * `softmaxCrossEntropy(affine(x, w, b), …)`, so it is differentiable everywhere.
 */
export function affineCrossEntropy(x: Tensor2D, w: Tensor2D, b: Tensor1D, targets: Tensor1D, mask?: Tensor1D, eps = 0): Scalar {
  const fused = !tf.engine().isTapeOn() && x.dtype === 'float32' && w.dtype === 'float32' && b.dtype === 'float32' && targets.dtype === 'int32' &&
    x.shape[1] > 0 && w.shape[1] > 0; // the kernel's GEMM needs a depth and a column
  return tf.tidy(() => {
    if (!fused || !affineXentKernelOn()) return softmaxCrossEntropy(affine(x, w, b), targets, mask, eps);
    const [nll, meanLogP] = wasmAffineXent(x, w, b, targets);
    // −[(1 − ε)·log p_t + ε·mean_j log p_j], as softmaxCrossEntropy's rows.
    const rows = eps > 0 ? tf.sub(tf.mul(nll, 1 - eps), tf.mul(meanLogP, eps)) : nll;
    const m = mask ?? tf.ones([x.shape[0]]);
    return tf.div(tf.sum(tf.mul(rows, m)), tf.maximum(tf.sum(m), 1e-12)) as Scalar;
  });
}
