import * as tf from '@tensorflow/tfjs-core';
import type { Tensor1D, Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import { additiveAttention, gatherRows, matMul } from '@nlpkit/tensor';
import type { Seq2seqParams } from './initSeq2seq.js';
import type { AttentionType } from './seq2seqConfig.js';

/** Attention memory of a batch: what every decoder step attends over. */
export interface AttentionMemory {
  /** Encoder outputs `[B, S, H]` (zeros at padding). */
  readonly values: Tensor3D;
  /** Keys `[B, S, K]`, precomputed once per batch: the memory itself (dot), `memory·w` (general), `memory·wKey` (additive). */
  readonly keys: Tensor3D;
  /** `[B, S]`: 1 at valid source positions, 0 at padding. */
  readonly mask: Tensor2D;
  /**
   * The memory row of each query row (int32 `[rows]`), when the memory is one row per source and the queries are
   * rows of hypotheses (a beam): additive attention reads the rows in place; the other types gather them first.
   */
  readonly rows?: Tensor1D;
}

/** Rows `idx` of a `[N, S, D]` tensor, as `[idx.length, S, D]` (one copy per row on wasm; no gradient: decoding only). */
function rowsOf(x: Tensor3D, idx: Tensor1D): Tensor3D {
  const [N, S, D] = x.shape;
  return tf.reshape(gatherRows(tf.reshape(x, [N, S * D]) as Tensor2D, idx), [idx.shape[0], S, D]);
}

/** The memory's rows `rows` (int32 `[rows]`), one per query row. */
export function gatheredMemory(memory: AttentionMemory, rows: Tensor1D): AttentionMemory {
  return { values: rowsOf(memory.values, rows), keys: rowsOf(memory.keys, rows), mask: gatherRows(memory.mask, rows) };
}

/** Whether an attention type reads a memory's rows in place (additive attention), rather than a gathered copy. */
export function readsRowsInPlace(type: AttentionType): boolean {
  return type === 'bahdanau' || type === 'concat';
}

/** The keys of `values` for an attention type (see {@link AttentionMemory}). */
export function attentionKeys(type: AttentionType, params: Seq2seqParams, values: Tensor3D): Tensor3D {
  const [B, S, H] = values.shape;
  if (type === 'dot' || type === 'scaled-dot' || type === 'none') return values;
  const w = (type === 'general' ? params['attention.w'] : params['attention.wKey']) as Tensor2D;
  return tf.reshape(matMul(tf.reshape(values, [B * S, H]), w), [B, S, w.shape[1]]);
}

/**
 * Attention weights `[B, S]` and context `[B, H]` for queries `[B, H]`: scores by `type`, a softmax over the valid
 * positions only, and weights multiplied by the mask so that padding gets exactly 0 (each row sums to 1 over its
 * valid positions). With `'none'` the weights are uniform over the valid positions (what a model without
 * attention "looks at") and the context is their mean.
 */
export function attend(type: AttentionType, params: Seq2seqParams, memory: AttentionMemory, query: Tensor2D): { weights: Tensor2D; context: Tensor2D } {
  if (readsRowsInPlace(type)) {
    // One kernel on wasm at inference (tanh, scores, masked softmax, context; rows read in place); these ops under
    // a gradient tape.
    const { keys, values, mask, rows } = memory;
    return additiveAttention(keys, values, mask, matMul(query, params['attention.wQuery'] as Tensor2D), params['attention.v'] as Tensor2D, rows);
  }
  const { values, keys, mask } = memory.rows === undefined ? memory : gatheredMemory(memory, memory.rows);
  const [B, S, H] = values.shape;
  let scores: Tensor2D;
  if (type === 'none') scores = tf.zeros([B, S]);
  else {
    // A batched matrix-vector product written elementwise: its gradient needs no transposed batched matmul (slow on wasm).
    scores = tf.sum<Tensor2D>(tf.mul(keys, tf.reshape(query, [B, 1, H])), 2);
    if (type === 'scaled-dot') scores = tf.mul<Tensor2D>(scores, 1 / Math.sqrt(H));
  }
  // -1e9 on padding underflows to 0 in the softmax; the product with the mask makes it exact on every backend.
  const masked = tf.add<Tensor2D>(scores, tf.mul(tf.sub(mask, 1), 1e9));
  const weights = tf.mul<Tensor2D>(tf.softmax(masked), mask);
  const context = tf.sum<Tensor2D>(tf.mul(values, tf.reshape(weights, [B, S, 1])), 1);
  return { weights, context };
}
