import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor1D, Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import { plainMatMul, wasmGruSequenceBackward, wasmGruSequenceForward, wasmGruSequenceInfer } from '@nlpkit/tensor';
import { flattenStepMasks } from './stepMasks.js';

/**
 * {@link gruSequence} on the wasm backend's fused sequence kernels (`@nlpkit/tensor`'s `registerWasmGruKernels`):
 * one kernel call runs every time step forward (WebAssembly GEMM with the recurrent bias + gates and state update
 * per step, on tfjs's heap) and one runs them all backward, instead of ~15 and ~12 tfjs kernels per step. Same
 * inputs, output and gradients as `gruSequence`; the weight and bias gradients are one matmul each over every step.
 * Where no gradient is being recorded, the inference kernel runs instead (as in `lstmSequenceWasm`).
 */
export function gruSequenceWasm(xp: Tensor3D, wHh: Tensor2D, bHh: Tensor1D, h0: Tensor2D, masks: readonly Float32Array[] | null): Tensor3D {
  const [T, B] = xp.shape;
  const H = wHh.shape[0];
  const maskValues = masks === null ? undefined : flattenStepMasks(masks, T, B);
  if (!tf.engine().isTapeOn()) {
    return tf.tidy(() => wasmGruSequenceInfer(xp, wHh, bHh, h0, maskValues === undefined ? undefined : tf.tensor2d(maskValues, [T, B])));
  }
  const op = tf.customGrad((...args: (Tensor | tf.GradSaveFunc)[]) => {
    const [xpIn, wIn, bIn, h0In] = args as [Tensor3D, Tensor2D, Tensor1D, Tensor2D];
    const save = args[4] as tf.GradSaveFunc;
    const m = maskValues === undefined ? undefined : tf.tensor2d(maskValues, [T, B]);
    const [value, hs, acts] = wasmGruSequenceForward(xpIn, wIn, bIn, h0In, m);
    // The weight is saved, not read from the closure (see lstmSequenceWasm).
    save(m === undefined ? [wIn, hs, acts] : [wIn, hs, acts, m]);
    const gradFunc = (dy: Tensor, saved: Tensor[]): Tensor[] => {
      const [wS, hsS, actsS, mS] = saved as [Tensor2D, Tensor3D, Tensor3D, Tensor2D | undefined];
      const [dXp, dHH, dh0] = wasmGruSequenceBackward(dy as Tensor3D, wS, hsS, actsS, mS);
      const rows = tf.reshape(dHH, [T * B, 3 * H]) as Tensor2D;
      // dW = Σ_t h_{t−1}ᵀ · dHH_t and db = Σ_t Σ_b dHH_t, each one product over all T·B rows.
      const dW = plainMatMul(tf.reshape(hsS, [T * B, H]) as Tensor2D, rows, true, false);
      const dB = tf.reshape(plainMatMul(tf.ones([1, T * B]) as Tensor2D, rows), [3 * H]);
      return [dXp, dW, dB, dh0];
    };
    return { value, gradFunc };
  });
  return op(xp, wHh, bHh, h0) as Tensor3D;
}
