import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from '@nlpkit/core';
import { PKG } from '../errors.js';
import { registerWasmPointwise, wasmMaxOverSteps, wasmMaxOverStepsGrad } from '../kernels/wasmPointwise.js';

/**
 * Each row's max over its valid steps: `out[b, h] = max over t < lengths[b] of x[b, t, h]` for `x: [B, T, H]` and
 * lengths each in [1, T] (a right-padded batch: what the padding holds never counts). Max pooling over time.
 *
 * Without a gradient tape on wasm (float32) it is one pass over each row's valid steps (`maxOfRows` in
 * `wasmPointwise.wat`; NaN wins, as in the ops). Under a tape on wasm, the same kernel with a gradient of our own:
 * `dy` goes to the first valid step holding each max (PyTorch's max over a dimension also gives it to one index),
 * one pass on the heap; tfjs's gradient of Max compared x with the broadcast max (Equal, ~12 ms of an 86 ms SST-2
 * training step). Elsewhere tfjs's ops, differentiable: the padding pushed 1e9 below and `tf.max` over the steps
 * (whose gradient goes to every step tied for the max). For a classifier's `[256, 50, 300]` outputs the ops took
 * ~30 ms (Max transposes its input first), the kernel reads only the valid steps once.
 */
export function maxOverSteps(x: Tensor3D, lengths: readonly number[]): Tensor2D {
  if (x.rank !== 3) throw new InvalidArgumentError({ package: PKG, argument: 'x', expected: 'a [B, T, H] tensor', foundText: `shape [${x.shape.join(', ')}]` });
  const [B, T] = x.shape;
  if (!Array.isArray(lengths) || lengths.length !== B) {
    throw new InvalidArgumentError({ package: PKG, argument: 'lengths', expected: `${B} lengths (one per row of x)`, found: lengths });
  }
  lengths.forEach((len, b) => {
    if (!Number.isInteger(len) || len < 1 || len > T) throw new InvalidArgumentError({ package: PKG, argument: `lengths[${b}]`, expected: `an integer from 1 to ${T}`, found: len });
  });
  if (x.dtype === 'float32' && x.size > 0 && registerWasmPointwise()) {
    if (!tf.engine().isTapeOn()) return wasmMaxOverSteps(x, lengths);
    const op = tf.customGrad((...args: (Tensor | tf.GradSaveFunc)[]) => {
      const xi = args[0] as Tensor3D;
      const y = wasmMaxOverSteps(xi, lengths);
      (args[1] as tf.GradSaveFunc)([xi, y]);
      return { value: y, gradFunc: (dy: Tensor, saved: Tensor[]) => wasmMaxOverStepsGrad(saved[0] as Tensor3D, saved[1] as Tensor2D, dy as Tensor2D, lengths) };
    });
    return op(x) as Tensor2D;
  }
  return tf.tidy(() => {
    const mask = new Float32Array(B * T);
    lengths.forEach((len, b) => mask.fill(1, b * T, b * T + len));
    const below = tf.mul(tf.sub(tf.tensor3d(mask, [B, T, 1]), 1), 1e9);
    return tf.max(tf.add(x, below), 1) as Tensor2D;
  });
}
