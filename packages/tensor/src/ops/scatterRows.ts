import * as tf from '@tensorflow/tfjs-core';
import type { Tensor1D, Tensor2D } from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from '@nlpkit/core';
import { PKG } from '../errors.js';
import { registerWasmPointwise, wasmScatterRows } from '../kernels/wasmPointwise.js';

/**
 * The `[V, D]` matrix whose row r is the sum of the `rows[i]` (`[n, D]`) with `ids[i] = r` (int32 `[n]`, each in
 * [0, V)), zeros elsewhere: an embedding's gradient. No gradient of its own (for use inside `customGrad`).
 *
 * On wasm it is a fill and one SIMD add per row (duplicates summed in the order of the ids, as tfjs's ScatterNd
 * sums them: the same bits), and it records which rows it wrote, so that {@link globalNorm} reads only those rows
 * of a mostly-zero matrix. Elsewhere `tf.scatterND`. An id out of range throws an InvalidArgumentError naming
 * `ids` (tfjs's wording on wasm: "index value 12 is not in [0, 9]").
 */
export function scatterRows(ids: Tensor1D, rows: Tensor2D, V: number): Tensor2D {
  if (!Number.isSafeInteger(V) || V < 1) throw new InvalidArgumentError({ package: PKG, argument: 'V', expected: 'a positive integer', found: V });
  if (ids.rank !== 1 || rows.rank !== 2 || ids.shape[0] !== rows.shape[0]) {
    throw new InvalidArgumentError({ package: PKG, argument: 'rows', expected: `shape [n, D] with n = ids' length (${ids.shape.join(', ')})`, foundText: `[${rows.shape.join(', ')}]` });
  }
  if (ids.dtype === 'int32' && rows.dtype === 'float32' && registerWasmPointwise()) return wasmScatterRows(ids, rows, V);
  return tf.scatterND(tf.reshape(ids, [-1, 1]), rows, [V, rows.shape[1]]);
}
