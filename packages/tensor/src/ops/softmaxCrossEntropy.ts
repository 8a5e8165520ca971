import * as tf from '@tensorflow/tfjs-core';
import type { Scalar, Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs-core';
import { cpuSoftmaxXent, cpuSoftmaxXentGrad, registerFusedKernels } from '../kernels/fusedKernels.js';
import { TINY } from '../kernels/softmaxXent.js';
import { registerWasmPointwise, wasmSoftmaxXent, wasmSoftmaxXentGrad } from '../kernels/wasmPointwise.js';
import { registerWebgpuSoftmaxXentKernels, webgpuSoftmaxXentGrad, webgpuSoftmaxXentRows } from '../kernels/webgpuSoftmaxXent.js';

/**
 * Mean token cross-entropy of `logits: [N, V]` (float32) against int32 `targets: [N]`, weighted by an optional
 * float32 `mask: [N]` (1 for real tokens, 0 for padding; the mean is over Σ mask) and label-smoothed by `eps`:
 * −Σᵢ mᵢ Σⱼ qᵢⱼ log pᵢⱼ / Σᵢ mᵢ with q = (1 − ε)·onehot + ε/V. Differentiable with respect to `logits`.
 *
 * This is the fused kernel without argument checks, for loss functions that have checked their inputs
 * (`crossEntropy` in `@nlpkit/train` is the checked one). One op, because the softmax over a 10k vocabulary
 * dominates an LM step: the forward pass runs the backend's softmax once and needs no full log-probability
 * tensor, since Σⱼ log pⱼ = Σⱼ xⱼ − V·lse and lse = x_t − log p_t; the gradient is `(p − q) · m / Σm`, reusing p.
 * On the cpu backend softmax, losses and gradient each run in one pass over the logits (nlpkit's fused kernels);
 * on wasm, likewise in WebAssembly SIMD (`wasmPointwise.wat`); on webgpu, as two WGSL kernels
 * (`webgpuSoftmaxXent.ts`: per-row loss and log-sum-exp, then the gradient from the logits; no softmax kept).
 */
export function softmaxCrossEntropy(logits: Tensor2D, targets: Tensor1D, mask?: Tensor1D, eps = 0): Scalar {
  const [N, V] = logits.shape;
  if (registerFusedKernels()) return fusedSoftmaxCrossEntropy(CPU, logits, targets, mask ?? tf.ones([N]), eps);
  const typed = logits.dtype === 'float32' && targets.dtype === 'int32';
  if (typed && registerWasmPointwise()) return fusedSoftmaxCrossEntropy(WASM, logits, targets, mask ?? tf.ones([N]), eps);
  if (typed && N > 0 && V > 0 && registerWebgpuSoftmaxXentKernels()) return fusedSoftmaxCrossEntropy(WEBGPU, logits, targets, mask ?? tf.ones([N]), eps);
  const op = tf.customGrad((...args: (Tensor | tf.GradSaveFunc)[]) => {
    const [lg, tg, mk] = args as [Tensor2D, Tensor1D, Tensor1D];
    const save = args[3] as tf.GradSaveFunc;
    const p = tf.softmax(lg);
    const idx = tf.stack([tf.range(0, N, 1, 'int32'), tg], 1);
    const logPt = tf.log(tf.maximum(tf.gatherND(p, idx), TINY));
    let rows = tf.neg(logPt) as Tensor1D;
    if (eps > 0) {
      // mean_j log p_j = mean_j x_j − lse, with lse = x_t − log p_t.
      const lse = tf.sub(tf.gatherND(lg, idx), logPt);
      const meanLogP = tf.sub(tf.mean(lg, 1), lse);
      rows = tf.sub(tf.mul(rows, 1 - eps), tf.mul(meanLogP, eps));
    }
    const denom = tf.maximum(tf.sum(mk), 1e-12);
    // The targets are saved too, so the gradient does not depend on the caller keeping them alive.
    save([p, mk, denom, tg]);
    return {
      value: tf.div(tf.sum(tf.mul(rows, mk)), denom) as Scalar,
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [ps, m, d, ts] = saved as [Tensor2D, Tensor1D, Scalar, Tensor1D];
        // oneHot's on/off values are ignored by the wasm kernel (it returns 1/0), so scale and shift explicitly.
        const onehot = tf.cast(tf.oneHot(ts, V), 'float32');
        const q = eps === 0 ? onehot : tf.add(tf.mul(onehot, 1 - eps), eps / V);
        // Without a mask every row has the same weight: a scalar multiply, which backends run much faster than
        // a [N, 1] broadcast over [N, V] (1.4 s vs ~0.4 s on the cpu backend for 700 × 10k).
        const scale = mask === undefined ? tf.div(dy, d) : tf.reshape(tf.mul(tf.div(m, d), dy), [N, 1]);
        return [tf.mul(tf.sub(ps, q), scale), tf.zerosLike(ts), tf.zerosLike(m)];
      },
    };
  });
  return op(logits, targets, mask ?? tf.ones([N])) as Scalar;
}

