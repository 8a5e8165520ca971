import * as tf from '@tensorflow/tfjs-core';
import type { Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import { additiveAttention, matMul } from '@nlpkit/tensor';
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
  const { values, keys, mask } = memory;
  const [B, S, H] = values.shape;
  let scores: Tensor2D;
  if (type === 'none') scores = tf.zeros([B, S]);
  else if (type === 'bahdanau' || type === 'concat') {
    // One kernel on wasm at inference (tanh, scores, masked softmax, context); these ops under a gradient tape.
    return additiveAttention(keys, values, mask, matMul(query, params['attention.wQuery'] as Tensor2D), params['attention.v'] as Tensor2D);
  } else {
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
