import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor1D, Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import type { Rng } from '@nlpkit/core';
import { affineCrossEntropy, uniform } from '@nlpkit/tensor';
import { crossEntropy } from '@nlpkit/train';
import { checkCellConfig } from '../cells/checkCellConfig.js';
import { initCell } from '../cells/initCell.js';
import { RnnOptionError, RnnShapeError } from '../errors.js';
import { dense, tiedWeight } from '../layers/dense.js';
import { dropoutMask } from '../layers/dropoutMask.js';
import { embedding } from '../layers/embedding.js';
import { checkIdRows, idsTensor, type TokenIds } from '../layers/idsTensor.js';
import { rnnStack, type StackParams } from '../layers/rnnStack.js';
import type { CellConfig, CellState, RngLike } from '../types.js';
import { checkDtype, checkKeys, checkLengths, checkNumber, checkShape } from '../validate.js';
import { checkModelParams } from './modelArtifact.js';

/** Shape of a recurrent language model. */
export interface RecurrentLmConfig {
  vocabSize: number;
  embeddingSize: number;
  hiddenSize: number;
  layers: number;
  /** Default `{ type: 'lstm' }`. */
  cell?: CellConfig;
  /** Tie the softmax weight to the embedding table (needs embeddingSize = hiddenSize). */
  tied?: boolean;
}

/** Parameters of a {@link RecurrentLmConfig} model. */
export interface RecurrentLmParams {
  embedding: Tensor2D;
  rnn: StackParams;
  /** `w: [H, V]` (absent when tied) and bias `[V]`. */
  output: { w?: Tensor2D; b: Tensor1D };
}

/** Options of {@link recurrentLmForward}. */
export interface RecurrentLmOptions {
  /** Carried state from the previous BPTT segment (stateful truncated BPTT). */
  state?: readonly CellState[];
  /** Valid steps per row of a right-padded batch, e.g. `padSequences(...).lengths` from `@nlpkit/text`. */
  lengths?: ArrayLike<number>;
  /** Dropout on the embeddings, between layers and before the softmax (Zaremba et al. 2014). */
  dropout?: number;
  /** Dropout is applied only when true. */
  training?: boolean;
  rng?: RngLike;
}

/** Options of {@link recurrentLmLoss}. */
export interface RecurrentLmLossOptions {
  /** Label smoothing ε. Default 0. */
  labelSmoothing?: number;
  /** Valid steps per row: padded positions are left out of the mean (`padSequences(...).lengths`). */
  lengths?: ArrayLike<number>;
}


/**
 * Checks a {@link RecurrentLmConfig} (from code or from a file): sizes are integers in range, the cell type is one
 * of `lstm`, `gru`, `rnn` with only that cell's options, `tied` is a boolean and needs `embeddingSize ===
 * hiddenSize`. Returns the config unchanged.
 * @throws UnknownNameError (`ERR_UNKNOWN_NAME`) for an unknown cell type; RnnOptionError for anything else
 */
export function checkRecurrentLmConfig(config: RecurrentLmConfig, argument = 'config'): RecurrentLmConfig {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw new RnnOptionError({ argument, expected: 'a recurrent LM config record', found: config });
  }
  checkKeys(config, argument, ['vocabSize', 'embeddingSize', 'hiddenSize', 'layers', 'cell', 'tied']);
  checkNumber(config.vocabSize, `${argument}.vocabSize`, 1, 1 << 24, true);
  const E = checkNumber(config.embeddingSize, `${argument}.embeddingSize`, 1, 1 << 16, true);
  const H = checkNumber(config.hiddenSize, `${argument}.hiddenSize`, 1, 1 << 16, true);
  checkNumber(config.layers, `${argument}.layers`, 1, 64, true);
  if (config.tied !== undefined && typeof config.tied !== 'boolean') {
    throw new RnnOptionError({ argument: `${argument}.tied`, expected: 'a boolean', found: config.tied });
  }
  if (config.tied === true && E !== H) {
    throw new RnnOptionError({ argument: `${argument}.embeddingSize`, expected: `equal to hiddenSize (${H}) for tied embeddings`, found: E });
  }
  if (config.cell !== undefined) checkCellConfig(config.cell, `${argument}.cell`);
  return config;
}

/**
 * Initialises every weight with U(±initScale) as Zaremba et al. did (0.1 for the small model), or with the
 * cells' PyTorch default when `initScale` is omitted.
 */
