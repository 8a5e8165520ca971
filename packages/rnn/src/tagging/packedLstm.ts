import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor2D } from '@tensorflow/tfjs-core';
import { isHostBackend, plainMatMul, splitColumns } from '@nlpkit/tensor';
import { lstmProject } from '../cells/lstmCell.js';
import type { LstmParams } from '../types.js';

/**
 * `x` cut into consecutive row blocks of `sizes` rows, for use inside a custom-gradient op. On host-memory
 * backends the values are read once and each block uploaded (wasm's Slice copies its whole input out of the heap
 * for every block); elsewhere (webgpu, webgl) one device split keeps the data on the device.
 */
export function rowBlocks(x: Tensor2D, sizes: readonly number[]): Tensor2D[] {
  if (sizes.length === 1) return [tf.clone(x)];
  if (!isHostBackend() || x.dtype !== 'float32') return tf.split(x, [...sizes], 0);
  const cols = x.shape[1];
  const values = x.dataSync() as Float32Array;
  let at = 0;
  return sizes.map((n) => {
    const block = tf.tensor2d(values.slice(at * cols, (at + n) * cols), [n, cols]);
    at += n;
    return block;
  });
}

const cat = (parts: readonly Tensor2D[]): Tensor2D => (parts.length === 1 ? tf.clone(parts[0] as Tensor2D) : (tf.concat([...parts], 0) as Tensor2D));

/**
 * A standard LSTM (gate order i, f, g, o; zero initial state) over a batch of sequences in PyTorch's packed
 * layout, as one differentiable op with a hand-written gradient: the hidden state of every valid step.
 *
 * Sequences are sorted by decreasing length; step t holds the first `sizes[t]` of them (those still running), and
 * the steps lie one after another in `xp` and in the result (row `offset(t) + s` is sequence s at step t, with
 * offset(t) = sizes[0] + … + sizes[t − 1]). This is what a padded batch with per-step masks computes (a masked
 * step keeps the state unchanged and outputs 0) without computing padding steps or the mask arithmetic: each
 * step is one matmul and a dozen small ops on the rows still running.
 *
 * @param xp projected inputs `[P, 4H]` (`x·wIh + bias`), P = Σ sizes
 * @param wHh recurrent weights `[H, 4H]`
 * @param sizes sequences running at each step: non-increasing, each ≥ 1
 * @returns `[P, H]`: h of every sequence at every one of its steps, in the layout of `xp`
 */
