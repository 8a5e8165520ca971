import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor2D } from '@tensorflow/tfjs-core';
import { gatherRows } from '@nlpkit/tensor';

/**
 * Row `i` of the result is row `perm[i]` of `x` (`[N, D]`; `perm` a permutation of `0..N−1`, not checked): one
 * memory copy per row on wasm (`gatherRows`), `tf.gather` elsewhere. Its gradient is the same copy by the inverse
 * permutation (tfjs's own gather gradient needs UnsortedSegmentSum, which the wasm backend lacks).
 *
 * What the recurrent layers move rows with: a batch-major `[B, T, D]` input to the time-major rows a sequence kernel
 * reads (each backward direction's rows reversed within their lengths on the way), and the outputs back, each one
 * pass. tfjs's Transpose took about twice a row copy's time there (~10 against ~4.6 ms for the 22,000 rows of 300
 * floats of an SST-2 dev pass), and reversing was a second pass.
 */
export function permuteRows(x: Tensor2D, perm: Int32Array): Tensor2D {
  const [N, D] = x.shape;
  const op = tf.customGrad((...args: (Tensor | tf.GradSaveFunc)[]) => {
    const value = gatherRows(args[0] as Tensor2D, tf.tensor1d(perm, 'int32'));
    return {
      value,
      gradFunc: (dy: Tensor) => gatherRows(tf.reshape(dy, [N, D]) as Tensor2D, tf.tensor1d(inversePermutation(perm), 'int32')),
    };
  });
  return op(x) as Tensor2D;
}

/**
 * The rows of `[B, T, ·]` (batch-major, row `b·T + t`) for the time-major `[T, B, ·]` layout (row `t·B + b`): entry
 * `t·B + b` is `b·T + s`, with s = t, or with `reverse`, the step t places from the row's last valid one
 * (`lengths[b] − 1 − t`; padding, t ≥ `lengths[b]`, stays where it is). Its inverse maps the time-major outputs
 * back (see {@link inversePermutation}).
 */
export function timeMajorRows(B: number, T: number, lengths: readonly number[] | undefined, reverse: boolean): Int32Array {
  const perm = new Int32Array(B * T);
  for (let b = 0; b < B; b += 1) {
    const len = lengths?.[b] ?? T;
    for (let t = 0; t < T; t += 1) perm[t * B + b] = b * T + (reverse && t < len ? len - 1 - t : t);
  }
  return perm;
}

/** `inverse[perm[i]] = i`. */
export function inversePermutation(perm: Int32Array): Int32Array {
  const inverse = new Int32Array(perm.length);
  for (let i = 0; i < perm.length; i += 1) inverse[perm[i] as number] = i;
  return inverse;
}
