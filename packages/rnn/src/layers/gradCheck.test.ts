import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor3D } from '@tensorflow/tfjs-core';
import { createRng } from '@nlpkit/core';
import { describeBackends } from '@nlpkit/tensor/testing';
import { expect, it } from 'vitest';
import { initCell, type InitCellOptions } from '../cells/initCell.js';
import { flattenParams, unflattenParams } from '@nlpkit/train';
import { rnnStack } from './rnnStack.js';
import type { CellConfig } from '../types.js';

/**
 * Finite-difference checks for the variants PyTorch has no module for. For every parameter tensor p and a random
 * direction v, the central difference (L(p + εv) − L(p − εv)) / 2ε must match ⟨∂L/∂p, v⟩. Directional checks
 * keep float32 rounding small compared with the signal.
 */
function check(config: CellConfig, options: InitCellOptions, bidirectional: boolean, seed: number): void {
  const rng = createRng(seed);
  const layer = () => initCell(config, 3, 4, rng, options);
  const params = { layers: [bidirectional ? { forward: layer(), backward: layer() } : { forward: layer() }] };
  const flat = flattenParams(params);
  const names = Object.keys(flat);
  const x = tf.tensor(Array.from({ length: 3 * 4 * 3 }, () => rng.normal()), [3, 4, 3]) as Tensor3D;
  const outWidth = (bidirectional ? 2 : 1) * (options.projSize ?? 4);
  const g = tf.tensor(Array.from({ length: 3 * 4 * outWidth }, () => rng.normal()), [3, 4, outWidth]);
  const lengths = [4, 2, 3];
  const loss = (...ts: Tensor[]): tf.Scalar => {
    const p = unflattenParams(params, Object.fromEntries(names.map((n, i) => [n, ts[i] as Tensor])));
    const r = rnnStack(config, p, x, { lengths });
    const final = tf.add(tf.sum(tf.square(r.states[0]?.h as Tensor)), r.states[0]?.c === undefined ? 0 : tf.sum(r.states[0].c));
    return tf.add(tf.sum(tf.mul(r.outputs, g)), final) as tf.Scalar;
  };
  const inputs = names.map((n) => flat[n] as Tensor);
  const grads = tf.grads(loss)(inputs);
  const eps = 1e-2;
  names.forEach((name, i) => {
    const p = inputs[i] as Tensor;
    const v = tf.tensor(Array.from({ length: p.size }, () => rng.normal()), p.shape);
    const shifted = (sign: number): number =>
      (loss(...inputs.map((q, j) => (j === i ? tf.add(q, tf.mul(v, sign * eps)) : q))).dataSync()[0] as number);
    const numeric = (shifted(1) - shifted(-1)) / (2 * eps);
    const analytic = tf.sum(tf.mul(grads[i] as Tensor, v)).dataSync()[0] as number;
    expect(Math.abs(numeric - analytic), `${name}: numeric ${numeric} vs analytic ${analytic}`).toBeLessThanOrEqual(
      2e-3 + 1e-2 * Math.abs(analytic),
    );
  });
}

describeBackends('finite-difference gradients', () => {
  it('LSTM with peephole connections', () => tf.tidy(() => check({ type: 'lstm' }, { peephole: true }, false, 1)));
  it('LSTM with coupled input-forget gate', () => tf.tidy(() => check({ type: 'lstm', coupled: true }, {}, false, 2)));
  it('LSTM with coupled gate, peepholes and projection, bidirectional', () =>
    tf.tidy(() => check({ type: 'lstm', coupled: true }, { peephole: true, projSize: 2, forgetBias: 1 }, true, 3)));
  it('GRU with reset before the recurrent matmul (Cho et al. 2014)', () =>
    tf.tidy(() => check({ type: 'gru', resetAfter: false }, {}, true, 4)));
  it('simple RNN with sigmoid', () => tf.tidy(() => check({ type: 'rnn', activation: 'sigmoid' }, {}, false, 5)));
});
