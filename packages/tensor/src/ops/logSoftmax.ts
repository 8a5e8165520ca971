import * as tf from '@tensorflow/tfjs-core';
import type { Tensor2D } from '@tensorflow/tfjs-core';
import { registerWasmPointwise, wasmLogSoftmax } from '../kernels/wasmPointwise.js';

/**
 * Log-softmax of the rows of `x: [N, V]`: `(x − max) − log Σ exp(x − max)` per row, as `tf.logSoftmax` computes it.
 *
 * When no gradient is being recorded and the backend is wasm (float32 `x`), it runs as two WebAssembly SIMD passes
 * over the rows (`rowMaxExpSum`, `shiftRows` in `wasmPointwise.wat`; the sums in float64, one logarithm per row on
 * the host): tfjs's composite (max, subtract, a scalar Exp, sum, log, subtract) took ~3.5 ms for the 32 × 4,568
 * log-probabilities of a greedy decoder step. Otherwise it is `tf.logSoftmax` (differentiable).
 */
export function logSoftmax(x: Tensor2D): Tensor2D {
  const [N, V] = x.shape;
  if (!tf.engine().isTapeOn() && x.dtype === 'float32' && N > 0 && V > 0 && registerWasmPointwise()) return wasmLogSoftmax(x);
  return tf.logSoftmax(x);
}
