import * as tf from '@tensorflow/tfjs-core';
import type { Tensor1D, Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import { createRng } from '@nlpkit/core';
import { expect, it } from 'vitest';
import { gruCell } from '../../src/cells/gruCell.js';
import { initCell } from '../../src/cells/initCell.js';
import { lstmCell } from '../../src/cells/lstmCell.js';
import { rnnCell } from '../../src/cells/rnnCell.js';
import { recurrent } from '../../src/layers/recurrent.js';
import { rnnStack } from '../../src/layers/rnnStack.js';
import type { GruParams, LstmParams, RnnParams } from '../../src/types.js';
import { expectChecks, valuesOf, type Check } from './checks.js';

const rand = (rng: ReturnType<typeof createRng>, shape: number[]): tf.Tensor =>
  tf.tensor(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal()), shape);

/**
 * Cells and the layers over them, written once for every backend (src/cells/cells.test.ts in Node,
 * src/numericSuites.browser.test.ts in Chromium with webgpu). Values are computed inside `tf.tidy` and read back afterwards,
 * asynchronously, as webgpu requires.
 */
export function cellsSuite(): void {
  it('a layer over T steps equals T calls of the cell function (every cell variant)', () =>
    expectChecks(() => {
      const rng = createRng(7);
      const x = rand(rng, [2, 3, 3]) as Tensor3D;
      const cases = [
        { name: 'relu RNN', config: { type: 'rnn', activation: 'relu' } as const, step: (p: unknown, xt: Tensor2D, s: { h: Tensor2D; c?: Tensor2D }) => rnnCell(p as RnnParams, xt, s, 'relu') },
        { name: 'LSTM with peepholes and projection', config: { type: 'lstm' } as const, opts: { peephole: true, projSize: 2 }, step: (p: unknown, xt: Tensor2D, s: { h: Tensor2D; c?: Tensor2D }) => lstmCell(p as LstmParams, xt, s) },
        { name: 'coupled LSTM', config: { type: 'lstm', coupled: true } as const, step: (p: unknown, xt: Tensor2D, s: { h: Tensor2D; c?: Tensor2D }) => lstmCell(p as LstmParams, xt, s, true) },
        { name: 'GRU, reset before', config: { type: 'gru', resetAfter: false } as const, step: (p: unknown, xt: Tensor2D, s: { h: Tensor2D; c?: Tensor2D }) => gruCell(p as GruParams, xt, s, false) },
      ];
      const checks: Check[] = [];
      for (const c of cases) {
        const p = initCell(c.config, 3, 4, rng, c.opts ?? {});
        const out = c.opts?.projSize ?? 4;
        let s: { h: Tensor2D; c?: Tensor2D } = { h: tf.zeros([2, out]) };
        if (c.config.type === 'lstm') s.c = tf.zeros([2, 4]);
        const hs: Tensor2D[] = [];
        for (let t = 0; t < 3; t += 1) {
          s = c.step(p, tf.reshape(tf.slice(x, [0, t, 0], [2, 1, 3]), [2, 3]), s);
          hs.push(s.h);
        }
        const r = recurrent(c.config, p, x);
        checks.push([`${c.name}: outputs`, r.outputs, tf.stack(hs, 1), { atol: 1e-6 }]);
        checks.push([`${c.name}: final h`, r.state.h, s.h, { atol: 1e-6 }]);
      }
      return checks;
    }));

  it('coupled LSTM writes exactly what it forgets: c = f·c + (1 − f)·g', () =>
    expectChecks(() => {
      const rng = createRng(3);
      const p = initCell({ type: 'lstm', coupled: true }, 2, 3, rng) as LstmParams;
      const x = rand(rng, [1, 2]) as Tensor2D;
      const c0 = rand(rng, [1, 3]) as Tensor2D;
      const h0 = rand(rng, [1, 3]) as Tensor2D;
      const gates = tf.add(tf.add(tf.matMul(x, p.wIh), tf.matMul(h0, p.wHh)), p.bias);
      const [gf, gg] = tf.split(gates, 3, 1) as [Tensor2D, Tensor2D, Tensor2D];
      const f = tf.sigmoid(gf);
      const expected = tf.add(tf.mul(f, c0), tf.mul(tf.sub(1, f), tf.tanh(gg)));
      return [['c', lstmCell(p, x, { h: h0, c: c0 }, true).c as Tensor2D, expected, { atol: 1e-6 }]];
    }));

  it('initialisation: forget bias, IRNN identity, PyTorch-range uniform', async () => {
    await expectChecks(() => {
      const rng = createRng(11);
      const lstm = initCell({ type: 'lstm' }, 3, 4, rng, { forgetBias: 1 }) as LstmParams;
      const irnn = initCell({ type: 'rnn', activation: 'relu' }, 3, 4, rng, { recurrentInit: 'identity' }) as RnnParams;
      const orth = initCell({ type: 'gru' }, 3, 4, createRng(12), { recurrentInit: 'orthogonal' }) as GruParams;
      const block = tf.slice(orth.wHh, [0, 0], [4, 4]);
      return [
        ['LSTM forget-gate bias', tf.slice(lstm.bias, [4], [4]), [1, 1, 1, 1], { atol: 0 }],
        ['IRNN recurrent weights', irnn.wHh, tf.eye(4), { atol: 0 }],
        ['IRNN bias', irnn.bias, tf.zeros([4]) as Tensor1D, { atol: 0 }],
        ['orthogonal block: QᵀQ', tf.matMul(tf.transpose(block), block), tf.eye(4), { atol: 1e-5 }],
      ];
    });
    const maxAbs = await valuesOf(() => tf.max(tf.abs((initCell({ type: 'gru' }, 3, 4, createRng(13)) as GruParams).wHh)));
    expect(maxAbs[0]).toBeLessThanOrEqual(0.5);
  });

  it('bidirectional sum merge equals the sum of the two directions; residual adds the input', () =>
    expectChecks(() => {
      const rng = createRng(5);
      const fw = initCell({ type: 'gru' }, 4, 4, rng);
      const bw = initCell({ type: 'gru' }, 4, 4, rng);
      const x = rand(rng, [2, 3, 4]) as Tensor3D;
      const lengths = [3, 2];
      const sum = rnnStack({ type: 'gru' }, { layers: [{ forward: fw, backward: bw }] }, x, { lengths, merge: 'sum', residual: true });
      const a = recurrent({ type: 'gru' }, fw, x, { lengths }).outputs;
      const b = recurrent({ type: 'gru' }, bw, x, { lengths, reverse: true }).outputs;
      return [['outputs', sum.outputs, tf.add(tf.add(a, b), x), { atol: 1e-6 }]];
    }));

  it('the backward direction never reads padding: changing padded inputs changes nothing', () =>
    expectChecks(() => {
      const rng = createRng(9);
      const p = initCell({ type: 'lstm' }, 2, 3, rng);
      const x = rand(rng, [2, 4, 2]) as Tensor3D;
      const noise = tf.mul(rand(rng, [2, 4, 2]), tf.tensor3d([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1], [2, 4, 2]));
      const lengths = [4, 2];
      return [false, true].flatMap((reverse): Check[] => {
        const r1 = recurrent({ type: 'lstm' }, p, x, { lengths, reverse });
        const r2 = recurrent({ type: 'lstm' }, p, tf.add(x, noise), { lengths, reverse });
        return [
          [`reverse ${reverse}: outputs`, r1.outputs, r2.outputs, { atol: 0 }],
          [`reverse ${reverse}: final h`, r1.state.h, r2.state.h, { atol: 0 }],
        ];
      });
    }));

  it('dropout: inactive unless training; variational masks are reproducible from the seed', async () => {
    const rng = createRng(1);
    const p = initCell({ type: 'lstm' }, 3, 4, rng);
    const params = { layers: [{ forward: p }, { forward: initCell({ type: 'lstm' }, 4, 4, rng) }] };
    const x = rand(rng, [2, 3, 3]) as Tensor3D;
    const opts = { dropout: 0.5, recurrentDropout: 0.3, inputDropout: 0.2, training: true };
    const on = (): Tensor3D => rnnStack({ type: 'lstm' }, params, x, { ...opts, rng: createRng(42) }).outputs;
    const base = (): Tensor3D => rnnStack({ type: 'lstm' }, params, x).outputs;
    await expectChecks(() => [
      ['dropout off outside training', rnnStack({ type: 'lstm' }, params, x, { dropout: 0.5, recurrentDropout: 0.5 }).outputs, base(), { atol: 0 }],
      ['same seed, same masks', on(), on(), { atol: 0 }],
    ]);
    const change = await valuesOf(() => tf.max(tf.abs(tf.sub(on(), base()))));
    expect(change[0]).toBeGreaterThan(1e-3);
    tf.dispose([x, ...Object.values(p), ...Object.values(params.layers[1]!.forward)]);
  });
}
