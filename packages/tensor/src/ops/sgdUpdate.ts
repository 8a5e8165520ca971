import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Variable } from '@tensorflow/tfjs-core';
import { wasmSgdStepInPlace } from '../kernels/wasmPointwise.js';

/**
 * One plain SGD update assigned to the variable itself: `p ← p − (g·gradScale)·lr`, rounded as those ops round it
 * (the same bits as `p.assign(tf.sub(p, tf.mul(tf.mul(g, gradScale), lr)))`; the scale's product is skipped at 1,
 * where it is exact). On wasm without a gradient tape, when `p` is the only tensor on its memory, one kernel writes
 * over it in place, and where `g` is an embedding's gradient known to be zero outside the batch's rows
 * (`scatterRows`), only those rows are touched; otherwise the ops and `assign`.
 *
 * Why: the ops write two fresh tensors the size of every parameter each step (a Zaremba-small LM's 2 M-value
 * embedding and output layer among them): ~7 ms of a 95 ms training step, where PyTorch updates in place.
 */
export function sgdUpdate(p: Variable, g: Tensor, lr: number, gradScale = 1): void {
  if (wasmSgdStepInPlace(p, g, lr, gradScale)) return;
  tf.tidy(() => {
    const scaled = gradScale === 1 ? g : tf.mul(g, gradScale);
    p.assign(tf.sub(p, tf.mul(scaled, lr)));
  });
}
