import * as tf from '@tensorflow/tfjs-core';
import { describeValue } from '@nlpkit/core';
import type { Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs-core';
import { RnnShapeError } from '../errors.js';
import type { StackParams } from '../layers/rnnStack.js';
import type { CellConfig, CellParams, GruParams, LstmParams, RnnParams } from '../types.js';
import { checkOneOf } from '../validate.js';

/** Which PyTorch module a state dict came from. */
export interface TorchRnnSpec {
  /** `nn.RNN` (either nonlinearity), `nn.LSTM` or `nn.GRU`. */
  mode: 'RNN' | 'LSTM' | 'GRU';
  /** `nonlinearity` of an `nn.RNN`; default `'tanh'`. */
  nonlinearity?: 'tanh' | 'relu';
}

/** The dict's own entry `name` (a dict from a file may hold any name; nothing comes from Object.prototype). */
function own(dict: Record<string, Tensor>, name: string): Tensor | undefined {
  return Object.hasOwn(dict, name) ? dict[name] : undefined;
}

/** A few of the dict's names for a message, each cut short (names come from files). */
function someKeys(dict: Record<string, Tensor>): string {
  const keys = Object.keys(dict);
  return `${keys.slice(0, 8).map(describeValue).join(', ')}${keys.length > 8 ? `, … (${keys.length} names)` : ''}`;
}

function take(dict: Record<string, Tensor>, key: string, rank: number, prefix: string): Tensor {
  const t = own(dict, `${prefix}${key}`);
  if (t === undefined) throw new RnnShapeError(`state dict must contain "${prefix}${key}", got keys ${someKeys(dict)}`);
  if (t.shape.length !== rank) throw new RnnShapeError(`"${prefix}${key}" must have rank ${rank}, got shape [${t.shape.join(', ')}]`);
  return t;
}

/**
 * Converts a PyTorch `nn.RNN`/`nn.LSTM`/`nn.GRU` state dict (names like `weight_ih_l0`, `bias_hh_l1_reverse`,
 * `weight_hr_l0` — e.g. from `loadSafetensors(bytes).tensors`) into {@link StackParams} and the matching cell
 * config. Weights are transposed to input-major; PyTorch's gate orders (i, f, g, o and r, z, n) are kept, so
 * the outputs equal PyTorch's. The layer count and directions are read from the names present.
 * @param dict tensors by PyTorch parameter name (an optional common prefix such as `rnn.` is allowed)
 * @param spec the module type
 * @param prefix prefix before the parameter names, e.g. `'encoder.'`
 */
export function fromTorchRnn(dict: Record<string, Tensor>, spec: TorchRnnSpec, prefix = ''): { config: CellConfig; params: StackParams } {
  const mode = checkOneOf(spec.mode, 'spec.mode', ['RNN', 'LSTM', 'GRU']);
  const nonlinearity = checkOneOf(spec.nonlinearity ?? 'tanh', 'spec.nonlinearity', ['tanh', 'relu']);
  const config: CellConfig = mode === 'RNN' ? { type: 'rnn', activation: nonlinearity } : mode === 'LSTM' ? { type: 'lstm' } : { type: 'gru' };
  let layers = 0;
  while (own(dict, `${prefix}weight_ih_l${layers}`) !== undefined) layers += 1;
  if (layers === 0) throw new RnnShapeError(`state dict must contain "${prefix}weight_ih_l0", got keys ${someKeys(dict)}`);
  const bidirectional = own(dict, `${prefix}weight_ih_l0_reverse`) !== undefined;
  const convert = (suffix: string): CellParams =>
    tf.tidy(() => {
      const wIh = tf.transpose(take(dict, `weight_ih_${suffix}`, 2, prefix)) as Tensor2D;
      const wHh = tf.transpose(take(dict, `weight_hh_${suffix}`, 2, prefix)) as Tensor2D;
      const bIh = take(dict, `bias_ih_${suffix}`, 1, prefix) as Tensor1D;
      const bHh = take(dict, `bias_hh_${suffix}`, 1, prefix) as Tensor1D;
      if (mode === 'GRU') return { wIh, wHh, bIh: tf.clone(bIh), bHh: tf.clone(bHh) } satisfies GruParams as unknown as tf.TensorContainerObject;
      // RNN and LSTM add the two biases before any nonlinearity, so one summed bias is exact.
      const bias = tf.add(bIh, bHh) as Tensor1D;
      if (mode === 'RNN') return { wIh, wHh, bias } satisfies RnnParams as unknown as tf.TensorContainerObject;
      const proj = own(dict, `${prefix}weight_hr_${suffix}`);
      const p: LstmParams = { wIh, wHh, bias };
      if (proj !== undefined) p.wProj = tf.transpose(proj) as Tensor2D;
      return p as unknown as tf.TensorContainerObject;
    }) as unknown as CellParams;
  const params: StackParams = { layers: [] };
  for (let k = 0; k < layers; k += 1) {
    const forward = convert(`l${k}`);
    params.layers.push(bidirectional ? { forward, backward: convert(`l${k}_reverse`) } : { forward });
  }
  return { config, params };
}
