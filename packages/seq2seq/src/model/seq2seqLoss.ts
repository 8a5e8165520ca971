import * as tf from '@tensorflow/tfjs-core';
import type { Scalar, Tensor1D, Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import { embedding, type RngLike } from '@nlpkit/rnn';
import { unstack } from '@nlpkit/tensor';
import { crossEntropy } from '@nlpkit/train';
import type { Seq2seqBatch } from '../data/seq2seqBatch.js';
import { check } from '../errors.js';
import { decoderCells, decoderStep, outputLogits, projectEmbedded, type DecoderCarry, type DecoderCells } from './decoderStep.js';
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
 * `<s> y1 … yn`, one step at a time. Leaves its intermediates to the caller (`tf.tidy`, a loss function).
 */
export function seq2seqLogits(config: Seq2seqConfig, params: Seq2seqParams, batch: Seq2seqBatch, dropout?: TrainingDropout): Tensor2D {
  const { size: B, targetWidth: T } = batch;
  const H = config.hiddenSize;
  const source = { ids: tf.tensor2d(batch.sourceIds, [B, batch.sourceWidth], 'int32'), lengths: batch.sourceLengths };
  const enc = encodeSource(config, params, source, dropout);
  const cells = decoderCells(config, params);
  const inputs = tf.tensor2d(batch.targetInputs, [B, T], 'int32');
  // Time-major embeddings, projected by layer 0 in one matmul for every step.
  const embedded = applyDropout(embedding(params['target.embedding'] as Tensor2D, tf.transpose(inputs)) as Tensor3D, dropout);
  const projected = projectAll(config, cells, embedded);
  let carry: DecoderCarry = config.inputFeeding ? { layers: enc.initial, feed: tf.zeros([B, H]) } : { layers: enc.initial };
  const outputs: Tensor2D[] = [];
  for (const xp of projected) {
    const r = decoderStep(config, params, cells, enc.memory, carry, xp, dropout);
    carry = r.carry;
    outputs.push(r.output);
  }
  // Batch-major rows, then one output matmul for every step.
  const states = tf.reshape(tf.transpose(tf.stack(outputs, 0), [1, 0, 2]), [B * T, H]) as Tensor2D;
  return outputLogits(config, params, applyDropout(states, dropout));
}

/** Layer 0's projection of time-major embeddings `[T, B, E]`, one `[B, G]` tensor per step. */
function projectAll(config: Seq2seqConfig, cells: DecoderCells, embedded: Tensor3D): Tensor2D[] {
  const [T, B, E] = embedded.shape;
  return unstack<Tensor2D>(tf.reshape(projectEmbedded(config, cells, tf.reshape(embedded, [T * B, E])), [T, B, -1]) as Tensor3D);
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
