import type { Tensor1D, Tensor2D } from '@tensorflow/tfjs-core';

/** Source of randomness: uniform in [0, 1) and standard normal. `createRng` from `@nlpkit/core` fits. */
export interface RngLike {
  next(): number;
  normal(): number;
  /** The next `out.length` numbers of `next()`, in order (`@nlpkit/core`'s generators have it; faster for masks). */
  fill?(out: Float64Array): Float64Array;
}

/** Nonlinearity of a simple RNN cell. */
export type RnnActivation = 'tanh' | 'relu' | 'sigmoid';

/**
 * Parameters of a simple RNN cell, `h' = act(x·wIh + h·wHh + bias)`. Weights are stored input-major
 * (`[in, out]`, the transpose of PyTorch's `weight_ih`) so the forward pass needs no transposed matmul.
 */
export interface RnnParams {
  wIh: Tensor2D;
  wHh: Tensor2D;
  bias: Tensor1D;
}

/**
 * Parameters of an LSTM cell. Gate columns are in PyTorch's order i, f, g, o (`[in, 4H]`), or f, g, o
 * (`[in, 3H]`) for the coupled input-forget variant where i = 1 − f. Optional peephole weights (Gers &
 * Schmidhuber 2000) and projection `wProj: [H, P]` (Sak et al. 2014, PyTorch's `proj_size`).
 */
export interface LstmParams {
  wIh: Tensor2D;
  wHh: Tensor2D;
  bias: Tensor1D;
  peepI?: Tensor1D;
  peepF?: Tensor1D;
  peepO?: Tensor1D;
  wProj?: Tensor2D;
}

/**
 * Parameters of a GRU cell, gate columns in PyTorch's order r, z, n (`[in, 3H]`). The two biases stay separate
 * because with `resetAfter` the recurrent bias of n sits inside the reset product.
 */
export interface GruParams {
  wIh: Tensor2D;
  wHh: Tensor2D;
  bIh: Tensor1D;
  bHh: Tensor1D;
}

/** Recurrent state: `h` always; `c` for LSTM. Shapes `[batch, H]` (`h` is `[batch, P]` with a projection). */
export interface CellState {
  h: Tensor2D;
  c?: Tensor2D;
}

/** Simple RNN cell configuration. */
export interface RnnCellConfig {
  type: 'rnn';
  /** Default `'tanh'`. */
  activation?: RnnActivation;
}

/** LSTM cell configuration. Peepholes and projection are used when their parameters are present. */
export interface LstmCellConfig {
  type: 'lstm';
  /** Coupled input-forget gate: i = 1 − f, gate columns f, g, o. Default false. */
  coupled?: boolean;
}

/** GRU cell configuration. */
export interface GruCellConfig {
  type: 'gru';
  /** true (default): PyTorch/cuDNN/Keras `reset_after`; false: Cho et al. 2014, reset before the matmul. */
  resetAfter?: boolean;
}

/** Any cell configuration. */
export type CellConfig = RnnCellConfig | LstmCellConfig | GruCellConfig;

/** Parameters matching a {@link CellConfig}. */
export type CellParams = RnnParams | LstmParams | GruParams;
