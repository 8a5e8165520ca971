import * as tf from '@tensorflow/tfjs-core';
import type { Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import { maxOverSteps } from '@nlpkit/tensor';
import { RnnLengthError } from '../errors.js';
import { checkLengths, checkOneOf, checkShape } from '../validate.js';

/**
 * A `[batch, T]` float32 mask of the valid steps of a right-padded batch: 1 for `t < lengths[b]`, else 0.
 * Made on the host from the lengths (nothing is read back from the device).
 */
export function lengthMask(lengths: ArrayLike<number>, steps: number): Tensor2D {
  const list = Array.from(lengths);
  const mask = new Float32Array(list.length * steps);
  list.forEach((len, b) => mask.fill(1, b * steps, b * steps + Math.min(len, steps)));
  return tf.tensor2d(mask, [list.length, steps]);
}

/**
 * Mean or max of `x: [batch, T, H]` over the valid steps of each row (`lengths`, as `padSequences(...).lengths`):
 * padded steps never reach the result, whatever they hold. Every length must be at least 1.
 * @returns `[batch, H]`
 */
export function poolSequence(x: Tensor3D, lengths: ArrayLike<number>, mode: 'mean' | 'max'): Tensor2D {
  checkShape(x, 'x', [null, null, null], ['batch', 'T', 'H']);
  checkOneOf(mode, 'mode', ['mean', 'max']);
  const [B, T] = x.shape;
  const list = checkLengths(lengths, B, T);
  list.forEach((len, b) => {
    if (len < 1) throw new RnnLengthError({ argument: `lengths[${b}]`, expected: 'at least 1 (an empty row has nothing to pool)', found: len });
  });
  return tf.tidy(() => {
    if (mode === 'mean') return tf.div(tf.sum(tf.mul(x, tf.expandDims(lengthMask(list, T), 2)), 1), tf.tensor2d(list, [B, 1])) as Tensor2D;
    // Only the valid steps (outputs may be negative: padding is never a zero that could win).
    return maxOverSteps(x, list);
  });
}