export function packedLstm(xp: Tensor2D, wHh: Tensor2D, sizes: readonly number[]): Tensor2D {
  const L = sizes.length;
  const N = sizes[0] as number;
  const H = wHh.shape[0];
  const op = tf.customGrad((...args: (Tensor | tf.GradSaveFunc)[]) => {
    const [xpIn, wIn] = args as [Tensor2D, Tensor2D];
    const save = args[2] as tf.GradSaveFunc;
    const steps = rowBlocks(xpIn, sizes);
    const outs: Tensor2D[] = [];
    // Saved per step: i, f, g, o, tanh(c_t), then (from step 1 on) h_{t−1} and c_{t−1} cut to the running rows.
    const gatesSaved: Tensor2D[] = [];
    const prevSaved: Tensor2D[] = [];
    let h: Tensor2D | undefined;
    let c: Tensor2D | undefined;
    for (let t = 0; t < L; t += 1) {
      const n = sizes[t] as number;
      let gates = steps[t] as Tensor2D;
      if (h !== undefined && c !== undefined) {
        if (n < h.shape[0]) {
          h = tf.slice(h, [0, 0], [n, H]);
          c = tf.slice(c, [0, 0], [n, H]);
        }
        prevSaved.push(h, c);
        gates = tf.add<Tensor2D>(gates, plainMatMul(h, wIn));
      }
      const [gi, gf, gg, go] = splitColumns(gates, 4) as [Tensor2D, Tensor2D, Tensor2D, Tensor2D];
      const i = tf.sigmoid(gi);
      const f = tf.sigmoid(gf);
      const g = tf.tanh(gg);
      const o = tf.sigmoid(go);
      // With the zero initial state, step 0 is f·0 + i·g = i·g (and 0·W adds nothing): the same numbers.
      const cN = c === undefined ? tf.mul<Tensor2D>(i, g) : tf.add<Tensor2D>(tf.mul<Tensor2D>(f, c), tf.mul<Tensor2D>(i, g));
      const tc = tf.tanh(cN);
      h = tf.mul<Tensor2D>(o, tc);
      c = cN;
      outs.push(h);
      gatesSaved.push(i, f, g, o, tc);
    }
    save([wIn, ...gatesSaved, ...prevSaved]);
    const value = cat(outs);
    const gradFunc = (dy: Tensor, saved: Tensor[]): Tensor[] => {
      const w = saved[0] as Tensor2D;
      const gate = (k: number): Tensor2D[] => Array.from({ length: L }, (_, t) => saved[1 + 5 * t + k] as Tensor2D);
      const prev = (k: number): Tensor2D[] => Array.from({ length: L - 1 }, (_, t) => saved[1 + 5 * L + 2 * t + k] as Tensor2D);
      const [is, fs, gs, os, tcs] = [0, 1, 2, 3, 4].map(gate) as [Tensor2D[], Tensor2D[], Tensor2D[], Tensor2D[], Tensor2D[]];
      // Gate-local derivatives of every step at once, on the packed rows (a dozen ops, not a dozen per step):
      // dL/d(pre-activation) = [dc·g·i(1−i), dc·c_{t−1}·f(1−f), dc·i·(1−g²), dh·tanh(c)·o(1−o)].
      const [I, F, G, O, TC] = [is, fs, gs, os, tcs].map(cat) as [Tensor2D, Tensor2D, Tensor2D, Tensor2D, Tensor2D];
      const CP = cat([tf.zeros([N, H]) as Tensor2D, ...prev(1)]);
      const K = tf.concat(
        [tf.mul(G, tf.mul(I, tf.sub(1, I))), tf.mul(CP, tf.mul(F, tf.sub(1, F))), tf.mul(I, tf.sub(1, tf.square(G))), tf.mul(TC, tf.mul(O, tf.sub(1, O)))],
        1,
      ) as Tensor2D;
      const ks = rowBlocks(K, sizes);
      const as = rowBlocks(tf.mul(O, tf.sub(1, tf.square(TC))) as Tensor2D, sizes);
      const dys = rowBlocks(dy as Tensor2D, sizes);
      const wT = tf.transpose(w);
      const dGates = new Array<Tensor2D>(L);
      let dh: Tensor2D | undefined;
      let dc: Tensor2D | undefined;
      for (let t = L - 1; t >= 0; t -= 1) {
        const n = sizes[t] as number;
        // Rows that ended at step t get no gradient from step t + 1.
        const grow = (x: Tensor2D): Tensor2D => (x.shape[0] < n ? (tf.pad(x, [[0, n - x.shape[0]], [0, 0]]) as Tensor2D) : x);
        const dhT = dh === undefined ? (dys[t] as Tensor2D) : tf.add<Tensor2D>(dys[t] as Tensor2D, grow(dh));
        const carried = tf.mul<Tensor2D>(dhT, as[t] as Tensor2D);
        const dcT = dc === undefined ? carried : tf.add<Tensor2D>(grow(dc), carried);
        const dGate = tf.mul<Tensor2D>(tf.concat([dcT, dcT, dcT, dhT], 1), ks[t] as Tensor2D);
        dGates[t] = dGate;
        if (t > 0) {
          dh = plainMatMul(dGate, wT);
          dc = tf.mul<Tensor2D>(dcT, fs[t] as Tensor2D);
        }
      }
      const dXp = cat(dGates);
      // dW = Σ_t h_{t−1}ᵀ · dGates_t (steps from 1 on: h_{−1} = 0) as one matmul over the packed rows.
      const dW = L > 1 ? plainMatMul(cat(prev(0)), cat(dGates.slice(1)), true, false) : tf.zerosLike(w);
      return [dXp, dW];
    };
    return { value, gradFunc };
  });
  return op(xp, wHh) as Tensor2D;
}