export function initRecurrentLm(config: RecurrentLmConfig, rng: Rng, initScale?: number): RecurrentLmParams {
  const { vocabSize: V, embeddingSize: E, hiddenSize: H, layers: L } = checkRecurrentLmConfig(config, 'config');
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
  }) as unknown as RecurrentLmParams;
}


/**
 * The name and shape of every weight a config implies, in the order `initRecurrentLm` makes them:
 * `embedding [V, E]`, per layer `rnn.layers.k.forward.{wIh, wHh, bias}` (GRU: `bIh`, `bHh`), `output.w [H, V]`
 * (absent when tied), `output.b [V]`.
 */
export function recurrentLmShapes(config: RecurrentLmConfig): Map<string, number[]> {
  const { vocabSize: V, embeddingSize: E, hiddenSize: H, layers: L } = checkRecurrentLmConfig(config, 'config');
  const cell = config.cell ?? { type: 'lstm' };
  const gates = cell.type === 'lstm' ? (cell.coupled === true ? 3 : 4) : cell.type === 'gru' ? 3 : 1;
  const shapes = new Map<string, number[]>([['embedding', [V, E]]]);
  for (let k = 0; k < L; k++) {
    const at = `rnn.layers.${k}.forward`;
    shapes.set(`${at}.wIh`, [k === 0 ? E : H, gates * H]);
    shapes.set(`${at}.wHh`, [H, gates * H]);
    if (cell.type === 'gru') {
      shapes.set(`${at}.bIh`, [gates * H]);
      shapes.set(`${at}.bHh`, [gates * H]);
    } else shapes.set(`${at}.bias`, [gates * H]);
  }
  if (config.tied !== true) shapes.set('output.w', [H, V]);
  shapes.set('output.b', [V]);
  return shapes;
}

/**
 * Runs the model over token ids `[batch, T]` (an int32 tensor, or `padSequences(...).ids`); returns logits
 * `[batch·T, V]` (row b·T + t) and the final states to carry into the next segment. Like a tfjs op it leaves
 * its intermediate tensors to the caller: run it inside `tf.tidy` or a `trainStep` loss function. Ids given as
 * arrays are range-checked (an `RnnShapeError` naming the id); an id tensor is not read back, so check a stream
 * once beforehand (`lmStreamFromIds` does).
 */
export function recurrentLmForward(
  config: RecurrentLmConfig,
  params: RecurrentLmParams,
  ids: TokenIds,
  options: RecurrentLmOptions = {},
): { logits: Tensor2D; state: CellState[] } {
  const run = runStack(config, params, ids, options, RECURRENT_LM_OPTIONS);
  return { logits: dense({ w: run.w, b: run.b }, run.hidden), state: run.state };
}

const RECURRENT_LM_OPTIONS = ['state', 'lengths', 'dropout', 'training', 'rng'] as const;

/** The embedding and recurrent stack of {@link recurrentLmForward}: outputs `[batch·T, H]`, final states, output weights. */
function runStack(
  config: RecurrentLmConfig,
  params: RecurrentLmParams,
  ids: TokenIds,
  options: RecurrentLmOptions,
  known: readonly string[],
): { hidden: Tensor2D; shape: [number, number]; state: CellState[]; w: Tensor2D; b: Tensor1D } {
  checkKeys(options, 'options', known);
  const rate = checkNumber(options.dropout ?? 0, 'options.dropout', 0, 0.999999);
  const training = options.training === true && rate > 0;
  if (training && options.rng === undefined) {
    throw new RnnOptionError({ argument: 'options.rng', expected: 'a generator for dropout while training', found: undefined });
  }
  checkRecurrentLmConfig(config, 'config');
  checkModelParams(params, recurrentLmShapes(config), 'params', config);
  checkIdRows(ids, config.vocabSize);
  const input = idsTensor(ids);
  const [B, T] = input.shape;
  let x = embedding(params.embedding, input) as Tensor3D;
  if (training) x = tf.mul(x, dropoutMask(x.shape, rate, options.rng as RngLike));
  const r = rnnStack(config.cell ?? { type: 'lstm' }, params.rnn, x, {
    ...(options.state !== undefined ? { initialState: options.state } : {}),
    ...(options.lengths !== undefined ? { lengths: options.lengths } : {}),
    ...(training ? { dropout: rate, outputDropout: rate, training: true, rng: options.rng as RngLike } : {}),
  });
  const H = r.outputs.shape[2];
  const w = params.output.w ?? tiedWeight(params.embedding);
  return { hidden: tf.reshape(r.outputs, [B * T, H]), shape: [B, T], state: r.states, w, b: params.output.b };
}

