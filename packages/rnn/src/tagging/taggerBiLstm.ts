import * as tf from '@tensorflow/tfjs-core';
import type { Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import type { StackParams } from '../layers/rnnStack.js';
import type { LstmParams } from '../types.js';
import { lstmProject } from '../cells/lstmCell.js';
import { packedLayout, packedLstm } from './packedLstm.js';
import { rowGather } from './rowGather.js';

/**
 * A stack of bidirectional standard-LSTM layers over a right-padded batch, computing what
 * `rnnStack({ type: 'lstm' }, params, x, { lengths })` computes (the backward direction reads each row's valid
 * words in reverse; outputs 0 at padding; directions concatenated, forward first), with each direction one
 * {@link packedLstm}: no padding steps and no mask arithmetic. (Both directions as one LSTM of 2H units, as the
 * character features run, halves the small kernels per step but doubles the recurrent matmuls' work: at 100
 * units that costs more than it saves.)
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
  const layout = packedLayout(lengths);
  // Gather maps: packed row → slot of its input (forwards, and read from the end), and slot → packed row of
  // its output in each direction (−1: padding, a zero row).
  const inF = new Int32Array(layout.rows);
  const inB = new Int32Array(layout.rows);
  const outF = new Int32Array(B * T).fill(-1);
  const outB = new Int32Array(B * T).fill(-1);
  layout.sizes.forEach((n, t) => {
    const at = layout.offsets[t] as number;
    for (let rank = 0; rank < n; rank += 1) {
      const b = layout.order[rank] as number;
      const len = lengths[b] as number;
      inF[at + rank] = b * T + t;
      inB[at + rank] = b * T + len - 1 - t;
      outF[b * T + t] = at + rank;
      outB[b * T + len - 1 - t] = at + rank;
    }
  });
  let h = x;
  params.layers.forEach((layer, k) => {
    const H = layer.forward.wHh.shape[0];
    const D = h.shape[2];
    if (layout.rows === 0) {
      h = afterLayer(tf.zeros([B, T, 2 * H]), k === params.layers.length - 1);
      return;
    }
    const flat = tf.reshape(h, [B * T, D]) as Tensor2D;
    const direction = (cell: LstmParams, index: Int32Array): Tensor2D => packedLstm(lstmProject(cell, rowGather(flat, index)), cell.wHh, layout.sizes);
    const f = direction(layer.forward as LstmParams, inF);
    const b = direction(layer.backward as LstmParams, inB);
    h = afterLayer(tf.reshape(tf.concat([rowGather(f, outF), rowGather(b, outB)], 1), [B, T, 2 * H]), k === params.layers.length - 1);
  });
  return h;
}