/** Where each sequence's steps lie in the packed layout of {@link packedLstm}. */
export interface PackedLayout {
  /** Sequences running at each step (non-increasing; empty when every length is 0). */
  readonly sizes: readonly number[];
  /** Sequence indexes, longest first (ties in index order); those of length 0 are left out. */
  readonly order: readonly number[];
  /** Packed row of step t of the sequence at `rank` in `order`: `offsets[t] + rank`. */
  readonly offsets: readonly number[];
  /** Total packed rows. */
  readonly rows: number;
}

/** The packed layout of sequences of the given lengths. */
export function packedLayout(lengths: readonly number[]): PackedLayout {
  const order = lengths
    .map((_, i) => i)
    .filter((i) => (lengths[i] as number) > 0)
    .sort((a, b) => (lengths[b] as number) - (lengths[a] as number) || a - b);
  const longest = order.length === 0 ? 0 : (lengths[order[0] as number] as number);
  const sizes: number[] = [];
  const offsets: number[] = [];
  let running = order.length;
  let rows = 0;
  for (let t = 0; t < longest; t += 1) {
    while (running > 0 && (lengths[order[running - 1] as number] as number) <= t) running -= 1;
    sizes.push(running);
    offsets.push(rows);
    rows += running;
  }
  return { sizes, order, offsets, rows };
}

/**
 * The `[H, 4H]` recurrent weights of two LSTM directions as those of one LSTM of 2H units, `[2H, 8H]`: gate
 * block k of the result is `[[fw_k, 0], [0, bw_k]]`, so h = [h_fw, h_bw] and the two directions stay
 * independent (the zeros add nothing). Differentiable: each direction's gradient is its own blocks.
 */
export function blockDiagonalLstmWeights(forward: Tensor2D, backward: Tensor2D): Tensor2D {
  const H = forward.shape[0];
  const f = tf.pad(tf.reshape(forward, [H, 4, H]), [[0, 0], [0, 0], [0, H]]);
  const b = tf.pad(tf.reshape(backward, [H, 4, H]), [[0, 0], [0, 0], [H, 0]]);
  return tf.reshape(tf.concat([f, b], 0), [2 * H, 8 * H]) as Tensor2D;
}

/** Two directions' projected inputs `[rows, 4H]` side by side per gate: `[rows, 8H]` for {@link blockDiagonalLstmWeights}. */
export function interleaveGates(forward: Tensor2D, backward: Tensor2D): Tensor2D {
  const [rows, G] = forward.shape;
  const H = G / 4;
  return tf.reshape(tf.concat([tf.reshape(forward, [rows, 4, H]), tf.reshape(backward, [rows, 4, H])], 2), [rows, 8 * H]) as Tensor2D;
}

/**
 * Both directions of a bidirectional LSTM layer as one {@link packedLstm} of 2H units: `forward` holds each
 * sequence's inputs in order and `backward` the same inputs read from its last step back, both `[P, in]` in
 * the packed layout of `sizes`. Returns `[P, 2H]`: row (t, s) is the forward state after step t and the
 * backward state after reading t + 1 inputs from the end.
 */
export function packedBiLstm(layer: { forward: LstmParams; backward: LstmParams }, forward: Tensor2D, backward: Tensor2D, sizes: readonly number[]): Tensor2D {
  const xp = interleaveGates(lstmProject(layer.forward, forward), lstmProject(layer.backward, backward));
  return packedLstm(xp, blockDiagonalLstmWeights(layer.forward.wHh, layer.backward.wHh), sizes);
}
