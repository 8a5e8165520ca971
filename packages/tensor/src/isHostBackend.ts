import * as tf from '@tensorflow/tfjs-core';

/** tfjs backends whose tensors live in CPU memory, where reading a tensor back is a memcpy rather than a GPU sync. */
const HOST_BACKENDS: ReadonlySet<string> = new Set(['cpu', 'wasm', 'tensorflow']);

/**
 * True when the active tfjs backend keeps tensors in host memory (cpu, wasm, tfjs-node), so reading values back
 * is cheap; false on GPU backends (WebGPU, WebGL, and anything unknown), where a read-back stalls the pipeline.
 * This package is the only one that knows backend names: model code asks this question instead.
 */
export function isHostBackend(): boolean {
  return HOST_BACKENDS.has(tf.getBackend());
}
