import * as tf from '@tensorflow/tfjs-core';
import type { Tensor1D, Tensor2D, TensorInfo } from '@tensorflow/tfjs-core';
import { registerWebgpuKernels, webgpuFlatProgram, type WebgpuKernel } from './webgpuProgram.js';

/**
 * Softmax cross-entropy for tfjs-backend-webgpu as two WGSL kernels under names of our own, the GPU counterpart of
 * the cpu and wasm fused kernels (`fusedKernels.ts`, `wasmPointwise.wat`):
 * - `NlpkitSoftmaxXentRows`: one workgroup per row of the logits `[N, V]` reduces it (maximum, sum, sum of
 *   exponentials, in workgroup memory) and writes `[loss, lse]` per row, `[N, 2]`: the row's label-smoothed loss
 *   −[(1 − ε)·log p_t + ε·mean_j log p_j] (log p_t floored at log 1e-38, as on cpu and wasm) and its log-sum-exp;
 * - `NlpkitSoftmaxXentGrad`: one invocation per logit writes the gradient `(exp(x − lse) − q) · scale_i`, q the
 *   smoothed one-hot target, from the logits and each row's lse.
 *
 * Why: tfjs's op-by-op path (softmax, a gather of the targets, log, the mean of the logits for smoothing; then a
 * one-hot, its cast, scaling and shift, a subtraction and a broadcast multiply for the gradient) writes several
 * `[N, V]` tensors and keeps the softmax alive from the forward pass to the backward one. Here the forward pass
 * reads the logits twice and keeps `[N, 2]`; the gradient reads them once and writes once. Measured on an LSTM
 * LM's output (700 × 10k, forward and backward, Chromium's SwiftShader adapter): 26 kernels → 19 (35 → 19 with
 * label smoothing; the rest are [N]-sized), and the peak memory beyond the logits and their gradient
 * 112 MB → 28 MB (168 MB → 28 MB).
 *
 * No host read-back: a target outside `[0, V)` cannot be reported as an error from the GPU without one, so its
 * row's loss is NaN (the loss the caller reads is then NaN, never a number computed from another row's logit); so is
the loss of a row with a NaN logit, found by its bits (a GPU's max() may drop NaN, and SwiftShader's does).
 * Arithmetic is float32 throughout (reductions as trees of workgroup partial sums), within 1e-5 of the float64
 * reference on the loss and 1e-6 on the gradient in the tests.
 */
const ROWS = 'NlpkitSoftmaxXentRows';
const GRAD = 'NlpkitSoftmaxXentGrad';

/** ln(1e-38) in float32: the floor of log p_t (the `TINY` of the cpu and wasm kernels). */
const LOG_TINY = '-87.49823';

/** Threads per row: tfjs's own softmax uses 256 from 4,096 columns, else 64. */
const rowWorkgroup = (V: number): number => (V >= 4096 ? 256 : 64);

function rowsCode(N: number, V: number, W: number): string {
  return `
  var<workgroup> partMax : array<f32, ${W}>;
  var<workgroup> partSum : array<f32, ${W}>;
  var<workgroup> partNan : array<u32, ${W}>;
  fn main(index : i32) {
    let tid = i32(localId.x);
    // One workgroup per row (counted over both dimensions of a spread dispatch); extra workgroups redo the last
    // row and write nothing.
    let slot = i32(workgroupId.y * numWorkgroups.x + workgroupId.x);
    let row = min(slot, ${N - 1});
    let base = row * ${V};
    var m = -3.402823e+38;
    var total = 0.0;
    var nan = 0u;
    for (var j = tid; j < ${V}; j = j + ${W}) {
      let x = L[base + j];
      m = max(m, x);
      total = total + x;
      nan = nan | u32(isnan(x));
    }
    partMax[tid] = m;
    partSum[tid] = total;
    partNan[tid] = nan;
    workgroupBarrier();
    for (var half = ${W / 2}; half > 0; half = half / 2) {
      if (tid < half) {
        partMax[tid] = max(partMax[tid], partMax[tid + half]);
        partSum[tid] = partSum[tid] + partSum[tid + half];
        partNan[tid] = partNan[tid] | partNan[tid + half];
      }
      workgroupBarrier();
    }
    let rowMax = partMax[0];
    let rowNan = partNan[0] != 0u;
    let rowTotal = partSum[0];
    workgroupBarrier();
    var e = 0.0;
    for (var j = tid; j < ${V}; j = j + ${W}) {
      e = e + exp(L[base + j] - rowMax);
    }
    partSum[tid] = e;
    workgroupBarrier();
    for (var half = ${W / 2}; half > 0; half = half / 2) {
      if (tid < half) {
        partSum[tid] = partSum[tid] + partSum[tid + half];
      }
      workgroupBarrier();
    }
    if (tid == 0 && slot < ${N}) {
      let lse = rowMax + log(partSum[0]);
      let t = T[row];
      var loss = uniforms.nan;
      if (t >= 0 && t < ${V} && !rowNan) {
        loss = -max(L[base + t] - lse, ${LOG_TINY});
        if (uniforms.eps > 0.0) {
          loss = (1.0 - uniforms.eps) * loss - uniforms.eps * (rowTotal / ${V}.0 - lse);
        }
      }
      result[row * 2] = loss;
      result[row * 2 + 1] = lse;
    }
  }`;
}

