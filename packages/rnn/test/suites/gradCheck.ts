import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor3D } from '@tensorflow/tfjs-core';
import { createRng } from '@nlpkit/core';
import { flattenParams, unflattenParams } from '@nlpkit/train';
import { expect, it } from 'vitest';
import { initCell, type InitCellOptions } from '../../src/cells/initCell.js';
import { rnnStack } from '../../src/layers/rnnStack.js';
import type { CellConfig } from '../../src/types.js';

/**
 * Finite-difference checks for the variants PyTorch has no module for. For every parameter tensor p and a random
 * direction v, the central difference (L(p + εv) − L(p − εv)) / 2ε must match ⟨∂L/∂p, v⟩. Directional checks
 * keep float32 rounding small compared with the signal. Both sides are computed on the device and read back
 * together afterwards (asynchronously, as webgpu requires).
 */
async function check(config: CellConfig, options: InitCellOptions, bidirectional: boolean, seed: number): Promise<void> {
  const rng = createRng(seed);
  const pairs = tf.tidy(() => {
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
    return names.map((name, i) => {
      const p = inputs[i] as Tensor;
      const v = tf.tensor(Array.from({ length: p.size }, () => rng.normal()), p.shape);
      const shifted = (sign: number): tf.Scalar => loss(...inputs.map((q, j) => (j === i ? tf.add(q, tf.mul(v, sign * eps)) : q)));
      const numeric = tf.div(tf.sub(shifted(1), shifted(-1)), 2 * eps);
      return { name, both: tf.stack([numeric, tf.sum(tf.mul(grads[i] as Tensor, v))]) };
    });
  });
  for (const { name, both } of pairs) {
    const [numeric, analytic] = Array.from(await both.data()) as [number, number];
    both.dispose();
    expect(Math.abs(numeric - analytic), `${name}: numeric ${numeric} vs analytic ${analytic}`).toBeLessThanOrEqual(
      2e-3 + 1e-2 * Math.abs(analytic),
    );
  }
}

/** The finite-difference suite, shared by src/layers/gradCheck.test.ts (Node) and src/numericSuites.browser.test.ts (Chromium). */
export function gradCheckSuite(): void {
  it('LSTM with peephole connections', () => check({ type: 'lstm' }, { peephole: true }, false, 1));
  it('LSTM with coupled input-forget gate', () => check({ type: 'lstm', coupled: true }, {}, false, 2));
  it('LSTM with coupled gate, peepholes and projection, bidirectional', () =>
    check({ type: 'lstm', coupled: true }, { peephole: true, projSize: 2, forgetBias: 1 }, true, 3));
  it('GRU with reset before the recurrent matmul (Cho et al. 2014)', () => check({ type: 'gru', resetAfter: false }, {}, true, 4));
  it('simple RNN with sigmoid', () => check({ type: 'rnn', activation: 'sigmoid' }, {}, false, 5));
}
