import * as tf from '@tensorflow/tfjs-core';
import type { Tensor1D, Tensor2D } from '@tensorflow/tfjs-core';
import { createRng } from '@nlpkit/core';
import { expect, it } from 'vitest';
import { scatterRows } from '../../src/ops/scatterRows.js';
import { sgdUpdate } from '../../src/ops/sgdUpdate.js';
import { wasmSgdInPlaceStats } from '../../src/kernels/wasmPointwise.js';

/**
 * `sgdUpdate` (on wasm, in place where the variable is the only tensor on its memory, and only the rows of an
 * embedding's gradient) against the ops `p − (g·scale)·lr`: the same bits; a tensor sharing the memory keeps its
 * values. For describeBackends, in Node and in Chromium.
 */
export function sgdUpdateSuite(backend: string): void {
  const rng = createRng(29);
  const values = (n: number, s: number): Float32Array => Float32Array.from({ length: n }, () => rng.normal() * s);
  const byOps = (p: Float32Array, g: tf.Tensor, lr: number, scale: number, shape: number[]): number[] =>
    tf.tidy(() => Array.from(tf.sub(tf.tensor(p, shape), tf.mul(scale === 1 ? g : tf.mul(g, scale), lr)).dataSync()));

  for (const [n, lr, scale] of [[1031, 1, 1], [1031, 0.37, 0.61], [3, 1e-3, 2.5]] as const) {
    it(`n ${n}, lr ${lr}, gradient scale ${scale}: the ops' values bit for bit, in place on wasm when nothing else holds the memory`, () => {
      const p0 = values(n, 1);
      const g = tf.tensor1d(values(n, 1e-1));
      const want = byOps(p0, g, lr, scale, [n]);
      const p = tf.tidy(() => tf.variable(tf.tensor1d(p0)));
      const [before, id] = [wasmSgdInPlaceStats(), p.dataId];
      sgdUpdate(p, g, lr, scale);
      expect(Array.from(p.dataSync())).toEqual(want);
      expect(wasmSgdInPlaceStats().inPlace - before.inPlace, 'written in place').toBe(backend === 'wasm' ? 1 : 0);
      expect(p.dataId === id, 'the same memory').toBe(backend === 'wasm');
      tf.dispose([p, g]);
    });
  }

  it('an embedding\'s gradient (zero outside its rows): the dense ops\' values bit for bit, only those rows read on wasm', () => {
    const [V, D] = [50, 12];
    const p0 = values(V * D, 1);
    const g = scatterRows(tf.tensor1d([3, 4, 5, 17, 49, 4], 'int32') as Tensor1D, tf.tensor2d(values(6 * D, 1), [6, D]) as Tensor2D, V);
    const want = byOps(p0, g, 0.5, 0.8, [V, D]);
    const p = tf.tidy(() => tf.variable(tf.tensor2d(p0, [V, D])));
    const before = wasmSgdInPlaceStats();
    sgdUpdate(p, g, 0.5, 0.8);
    expect(Array.from(p.dataSync())).toEqual(want);
    expect(wasmSgdInPlaceStats().sparse - before.sparse, 'rows only').toBe(backend === 'wasm' ? 1 : 0);
    tf.dispose([p, g]);
  });

  it('leaves a tensor that shares the variable\'s memory as it was (not in place)', () => {
    const p = tf.tidy(() => tf.variable(tf.tensor2d(values(64, 1), [8, 8])));
    const shared = tf.clone(p);
    const kept = Array.from(shared.dataSync());
    const g = tf.tensor2d(values(64, 1), [8, 8]);
    const before = wasmSgdInPlaceStats();
    sgdUpdate(p, g, 0.1);
    expect(wasmSgdInPlaceStats().inPlace - before.inPlace).toBe(0);
    expect(Array.from(shared.dataSync())).toEqual(kept);
    expect(Array.from(p.dataSync())).toEqual(byOps(Float32Array.from(kept), g, 0.1, 1, [8, 8]));
    tf.dispose([p, g, shared]);
  });
}
