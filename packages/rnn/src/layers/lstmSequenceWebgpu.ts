import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import { plainMatMul, webgpuLstmBackwardStep, webgpuLstmForwardStep } from '@nlpkit/tensor';
import { flattenStepMasks } from './stepMasks.js';

/**
 * {@link lstmSequence} on the webgpu backend's fused step kernels (`@nlpkit/tensor`'s
 * `registerWebgpuLstmKernels`): one dispatch per time step forward and one per step backward, instead of the
 * ~15 and ~20 small kernels of the generic path. Same inputs, output and gradient as `lstmSequence`.
 *
 * The forward states `[T + 1, B, 8H]` (the initial state, then per step `[h, c, i, f, g, o, tanh(c), y]`) are
 * what the backward pass reads; the weight gradient is one matmul over every step, as in `lstmSequence`.
 */
export function lstmSequenceWebgpu(
  xp: Tensor3D,
  wHh: Tensor2D,
  h0: Tensor2D,
  c0: Tensor2D,
  masks: readonly Float32Array[] | null,
): Tensor3D {
  const [T, B] = xp.shape;
  const H = wHh.shape[0];
  const maskValues = flattenStepMasks(masks, T, B);
  const op = tf.customGrad((...args: (Tensor | tf.GradSaveFunc)[]) => {
    const [xpIn, wIn, h0In, c0In] = args as [Tensor3D, Tensor2D, Tensor2D, Tensor2D];
    const save = args[4] as tf.GradSaveFunc;
    const m = tf.tensor2d(maskValues, [T, B]);
    let state = tf.concat([h0In, c0In, tf.zeros([B, 6 * H])], 1) as Tensor2D;
    const states: Tensor2D[] = [state];
    for (let t = 0; t < T; t += 1) {
      state = webgpuLstmForwardStep(xpIn, state, wIn, m, t);
      states.push(state);
    }
    const all = tf.stack(states) as Tensor3D;
    // wIn is saved too: a recurrent weight computed inside the loss function is freed before the backward pass.
    save([all, m, wIn]);
    const last = tf.reshape(state, [1, B, 8 * H]);
    const value = tf.concat(
      [tf.slice(all, [1, 0, 7 * H], [T, B, H]), tf.slice(last, [0, 0, 0], [1, B, H]), tf.slice(last, [0, 0, H], [1, B, H])],
      0,
    ) as Tensor3D;
    const gradFunc = (dy: Tensor, saved: Tensor[]): Tensor[] => {
      const [fs, mSaved, wSaved] = saved as [Tensor3D, Tensor2D, Tensor2D];
      const dys = dy as Tensor3D;
      const dhT = tf.reshape(tf.slice(dys, [T, 0, 0], [1, B, H]), [B, H]);
      const dcT = tf.reshape(tf.slice(dys, [T + 1, 0, 0], [1, B, H]), [B, H]);
      let back = tf.concat([tf.zeros([B, 4 * H]), dcT, dhT], 1) as Tensor2D;
      const backs: Tensor2D[] = new Array<Tensor2D>(T);
      for (let t = T - 1; t >= 0; t -= 1) {
        back = webgpuLstmBackwardStep(dys, back, fs, wSaved, mSaved, t);
        backs[t] = back;
      }
      const packed = tf.stack(backs) as Tensor3D;
      const dXp = tf.slice(packed, [0, 0, 0], [T, B, 4 * H]) as Tensor3D;
      // dh0 = dGates_0 · Wᵀ + the carried part; dc0 is already in step 0's backward state.
      const first = back;
      const dh0 = tf.add(plainMatMul(tf.slice(first, [0, 0], [B, 4 * H]), wSaved, false, true), tf.slice(first, [0, 5 * H], [B, H]));
      const dc0 = tf.slice(first, [0, 4 * H], [B, H]);
      // dW = Σ_t h_{t−1}ᵀ · dGates_t as one matmul over all T·B rows.
      const hPrevs = tf.reshape(tf.slice(fs, [0, 0, 0], [T, B, H]), [T * B, H]) as Tensor2D;
      const dW = plainMatMul(hPrevs, tf.reshape(dXp, [T * B, 4 * H]) as Tensor2D, true, false);
      return [dXp, dW, dh0, dc0];
    };
    return { value, gradFunc };
  });
  return op(xp, wHh, h0, c0) as Tensor3D;
}