/** Options of {@link recurrentLmForwardLoss}: the forward pass's and the loss's. */
export interface RecurrentLmForwardLossOptions extends RecurrentLmOptions {
  /** Label smoothing ε. Default 0. */
  labelSmoothing?: number;
  /**
   * Float32 `[V]` added to every position's logits before the softmax (e.g. −1e9 for ids that are never
   * predicted, as `evaluateRecurrentLmStream` does for `<pad>` and `<s>`).
   */
  logitBias?: Tensor1D;
}

/**
 * `recurrentLmLoss(recurrentLmForward(config, params, ids, options).logits, targets, options)` in one call, with
 * the final states: the mean cross-entropy (nats) of the next-token predictions, leaving out padded positions when
 * `lengths` is given. When no gradient is being recorded (evaluation) on the wasm backend, the output layer and
 * the loss run as one kernel that never writes the `[batch·T, V]` logits (`affineCrossEntropy` from
 * `@nlpkit/tensor`; equal to the two calls to float32 rounding); under a gradient tape, and on other backends, it
 * is the two calls. Like a tfjs op it leaves its intermediate tensors to the caller: run it inside `tf.tidy`.
 */
export function recurrentLmForwardLoss(
  config: RecurrentLmConfig,
  params: RecurrentLmParams,
  ids: TokenIds,
  targets: TokenIds,
  options: RecurrentLmForwardLossOptions = {},
): { loss: tf.Scalar; state: CellState[] } {
  const run = runStack(config, params, ids, options, [...RECURRENT_LM_OPTIONS, 'labelSmoothing', 'logitBias']);
  const eps = checkNumber(options.labelSmoothing ?? 0, 'options.labelSmoothing', 0, 1);
  if (options.logitBias !== undefined) {
    checkShape(options.logitBias, 'options.logitBias', [config.vocabSize], ['V']);
    checkDtype(options.logitBias, 'options.logitBias', 'float32');
  }
  const t = idsTensor(targets, 'targets');
  const [B, T] = run.shape;
  if (t.shape[0] !== B || t.shape[1] !== T) {
    throw new RnnShapeError({ argument: 'targets', expected: `of shape [${B}, ${T}] (one id per input position, as ids)`, foundText: `[${t.shape.join(', ')}]` });
  }
  checkIdRows(targets, config.vocabSize, 'targets');
  const mask = options.lengths === undefined ? undefined : lossMask(options.lengths, B, T);
  const b = options.logitBias === undefined ? run.b : (tf.add(run.b, options.logitBias) as Tensor1D);
  const loss = affineCrossEntropy(run.hidden, run.w, b, tf.reshape(t, [-1]) as Tensor1D, mask, eps);
  return { loss, state: run.state };
}

/** 1 for the valid steps of each row of a right-padded `[B, T]` batch, 0 for padding, flattened `[B·T]`. */
function lossMask(lengths: ArrayLike<number>, B: number, T: number): Tensor1D {
  const valid = checkLengths(lengths, B, T);
  const mask = new Float32Array(B * T);
  valid.forEach((len, b) => mask.fill(1, b * T, b * T + len));
  return tf.tensor1d(mask);
}

/**
 * Mean cross-entropy (nats) of the model's next-token predictions: `targets` `[batch, T]` (an int32 tensor or a
 * `number[][]`), leaving out padded positions when `lengths` is given. `crossEntropy` from `@nlpkit/train`.
 */
export function recurrentLmLoss(logits: Tensor2D, targets: TokenIds, options: RecurrentLmLossOptions = {}): tf.Scalar {
  checkKeys(options, 'options', ['labelSmoothing', 'lengths']);
  const t = idsTensor(targets, 'targets');
  const [B, T] = t.shape;
  const flat = tf.reshape(t, [-1]) as Tensor1D;
  if (options.lengths === undefined) return crossEntropy(logits, flat, { labelSmoothing: options.labelSmoothing ?? 0 });
  return crossEntropy(logits, flat, { labelSmoothing: options.labelSmoothing ?? 0, mask: lossMask(options.lengths, B, T) });
}
