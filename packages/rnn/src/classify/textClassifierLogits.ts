import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor1D, Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import { concatColumns } from '@nlpkit/tensor';
import { RnnLengthError, RnnOptionError, RnnShapeError } from '../errors.js';
import { dense } from '../layers/dense.js';
import { dropoutMask } from '../layers/dropoutMask.js';
import { embedding } from '../layers/embedding.js';
import { checkIdRows, idsTensor, type TokenIds } from '../layers/idsTensor.js';
import { rnnStack, type StackParams } from '../layers/rnnStack.js';
import type { CellParams, RngLike } from '../types.js';
import { checkKeys, checkLengths, checkNumber } from '../validate.js';
import type { TextClassifierParams } from './initTextClassifier.js';
import { lengthMask, poolSequence } from './poolSequence.js';
import { checkModelParams } from '../models/modelArtifact.js';
import { checkTextClassifierConfig, textClassifierShapes, type CnnClassifierConfig, type DanClassifierConfig, type RnnClassifierConfig, type TextClassifierConfig } from './textClassifierConfig.js';

/** Options of {@link textClassifierLogits}. */
export interface TextClassifierForwardOptions {
  /** Dropout applies only when true. Default false. */
  readonly training?: boolean;
  /** Dropout on the features before the output layer (DAN: after every hidden layer; RNN: also between layers). */
  readonly dropout?: number;
  /** DAN only: drop each token from the average with this probability (Iyyer et al. 2015; at least one is kept). */
  readonly wordDropout?: number;
  /** Required when training with any dropout. */
  readonly rng?: RngLike;
}

const KEYS = ['training', 'dropout', 'wordDropout', 'rng'] as const;

function get<T extends Tensor>(params: TextClassifierParams, name: string): T {
  const t = params[name];
  if (t === undefined) throw new RnnShapeError({ argument: `params "${name}"`, expected: 'present for this config', foundText: 'no such weight' });
  return t as T;
}

/** The rnnStack parameter tree of an RNN classifier's flat dict. */
function stackParams(config: RnnClassifierConfig, params: TextClassifierParams): StackParams {
  const gru = config.cell?.type === 'gru';
  const cell = (at: string): CellParams =>
    gru
      ? { wIh: get(params, `${at}.wIh`), wHh: get(params, `${at}.wHh`), bIh: get(params, `${at}.bIh`), bHh: get(params, `${at}.bHh`) }
      : { wIh: get(params, `${at}.wIh`), wHh: get(params, `${at}.wHh`), bias: get(params, `${at}.bias`) };
  return {
    layers: Array.from({ length: config.layers }, (_, k) => ({
      forward: cell(`rnn.layers.${k}.forward`),
      ...(config.bidirectional === true ? { backward: cell(`rnn.layers.${k}.backward`) } : {}),
    })),
  };
}

function rnnFeatures(config: RnnClassifierConfig, params: TextClassifierParams, x: Tensor3D, lengths: number[], rate: number, options: TextClassifierForwardOptions): Tensor2D {
  const training = options.training === true && rate > 0;
  const r = rnnStack(config.cell ?? { type: 'lstm' }, stackParams(config, params), x, {
    lengths,
    ...(training && config.layers > 1 ? { dropout: rate, training: true, rng: options.rng as RngLike } : {}),
  });
  if (config.pooling !== 'last') return poolSequence(r.outputs, lengths, config.pooling);
  // The last layer's final states (forward: at each row's last valid step; backward: at step 0), as PyTorch's h_n.
  const dirs = config.bidirectional === true ? 2 : 1;
  const last = r.states.slice(r.states.length - dirs).map((s) => s.h);
  return (dirs === 1 ? last[0] : concatColumns(last as Tensor2D[])) as Tensor2D;
}

function danFeatures(config: DanClassifierConfig, params: TextClassifierParams, x: Tensor3D, lengths: number[], drop: (t: Tensor, rate: number) => Tensor, rate: number, options: TextClassifierForwardOptions): Tensor2D {
  const [B, T] = x.shape;
  const p = checkNumber(options.wordDropout ?? 0, 'options.wordDropout', 0, 0.999999);
  let mask: Tensor2D;
  if (options.training === true && p > 0) {
    const rng = options.rng as RngLike;
    const values = new Float32Array(B * T);
    lengths.forEach((len, b) => {
      let kept = 0;
      for (let t = 0; t < len; t++) {
        if (rng.next() >= p) {
          values[b * T + t] = 1;
          kept += 1;
        }
      }
      if (kept === 0) values.fill(1, b * T, b * T + len);
    });
    mask = tf.tensor2d(values, [B, T]);
  } else mask = lengthMask(lengths, T);
  let h = tf.div(tf.sum(tf.mul(x, tf.expandDims(mask, 2)), 1), tf.sum(mask, 1, true)) as Tensor2D;
  const act = config.activation === 'tanh' ? tf.tanh : tf.relu;
  config.hiddenSizes.forEach((_, k) => {
    h = drop(act(dense({ w: get<Tensor2D>(params, `hidden.${k}.w`), b: get<Tensor1D>(params, `hidden.${k}.b`) }, h)), rate) as Tensor2D;
  });
  return h;
}

