import * as tf from '@tensorflow/tfjs-core';
import type { Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import { concatColumns } from '@nlpkit/tensor';
import { dropoutMask } from './dropoutMask.js';
import { RnnOptionError, RnnShapeError } from '../errors.js';
import { recurrent } from './recurrent.js';
import type { CellConfig, CellParams, CellState, RngLike } from '../types.js';
import { checkKeys, checkNumber, checkOneOf } from '../validate.js';

/** One layer of a stack: the forward direction and, for a bidirectional layer, the backward one. */
export interface StackLayerParams<P extends CellParams = CellParams> {
  forward: P;
  backward?: P;
}

/** Parameters of a stacked (optionally bidirectional) recurrent network. */
export interface StackParams<P extends CellParams = CellParams> {
  layers: StackLayerParams<P>[];
}

/** Options of {@link rnnStack}. */
export interface RnnStackOptions {
  /** Valid steps per row of a right-padded batch: `padSequences(...).lengths` from `@nlpkit/text` as is. */
  lengths?: ArrayLike<number>;
  /** Initial states, one per layer and direction in PyTorch's order (l0, l0_reverse, l1, ...). */
  initialState?: readonly CellState[];
  /** How a bidirectional layer combines its directions: `'concat'` (default, like PyTorch) or `'sum'`. */
  merge?: 'concat' | 'sum';
  /** Add each layer's input to its output when widths match (residual connections, Wu et al. 2016). */
  residual?: boolean;
  /** Dropout on the stack's input. */
  inputDropout?: number;
  /** Dropout between layers (PyTorch's `dropout`). */
  dropout?: number;
  /** Dropout on the last layer's output. */
  outputDropout?: number;
  /** Variational recurrent dropout: one mask per sequence on h before each recurrent matmul. */
  recurrentDropout?: number;
  /** Dropout applies only when true. Default false. */
  training?: boolean;
  /** Generator for dropout masks; required when training with any dropout. */
  rng?: RngLike;
  /** Use the fused LSTM op where possible (default true). */
  fused?: boolean;
}

/** Result of {@link rnnStack}. */
export interface RnnStackResult {
  /** Last layer's outputs `[batch, T, H]` (`2H` for concat-merged bidirectional). */
  outputs: Tensor3D;
  /** Final state per layer and direction, PyTorch's order. */
  states: CellState[];
}

const KEYS = ['lengths', 'initialState', 'merge', 'residual', 'inputDropout', 'dropout', 'outputDropout', 'recurrentDropout', 'training', 'rng', 'fused'] as const;

function drop(x: Tensor3D, rate: number, options: RnnStackOptions, what: string): Tensor3D {
  if (rate === 0 || options.training !== true) return x;
  if (options.rng === undefined) throw new RnnOptionError(`rng is required for ${what} while training, got undefined`);
  return tf.mul(x, dropoutMask(x.shape, rate, options.rng)) as Tensor3D;
}

/**
 * Runs a stack of recurrent layers over a batch-major sequence, as PyTorch's `nn.RNN/LSTM/GRU` with
 * `batch_first=True` (and packed sequences when `lengths` is given).
 * @param config the cell, e.g. `{ type: 'lstm' }`
 * @param params per-layer, per-direction cell parameters
 * @param x `[batch, T, in]`
 * @param options lengths, initial state, merge mode, dropouts
 */
export function rnnStack(config: CellConfig, params: StackParams, x: Tensor3D, options: RnnStackOptions = {}): RnnStackResult {
  checkKeys(options, 'options', KEYS);
  const merge = checkOneOf(options.merge ?? 'concat', 'merge', ['concat', 'sum']);
  const rates = {
    inputDropout: checkNumber(options.inputDropout ?? 0, 'inputDropout', 0, 0.999999),
    dropout: checkNumber(options.dropout ?? 0, 'dropout', 0, 0.999999),
    outputDropout: checkNumber(options.outputDropout ?? 0, 'outputDropout', 0, 0.999999),
    recurrentDropout: checkNumber(options.recurrentDropout ?? 0, 'recurrentDropout', 0, 0.999999),
  };
  if (params.layers.length === 0) throw new RnnOptionError(`params.layers must hold at least one layer, got 0`);
  const dirs = params.layers[0]?.backward === undefined ? 1 : 2;
  if (params.layers.some((l) => (l.backward === undefined ? 1 : 2) !== dirs)) {
    throw new RnnOptionError(`params.layers must all be bidirectional or all unidirectional`);
  }
  const init = options.initialState;
  if (init !== undefined && init.length !== params.layers.length * dirs) {
    throw new RnnShapeError(`initialState must hold ${params.layers.length * dirs} states (layers × directions), got ${init.length}`);
  }
  const states: CellState[] = [];
  let h = drop(x, rates.inputDropout, options, 'inputDropout');
  params.layers.forEach((layer, k) => {
    const dirParams = layer.backward === undefined ? [layer.forward] : [layer.forward, layer.backward];
    const outs = dirParams.map((p, d) => {
      const recurrentMask =
        rates.recurrentDropout > 0 && options.training === true
          ? (() => {
              if (options.rng === undefined) throw new RnnOptionError(`rng is required for recurrentDropout while training, got undefined`);
              return dropoutMask([x.shape[0], p.wHh.shape[0]], rates.recurrentDropout, options.rng) as Tensor2D;
            })()
          : undefined;
      const r = recurrent(config, p, h, {
        ...(options.lengths !== undefined ? { lengths: options.lengths } : {}),
        ...(init !== undefined ? { initialState: init[k * dirs + d] as CellState } : {}),
        ...(recurrentMask !== undefined ? { recurrentMask } : {}),
        ...(options.fused !== undefined ? { fused: options.fused } : {}),
        reverse: d === 1,
      });
      states.push(r.state);
      return r.outputs;
    });
    let out = outs.length === 1 ? (outs[0] as Tensor3D) : merge === 'concat' ? concatColumns(outs as Tensor3D[]) : (tf.add(outs[0] as Tensor3D, outs[1] as Tensor3D) as Tensor3D);
    if (options.residual === true && out.shape[2] === h.shape[2]) out = tf.add(out, h);
    const last = k === params.layers.length - 1;
    h = drop(out, last ? rates.outputDropout : rates.dropout, options, last ? 'outputDropout' : 'dropout');
  });
  return { outputs: h, states };
}
