import * as tf from '@tensorflow/tfjs-core';
import type { Scalar, Tensor1D, Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import { embedding, type CellState, type GruParams, type RngLike } from '@nlpkit/rnn';
import { affine, unstack } from '@nlpkit/tensor';
import { crossEntropy } from '@nlpkit/train';
import type { Seq2seqBatch } from '../data/seq2seqBatch.js';
import { check } from '../errors.js';
import { decoderCells, decoderStep, outputLogits, projectEmbedded, type DecoderCarry } from './decoderStep.js';
import { fusedBahdanauGru, fusedDecoderApplies } from './fusedDecoder.js';
import { sigmoidTanh } from './sigmoidTanh.js';
import { applyDropout, encodeSource, type TrainingDropout } from './encodeSource.js';
import type { Seq2seqParams } from './initSeq2seq.js';
import type { Seq2seqConfig } from './seq2seqConfig.js';

/** Options of {@link seq2seqLoss}. */
export interface Seq2seqLossOptions {
  /** Label smoothing ε over the whole target vocabulary (the target is (1 − ε)·onehot + ε/V). Default 0. */
  readonly labelSmoothing?: number;
  /** Apply `config.dropout` with masks from `rng` (training). Default false. */
  readonly training?: boolean;
  readonly rng?: RngLike;
}

/**
 * Teacher-forced logits `[B·T, Vt]` (row `b·T + t`) of a batch: the encoder, then the decoder fed the reference
 * `<s> y1 … yn`. Leaves its intermediates to the caller (`tf.tidy`, a loss function). A one-layer GRU decoder with
 * Bahdanau attention and no input feeding (the Multi30k recipe) runs as one op with a hand-written gradient
 * ({@link fusedBahdanauGru}: far less memory and fewer kernels); `fused: false` runs it step by step like every
 * other config (same values; tests compare the two).
 */
export function seq2seqLogits(config: Seq2seqConfig, params: Seq2seqParams, batch: Seq2seqBatch, dropout?: TrainingDropout, options: { readonly fused?: boolean } = {}): Tensor2D {
  const { size: B, targetWidth: T } = batch;
  const H = config.hiddenSize;
  const source = { ids: tf.tensor2d(batch.sourceIds, [B, batch.sourceWidth], 'int32'), lengths: batch.sourceLengths };
  const enc = encodeSource(config, params, source, dropout);
  const cells = decoderCells(config, params);
  const inputs = tf.tensor2d(batch.targetInputs, [B, T], 'int32');
  // Time-major embeddings, projected by layer 0 in one matmul for every step.
  const embedded = applyDropout(embedding(params['target.embedding'] as Tensor2D, tf.transpose(inputs)) as Tensor3D, dropout);
  const E = embedded.shape[2];
  const projected = tf.reshape(projectEmbedded(config, cells, tf.reshape(embedded, [T * B, E])), [T, B, -1]) as Tensor3D;
  let states: Tensor2D;
  if (options.fused !== false && fusedDecoderApplies(config)) {
    const layer = cells.layers[0] as GruParams;
    const packed = fusedBahdanauGru({
      projected,
      h0: (enc.initial[0] as CellState).h,
      values: enc.memory.values,
      keys: enc.memory.keys,
      mask: enc.memory.mask,
      wQuery: params['attention.wQuery'] as Tensor2D,
      v: params['attention.v'] as Tensor2D,
      wContext: cells.extra as Tensor2D,
      wHh: layer.wHh,
      bHh: layer.bHh,
    });
    // [T, B, 2H] -> batch-major rows [B·T, 2H], then the combine layer for every step at once.
    const rows = tf.reshape(tf.transpose(packed, [1, 0, 2]), [B * T, 2 * H]) as Tensor2D;
    states = sigmoidTanh(affine(rows, params['combine.w'] as Tensor2D, params['combine.b'] as Tensor1D));
  } else {
    let carry: DecoderCarry = config.inputFeeding ? { layers: enc.initial, feed: tf.zeros([B, H]) } : { layers: enc.initial };
    const outputs: Tensor2D[] = [];
    for (const xp of unstack<Tensor2D>(projected)) {
      const r = decoderStep(config, params, cells, enc.memory, carry, xp, dropout);
      carry = r.carry;
      outputs.push(r.output);
    }
    // Batch-major rows, then one output matmul for every step.
    states = tf.reshape(tf.transpose(tf.stack(outputs, 0), [1, 0, 2]), [B * T, H]) as Tensor2D;
  }
  return outputLogits(config, params, applyDropout(states, dropout));
}

/**
 * The teacher-forced training loss of a batch: cross-entropy in nats, **averaged over the predicted target tokens**
 * (every `yᵢ` and the final `</s>`; padding excluded), label-smoothed over the whole target vocabulary when
 * `labelSmoothing` > 0. Differentiable: use it as `trainStep`'s loss function.
 */
export function seq2seqLoss(config: Seq2seqConfig, params: Seq2seqParams, batch: Seq2seqBatch, options: Seq2seqLossOptions = {}): Scalar {
  const eps = check.number(options.labelSmoothing ?? 0, 'options.labelSmoothing', 0, 0.999);
  const training = options.training === true && config.dropout > 0;
  if (training && options.rng === undefined) throw check.invalid(options.rng, 'options.rng', 'a generator for dropout while training');
  const logits = seq2seqLogits(config, params, batch, training ? { rate: config.dropout, rng: options.rng as RngLike } : undefined);
  const { size: B, targetWidth: T } = batch;
  const mask = new Float32Array(B * T);
  batch.targetLengths.forEach((len, b) => mask.fill(1, b * T, b * T + len));
  return crossEntropy(logits, tf.tensor1d(batch.targetOutputs, 'int32') as Tensor1D, { mask: tf.tensor1d(mask), labelSmoothing: eps });
}
