import * as tf from '@tensorflow/tfjs-core';
import type { Tensor2D, Tensor3D, TensorInfo } from '@tensorflow/tfjs-core';
import { registerWebgpuKernels, stepUniform, WGSL_ACTIVATIONS, webgpuStepProgram, type WebgpuKernel } from './webgpuProgram.js';

/**
 * Fused LSTM time steps for tfjs-backend-webgpu, as WGSL kernels under names of our own: one dispatch per step
 * forward (recurrent matmul + gate nonlinearities + state update) and one per step backward (the previous step's
 * `dGate · Wᵀ` + the gate derivatives), where tfjs's generic kernels take ~15 and ~20.
 *
 * Why: a recurrent step is a chain of tiny kernels, so on a GPU its time is launch overhead, not arithmetic; and
 * tfjs picks a barrier-heavy reduction program for small matmuls, which a software adapter (SwiftShader) runs
 * ~100× slower than a plain loop. Each invocation here computes one (row, unit) pair with plain loops: no
 * workgroup memory, no barriers.
 *
 * Layouts (every tensor float32, row-major):
 * - forward state `[B, 8H]`, per row `[h, c, i, f, g, o, tanh(c), y]`: the carried state, the gate activations the
 *   backward pass needs, and the step's output `y = m·h` (0 at padding, where h and c carry over unchanged);
 * - backward state `[B, 6H]`, per row `[dGates (4H, order i f g o), dc, dhCarry]`: what step t hands to step t − 1.
 * Gradients are not registered for these kernels: they are called inside a `tf.customGrad` (see `@nlpkit/rnn`'s
 * fused LSTM sequence), whose gradient calls the backward kernel.
 */
const FORWARD = 'NlpkitLstmForwardStep';
const BACKWARD = 'NlpkitLstmBackwardStep';

/** Step `uniforms.step` forward. Inputs: X `[T, B, 4H]` projected inputs, S `[B, 8H]`, W `[H, 4H]`, M `[T, B]`. */
function forwardCode(B: number, H: number): string {
  const G = 4 * H;
  return `${WGSL_ACTIVATIONS}
  fn main(index : i32) {
    if (index >= ${B * H}) { return; }
    let b = index / ${H};
    let j = index - b * ${H};
    let s = b * ${8 * H};
    var ai = 0.0; var af = 0.0; var ag = 0.0; var ao = 0.0;
    for (var m = 0; m < ${H}; m = m + 1) {
      let hm = S[s + m];
      let w = m * ${G} + j;
      ai = ai + hm * W[w];
      af = af + hm * W[w + ${H}];
      ag = ag + hm * W[w + ${2 * H}];
      ao = ao + hm * W[w + ${3 * H}];
    }
    let x = (uniforms.step * ${B} + b) * ${G} + j;
    let i = nlpkitSigmoid(X[x] + ai);
    let f = nlpkitSigmoid(X[x + ${H}] + af);
    let g = nlpkitTanh(X[x + ${2 * H}] + ag);
    let o = nlpkitSigmoid(X[x + ${3 * H}] + ao);
    let hPrev = S[s + j];
    let cPrev = S[s + ${H} + j];
    let cN = f * cPrev + i * g;
    let tc = nlpkitTanh(cN);
    let hN = o * tc;
    let mask = M[uniforms.step * ${B} + b];
    let y = mask * hN;
    let out = s + j;
    result[out] = y + (1.0 - mask) * hPrev;
    result[out + ${H}] = mask * cN + (1.0 - mask) * cPrev;
    result[out + ${2 * H}] = i;
    result[out + ${3 * H}] = f;
    result[out + ${4 * H}] = g;
    result[out + ${5 * H}] = o;
    result[out + ${6 * H}] = tc;
    result[out + ${7 * H}] = y;
  }`;
}

/**
 * Step `uniforms.step` backward. Inputs: DY `[T + 2, B, H]` (gradients of the outputs, then of the final h and c),
 * P `[B, 6H]` (step t + 1's backward state), FS `[T + 1, B, 8H]` (the initial state, then each step's forward
 * state), W `[H, 4H]`, M `[T, B]`.
 */
