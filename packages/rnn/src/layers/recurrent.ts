import * as tf from '@tensorflow/tfjs-core';
import type { Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import { RnnOptionError } from '../errors.js';
import { gruProject, gruStep } from '../cells/gruCell.js';
import { checkLstmExtras, lstmGateCount, lstmProject, lstmStep } from '../cells/lstmCell.js';
import { gruSequence } from './gruSequence.js';
import { gruSequenceWasm } from './gruSequenceWasm.js';
import { gruSequenceWebgpu } from './gruSequenceWebgpu.js';
import { lstmSequence } from './lstmSequence.js';
import { inversePermutation, permuteRows, timeMajorRows } from './permuteRows.js';
import { rnnProject, rnnStep } from '../cells/rnnCell.js';
import { registerWasmGruKernels, registerWebgpuGruKernels, splitLeading, unstack } from '@nlpkit/tensor';
import type { CellConfig, CellParams, CellState, GruParams, LstmParams, RnnParams } from '../types.js';
import { checkDtype, checkKeys, checkLengths, checkOneOf, checkShape } from '../validate.js';

/** Options of {@link recurrent}. */
export interface RecurrentOptions {
  /**
   * Valid steps per batch row for right-padded batches; outputs at padding are 0, final states come from the last
   * valid step. `padSequences(...).lengths` from `@nlpkit/text` goes here as is (any array-like of integers).
   */
  lengths?: ArrayLike<number>;
  /** Initial state; zeros when absent. */
  initialState?: CellState;
  /** Run from each row's last valid step back to its first (the backward half of a bidirectional layer). */
  reverse?: boolean;
  /** Variational recurrent dropout (Gal & Ghahramani 2016): `[batch, H]` mask (already scaled) applied to h before every recurrent matmul. */
  recurrentMask?: Tensor2D;
  /**
   * Use the fused whole-sequence op when the cell allows it (no recurrent mask; a standard LSTM or a PyTorch-style
   * GRU, on every backend). Default true.
   */
  fused?: boolean;
}

/** Result of {@link recurrent}. */
export interface RecurrentResult {
  /** `[batch, T, H]` (or `P` with an LSTM projection); zeros at padded steps. */
  outputs: Tensor3D;
  /** State after each row's last valid step. */
  state: CellState;
}

const OPTION_KEYS = ['lengths', 'initialState', 'reverse', 'recurrentMask', 'fused'] as const;

interface Resolved {
  gates: number;
  hidden: number;
  out: number;
  project: (x: Tensor2D) => Tensor2D;
  step: (xp: Tensor2D, s: CellState) => CellState;
  hasC: boolean;
  fusable: boolean;
  /** A PyTorch GRU cell (reset after the recurrent matmul): a fused sequence op (`gruSequence`; step kernels on webgpu). */
  gruResetAfter: boolean;
}

function resolve(config: CellConfig, params: CellParams): Resolved {
  checkOneOf(config.type, 'config.type', ['rnn', 'lstm', 'gru']);
  if (config.type === 'rnn') {
    checkKeys(config, 'config', ['type', 'activation']);
    const activation = checkOneOf(config.activation ?? 'tanh', 'config.activation', ['tanh', 'relu', 'sigmoid']);
    const p = params as RnnParams;
    const H = p.wHh.shape[0];
    return { gates: 1, hidden: H, out: H, project: (x) => rnnProject(p, x), step: (xp, s) => rnnStep(p, xp, s, activation), hasC: false, fusable: false, gruResetAfter: false };
  }
  if (config.type === 'lstm') {
    checkKeys(config, 'config', ['type', 'coupled']);
    const coupled = config.coupled ?? false;
    const p = params as LstmParams;
    const gates = lstmGateCount(coupled);
    checkLstmExtras(p, gates, coupled);
    const H = p.wIh.shape[1] / gates;
    const plain = !coupled && p.peepI === undefined && p.peepF === undefined && p.peepO === undefined && p.wProj === undefined;
    return { gates, hidden: H, out: p.wHh.shape[0], project: (x) => lstmProject(p, x), step: (xp, s) => lstmStep(p, xp, s, coupled), hasC: true, fusable: plain, gruResetAfter: false };
  }
  checkKeys(config, 'config', ['type', 'resetAfter']);
  const resetAfter = config.resetAfter ?? true;
  const p = params as GruParams;
  const H = p.wHh.shape[0];
  return { gates: 3, hidden: H, out: H, project: (x) => gruProject(p, x), step: (xp, s) => gruStep(p, xp, s, resetAfter), hasC: false, fusable: false, gruResetAfter: resetAfter };
}

/** Per-step `[batch]` validity masks, or null when no row is padded. */
export function stepMasks(lengths: readonly number[] | undefined, batch: number, steps: number): Float32Array[] | null {
  if (lengths === undefined || lengths.every((l) => l === steps)) return null;
  const masks: Float32Array[] = [];
  for (let t = 0; t < steps; t += 1) {
    const m = new Float32Array(batch);
    for (let b = 0; b < batch; b += 1) m[b] = t < (lengths[b] as number) ? 1 : 0;
    masks.push(m);
  }
  return masks;
}

/**
 * Runs one cell over a batch-major sequence. The input projection of every time step is one matmul; the
 * recurrence then needs one matmul per step. A standard LSTM runs as one fused op with a hand-written gradient.
 * @param config cell type and options, e.g. `{ type: 'gru', resetAfter: false }`
 * @param params the cell's parameters
 * @param x `[batch, T, in]` float32
 * @param options lengths, initial state, direction, recurrent dropout
 */
export function recurrent(config: CellConfig, params: CellParams, x: Tensor3D, options: RecurrentOptions = {}): RecurrentResult {
  checkKeys(options, 'options', OPTION_KEYS);
  const cell = resolve(config, params);
  checkShape(x, 'x', [null, null, params.wIh.shape[0]], ['batch', 'T', `in=${params.wIh.shape[0]}`]);
  checkDtype(x, 'x', 'float32');
  const [B, T, D] = x.shape;
  const lengths = options.lengths === undefined ? undefined : checkLengths(options.lengths, B, T);
  const init = options.initialState;
  if (init !== undefined) {
    checkShape(init.h, 'initialState.h', [B, cell.out]);
    if (cell.hasC) {
      if (init.c === undefined) throw new RnnOptionError(`initialState.c is required for an LSTM, got undefined`);
      checkShape(init.c, 'initialState.c', [B, cell.hidden]);
    }
  }
  if (options.recurrentMask !== undefined) checkShape(options.recurrentMask, 'recurrentMask', [B, cell.out]);
  const masks = stepMasks(lengths, B, T);
  const h0 = init?.h ?? tf.zeros([B, cell.out]);
  const c0 = cell.hasC ? (init?.c ?? tf.zeros([B, cell.hidden])) : undefined;
  const G = cell.gates * cell.hidden;
  // One matmul for the input half of every step. The input is made time-major first (D columns, not the
  // gates·H of the projection: a 4× smaller move for an LSTM) so each step is one contiguous block: one row copy
  // per (step, row), the backward direction's rows reversed within their lengths on the way; the outputs go back
  // by the inverse copy.
  const rows = timeMajorRows(B, T, lengths, options.reverse === true);
  const timeMajor = permuteRows(tf.reshape(x, [B * T, D]) as Tensor2D, rows);
  const xp = tf.reshape(cell.project(timeMajor), [T, B, G]) as Tensor3D;
  // Time-major outputs `[T, B, out]` back to batch-major, in the input's order.
  const batchMajor = (y: Tensor3D): Tensor3D => tf.reshape(permuteRows(tf.reshape(y, [T * B, y.shape[2]]) as Tensor2D, inversePermutation(rows)), [B, T, y.shape[2]]);
  let outputs: Tensor3D;
  let state: CellState;
  if (cell.fusable && options.fused !== false && options.recurrentMask === undefined && T > 0) {
    const packed = lstmSequence(xp, (params as LstmParams).wHh, h0, c0 as Tensor2D, masks);
    const parts = splitLeading(packed, [T, 1, 1]);
    outputs = batchMajor(parts[0] as Tensor3D);
    state = { h: tf.squeeze<Tensor2D>(parts[1] as Tensor3D, [0]), c: tf.squeeze<Tensor2D>(parts[2] as Tensor3D, [0]) };
  } else if (cell.gruResetAfter && options.fused !== false && options.recurrentMask === undefined && T > 0) {
    const p = params as GruParams;
    const packed = registerWebgpuGruKernels()
      ? gruSequenceWebgpu(xp, p.wHh, p.bHh, h0, masks)
      : xp.dtype === 'float32' && cell.hidden >= 4 && registerWasmGruKernels()
        ? gruSequenceWasm(xp, p.wHh, p.bHh, h0, masks)
        : gruSequence(xp, p.wHh, p.bHh, h0, masks);
    const parts = splitLeading(packed, [T, 1]);
    outputs = batchMajor(parts[0] as Tensor3D);
    state = { h: tf.squeeze<Tensor2D>(parts[1] as Tensor3D, [0]) };
  } else {
    state = c0 === undefined ? { h: h0 } : { h: h0, c: c0 };
    const outs: Tensor2D[] = [];
    const stepInputs = T > 0 ? unstack<Tensor2D>(xp) : [];
    stepInputs.forEach((xt, t) => {
      const prev = state;
      const fed = options.recurrentMask === undefined ? prev : { ...prev, h: tf.mul<Tensor2D>(prev.h, options.recurrentMask) };
      const next = cell.step(xt, fed);
      const m = masks?.[t];
      if (m === undefined) {
        outs.push(next.h);
        state = next;
      } else {
        const mt = tf.tensor2d(m, [B, 1]);
        const keepOld = tf.sub<Tensor2D>(1, mt);
        const out = tf.mul<Tensor2D>(mt, next.h);
        outs.push(out);
        state = { h: tf.add<Tensor2D>(out, tf.mul<Tensor2D>(keepOld, prev.h)) };
        if (next.c !== undefined && prev.c !== undefined) state.c = tf.add<Tensor2D>(tf.mul<Tensor2D>(mt, next.c), tf.mul<Tensor2D>(keepOld, prev.c));
      }
    });
    outputs = T > 0 ? batchMajor(tf.stack(outs, 0) as Tensor3D) : tf.zeros([B, 0, cell.out]);
  }
  return { outputs, state };
}