function gradCode(N: number, V: number): string {
  return `
  fn main(index : i32) {
    if (index >= ${N * V}) { return; }
    let i = index / ${V};
    let j = index - i * ${V};
    var g = exp(L[index] - S[i * 2 + 1]) - uniforms.eps / ${V}.0;
    if (j == T[i]) {
      g = g - (1.0 - uniforms.eps);
    }
    result[index] = g * K[i];
  }`;
}

const GRAD_WORKGROUP = 64;

const UNIFORMS = 'eps : f32, nan : f32,';

const uniforms = (eps: number): { type: string; data: number[] }[] => [
  { type: 'float32', data: [eps] },
  { type: 'float32', data: [Number.NaN] },
];

const KERNELS: Record<string, WebgpuKernel> = {
  [ROWS]: (inputs, backend, attrs) => {
    const { logits, targets } = inputs as Record<string, TensorInfo>;
    const [N, V] = (logits as TensorInfo).shape as [number, number];
    const W = rowWorkgroup(V);
    const p = webgpuFlatProgram({ shaderKey: `nlpkit_softmax_xent_rows_${N}_${V}_${W}`, outputShape: [N, 2], workgroups: N, workgroupSize: W, variableNames: ['L', 'T'], uniforms: UNIFORMS, code: rowsCode(N, V, W) });
    return backend.runWebGPUProgram(p, [logits, targets] as TensorInfo[], 'float32', uniforms(attrs['eps'] as number));
  },
  [GRAD]: (inputs, backend, attrs) => {
    const { logits, targets, stats, scale } = inputs as Record<string, TensorInfo>;
    const [N, V] = (logits as TensorInfo).shape as [number, number];
    const p = webgpuFlatProgram({
      shaderKey: `nlpkit_softmax_xent_grad_${N}_${V}`, outputShape: [N, V], workgroups: Math.ceil((N * V) / GRAD_WORKGROUP), workgroupSize: GRAD_WORKGROUP,
      variableNames: ['L', 'T', 'S', 'K'], uniforms: UNIFORMS, code: gradCode(N, V),
    });
    return backend.runWebGPUProgram(p, [logits, targets, stats, scale] as TensorInfo[], 'float32', uniforms(attrs['eps'] as number));
  },
};

/**
 * Makes the softmax cross-entropy kernels available when the active backend is webgpu, and says whether they are
 * (see `registerWebgpuKernels`: on first call, idempotent; other backends: false).
 */
export function registerWebgpuSoftmaxXentKernels(): boolean {
  return registerWebgpuKernels(KERNELS);
}

/**
 * Per-row `[loss, lse]` of float32 `logits: [N, V]` (N ≥ 1, V ≥ 1) against int32 `targets: [N]`, label-smoothed
 * by `eps`, on the webgpu kernel; no gradient of its own.
 */
export function webgpuSoftmaxXentRows(logits: Tensor2D, targets: Tensor1D, eps: number): Tensor2D {
  return tf.engine().runKernel(ROWS, { logits, targets }, { eps });
}

/** The gradient `(exp(logits − lse) − q) · scale` (q the smoothed one-hot targets) on the webgpu kernel; no gradient. */
export function webgpuSoftmaxXentGrad(logits: Tensor2D, targets: Tensor1D, stats: Tensor2D, scale: Tensor1D, eps: number): Tensor2D {
  return tf.engine().runKernel(GRAD, { logits, targets, stats, scale }, { eps });
}
