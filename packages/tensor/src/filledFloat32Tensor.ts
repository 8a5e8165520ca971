import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { heapMemory, offsetOf, type WasmBackend } from './kernels/wasmGemmEngine.js';

/**
 * A float32 tensor of `shape` whose values `fill` writes, as float32 bit patterns (`words`, a `Uint32Array` over the
 * same values as `floats`). On wasm it writes straight into the tensor's memory in tfjs-backend-wasm's heap, so no
 * JavaScript array of the values is made and copied in (loading a model's 9 M float16 weights: one 36 MB array and
 * its copy fewer, ~0.1 s of page faults on the machine measured); elsewhere into a new array the tensor then holds.
 * `fill` must not start tensor operations (on wasm they could move the heap under its views).
 */
export function filledFloat32Tensor(shape: readonly number[], fill: (words: Uint32Array, floats: Float32Array) => void): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  if (tf.getBackend() === 'wasm' && size > 0) {
    const backend = tf.backend() as unknown as WasmBackend;
    const heap = heapMemory(backend);
    if (heap !== undefined) {
      const info = backend.makeOutput([...shape], 'float32');
      // After makeOutput: allocating may have grown the heap, which replaces its buffer.
      const at = offsetOf(backend, info);
      fill(new Uint32Array(heap.buffer, at, size), new Float32Array(heap.buffer, at, size));
      return tf.engine().makeTensorFromTensorInfo(info);
    }
  }
  const floats = new Float32Array(size);
  fill(new Uint32Array(floats.buffer), floats);
  return tf.tensor(floats, [...shape], 'float32');
}