/**
 * A fused {@link softmaxCrossEntropy}: a forward kernel that gives each row's loss and the tensors its gradient
 * kernel needs, and that gradient kernel given the per-row scale `mask / Σmask · dy`.
 */
interface FusedSoftmaxXent {
  forward(logits: Tensor2D, targets: Tensor1D, eps: number): { rows: Tensor1D; saved: Tensor[] };
  gradient(saved: Tensor[], targets: Tensor1D, scale: Tensor1D, eps: number): Tensor2D;
}

/** nlpkit's cpu kernels: softmax, losses and the gradient each in one pass over the `[N, V]` logits (~2.4 s for 700 × 10k op by op). */
const CPU: FusedSoftmaxXent = {
  forward: (logits, targets, eps) => {
    const [p, rows] = cpuSoftmaxXent(logits, targets, eps);
    return { rows, saved: [p] };
  },
  gradient: ([p], targets, scale, eps) => cpuSoftmaxXentGrad(p as Tensor2D, targets, scale, eps),
};

/** nlpkit's WebAssembly kernels: one writes exp(x − max) and the losses, one the gradient (no tfjs Softmax or one-hot). */
const WASM: FusedSoftmaxXent = {
  forward: (logits, targets, eps) => {
    const [e, rows, inv] = wasmSoftmaxXent(logits, targets, eps);
    return { rows, saved: [e, inv] };
  },
  gradient: ([e, inv], targets, scale, eps) => wasmSoftmaxXentGrad(e as Tensor2D, targets, inv as Tensor1D, scale, eps),
};

/** nlpkit's WGSL kernels: per-row `[loss, lse]` forward, the gradient from the logits and lse (no softmax kept). */
const WEBGPU: FusedSoftmaxXent = {
  forward: (logits, targets, eps) => {
    const stats = webgpuSoftmaxXentRows(logits, targets, eps);
    return { rows: tf.reshape(tf.slice(stats, [0, 0], [-1, 1]), [-1]) as Tensor1D, saved: [logits, stats] };
  },
  gradient: ([logits, stats], targets, scale, eps) => webgpuSoftmaxXentGrad(logits as Tensor2D, targets, stats as Tensor2D, scale, eps),
};

/** {@link softmaxCrossEntropy} on one of nlpkit's fused kernel pairs. */
function fusedSoftmaxCrossEntropy(kernels: FusedSoftmaxXent, logits: Tensor2D, targets: Tensor1D, mask: Tensor1D, eps: number): Scalar {
  const op = tf.customGrad((...args: (Tensor | tf.GradSaveFunc)[]) => {
    const [lg, tg, mk] = args as [Tensor2D, Tensor1D, Tensor1D];
    const save = args[3] as tf.GradSaveFunc;
    const { rows, saved } = kernels.forward(lg, tg, eps);
    const denom = tf.maximum(tf.sum(mk), 1e-12);
    // The targets are saved too, so the gradient does not depend on the caller keeping them alive.
    save([...saved, mk, denom, tg]);
    return {
      value: tf.div(tf.sum(tf.mul(rows, mk)), denom) as Scalar,
      gradFunc: (dy: Tensor, kept: Tensor[]) => {
        const [m, d, ts] = kept.slice(saved.length) as [Tensor1D, Scalar, Tensor1D];
        const scale = tf.mul(tf.div(m, d), dy) as Tensor1D;
        return [kernels.gradient(kept.slice(0, saved.length), ts, scale, eps), tf.zerosLike(ts), tf.zerosLike(m)];
      },
    };
  });
  return op(logits, targets, mask) as Scalar;
}
