import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { registerWasmPointwise, wasmTanh } from '../kernels/wasmPointwise.js';

/**
 * `tanh(x)`, elementwise.
 *
 * When no gradient is being recorded and the backend is wasm (float32 `x`), it runs as one WebAssembly SIMD pass
 * (`tanh` in `wasmPointwise.wat`: e = exp(−2|x|), sign(x)·(1 − e)/(1 + e), the tanh the fused LSTM, GRU and
 * attention kernels use; absolute error ~1e-7): tfjs-backend-wasm's Tanh is a scalar loop, ~0.6 ms for the
 * 160 × 512 attentional states of a beam-5 decoder step. Otherwise it is `tf.tanh` (differentiable).
 */
export function tanh<T extends Tensor>(x: T): T {
  if (!tf.engine().isTapeOn() && x.dtype === 'float32' && x.size > 0 && registerWasmPointwise()) return wasmTanh(x);
  return tf.tanh(x);
}
