import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import { createRng } from '@nlpkit/core';
import { registerWebgpuGruKernels, registerWebgpuLstmKernels } from '@nlpkit/tensor';
import { expect, it } from 'vitest';
import { initCell } from '../../src/cells/initCell.js';
import { recurrent } from '../../src/layers/recurrent.js';
import type { CellParams } from '../../src/types.js';
import { expectChecks, type Check } from './checks.js';

const rand = (rng: ReturnType<typeof createRng>, shape: number[]): Tensor =>
  tf.tensor(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal()), shape);

const CELLS = [
  { type: 'lstm' as const, params: ['wIh', 'wHh', 'bias'], kernels: ['NlpkitLstmForwardStep', 'NlpkitLstmBackwardStep'] },
  { type: 'gru' as const, params: ['wIh', 'wHh', 'bIh', 'bHh'], kernels: ['NlpkitGruForwardStep', 'NlpkitGruBackwardStep'] },
];
type Cell = (typeof CELLS)[number];

/** Outputs, final states and the gradient of every input and parameter of one layer, fused or not. */
function run(cell: Cell, fused: boolean, p: CellParams, x: Tensor3D, h0: Tensor2D, c0: Tensor2D, lengths: number[], reverse: boolean, g: Tensor[]): Tensor[] {
  let kept: Tensor[] = [];
  const loss = (...ts: Tensor[]): tf.Scalar => {
    const lstm = cell.type === 'lstm';
    const [xi, h] = ts as [Tensor3D, Tensor2D];
    const c = ts[2] as Tensor2D;
    const ps = ts.slice(lstm ? 3 : 2);
    const params = Object.fromEntries(cell.params.map((n, i) => [n, ps[i]])) as unknown as CellParams;
    const initialState = lstm ? { h, c } : { h };
    const r = recurrent({ type: cell.type }, params, xi, { lengths, reverse, fused, initialState });
    kept = [r.outputs, r.state.h, ...(r.state.c === undefined ? [] : [r.state.c])].map((t) => tf.keep(t));
    return tf.addN(kept.map((t, i) => tf.sum(tf.mul(t, g[i] as Tensor)))) as tf.Scalar;
  };
  const params = cell.params.map((n) => (p as unknown as Record<string, Tensor>)[n] as Tensor);
  const grads = tf.grads(loss)([x, h0, ...(cell.type === 'lstm' ? [c0] : []), ...params]);
  return [...kept, ...grads];
}

/**
 * The fused WGSL step kernels (`lstmSequenceWebgpu`, `gruSequenceWebgpu`) against the generic path (the cell
 * function under tfjs's autodiff) on the same backend: outputs, final states and every gradient within 1e-5,
 * with padding, in both directions, over sizes that span several workgroups; and the fused kernels really ran,
 * one dispatch per step each way.
 */
export function fusedStepsWebgpuSuite(): void {
  for (const cell of CELLS) {
    it(`${cell.type}: fused step kernels equal the generic path (padding, both directions), one dispatch per step each way`, async () => {
      expect(registerWebgpuLstmKernels() && registerWebgpuGruKernels()).toBe(true);
      const [B, T, D, H] = [3, 5, 4, 33];
      const lengths = [5, 2, 4];
      const rng = createRng(21);
      const p = initCell({ type: cell.type }, D, H, rng);
      const x = rand(rng, [B, T, D]) as Tensor3D;
      const h0 = rand(rng, [B, H]) as Tensor2D;
      const c0 = rand(rng, [B, H]) as Tensor2D;
      const g = [rand(rng, [B, T, H]), rand(rng, [B, H]), rand(rng, [B, H])];
      const lstm = cell.type === 'lstm';
      const names = ['outputs', 'h_n', ...(lstm ? ['c_n'] : []), 'd x', 'd h0', ...(lstm ? ['d c0'] : []), ...cell.params.map((n) => `d ${n}`)];
      for (const reverse of [false, true]) {
        await expectChecks(() => {
          const fused = run(cell, true, p, x, h0, c0, lengths, reverse, g);
          const generic = run(cell, false, p, x, h0, c0, lengths, reverse, g);
          return names.map((name, i): Check => [`${reverse ? 'reverse' : 'forward'}: ${name}`, fused[i] as Tensor, generic[i] as Tensor, { atol: 1e-5, rtol: 0 }]);
        });
      }
      const profile = await tf.profile(() => tf.dispose(run(cell, true, p, x, h0, c0, lengths, false, g)));
      for (const kernel of cell.kernels) expect(profile.kernels.filter((k) => k.name === kernel).length, kernel).toBe(T);
      tf.dispose([x, h0, c0, ...g, ...Object.values(p)]);
    });
  }
}
