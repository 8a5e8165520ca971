import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs-core';
import { gatherRows, readTensorSync, scatterRows } from '@nlpkit/tensor';
import { PKG, RnnShapeError } from '../errors.js';
import { checkDtype, checkShape } from '../validate.js';

/**
 * Embedding lookup: rows of `table` for each id, shape `[...ids.shape, D]`.
 *
 * The gradient is a scatter-add of the output gradient into a dense `[V, D]` tensor (`scatterRows`: on wasm a
 * fill and a row add per id, which records the rows written so that norm clipping reads only those; elsewhere
 * ScatterNd, which sums duplicate ids and runs everywhere). tfjs's own gather gradient needs
 * UnsortedSegmentSum, which the wasm backend does not implement.
 * @param table `[V, D]` float32
 * @param ids int32 ids of any shape, each in [0, V)
 */
export function embedding(table: Tensor2D, ids: Tensor): Tensor {
  checkShape(table, 'table', [null, null], ['V', 'D']);
  checkDtype(ids, 'ids', 'int32');
  const [V, D] = table.shape;
  const outShape = [...ids.shape, D];
  const flatIds = tf.reshape(ids, [-1]);
  const n = flatIds.shape[0] as number;
  const op = tf.customGrad((...args: (Tensor | tf.GradSaveFunc)[]) => {
    const [tbl, idx] = args as [Tensor, Tensor];
    // Saved, not captured: tfjs frees the forward pass's own tensors (ids made inside a loss function) before
    // the backward pass runs.
    (args[2] as tf.GradSaveFunc)([idx]);
    // gatherRows: one memory copy per row on wasm (tfjs's GatherV2 there took ~10 ms for 700 × 200), tf.gather elsewhere.
    const value = tf.reshape(gatherRows(tbl as Tensor2D, idx as Tensor1D), outShape);
    return {
      value,
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const ids = saved[0] as Tensor;
        return [scatterRows(tf.reshape(ids, [n]) as Tensor1D, tf.reshape(dy, [n, D]) as Tensor2D, V), tf.zerosLike(ids)];
      },
    };
  });
  try {
    return op(table, flatIds);
  } catch (error) {
    // An id outside the table in a tensor (ids given as arrays are checked before): the cpu and wasm kernels
    // detect it ("GatherV2: the index value 12 is not in [0, 9]"); say it in this package's terms.
    const found = /index value (-?\d+) is not in/.exec(error instanceof Error ? error.message : '');
    if (found === null) throw error;
    throw new RnnShapeError({ argument: 'ids', expected: `token ids from 0 to ${V - 1} (the embedding table has ${V} rows)`, found: Number(found[1]), cause: error });
  }
}

/**
 * Throws unless every id is an integer in [0, vocabSize): reads the ids synchronously (use on inputs, not inside
 * hot loops; on webgpu an `UnsupportedError`: check the ids as arrays before making the tensor).
 */
export function checkIds(arg: string, ids: Tensor, vocabSize: number): void {
  checkDtype(ids, arg, 'int32');
  const data = readTensorSync(ids, { package: PKG, what: 'checkIds', alternative: 'a check of the ids as arrays, before making the tensor' });
  for (let i = 0; i < data.length; i += 1) {
    const v = data[i] as number;
    if (v < 0 || v >= vocabSize) throw new RnnShapeError(`${arg} must hold ids from 0 to ${vocabSize - 1}, got ${v} at ${i}`);
  }
}
