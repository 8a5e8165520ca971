import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor1D, Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import { uniform, type Rng } from '@nlpkit/tensor';
import { crossEntropy } from './crossEntropy.js';
import { dense, tiedWeight } from './dense.js';
import { dropoutMask } from './dropoutMask.js';
import { embedding } from './embedding.js';
import { PKG, RnnOptionError } from './errors.js';
import { initCell } from './initCell.js';
import { rnnStack, type StackParams } from './rnnStack.js';
import type { CellConfig, CellState, RngLike } from './types.js';
import { checkKeys, checkNumber, checkShape } from './validate.js';

/** Shape of a recurrent language model. */
export interface LanguageModelConfig {
  vocabSize: number;
  embeddingSize: number;
  hiddenSize: number;
  layers: number;
  /** Default `{ type: 'lstm' }`. */
  cell?: CellConfig;
  /** Tie the softmax weight to the embedding table (needs embeddingSize = hiddenSize). */
  tied?: boolean;
}

/** Parameters of a {@link LanguageModelConfig} model. */
export interface LanguageModelParams {
  embedding: Tensor2D;
  rnn: StackParams;
  /** `w: [H, V]` (absent when tied) and bias `[V]`. */
  output: { w?: Tensor2D; b: Tensor1D };
}

/** Options of {@link languageModel}. */
export interface LanguageModelOptions {
  /** Carried state from the previous BPTT segment (stateful truncated BPTT). */
  state?: readonly CellState[];
  /** Dropout on the embeddings, between layers and before the softmax (Zaremba et al. 2014). */
  dropout?: number;
  /** Dropout is applied only when true. */
  training?: boolean;
  rng?: RngLike;
}

/**
 * Initialises every weight with U(±initScale) as Zaremba et al. did (0.1 for the small model), or with the
 * cells' PyTorch default when `initScale` is omitted.
 */
export function initLanguageModel(config: LanguageModelConfig, rng: Rng, initScale?: number): LanguageModelParams {
  checkKeys('language model config', config, ['vocabSize', 'embeddingSize', 'hiddenSize', 'layers', 'cell', 'tied']);
  const V = checkNumber('vocabSize', config.vocabSize, 1, 1 << 24, true);
  const E = checkNumber('embeddingSize', config.embeddingSize, 1, 1 << 16, true);
  const H = checkNumber('hiddenSize', config.hiddenSize, 1, 1 << 16, true);
  const L = checkNumber('layers', config.layers, 1, 64, true);
  if (config.tied === true && E !== H) {
    throw new RnnOptionError(`${PKG}: tied embeddings need embeddingSize = hiddenSize, got ${E} and ${H}`);
  }
  const cell = config.cell ?? { type: 'lstm' };
  return tf.tidy(() => {
    const s = initScale ?? 0.1;
    const u = (shape: number[]): Tensor => uniform(shape, rng, -s, s);
    const layers = Array.from({ length: L }, (_, k) => {
      const p = initCell(cell, k === 0 ? E : H, H, rng);
      if (initScale === undefined) return { forward: p };
      // Redraw every tensor of the cell with the requested scale, keeping its shape.
      const redrawn = Object.fromEntries(Object.entries(p).map(([key, t]) => [key, u((t as Tensor).shape)]));
      return { forward: redrawn as unknown as typeof p };
    });
    const out: { w?: Tensor2D; b: Tensor1D } = { b: (initScale === undefined ? tf.zeros([V]) : u([V])) as Tensor1D };
    if (config.tied !== true) out.w = u([H, V]) as Tensor2D;
    return { embedding: u([V, E]), rnn: { layers }, output: out } as unknown as tf.TensorContainerObject;
  }) as unknown as LanguageModelParams;
}

/**
 * Runs the model over int32 token ids `[batch, T]`; returns logits `[batch·T, V]` (row b·T + t) and the final
 * states to carry into the next segment.
 */
export function languageModel(
  config: LanguageModelConfig,
  params: LanguageModelParams,
  ids: Tensor2D,
  options: LanguageModelOptions = {},
): { logits: Tensor2D; state: CellState[] } {
  checkKeys('languageModel options', options, ['state', 'dropout', 'training', 'rng']);
  checkShape('ids', ids, [null, null], ['batch', 'T']);
  const rate = checkNumber('dropout', options.dropout ?? 0, 0, 0.999999);
  const [B, T] = ids.shape;
  const training = options.training === true && rate > 0;
  if (training && options.rng === undefined) throw new RnnOptionError(`${PKG}: rng is required for dropout while training, got undefined`);
  let x = embedding(params.embedding, ids) as Tensor3D;
  if (training) x = tf.mul(x, dropoutMask(x.shape, rate, options.rng as RngLike));
  const r = rnnStack(config.cell ?? { type: 'lstm' }, params.rnn, x, {
    ...(options.state !== undefined ? { initialState: options.state } : {}),
    ...(training ? { dropout: rate, outputDropout: rate, training: true, rng: options.rng as RngLike } : {}),
  });
  const H = r.outputs.shape[2];
  const w = params.output.w ?? tiedWeight(params.embedding);
  const logits = dense({ w, b: params.output.b }, tf.reshape(r.outputs, [B * T, H]));
  return { logits, state: r.states };
}

/** Mean cross-entropy of the model's next-token predictions: `targets` int32 `[batch, T]`. */
export function languageModelLoss(logits: Tensor2D, targets: Tensor2D, labelSmoothing = 0): tf.Scalar {
  return crossEntropy(logits, tf.reshape(targets, [-1]), { labelSmoothing });
}
