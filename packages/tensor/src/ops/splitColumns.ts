import * as tf from '@tensorflow/tfjs-core';
import type { Tensor2D } from '@tensorflow/tfjs-core';
import { isHostBackend } from '../isHostBackend.js';

/**
 * `tf.split(x, parts, 1)` for a `[rows, parts·width]` matrix, for use where no gradient is recorded (inside a
 * custom-gradient op). On host-memory backends the column blocks are copied in JavaScript: the cpu backend's
 * SplitV takes ~15 ms for a `[20, 800]` matrix and wasm's copies its whole input once per part.
 */
export function splitColumns(x: Tensor2D, parts: number): Tensor2D[] {
  if (!isHostBackend() || x.dtype !== 'float32') return tf.split(x, parts, 1);
  const [rows, cols] = x.shape;
  const width = cols / parts;
  const values = x.dataSync() as Float32Array;
  const out: Tensor2D[] = [];
  for (let p = 0; p < parts; p += 1) {
    const block = new Float32Array(rows * width);
    for (let r = 0; r < rows; r += 1) block.set(values.subarray(r * cols + p * width, r * cols + (p + 1) * width), r * width);
    out.push(tf.tensor2d(block, [rows, width]));
  }
  return out;
}
