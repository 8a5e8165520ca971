import * as tf from '@tensorflow/tfjs-core';
import type { Tensor1D, Tensor2D } from '@tensorflow/tfjs-core';
import { checkCellInputs } from './checkCellInputs.js';
import { affine, gruGates, matMul } from '@nlpkit/tensor';
import type { CellState, GruParams } from '../types.js';

/** Input half of the cell for many rows at once: `x·wIh + bIh`. */
export function gruProject(params: GruParams, x: Tensor2D): Tensor2D {
  return affine(x, params.wIh, params.bIh);
}

/** Recurrent half of the cell given the projected input `xp = x·wIh + bIh`. */
export function gruStep(params: GruParams, xp: Tensor2D, state: CellState, resetAfter: boolean): CellState {
  const h = state.h;
  const H = h.shape[1];
  // PyTorch/cuDNN: n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)); one fused recurrent matmul, the gates in one
  // op (one wasm kernel at inference).
  if (resetAfter) return { h: gruGates(xp, affine(h, params.wHh, params.bHh), h) };
  // Cho et al. 2014: the reset gate scales h before the candidate's recurrent matmul.
  const [xr, xz, xn] = tf.split(xp, 3, 1) as [Tensor2D, Tensor2D, Tensor2D];
  const wRz = tf.slice(params.wHh, [0, 0], [-1, 2 * H]);
  const wN = tf.slice(params.wHh, [0, 2 * H], [-1, H]);
  const [bRz, bN] = tf.split(params.bHh, [2 * H, H]) as [Tensor1D, Tensor1D];
  const [hr, hz] = tf.split(tf.add<Tensor2D>(matMul(h, wRz), bRz), 2, 1) as [Tensor2D, Tensor2D];
  const r = tf.sigmoid(tf.add<Tensor2D>(xr, hr));
  const z = tf.sigmoid(tf.add<Tensor2D>(xz, hz));
  const n = tf.tanh(tf.add<Tensor2D>(xn, tf.add<Tensor2D>(matMul(tf.mul<Tensor2D>(r, h), wN), bN)));
  // h' = (1 − z) ⊙ n + z ⊙ h, written to need one multiply.
  return { h: tf.add<Tensor2D>(n, tf.mul<Tensor2D>(z, tf.sub<Tensor2D>(h, n))) };
}

/**
 * One GRU step, gate order r, z, n as in PyTorch.
 * @param params see {@link GruParams}
 * @param x input `[batch, in]`
 * @param state `{ h: [batch, H] }`
 * @param resetAfter true (default) for PyTorch's `nn.GRUCell`; false for Cho et al. 2014
 * @returns the next state
 */
export function gruCell(params: GruParams, x: Tensor2D, state: CellState, resetAfter = true): CellState {
  checkCellInputs('gruCell', params.wIh, params.wHh, 3, x, state, false);
  return gruStep(params, gruProject(params, x), state, resetAfter);
}
