import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import { gatherRows } from '@nlpkit/tensor';

/**
 * Reverses each batch row's first `lengths[b]` steps in place along the time axis, leaving the padding where it
 * is, so a backward RNN direction reads only valid tokens (as PyTorch's packed sequences do).
 *
 * Implemented as a row gather by a permutation that is its own inverse; the custom gradient is the same gather
 * because tfjs's gather gradient needs UnsortedSegmentSum, which the wasm backend lacks. The gather is
 * `gatherRows` (one memory copy per row on wasm: tfjs-backend-wasm's GatherV2 took ~7 ms for the 896 rows of 256
 * floats of a Multi30k encoder batch).
 * @param x `[batch, T, D]`
 * @param lengths valid steps per row (already validated)
 */
export function reverseSequences(x: Tensor3D, lengths: readonly number[]): Tensor3D {
  const [B, T, D] = x.shape;
  const perm = new Int32Array(B * T);
  for (let b = 0; b < B; b += 1) {
    const len = lengths[b] ?? T;
    for (let t = 0; t < T; t += 1) perm[b * T + t] = b * T + (t < len ? len - 1 - t : t);
  }
  const op = tf.customGrad((...args: (Tensor | tf.GradSaveFunc)[]) => {
    const xIn = args[0] as Tensor;
    const idx = tf.tensor1d(perm, 'int32');
    const value = tf.reshape(gatherRows(tf.reshape(xIn, [B * T, D]) as Tensor2D, idx), [B, T, D]);
    return {
      value,
      gradFunc: (dy: Tensor) => {
        const back = tf.tensor1d(perm, 'int32');
        return tf.reshape(gatherRows(tf.reshape(dy, [B * T, D]) as Tensor2D, back), [B, T, D]);
      },
    };
  });
  return op(x) as Tensor3D;
}
