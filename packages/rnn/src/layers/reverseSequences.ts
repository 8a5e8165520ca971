import * as tf from '@tensorflow/tfjs-core';
import type { Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import { permuteRows } from './permuteRows.js';

/**
 * Reverses each batch row's first `lengths[b]` steps in place along the time axis, leaving the padding where it
 * is, so a backward RNN direction reads only valid tokens (as PyTorch's packed sequences do).
 *
 * A row permutation that is its own inverse ({@link permuteRows}: one memory copy per row on wasm, and the same
 * copy for the gradient). `recurrent` reverses its backward direction's rows on the way to and from the time-major
 * layout instead (one pass each way, `timeMajorRows`).
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
  return tf.reshape(permuteRows(tf.reshape(x, [B * T, D]) as Tensor2D, perm), [B, T, D]) as Tensor3D;
}
