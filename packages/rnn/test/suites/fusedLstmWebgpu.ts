import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import { createRng } from '@nlpkit/core';
import { registerWebgpuLstmKernels } from '@nlpkit/tensor';
import { expect, it } from 'vitest';
import { initCell } from '../../src/cells/initCell.js';
import { recurrent } from '../../src/layers/recurrent.js';
import type { LstmParams } from '../../src/types.js';
import { expectChecks, type Check } from './checks.js';

const rand = (rng: ReturnType<typeof createRng>, shape: number[]): Tensor =>
  tf.tensor(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal()), shape);

/** Outputs, final states and the gradient of every input of one LSTM layer, fused or not. */
function run(fused: boolean, p: LstmParams, x: Tensor3D, h0: Tensor2D, c0: Tensor2D, lengths: number[], reverse: boolean, g: Tensor[]): Tensor[] {
  let kept: Tensor[] = [];
  const loss = (xi: Tensor, wIh: Tensor, wHh: Tensor, bias: Tensor, h: Tensor, c: Tensor): tf.Scalar => {
    const r = recurrent({ type: 'lstm' }, { wIh, wHh, bias } as LstmParams, xi as Tensor3D, { lengths, reverse, fused, initialState: { h: h as Tensor2D, c: c as Tensor2D } });
    kept = [r.outputs, r.state.h, r.state.c as Tensor2D].map((t) => tf.keep(t));
    return tf.addN(kept.map((t, i) => tf.sum(tf.mul(t, g[i] as Tensor)))) as tf.Scalar;
  };
  const grads = tf.grads(loss)([x, p.wIh, p.wHh, p.bias, h0, c0]);
  return [...kept, ...grads];
}

const NAMES = ['outputs', 'h_n', 'c_n', 'd x', 'd wIh', 'd wHh', 'd bias', 'd h0', 'd c0'];

/**
 * The fused WGSL LSTM steps (`lstmSequenceWebgpu`) against the generic path (the cell function under tfjs's
 * autodiff) on the same backend: outputs, final states and every gradient within 1e-5, with padding, in both
 * directions, over sizes that span several workgroups. Also checks that the fused kernels really ran: one
 * dispatch per step each way.
 */
export function fusedLstmWebgpuSuite(): void {
  it('fused step kernels equal the generic path (padding, both directions) and run once per step each way', async () => {
    expect(registerWebgpuLstmKernels()).toBe(true);
    const [B, T, D, H] = [3, 5, 4, 33];
    const lengths = [5, 2, 4];
    const rng = createRng(21);
    const p = initCell({ type: 'lstm' }, D, H, rng) as LstmParams;
    const x = rand(rng, [B, T, D]) as Tensor3D;
    const h0 = rand(rng, [B, H]) as Tensor2D;
    const c0 = rand(rng, [B, H]) as Tensor2D;
    const g = [rand(rng, [B, T, H]), rand(rng, [B, H]), rand(rng, [B, H])];
    for (const reverse of [false, true]) {
      await expectChecks(() => {
        const fused = run(true, p, x, h0, c0, lengths, reverse, g);
        const generic = run(false, p, x, h0, c0, lengths, reverse, g);
        return NAMES.map((name, i): Check => [`${reverse ? 'reverse' : 'forward'}: ${name}`, fused[i] as Tensor, generic[i] as Tensor, { atol: 1e-5, rtol: 0 }]);
      });
    }
    const profile = await tf.profile(() => tf.dispose(run(true, p, x, h0, c0, lengths, false, g)));
    const count = (name: string): number => profile.kernels.filter((k) => k.name === name).length;
    expect(count('NlpkitLstmForwardStep')).toBe(T);
    expect(count('NlpkitLstmBackwardStep')).toBe(T);
    tf.dispose([x, h0, c0, ...g, ...Object.values(p)]);
  });
}
