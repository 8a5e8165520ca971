import * as tf from '@tensorflow/tfjs-core';
import { flattenParams, unflattenParams, type ParamTree } from '@nlpkit/train';
import type { SyncReads } from './syncReads.js';

/**
 * A copy of a parameter tree on the backend of `syncReads`, read asynchronously from wherever it lives (a model
 * trained on WebGPU, to be used by synchronous code such as the `LanguageModel` contract). The caller owns it.
 */
export async function copyForSyncReads<T extends ParamTree>(params: T, syncReads: SyncReads): Promise<T> {
  const flat = Object.entries(flattenParams(params));
  const values = await Promise.all(flat.map(([, tensor]) => tensor.data()));
  return syncReads.run(() => {
    const copies: Record<string, tf.Tensor> = {};
    flat.forEach(([name, tensor], i) => {
      copies[name] = tf.tensor(values[i]!, tensor.shape, tensor.dtype);
    });
    return unflattenParams(params, copies);
  });
}

/** Frees every tensor of a parameter tree. */
export function disposeParams(params: ParamTree): void {
  tf.dispose(Object.values(flattenParams(params)));
}
