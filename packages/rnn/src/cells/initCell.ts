import * as tf from '@tensorflow/tfjs-core';
import type { Tensor1D, Tensor2D } from '@tensorflow/tfjs-core';
import type { Rng } from '@nlpkit/core';
import { identity, normal, orthogonal, rnnUniform } from '@nlpkit/tensor';
import { RnnOptionError } from '../errors.js';
import { lstmGateCount } from './lstmCell.js';
import type { CellConfig, CellParams, GruParams, LstmParams, RnnParams } from '../types.js';
import { checkKeys, checkNumber, checkOneOf } from '../validate.js';

/** Options of {@link initCell}. */
export interface InitCellOptions {
  /** LSTM: add peephole weights. */
  peephole?: boolean;
  /** LSTM: project the output to this many units (PyTorch's `proj_size`). */
  projSize?: number;
  /** LSTM: initial forget-gate bias (Jozefowicz et al. 2015 recommend 1). Default 0, PyTorch's init. */
  forgetBias?: number;
  /**
   * Recurrent weights: `'uniform'` (PyTorch's U(±1/√H), default), `'orthogonal'` (Saxe et al. 2014, per gate
   * block) or `'identity'` (Le et al. 2015's IRNN: identity recurrence, zero bias, small input weights; ReLU RNN).
   */
  recurrentInit?: 'uniform' | 'orthogonal' | 'identity';
}

const KEYS = ['peephole', 'projSize', 'forgetBias', 'recurrentInit'] as const;

/**
 * Creates fresh parameters for one cell with PyTorch's default initialisation (everything U(±1/√H)), drawn from
 * `rng` so the same seed gives the same weights on every backend.
 * @param config the cell type
 * @param inputSize width of the input
 * @param hiddenSize H
 * @param rng seeded generator (`createRng` from `@nlpkit/core`)
 * @param options peepholes, projection, forget bias, recurrent init
 */
export function initCell(config: CellConfig, inputSize: number, hiddenSize: number, rng: Rng, options: InitCellOptions = {}): CellParams {
  checkKeys(options, 'options', KEYS);
  checkNumber(inputSize, 'inputSize', 1, 1 << 20, true);
  checkNumber(hiddenSize, 'hiddenSize', 1, 1 << 20, true);
  const recurrentInit = checkOneOf(options.recurrentInit ?? 'uniform', 'recurrentInit', ['uniform', 'orthogonal', 'identity']);
  const H = hiddenSize;
  const gates = config.type === 'lstm' ? lstmGateCount(config.coupled ?? false) : config.type === 'gru' ? 3 : 1;
  if (config.type !== 'lstm' && (options.peephole !== undefined || options.projSize !== undefined || options.forgetBias !== undefined)) {
    throw new RnnOptionError(`peephole, projSize and forgetBias are LSTM options, got them for a ${config.type} cell`);
  }
  if (recurrentInit === 'identity' && config.type !== 'rnn') {
    throw new RnnOptionError(`recurrentInit "identity" is for simple RNN cells, got a ${config.type} cell`);
  }
  const P = options.projSize ?? H;
  if (options.projSize !== undefined) checkNumber(options.projSize, 'projSize', 1, H - 1, true);
  return tf.tidy(() => {
    const u = (shape: number[]): tf.Tensor => rnnUniform(shape, H, rng);
    const wIh = (recurrentInit === 'identity' ? normal([inputSize, H], rng, 0, 0.001) : u([inputSize, gates * H])) as Tensor2D;
    let wHh: Tensor2D;
    if (recurrentInit === 'identity') wHh = identity(H) as Tensor2D;
    else if (recurrentInit === 'orthogonal') {
      wHh = tf.concat(Array.from({ length: gates }, () => orthogonal([P, H], rng)), 1) as Tensor2D;
    } else wHh = u([P, gates * H]) as Tensor2D;
    if (config.type === 'gru') {
      return { wIh, wHh, bIh: u([3 * H]), bHh: u([3 * H]) } as unknown as tf.TensorContainerObject;
    }
    // PyTorch draws two biases and adds them; drawing both keeps the same distribution (a triangular sum).
    let bias = (recurrentInit === 'identity' ? tf.zeros([gates * H]) : tf.add(u([gates * H]), u([gates * H]))) as Tensor1D;
    if (config.type === 'rnn') return { wIh, wHh, bias } satisfies RnnParams as unknown as tf.TensorContainerObject;
    if (options.forgetBias !== undefined) {
      checkNumber(options.forgetBias, 'forgetBias', -100, 100);
      const fStart = config.coupled === true ? 0 : H;
      const add = new Float32Array(gates * H);
      add.fill(options.forgetBias, fStart, fStart + H);
      // Replace the forget slice by the constant, as Keras's unit_forget_bias does.
      const keep = new Float32Array(gates * H).fill(1);
      keep.fill(0, fStart, fStart + H);
      bias = tf.add(tf.mul(bias, tf.tensor1d(keep)), tf.tensor1d(add));
    }
    const p: LstmParams = { wIh, wHh, bias };
    if (options.peephole === true) {
      if (config.coupled !== true) p.peepI = u([H]) as Tensor1D;
      p.peepF = u([H]) as Tensor1D;
      p.peepO = u([H]) as Tensor1D;
    }
    if (options.projSize !== undefined) p.wProj = u([H, P]) as Tensor2D;
    return p as unknown as tf.TensorContainerObject;
  }) as unknown as CellParams | GruParams;
}
