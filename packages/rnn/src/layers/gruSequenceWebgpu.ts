import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor1D, Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import { plainMatMul, webgpuGruBackwardStep, webgpuGruForwardStep } from '@nlpkit/tensor';
import { flattenStepMasks } from './stepMasks.js';

/**
 * A whole GRU sequence (PyTorch's cell, reset after the recurrent matmul) as one differentiable op on the webgpu
 * backend's fused step kernels (`@nlpkit/tensor`'s `registerWebgpuGruKernels`): one dispatch per time step forward
 * and one per step backward, instead of ~15 and ~25 small kernels.
 *
 * @param xp input projections, time-major `[T, batch, 3H]` (input bias added), gate order r, z, n
 * @param wHh recurrent weights `[H, 3H]`
 * @param bHh recurrent bias `[3H]`
 * @param h0 initial state `[batch, H]`
 * @param masks per-step `[batch]` validity (1 valid, 0 padding), or null when every row has every step
 * @returns `[T + 1, batch, H]`: rows 0..T−1 the outputs (0 at padding), row T the final h
 */
export function gruSequenceWebgpu(xp: Tensor3D, wHh: Tensor2D, bHh: Tensor1D, h0: Tensor2D, masks: readonly Float32Array[] | null): Tensor3D {
  const [T, B] = xp.shape;
  const H = wHh.shape[0];
  const maskValues = flattenStepMasks(masks, T, B);
  const op = tf.customGrad((...args: (Tensor | tf.GradSaveFunc)[]) => {
    const [xpIn, wIn, bIn, h0In] = args as [Tensor3D, Tensor2D, Tensor1D, Tensor2D];
    const save = args[4] as tf.GradSaveFunc;
    const m = tf.tensor2d(maskValues, [T, B]);
    let state = tf.concat([h0In, tf.zeros([B, 5 * H])], 1) as Tensor2D;
    const states: Tensor2D[] = [state];
    for (let t = 0; t < T; t += 1) {
      state = webgpuGruForwardStep(xpIn, state, wIn, bIn, m, t);
      states.push(state);
    }
    const all = tf.stack(states) as Tensor3D;
    // wIn is saved too: a recurrent weight computed inside the loss function is freed before the backward pass.
    save([all, m, wIn]);
    const value = tf.concat([tf.slice(all, [1, 0, 5 * H], [T, B, H]), tf.reshape(tf.slice(state, [0, 0], [B, H]), [1, B, H])], 0) as Tensor3D;
    const gradFunc = (dy: Tensor, saved: Tensor[]): Tensor[] => {
      const [fs, mSaved, wSaved] = saved as [Tensor3D, Tensor2D, Tensor2D];
      const dys = dy as Tensor3D;
      const dhT = tf.reshape(tf.slice(dys, [T, 0, 0], [1, B, H]), [B, H]);
      let back = tf.concat([tf.zeros([B, 4 * H]), dhT], 1) as Tensor2D;
      const backs: Tensor2D[] = new Array<Tensor2D>(T);
      for (let t = T - 1; t >= 0; t -= 1) {
        back = webgpuGruBackwardStep(dys, back, fs, wSaved, mSaved, t);
        backs[t] = back;
      }
      const packed = tf.stack(backs) as Tensor3D;
      const dXp = tf.slice(packed, [0, 0, 0], [T, B, 3 * H]) as Tensor3D;
      // The gradient of h·W + b: [dr, dz] of the pre-activations and dhn (the candidate's recurrent part).
      const dHH = tf.reshape(tf.concat([tf.slice(packed, [0, 0, 0], [T, B, 2 * H]), tf.slice(packed, [0, 0, 3 * H], [T, B, H])], 2), [T * B, 3 * H]) as Tensor2D;
      const hPrevs = tf.reshape(tf.slice(fs, [0, 0, 0], [T, B, H]), [T * B, H]) as Tensor2D;
      const dW = plainMatMul(hPrevs, dHH, true, false);
      const dB = tf.sum(dHH, 0);
      const first = tf.slice(dHH, [0, 0], [B, 3 * H]) as Tensor2D;
      const dh0 = tf.add(plainMatMul(first, wSaved, false, true), tf.slice(back, [0, 4 * H], [B, H]));
      return [dXp, dW, dB, dh0];
    };
    return { value, gradFunc };
  });
  return op(xp, wHh, bHh, h0) as Tensor3D;
}
