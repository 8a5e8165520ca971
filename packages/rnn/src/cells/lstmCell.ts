import * as tf from '@tensorflow/tfjs-core';
import type { Tensor1D, Tensor2D } from '@tensorflow/tfjs-core';
import { checkCellInputs } from './checkCellInputs.js';
import { RnnOptionError } from '../errors.js';
import { affine, matMul } from '@nlpkit/tensor';
import type { CellState, LstmParams } from '../types.js';

/** Input half of the cell for many rows at once: `x·wIh + bias`. */
export function lstmProject(params: LstmParams, x: Tensor2D): Tensor2D {
  return affine(x, params.wIh, params.bias);
}

function peep(gate: Tensor2D, w: Tensor1D | undefined, c: Tensor2D): Tensor2D {
  return w === undefined ? gate : tf.add<Tensor2D>(gate, tf.mul<Tensor2D>(w, c));
}

/** Recurrent half of the cell given the projected input `xp = x·wIh + bias`. */
export function lstmStep(params: LstmParams, xp: Tensor2D, state: CellState, coupled: boolean): CellState {
  const c = state.c as Tensor2D;
  const gates = tf.add<Tensor2D>(xp, matMul(state.h, params.wHh));
  let i: Tensor2D;
  let f: Tensor2D;
  let g: Tensor2D;
  let o: Tensor2D;
  if (coupled) {
    const [gf, gg, go] = tf.split(gates, 3, 1) as [Tensor2D, Tensor2D, Tensor2D];
    f = tf.sigmoid(peep(gf, params.peepF, c));
    // Coupled input-forget gate (Greff et al. 2017, "CIFG"): write exactly what is forgotten.
    i = tf.sub<Tensor2D>(1, f);
    g = tf.tanh(gg);
    o = go;
  } else {
    const [gi, gf, gg, go] = tf.split(gates, 4, 1) as [Tensor2D, Tensor2D, Tensor2D, Tensor2D];
    i = tf.sigmoid(peep(gi, params.peepI, c));
    f = tf.sigmoid(peep(gf, params.peepF, c));
    g = tf.tanh(gg);
    o = go;
  }
  const cNext = tf.add<Tensor2D>(tf.mul<Tensor2D>(f, c), tf.mul<Tensor2D>(i, g));
  // The output gate peeks at the new cell state, as in Gers & Schmidhuber's formulation.
  o = tf.sigmoid(peep(o, params.peepO, cNext));
  let h = tf.mul<Tensor2D>(o, tf.tanh(cNext));
  if (params.wProj !== undefined) h = matMul(h, params.wProj);
  return { h, c: cNext };
}

/** Number of gate blocks in `wIh`'s columns: 3 for the coupled variant, else 4. */
export function lstmGateCount(coupled: boolean): number {
  return coupled ? 3 : 4;
}

/**
 * One LSTM step. Standard (PyTorch `nn.LSTMCell` numerics) when only `wIh`, `wHh`, `bias` are given; with
 * `peepI/peepF/peepO` the gates also see the cell state; with `wProj` the output is projected to `P` units.
 * @param params see {@link LstmParams}
 * @param x input `[batch, in]`
 * @param state `{ h: [batch, H or P], c: [batch, H] }`
 * @param coupled coupled input-forget gate (`wIh` has 3·H columns)
 * @returns the next `{ h, c }`
 */
export function lstmCell(params: LstmParams, x: Tensor2D, state: CellState, coupled = false): CellState {
  const gates = lstmGateCount(coupled);
  checkCellInputs('lstmCell', params.wIh, params.wHh, gates, x, state, true);
  checkLstmExtras(params, gates, coupled);
  return lstmStep(params, lstmProject(params, x), state, coupled);
}

/** Checks peephole and projection shapes against the hidden size implied by `wIh`. */
export function checkLstmExtras(params: LstmParams, gates: number, coupled: boolean): void {
  const H = params.wIh.shape[1] / gates;
  const ph = params.wHh.shape[0];
  if (params.bias.shape.length !== 1 || params.bias.shape[0] !== gates * H) {
    throw new RnnOptionError(`lstm params.bias must have shape [${gates * H}], got [${params.bias.shape.join(', ')}]`);
  }
  for (const key of ['peepI', 'peepF', 'peepO'] as const) {
    const w = params[key];
    if (w !== undefined && (w.shape.length !== 1 || w.shape[0] !== H)) {
      throw new RnnOptionError(`lstm params.${key} must have shape [${H}], got [${w.shape.join(', ')}]`);
    }
  }
  if (coupled && params.peepI !== undefined) {
    throw new RnnOptionError(`lstm params.peepI must be absent with coupled gates (i = 1 − f), got a tensor`);
  }
  const P = params.wProj === undefined ? H : params.wProj.shape[1];
  if (params.wProj !== undefined && (params.wProj.shape.length !== 2 || params.wProj.shape[0] !== H)) {
    throw new RnnOptionError(`lstm params.wProj must have shape [${H}, P], got [${params.wProj.shape.join(', ')}]`);
  }
  if (ph !== P) {
    throw new RnnOptionError(`lstm params.wHh must have ${P} rows (the output width), got ${ph}`);
  }
}
