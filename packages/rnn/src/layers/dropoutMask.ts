import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { RngLike } from '../types.js';
import { checkNumber } from '../validate.js';

/**
 * An inverted-dropout mask: each entry is 0 with probability `rate`, else `1 / (1 − rate)`, drawn from `rng` on
 * the CPU so the same seed gives the same mask on every backend (and checkpoints can resume the stream exactly).
 * @param shape mask shape
 * @param rate drop probability in [0, 1)
 * @param rng seeded generator
 */
export function dropoutMask(shape: readonly number[], rate: number, rng: RngLike): Tensor {
  checkNumber(rate, 'dropout rate', 0, 0.999999);
  const size = shape.reduce((a, b) => a * b, 1);
  const keep = 1 / (1 - rate);
  const values = new Float32Array(size);
  for (let i = 0; i < size; i += 1) values[i] = rng.next() < rate ? 0 : keep;
  return tf.tensor(values, [...shape], 'float32');
}
