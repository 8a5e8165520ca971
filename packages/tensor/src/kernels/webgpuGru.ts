import * as tf from '@tensorflow/tfjs-core';
import type { Tensor1D, Tensor2D, Tensor3D, TensorInfo } from '@tensorflow/tfjs-core';
import { registerWebgpuKernels, stepUniform, WGSL_ACTIVATIONS, webgpuStepProgram, type WebgpuKernel } from './webgpuProgram.js';

/**
 * Fused GRU time steps (PyTorch's cell: reset applied after the recurrent matmul, gate order r, z, n) for
 * tfjs-backend-webgpu, as WGSL kernels under names of our own: one dispatch per step forward and one backward.
 * Why, and how the kernels are written: see webgpuLstm.ts.
 *
 * Layouts (float32, row-major):
 * - forward state `[B, 6H]`, per row `[h, r, z, n, hn, y]`: the carried h, the gates, the recurrent part of the
 *   candidate `hn = (h·W + b)_n`, and the step's output `y = m·h` (0 at padding, where h carries over);
 * - backward state `[B, 5H]`, per row `[dr, dz, dn (pre-activation, 3H), dhn, dhCarry]`: `[dr, dz, dhn]` is the
 *   gradient of `h·W + b`, so step t − 1 computes its `· Wᵀ`.
 */
const FORWARD = 'NlpkitGruForwardStep';
const BACKWARD = 'NlpkitGruBackwardStep';

/** Inputs: X `[T, B, 3H]` (input projections, input bias added), S `[B, 6H]`, W `[H, 3H]`, BH `[3H]`, M `[T, B]`. */
function forwardCode(B: number, H: number): string {
  const G = 3 * H;
  return `${WGSL_ACTIVATIONS}
  fn main(index : i32) {
    if (index >= ${B * H}) { return; }
    let b = index / ${H};
    let j = index - b * ${H};
    let s = b * ${6 * H};
    var ar = 0.0; var az = 0.0; var an = 0.0;
    for (var m = 0; m < ${H}; m = m + 1) {
      let hm = S[s + m];
      let w = m * ${G} + j;
      ar = ar + hm * W[w];
      az = az + hm * W[w + ${H}];
      an = an + hm * W[w + ${2 * H}];
    }
    let x = (uniforms.step * ${B} + b) * ${G} + j;
    let r = nlpkitSigmoid(X[x] + (ar + BH[j]));
    let z = nlpkitSigmoid(X[x + ${H}] + (az + BH[j + ${H}]));
    let hn = an + BH[j + ${2 * H}];
    let n = nlpkitTanh(X[x + ${2 * H}] + r * hn);
    let hPrev = S[s + j];
    let hN = n + z * (hPrev - n);
    let mask = M[uniforms.step * ${B} + b];
    let y = mask * hN;
    let out = s + j;
    result[out] = y + (1.0 - mask) * hPrev;
    result[out + ${H}] = r;
    result[out + ${2 * H}] = z;
    result[out + ${3 * H}] = n;
    result[out + ${4 * H}] = hn;
    result[out + ${5 * H}] = y;
  }`;
}

/**
 * Inputs: DY `[T + 1, B, H]` (gradients of the outputs, then of the final h), P `[B, 5H]` (step t + 1's backward
 * state), FS `[T + 1, B, 6H]` (the initial state, then each step's), W `[H, 3H]`, M `[T, B]`.
 */
