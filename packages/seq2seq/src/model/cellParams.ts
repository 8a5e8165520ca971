import type { Tensor1D, Tensor2D } from '@tensorflow/tfjs-core';
import { gruProject, gruStep, lstmProject, lstmStep, type CellParams, type CellState, type GruParams, type LstmParams } from '@nlpkit/rnn';
import type { Seq2seqParams } from './initSeq2seq.js';
import type { Seq2seqConfig } from './seq2seqConfig.js';

/** The cell parameters stored under `at` (e.g. `decoder.layers.0.forward`) of a flat state dict. */
export function cellParams(params: Seq2seqParams, at: string, cell: Seq2seqConfig['cell']): CellParams {
  const get = <T>(name: string): T => params[`${at}.${name}`] as T;
  if (cell === 'gru') return { wIh: get<Tensor2D>('wIh'), wHh: get<Tensor2D>('wHh'), bIh: get<Tensor1D>('bIh'), bHh: get<Tensor1D>('bHh') } satisfies GruParams;
  return { wIh: get<Tensor2D>('wIh'), wHh: get<Tensor2D>('wHh'), bias: get<Tensor1D>('bias') } satisfies LstmParams;
}

/** `x·wIh + input bias` of one cell (the part of a step that does not depend on the state). */
export function cellProject(cell: Seq2seqConfig['cell'], p: CellParams, x: Tensor2D): Tensor2D {
  return cell === 'gru' ? gruProject(p as GruParams, x) : lstmProject(p as LstmParams, x);
}

/** One recurrent step from a projected input (PyTorch's LSTM; GRU with the reset gate after the matmul). */
export function cellStep(cell: Seq2seqConfig['cell'], p: CellParams, xp: Tensor2D, state: CellState): CellState {
  return cell === 'gru' ? gruStep(p as GruParams, xp, state, true) : lstmStep(p as LstmParams, xp, state, false);
}
