import * as tf from '@tensorflow/tfjs-core';
import type { Scalar, Tensor } from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from '@nlpkit/core';
import { PKG } from '../errors.js';
import { registerWasmPointwise, wasmGlobalNorm } from '../kernels/wasmPointwise.js';

/**
 * The L2 norm of all the values of `xs` together, `√Σ x²`, as a float32 scalar (0 for no tensors): the global
 * gradient norm of norm clipping (Pascanu et al. 2013). NaN anywhere gives NaN, ±Infinity gives Infinity.
 *
 * When no gradient is being recorded and the backend is wasm (every tensor float32), it is one WebAssembly SIMD
 * pass per tensor that squares and adds in float64 and rounds once (`sumSquares` in `wasmPointwise.wat`): tfjs's
 * Square, Sum and AddN took three passes and a fresh tensor per parameter, ~1 ms for a 1 M-value word embedding.
 * Elsewhere it is those ops, in float32.
 */
export function globalNorm(xs: readonly Tensor[]): Scalar {
  xs.forEach((x, i) => {
    if (!(x instanceof tf.Tensor)) {
      throw new InvalidArgumentError({ package: PKG, argument: `xs[${i}]`, expected: 'a tensor', found: x });
    }
  });
  if (xs.length === 0) return tf.scalar(0);
  if (!tf.engine().isTapeOn() && xs.every((x) => x.dtype === 'float32') && registerWasmPointwise()) return wasmGlobalNorm(xs) as Scalar;
  return tf.tidy(() => tf.sqrt(tf.addN(xs.map((x) => tf.sum(tf.square(x))))) as Scalar);
}
