import * as tf from '@tensorflow/tfjs-core';
import type { Tensor1D, Tensor2D } from '@tensorflow/tfjs-core';
import { affine, matMul, splitLeading, tanh } from '@nlpkit/tensor';
import type { CellParams, CellState } from '@nlpkit/rnn';
import { attend, type AttentionMemory } from './attention.js';
import { cellParams, cellProject, cellStep } from './cellParams.js';
import { applyDropout, type TrainingDropout } from './encodeSource.js';
import type { Seq2seqParams } from './initSeq2seq.js';
import type { Seq2seqConfig } from './seq2seqConfig.js';

/** The recurrent state of the decoder: one cell state per layer, and the fed attentional state (input feeding). */
export interface DecoderCarry {
  readonly layers: readonly CellState[];
  /** Previous attentional state `[B, H]` (input feeding only). */
  readonly feed?: Tensor2D;
}

/** The decoder's cells, split so that the embedding part of layer 0's input can be projected once for all steps. */
export interface DecoderCells {
  /** Layer 0 with only the embedding rows of its input weight. */
  readonly embedding: CellParams;
  /** Layer 0's input-weight rows for the context (Bahdanau) and the fed state, or null. */
  readonly extra: Tensor2D | null;
  readonly layers: readonly CellParams[];
}

/** The decoder cells of `params` (see {@link DecoderCells}). */
export function decoderCells(config: Seq2seqConfig, params: Seq2seqParams): DecoderCells {
  const layers = Array.from({ length: config.decoderLayers }, (_, k) => cellParams(params, `decoder.layers.${k}.forward`, config.cell));
  const first = layers[0] as CellParams;
  const E = config.embeddingSize;
  const rows = first.wIh.shape[0];
  if (rows === E) return { embedding: first, extra: null, layers };
  // Rows are contiguous: a copy each (tf.slice on wasm took ~8 ms for the 768 × 1,536 weight).
  const [embeddingRows, extra] = splitLeading(first.wIh, [E, rows - E]) as [Tensor2D, Tensor2D];
  return { embedding: { ...first, wIh: embeddingRows } as CellParams, extra, layers };
}

/** The embedded previous tokens `[B, E]` projected by layer 0 (bias included). */
export function projectEmbedded(config: Seq2seqConfig, cells: DecoderCells, embedded: Tensor2D): Tensor2D {
  return cellProject(config.cell, cells.embedding, embedded);
}

/**
 * One decoder step. `projected` is layer 0's projection of the embedded previous tokens ({@link projectEmbedded}).
 * Bahdanau: attend with the top state before the step, feed the context into layer 0. Luong (dot, general, concat,
 * scaled-dot): step, then attend with the new top state. Either way the output is the attentional state
 * `tanh(combine·[context; top])` (`'none'`: the top state), which input feeding passes to the next step.
 */
export function decoderStep(
  config: Seq2seqConfig,
  params: Seq2seqParams,
  cells: DecoderCells,
  memory: AttentionMemory,
  carry: DecoderCarry,
  projected: Tensor2D,
  dropout?: TrainingDropout,
): { carry: DecoderCarry; output: Tensor2D; weights: Tensor2D } {
  const L = config.decoderLayers;
  const extras: Tensor2D[] = [];
  let early: { weights: Tensor2D; context: Tensor2D } | undefined;
  if (config.attention === 'bahdanau') {
    early = attend('bahdanau', params, memory, (carry.layers[L - 1] as CellState).h);
    extras.push(early.context);
  }
  if (config.inputFeeding) extras.push(carry.feed as Tensor2D);
  let xp = projected;
  if (cells.extra !== null) xp = tf.add(xp, matMul(extras.length === 1 ? (extras[0] as Tensor2D) : tf.concat(extras, 1), cells.extra));
  const layers: CellState[] = [];
  let below: Tensor2D | undefined;
  cells.layers.forEach((p, k) => {
    const input = k === 0 ? xp : cellProject(config.cell, p, applyDropout(below as Tensor2D, dropout));
    const s = cellStep(config.cell, p, input, carry.layers[k] as CellState);
    layers.push(s);
    below = s.h;
  });
  const top = below as Tensor2D;
  const att = early ?? attend(config.attention, params, memory, top);
  const output =
    config.attention === 'none'
      ? top
      : tanh(affine(tf.concat([att.context, top], 1), params['combine.w'] as Tensor2D, params['combine.b'] as Tensor1D));
  return { carry: config.inputFeeding ? { layers, feed: output } : { layers }, output, weights: att.weights };
}

/**
 * Output logits `[N, Vt]` of attentional states `[N, H]` (tied: the target embedding table transposed); `bias`
 * replaces the output bias (a decoder session's, with −∞ at the tokens it never emits).
 */
export function outputLogits(config: Seq2seqConfig, params: Seq2seqParams, states: Tensor2D, bias = params['output.b'] as Tensor1D): Tensor2D {
  const w = config.tiedTargetEmbeddings === true ? tf.transpose(params['target.embedding'] as Tensor2D) : (params['output.w'] as Tensor2D);
  return affine(states, w, bias);
}