function backwardCode(B: number, H: number): string {
  const G = 3 * H;
  return `${WGSL_ACTIVATIONS}
  fn main(index : i32) {
    if (index >= ${B * H}) { return; }
    let b = index / ${H};
    let j = index - b * ${H};
    let p = b * ${5 * H};
    var dhRec = 0.0;
    for (var k = 0; k < ${2 * H}; k = k + 1) {
      dhRec = dhRec + P[p + k] * W[j * ${G} + k];
    }
    for (var k = ${2 * H}; k < ${G}; k = k + 1) {
      dhRec = dhRec + P[p + ${H} + k] * W[j * ${G} + k];
    }
    let dh = dhRec + P[p + ${4 * H} + j];
    let mask = M[uniforms.step * ${B} + b];
    let dhN = mask * (dh + DY[(uniforms.step * ${B} + b) * ${H} + j]);
    let s = ((uniforms.step + 1) * ${B} + b) * ${6 * H} + j;
    let r = FS[s + ${H}];
    let z = FS[s + ${2 * H}];
    let n = FS[s + ${3 * H}];
    let hn = FS[s + ${4 * H}];
    let hPrev = FS[(uniforms.step * ${B} + b) * ${6 * H} + j];
    let dnPre = (dhN * (1.0 - z)) * (1.0 - n * n);
    let out = p + j;
    result[out] = (dnPre * hn) * (r * (1.0 - r));
    result[out + ${H}] = (dhN * (hPrev - n)) * (z * (1.0 - z));
    result[out + ${2 * H}] = dnPre;
    result[out + ${3 * H}] = dnPre * r;
    result[out + ${4 * H}] = dhN * z + (1.0 - mask) * dh;
  }`;
}


const KERNELS: Record<string, WebgpuKernel> = {
  [FORWARD]: (inputs, backend, attrs) => {
    const { xp, state, wHh, bHh, masks } = inputs as Record<string, TensorInfo>;
    const [B, cols] = (state as TensorInfo).shape as [number, number];
    const H = cols / 6;
    const p = webgpuStepProgram(`nlpkit_gru_forward_${B}_${H}`, [B, 6 * H], B * H, ['X', 'S', 'W', 'BH', 'M'], forwardCode(B, H));
    return backend.runWebGPUProgram(p, [xp, state, wHh, bHh, masks] as TensorInfo[], 'float32', stepUniform(attrs['step'] as number));
  },
  [BACKWARD]: (inputs, backend, attrs) => {
    const { dy, prev, states, wHh, masks } = inputs as Record<string, TensorInfo>;
    const [B, cols] = (prev as TensorInfo).shape as [number, number];
    const H = cols / 5;
    const p = webgpuStepProgram(`nlpkit_gru_backward_${B}_${H}`, [B, 5 * H], B * H, ['DY', 'P', 'FS', 'W', 'M'], backwardCode(B, H));
    return backend.runWebGPUProgram(p, [dy, prev, states, wHh, masks] as TensorInfo[], 'float32', stepUniform(attrs['step'] as number));
  },
};

/**
 * Makes the fused GRU step kernels available when the active backend is webgpu, and says whether they are
 * (registered on first call, idempotent; other backends: false, nothing registered).
 */
export function registerWebgpuGruKernels(): boolean {
  return registerWebgpuKernels(KERNELS);
}

/**
 * One GRU step forward on the webgpu kernel; no gradient of its own.
 * @param xp input projections of every step `[T, B, 3H]` (input bias added); step `step` is read
 * @param state the previous forward state `[B, 6H]` (only h is read: `[h0, 0…]` to start)
 * @param wHh recurrent weights `[H, 3H]`, @param bHh recurrent bias `[3H]`, @param masks `[T, B]` (1 valid, 0 padding)
 * @returns the new forward state `[B, 6H]`
 */
export function webgpuGruForwardStep(xp: Tensor3D, state: Tensor2D, wHh: Tensor2D, bHh: Tensor1D, masks: Tensor2D, step: number): Tensor2D {
  return tf.engine().runKernel(FORWARD, { xp, state, wHh, bHh, masks }, { step });
}

/**
 * One GRU step backward on the webgpu kernel; no gradient of its own.
 * @param dy `[T + 1, B, H]`: gradients of the step outputs, then of the final h
 * @param prev step `step + 1`'s backward state `[B, 5H]` (`[0 (4H), dh_T]` to start)
 * @param states `[T + 1, B, 6H]`, @param wHh `[H, 3H]`, @param masks `[T, B]`
 * @returns the backward state of step `step` `[B, 5H]`
 */
export function webgpuGruBackwardStep(dy: Tensor3D, prev: Tensor2D, states: Tensor3D, wHh: Tensor2D, masks: Tensor2D, step: number): Tensor2D {
  return tf.engine().runKernel(BACKWARD, { dy, prev, states, wHh, masks }, { step });
}
