import * as tf from '@tensorflow/tfjs-core';
import type { Tensor2D } from '@tensorflow/tfjs-core';
import { affine, matMul } from '@nlpkit/tensor';
import type { CellState, RnnActivation, RnnParams } from '../types.js';
import { checkCellInputs } from './checkCellInputs.js';
import { checkOneOf } from '../validate.js';

const ACTIVATIONS: readonly RnnActivation[] = ['tanh', 'relu', 'sigmoid'];

/** Applies the RNN nonlinearity by name. */
export function applyActivation(activation: RnnActivation, x: Tensor2D): Tensor2D {
  if (activation === 'relu') return tf.relu(x);
  if (activation === 'sigmoid') return tf.sigmoid(x);
  return tf.tanh(x);
}

/** Input half of the cell for many rows at once: `x·wIh + bias`. Layers call it once for all time steps. */
export function rnnProject(params: RnnParams, x: Tensor2D): Tensor2D {
  return affine(x, params.wIh, params.bias);
}

/** Recurrent half of the cell given the projected input `xp = x·wIh + bias`. */
export function rnnStep(params: RnnParams, xp: Tensor2D, state: CellState, activation: RnnActivation): CellState {
  return { h: applyActivation(activation, tf.add<Tensor2D>(xp, matMul(state.h, params.wHh))) };
}

/**
 * One step of a simple (Elman) RNN: `h' = act(x·wIh + h·wHh + bias)`.
 * @param params input-major weights, see {@link RnnParams}
 * @param x input `[batch, in]`
 * @param state previous state `{ h: [batch, H] }`
 * @param activation `'tanh'` (default), `'relu'` or `'sigmoid'`
 * @returns the next state; the output is `h`
 */
export function rnnCell(params: RnnParams, x: Tensor2D, state: CellState, activation: RnnActivation = 'tanh'): CellState {
  checkOneOf(activation, 'activation', ACTIVATIONS);
  checkCellInputs('rnnCell', params.wIh, params.wHh, 1, x, state, false);
  return rnnStep(params, rnnProject(params, x), state, activation);
}
