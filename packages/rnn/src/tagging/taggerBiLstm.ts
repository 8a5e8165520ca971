import * as tf from '@tensorflow/tfjs-core';
import type { Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import { concatColumns } from '@nlpkit/tensor';
import { lstmProject } from '../cells/lstmCell.js';
import { lstmSequence } from '../layers/lstmSequence.js';
import { stepMasks } from '../layers/recurrent.js';
import type { StackParams } from '../layers/rnnStack.js';
import type { LstmParams } from '../types.js';
import { rowGather } from './rowGather.js';

/**
 * One LSTM direction over rows gathered from `table` (`[·, in]`): time-major row t·B + b of its input is
 * `table[input[t·B + b]]` (−1: a zero row, for masked steps), run as one `lstmSequence` from zero states; returns
 * the rows `output` of its value (`[(T + 2)·B, H]`: the outputs of every step, then the final h and c), −1 giving 0.
 */
export function gatheredLstm(cell: LstmParams, table: Tensor2D, input: Int32Array, output: Int32Array, T: number, B: number, masks: Float32Array[] | null): Tensor2D {
  const H = cell.wHh.shape[0];
  const zeros = tf.zeros([B, H]) as Tensor2D;
  const xp = tf.reshape(lstmProject(cell, rowGather(table, input)), [T, B, 4 * H]) as Tensor3D;
  return rowGather(tf.reshape(lstmSequence(xp, cell.wHh, zeros, zeros, masks), [(T + 2) * B, H]) as Tensor2D, output);
}

/**
 * A stack of bidirectional standard-LSTM layers over a right-padded batch, computing what
 * `rnnStack({ type: 'lstm' }, params, x, { lengths })` computes (the backward direction reads each row's valid
 * words in reverse; outputs 0 at padding; directions concatenated, forward first) with the same sequence op
 * (`lstmSequence`: one fused kernel per direction on wasm and webgpu), but with every reordering — batch-major to
 * time-major, each row reversed within its length, and back — done as one row copy ({@link rowGather}) instead of
 * a transpose plus wasm's slow Gather.
 * @param params the stack (every layer bidirectional, standard LSTM cells)
 * @param x `[batch, T, in]`
 * @param lengths valid words per row (checked by the caller)
 * @param afterLayer applied to each layer's output `[batch, T, 2H]` (dropout); `last` is true for the last layer
 */
export function taggerBiLstm(
  params: StackParams,
  x: Tensor3D,
  lengths: readonly number[],
  afterLayer: (out: Tensor3D, last: boolean) => Tensor3D = (out) => out,
): Tensor3D {
  const [B, T] = x.shape;
  const masks = stepMasks(lengths, B, T);
  // Time-major row t·B + b reads slot b·T + t (forwards) or b·T + len−1−t (backwards); −1 past the row's end
  // (masked steps: any input will do, zeros are cheapest). Outputs come back the opposite way.
  const inF = new Int32Array(T * B).fill(-1);
  const inB = new Int32Array(T * B).fill(-1);
  const outF = new Int32Array(B * T).fill(-1);
  const outB = new Int32Array(B * T).fill(-1);
  for (let b = 0; b < B; b += 1) {
    const len = lengths[b] as number;
    for (let t = 0; t < len; t += 1) {
      inF[t * B + b] = b * T + t;
      inB[t * B + b] = b * T + len - 1 - t;
      outF[b * T + t] = t * B + b;
      outB[b * T + len - 1 - t] = t * B + b;
    }
  }
  let h = x;
  params.layers.forEach((layer, k) => {
    const H = layer.forward.wHh.shape[0];
    const flat = tf.reshape(h, [B * T, h.shape[2]]) as Tensor2D;
    const out = concatColumns([
      gatheredLstm(layer.forward as LstmParams, flat, inF, outF, T, B, masks),
      gatheredLstm(layer.backward as LstmParams, flat, inB, outB, T, B, masks),
    ]);
    h = afterLayer(tf.reshape(out, [B, T, 2 * H]), k === params.layers.length - 1);
  });
  return h;
}