function cnnFeatures(config: CnnClassifierConfig, params: TextClassifierParams, x0: Tensor3D, lengths: number[]): Tensor2D {
  const [B, T0, E] = x0.shape;
  const widest = Math.max(...config.widths);
  // Padding becomes zero vectors, whatever ids it holds (a window of a row shorter than a filter reaches into it),
  // and rows shorter than the widest filter are padded with more of them, as Kim pads short sentences.
  const zeroed = tf.mul(x0, tf.expandDims(lengthMask(lengths, T0), 2)) as Tensor3D;
  const x = T0 < widest ? (tf.pad(zeroed, [[0, 0], [0, widest - T0], [0, 0]]) as Tensor3D) : zeroed;
  const T = x.shape[1];
  const pooled = config.widths.map((w, k) => {
    const n = T - w + 1;
    // Windows as shifted slices side by side, then one matmul: a 1-D convolution whose gradient every backend has
    // (tfjs-wasm has no Conv2DBackpropFilter).
    const windows = w === 1 ? x : tf.concat(Array.from({ length: w }, (_, j) => tf.slice(x, [0, j, 0], [B, n, E])), 2);
    const flat = tf.reshape(windows, [B * n, w * E]) as Tensor2D;
    const maps = tf.relu(tf.reshape(dense({ w: get<Tensor2D>(params, `conv.${k}.w`), b: get<Tensor1D>(params, `conv.${k}.b`) }, flat), [B, n, config.filters]));
    // A window is valid when it starts inside the row (at least the first window of every row); after the ReLU
    // every value is ≥ 0, so zeroing the invalid windows keeps them out of the max.
    const valid = lengthMask(lengths.map((len) => Math.max(len - w + 1, 1)), n);
    return tf.max(tf.mul(maps, tf.expandDims(valid, 2)), 1) as Tensor2D;
  });
  return (pooled.length === 1 ? pooled[0] : concatColumns(pooled as Tensor2D[])) as Tensor2D;
}

/**
 * Logits `[batch, numLabels]` of a text classifier for a right-padded batch of token ids (an int32 tensor or
 * `padSequences(...).ids`) with the real length of each row (`padSequences(...).lengths`, each at least 1):
 * padding never reaches the result. Like a tfjs op it leaves its intermediate tensors to the caller: run it inside
 * `tf.tidy` or a `trainStep` loss function.
 */
export function textClassifierLogits(
  config: TextClassifierConfig,
  params: TextClassifierParams,
  ids: TokenIds,
  lengths: ArrayLike<number>,
  options: TextClassifierForwardOptions = {},
): Tensor2D {
  checkKeys(options, 'options', KEYS);
  checkTextClassifierConfig(config, 'config');
  checkModelParams(params, textClassifierShapes(config), 'params', config);
  const rate = checkNumber(options.dropout ?? 0, 'options.dropout', 0, 0.999999);
  const wordRate = checkNumber(options.wordDropout ?? 0, 'options.wordDropout', 0, 0.999999);
  if (options.training === true && (rate > 0 || wordRate > 0) && options.rng === undefined) {
    throw new RnnOptionError({ argument: 'options.rng', expected: 'a generator for dropout while training', found: undefined });
  }
  checkIdRows(ids, config.vocabSize);
  const input = idsTensor(ids);
  const [B, T] = input.shape;
  const list = checkLengths(lengths, B, T);
  list.forEach((len, b) => {
    if (len < 1) throw new RnnLengthError({ argument: `lengths[${b}]`, expected: 'at least 1 (an empty text has nothing to classify)', found: len });
  });
  const drop = (t: Tensor, r: number): Tensor => (options.training === true && r > 0 ? tf.mul(t, dropoutMask(t.shape, r, options.rng as RngLike)) : t);
  const x = embedding(get<Tensor2D>(params, 'embedding'), input) as Tensor3D;
  let features: Tensor2D;
  if (config.kind === 'rnn') features = drop(rnnFeatures(config, params, x, list, rate, options), rate) as Tensor2D;
  else if (config.kind === 'dan') features = danFeatures(config, params, x, list, drop, rate, options);
  else features = drop(cnnFeatures(config, params, x, list), rate) as Tensor2D;
  if (config.kind === 'dan' && config.hiddenSizes.length === 0) features = drop(features, rate) as Tensor2D;
  return dense({ w: get<Tensor2D>(params, 'output.w'), b: get<Tensor1D>(params, 'output.b') }, features);
}
