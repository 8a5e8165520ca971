import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import { plainMatMul, wasmLstmSequenceBackward, wasmLstmSequenceForward, wasmLstmSequenceInfer } from '@nlpkit/tensor';
import { flattenStepMasks } from './stepMasks.js';

/**
 * {@link lstmSequence} on the wasm backend's fused sequence kernels (`@nlpkit/tensor`'s `registerWasmLstmKernels`):
 * one kernel call runs every time step forward (WebAssembly GEMM + gate nonlinearities + state update per step,
 * on tfjs's heap) and one runs them all backward, instead of ~15 and ~10 tfjs kernels per step. Same inputs,
 * output and gradient as `lstmSequence`; the weight gradient is one matmul over every step. Where no gradient
 * is being recorded (prediction, evaluation), the inference kernel runs instead: the same output, without keeping
 * each step's states and activations for a backward pass.
 */
export function lstmSequenceWasm(
  xp: Tensor3D,
  wHh: Tensor2D,
  h0: Tensor2D,
  c0: Tensor2D,
  masks: readonly Float32Array[] | null,
): Tensor3D {
  const [T, B] = xp.shape;
  const H = wHh.shape[0];
  const maskValues = masks === null ? undefined : flattenStepMasks(masks, T, B);
  if (!tf.engine().isTapeOn()) {
    return tf.tidy(() => wasmLstmSequenceInfer(xp, wHh, h0, c0, maskValues === undefined ? undefined : tf.tensor2d(maskValues, [T, B])));
  }
  const op = tf.customGrad((...args: (Tensor | tf.GradSaveFunc)[]) => {
    const [xpIn, wIn, h0In, c0In] = args as [Tensor3D, Tensor2D, Tensor2D, Tensor2D];
    const save = args[4] as tf.GradSaveFunc;
    const m = maskValues === undefined ? undefined : tf.tensor2d(maskValues, [T, B]);
    const [value, hs, cs, acts] = wasmLstmSequenceForward(xpIn, wIn, h0In, c0In, m);
    // The weight is saved, not read from the closure: tfjs frees the forward pass's intermediates before the backward
    // pass, so a weight computed inside the loss function (not a Variable) would be gone by then.
    save(m === undefined ? [wIn, hs, cs, acts] : [wIn, hs, cs, acts, m]);
    const gradFunc = (dy: Tensor, saved: Tensor[]): Tensor[] => {
      const [wS, hsS, csS, actsS, mS] = saved as [Tensor2D, Tensor3D, Tensor3D, Tensor3D, Tensor2D | undefined];
      const [dXp, dh0, dc0] = wasmLstmSequenceBackward(dy as Tensor3D, wS, hsS, csS, actsS, mS);
      // dW = Σ_t h_{t−1}ᵀ · dGates_t as one matmul over all T·B rows.
      const dW = plainMatMul(tf.reshape(hsS, [T * B, H]), tf.reshape(dXp, [T * B, 4 * H]), true, false);
      return [dXp, dW, dh0, dc0];
    };
    return { value, gradFunc };
  });
  return op(xp, wHh, h0, c0) as Tensor3D;
}
