import * as tf from '@tensorflow/tfjs-core';
import type { Tensor1D, Tensor2D } from '@tensorflow/tfjs-core';
import { registerWasmPointwise, wasmGatherRows } from '../kernels/wasmPointwise.js';

/**
 * Rows `ids` (int32 `[n]`, each in [0, V)) of `table: [V, D]`, as `[n, D]`, without a gradient of its own (for use
 * inside `customGrad`, e.g. an embedding's forward pass). On wasm one memory copy per row (nlpkit's kernel:
 * tfjs-backend-wasm's GatherV2 took ~10 ms for 700 rows of 200 floats, 5% of a small LM step's non-matmul time);
 * elsewhere `tf.gather`. An id out of range throws, with tfjs's wording ("index value 12 is not in [0, 9]").
 */
export function gatherRows(table: Tensor2D, ids: Tensor1D): Tensor2D {
  if ((table.dtype === 'float32' || table.dtype === 'int32') && ids.dtype === 'int32' && registerWasmPointwise()) return wasmGatherRows(table, ids);
  return tf.gather(table, ids);
}
