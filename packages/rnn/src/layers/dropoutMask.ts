import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { RngLike } from '../types.js';
import { checkNumber } from '../validate.js';

/**
 * An inverted-dropout mask: each entry is 0 with probability `rate`, else `1 / (1 − rate)`, drawn from `rng` on
 * the CPU so the same seed gives the same mask on every backend (and checkpoints can resume the stream exactly).
 * With `rng.fill` the numbers are drawn in one call: the same mask.
 * @param shape mask shape
 * @param rate drop probability in [0, 1)
 * @param rng seeded generator
 */
export function dropoutMask(shape: readonly number[], rate: number, rng: RngLike): Tensor {
  checkNumber(rate, 'dropout rate', 0, 0.999999);
  const size = shape.reduce((a, b) => a * b, 1);
  const keep = 1 / (1 - rate);
  const values = new Float32Array(size);
  if (rng.fill === undefined) {
    for (let i = 0; i < size; i += 1) values[i] = rng.next() < rate ? 0 : keep;
  } else {
    // The same numbers in one call (a generator's `fill` draws them in a tight loop), then compared.
    if (uniforms.length < size) uniforms = new Float64Array(Math.max(size, 2 * uniforms.length));
    const u = rng.fill(uniforms.subarray(0, size));
    for (let i = 0; i < size; i += 1) values[i] = u[i]! < rate ? 0 : keep;
  }
  return tf.tensor(values, [...shape], 'float32');
}

/** Scratch for the uniforms of a mask, grown to the largest mask drawn so far. */
let uniforms = new Float64Array(0);
