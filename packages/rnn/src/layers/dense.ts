import * as tf from '@tensorflow/tfjs-core';
import type { Tensor1D, Tensor2D } from '@tensorflow/tfjs-core';
import { affine, matMul } from '@nlpkit/tensor';
import { checkShape } from '../validate.js';

/** Parameters of an affine layer, input-major weight `[in, out]`. */
export interface DenseParams {
  w: Tensor2D;
  b?: Tensor1D;
}

/**
 * `x·w + b` for `x: [N, in]`. Use with `tiedWeight(embeddingTable)` for tied input/output embeddings
 * (Press & Wolf 2017; Inan et al. 2017).
 */
export function dense(params: DenseParams, x: Tensor2D): Tensor2D {
  checkShape(x, 'x', [null, params.w.shape[0]], ['N', `in=${params.w.shape[0]}`]);
  return params.b === undefined ? matMul(x, params.w) : affine(x, params.w, params.b);
}

/**
 * The output weight `[D, V]` of a tied embedding `[V, D]`: one differentiable transpose, so gradients from the
 * softmax and from the lookup both reach the same table.
 */
export function tiedWeight(table: Tensor2D): Tensor2D {
  return tf.transpose(table);
}
