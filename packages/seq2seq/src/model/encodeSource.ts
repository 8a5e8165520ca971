import * as tf from '@tensorflow/tfjs-core';
import type { Tensor1D, Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import { affine, concatColumns, tanh } from '@nlpkit/tensor';
import { dropoutMask, embedding, reverseSequences, rnnStack, type CellState, type RngLike, type StackParams } from '@nlpkit/rnn';
import { attentionKeys, type AttentionMemory } from './attention.js';
import { cellParams } from './cellParams.js';
import type { Seq2seqParams } from './initSeq2seq.js';
import type { Seq2seqConfig } from './seq2seqConfig.js';

/** A right-padded batch of source ids. */
export interface SourceBatch {
  /** int32 `[B, S]`, 0 (`<pad>`) after each row's length. */
  readonly ids: Tensor2D;
  /** Valid positions per row, each ≥ 1. */
  readonly lengths: readonly number[];
}

/** Dropout while training: the rate and the generator of the masks. */
export interface TrainingDropout {
  readonly rate: number;
  readonly rng: RngLike;
}

/** The encoded batch: the attention memory and the decoder's initial state per layer. */
export interface EncodedSource {
  readonly memory: AttentionMemory;
  readonly initial: CellState[];
}

/**
 * Runs the encoder over a source batch: embeddings, the (bidirectional, optionally reversed-input) stack over the
 * valid positions only, the attention keys, and the bridge to the decoder's initial states. Leaves its
 * intermediates to the caller (run inside `tf.tidy` or a loss function).
 */
export function encodeSource(config: Seq2seqConfig, params: Seq2seqParams, batch: SourceBatch, dropout?: TrainingDropout): EncodedSource {
  const [B, S] = batch.ids.shape;
  const H = config.hiddenSize;
  let x = embedding(params['source.embedding'] as Tensor2D, batch.ids) as Tensor3D;
  if (config.reverseSource) x = reverseSequences(x, batch.lengths);
  const stack: StackParams = {
    layers: Array.from({ length: config.encoderLayers }, (_, k) => {
      const forward = cellParams(params, `encoder.layers.${k}.forward`, config.cell);
      return config.bidirectional ? { forward, backward: cellParams(params, `encoder.layers.${k}.backward`, config.cell) } : { forward };
    }),
  };
  const r = rnnStack({ type: config.cell }, stack, x, {
    lengths: batch.lengths,
    ...(dropout !== undefined && dropout.rate > 0 ? { inputDropout: dropout.rate, dropout: dropout.rate, training: true, rng: dropout.rng } : {}),
  });
  const values = config.reverseSource ? reverseSequences(r.outputs, batch.lengths) : r.outputs;
  const maskValues = new Float32Array(B * S);
  batch.lengths.forEach((len, b) => maskValues.fill(1, b * S, b * S + len));
  const mask = tf.tensor2d(maskValues, [B, S]);
  const memory: AttentionMemory = { values, keys: attentionKeys(config.attention, params, values), mask };
  // Final state of encoder layer k, both directions joined: [B, H].
  const dirs = config.bidirectional ? 2 : 1;
  const finalOf = (k: number, part: 'h' | 'c'): Tensor2D => {
    const states = r.states.slice(k * dirs, (k + 1) * dirs).map((s) => s[part] as Tensor2D);
    return states.length === 1 ? (states[0] as Tensor2D) : concatColumns(states);
  };
  const parts: ('h' | 'c')[] = config.cell === 'lstm' ? ['h', 'c'] : ['h'];
  const initial = Array.from({ length: config.decoderLayers }, (_, k): CellState => {
    const j = Math.min(k, config.encoderLayers - 1);
    const state: Partial<Record<'h' | 'c', Tensor2D>> = {};
    for (const part of parts) {
      if (config.bridge === 'zero') state[part] = tf.zeros([B, H]);
      else if (config.bridge === 'copy') state[part] = finalOf(k, part);
      else {
        const w = params[`bridge.layers.${k}.${part}.w`] as Tensor2D;
        const b = params[`bridge.layers.${k}.${part}.b`] as Tensor1D;
        state[part] = tanh(affine(finalOf(j, part), w, b));
      }
    }
    return state as CellState;
  });
  return { memory, initial };
}

/** `x` times a fresh dropout mask while training; `x` otherwise. */
export function applyDropout<T extends tf.Tensor>(x: T, dropout: TrainingDropout | undefined): T {
  if (dropout === undefined || dropout.rate === 0) return x;
  return tf.mul(x, dropoutMask(x.shape, dropout.rate, dropout.rng));
}