function backwardCode(B: number, H: number): string {
  const G = 4 * H;
  return `${WGSL_ACTIVATIONS}
  fn main(index : i32) {
    if (index >= ${B * H}) { return; }
    let b = index / ${H};
    let j = index - b * ${H};
    let p = b * ${6 * H};
    var dhRec = 0.0;
    for (var k = 0; k < ${G}; k = k + 1) {
      dhRec = dhRec + P[p + k] * W[j * ${G} + k];
    }
    let dh = dhRec + P[p + ${5 * H} + j];
    let dc = P[p + ${4 * H} + j];
    let mask = M[uniforms.step * ${B} + b];
    let dhN = mask * (dh + DY[(uniforms.step * ${B} + b) * ${H} + j]);
    let dcN = mask * dc;
    let s = ((uniforms.step + 1) * ${B} + b) * ${8 * H} + j;
    let i = FS[s + ${2 * H}];
    let f = FS[s + ${3 * H}];
    let g = FS[s + ${4 * H}];
    let o = FS[s + ${5 * H}];
    let tc = FS[s + ${6 * H}];
    let cPrev = FS[(uniforms.step * ${B} + b) * ${8 * H} + ${H} + j];
    let dcT = dcN + dhN * (o * (1.0 - tc * tc));
    let out = p + j;
    result[out] = dcT * (g * (i * (1.0 - i)));
    result[out + ${H}] = dcT * (cPrev * (f * (1.0 - f)));
    result[out + ${2 * H}] = dcT * (i * (1.0 - g * g));
    result[out + ${3 * H}] = dhN * (tc * (o * (1.0 - o)));
    result[out + ${4 * H}] = dcT * f + (1.0 - mask) * dc;
    result[out + ${5 * H}] = (1.0 - mask) * dh;
  }`;
}


const dims = (state: TensorInfo | undefined, width: number): [number, number] => {
  const [B, cols] = (state as TensorInfo).shape as [number, number];
  return [B, cols / width];
};

const KERNELS: Record<string, WebgpuKernel> = {
  [FORWARD]: (inputs, backend, attrs) => {
    const { xp, state, wHh, masks } = inputs as Record<string, TensorInfo>;
    const [B, H] = dims(state, 8);
    const p = webgpuStepProgram(`nlpkit_lstm_forward_${B}_${H}`, [B, 8 * H], B * H, ['X', 'S', 'W', 'M'], forwardCode(B, H));
    return backend.runWebGPUProgram(p, [xp, state, wHh, masks] as TensorInfo[], 'float32', stepUniform(attrs['step'] as number));
  },
  [BACKWARD]: (inputs, backend, attrs) => {
    const { dy, prev, states, wHh, masks } = inputs as Record<string, TensorInfo>;
    const [B, H] = dims(prev, 6);
    const p = webgpuStepProgram(`nlpkit_lstm_backward_${B}_${H}`, [B, 6 * H], B * H, ['DY', 'P', 'FS', 'W', 'M'], backwardCode(B, H));
    return backend.runWebGPUProgram(p, [dy, prev, states, wHh, masks] as TensorInfo[], 'float32', stepUniform(attrs['step'] as number));
  },
};

/**
 * Makes the fused LSTM step kernels available when the active backend is webgpu, and says whether they are.
 * Registration lives in tfjs's kernel registry (no state of our own), happens on first call (never at import
 * time) and is idempotent, so callers may ask on every use. Other backends: false, nothing registered.
 * @returns true when {@link webgpuLstmForwardStep} and {@link webgpuLstmBackwardStep} can run
 */
export function registerWebgpuLstmKernels(): boolean {
  return registerWebgpuKernels(KERNELS);
}

/**
 * One LSTM step forward on the webgpu kernel (standard LSTM, gate order i, f, g, o); no gradient of its own.
 * @param xp projected inputs of every step `[T, B, 4H]` (bias added); step `step` is read
 * @param state the previous forward state `[B, 8H]` (only its h and c are read: `[h0, c0, 0…]` to start)
 * @param wHh recurrent weights `[H, 4H]`
 * @param masks `[T, B]`: 1 where a row has step t, 0 at padding
 * @returns the new forward state `[B, 8H]` (layout in this file's notes)
 */
export function webgpuLstmForwardStep(xp: Tensor3D, state: Tensor2D, wHh: Tensor2D, masks: Tensor2D, step: number): Tensor2D {
  return tf.engine().runKernel(FORWARD, { xp, state, wHh, masks }, { step });
}

/**
 * One LSTM step backward on the webgpu kernel; no gradient of its own.
 * @param dy `[T + 2, B, H]`: gradients of the step outputs, then of the final h, then of the final c
 * @param prev step `step + 1`'s backward state `[B, 6H]` (`[0 (4H), dc_T, dh_T]` to start)
 * @param states `[T + 1, B, 8H]`: the initial forward state, then each step's
 * @param wHh recurrent weights `[H, 4H]`
 * @param masks `[T, B]`
 * @returns the backward state of step `step` `[B, 6H]`: its gate gradients, and the gradients carried to step − 1
 */
export function webgpuLstmBackwardStep(dy: Tensor3D, prev: Tensor2D, states: Tensor3D, wHh: Tensor2D, masks: Tensor2D, step: number): Tensor2D {
  return tf.engine().runKernel(BACKWARD, { dy, prev, states, wHh, masks }, { step });
}
