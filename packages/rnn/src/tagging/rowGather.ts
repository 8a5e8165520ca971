import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor2D } from '@tensorflow/tfjs-core';
import { isHostBackend } from '@nlpkit/tensor';
import { embedding } from '../layers/embedding.js';

/**
 * Rows of a float32 `table` `[N, D]` by index, `[rows.length, D]`, with −1 giving a row of zeros; differentiable
 * (the gradient adds each output row into its table row). Indexes are trusted: the caller builds them.
 *
 * Why not `tf.gather` (`embedding`): on the wasm backend Gather costs ~100 ns per element, which made the
 * packed LSTMs' input and output lookups a large part of a tagger step. On host-memory backends (cpu, wasm) the
 * rows are copied in JavaScript instead, one `set` per row (one read of the table, one upload): 2–4× faster
 * fwd+bwd for tables of a few thousand rows. For a large table with few rows taken (a word embedding) the
 * dense gradient built in JavaScript costs more than `embedding`'s ScatterNd: use `embedding` there. Elsewhere
 * (webgpu, webgl) this is a gather on the device, as `embedding` does it.
 */
export function rowGather(table: Tensor2D, rows: Int32Array): Tensor2D {
  const [N, D] = table.shape;
  const n = rows.length;
  if (!isHostBackend() || table.dtype !== 'float32') {
    // On the device: a zero row in front, so −1 reads it.
    return embedding(tf.concat([tf.zeros([1, D]), table], 0) as Tensor2D, tf.tensor1d(Int32Array.from(rows, (r) => r + 1), 'int32')) as Tensor2D;
  }
  const op = tf.customGrad((...args: (Tensor | tf.GradSaveFunc)[]) => {
    const values = (args[0] as Tensor).dataSync() as Float32Array;
    const out = new Float32Array(n * D);
    for (let i = 0; i < n; i += 1) {
      const r = rows[i] as number;
      if (r >= 0) out.set(values.subarray(r * D, (r + 1) * D), i * D);
    }
    return {
      value: tf.tensor2d(out, [n, D]),
      gradFunc: (dy: Tensor) => {
        const g = dy.dataSync() as Float32Array;
        const sum = new Float32Array(N * D);
        for (let i = 0; i < n; i += 1) {
          const r = rows[i] as number;
          if (r < 0) continue;
          const from = i * D;
          const to = r * D;
          for (let d = 0; d < D; d += 1) sum[to + d] = (sum[to + d] as number) + (g[from + d] as number);
        }
        return tf.tensor2d(sum, [N, D]);
      },
    };
  });
  return op(table) as Tensor2D;
}
