import * as tf from '@tensorflow/tfjs-core';
import type { Scalar, Tensor1D, Tensor2D } from '@tensorflow/tfjs-core';
import { createRng } from '@nlpkit/core';
import { expect, it } from 'vitest';
import { adamStep } from '../../src/ops/adamStep.js';
import { adamUpdate } from '../../src/ops/adamUpdate.js';
import { globalNorm } from '../../src/ops/globalNorm.js';
import { scatterRows } from '../../src/ops/scatterRows.js';
import { wasmAdamInPlaceStats } from '../../src/kernels/wasmPointwise.js';

/**
 * `adamUpdate` (on wasm, in place where the variables are the only tensors on their memory) against `adamStep`:
 * the same bits; in place on wasm only when nothing shares the memory, and a tensor that does keeps its values.
 * For describeBackends, in Node and in Chromium.
 */
export function adamUpdateSuite(backend: string): void {
  const rng = createRng(23);
  const k = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8, lr: 3e-3, gradScale: 0.7 };
  const values = (n: number, s: number): Float32Array => Float32Array.from({ length: n }, () => rng.normal() * s);

  it('assigns adamStep\'s values, bit for bit, in place on wasm when nothing else holds the memory', () => {
    const n = 1031;
    const [p0, g0, m0, v0] = [values(n, 1), values(n, 1e-2), values(n, 1e-2), values(n, 1e-4).map(Math.abs)];
    const [c1, c2] = [tf.scalar(0.19), tf.scalar(0.002)] as Scalar[];
    const g = tf.tensor1d(g0);
    const want = tf.tidy(() => {
      const r = adamStep(tf.tensor1d(p0), g, tf.tensor1d(m0), tf.tensor1d(v0), c1 as Scalar, c2 as Scalar, k);
      return [r.p.dataSync(), r.m.dataSync(), r.v.dataSync()].map((a) => Array.from(a));
    });
    // Variables whose initial tensors are released: each is then the only tensor on its memory.
    const [p, m, v] = [p0, m0, v0].map((a) => tf.tidy(() => tf.variable(tf.tensor1d(a))));
    const before = wasmAdamInPlaceStats();
    const pId = p!.dataId;
    adamUpdate(p!, g, m!, v!, c1 as Scalar, c2 as Scalar, k);
    const after = wasmAdamInPlaceStats();
    expect([Array.from(p!.dataSync()), Array.from(m!.dataSync()), Array.from(v!.dataSync())]).toEqual(want);
    expect(after.inPlace - before.inPlace, 'written in place').toBe(backend === 'wasm' ? 1 : 0);
    expect(p!.dataId === pId, 'the same memory').toBe(backend === 'wasm');
    tf.dispose([p!, m!, v!, g, c1!, c2!]);
  });

  it('leaves a tensor that shares a variable\'s memory as it was (not in place)', () => {
    const [c1, c2] = [tf.scalar(0.5), tf.scalar(0.01)] as Scalar[];
    const p = tf.tidy(() => tf.variable(tf.tensor2d(values(64, 1), [8, 8])));
    const shared = tf.clone(p);
    const kept = Array.from(shared.dataSync());
    const [m, v] = [tf.tidy(() => tf.variable(tf.zeros([8, 8]))), tf.tidy(() => tf.variable(tf.zeros([8, 8])))];
    const g = tf.tensor2d(values(64, 1), [8, 8]);
    const before = wasmAdamInPlaceStats();
    adamUpdate(p, g, m, v, c1 as Scalar, c2 as Scalar, k);
    expect(wasmAdamInPlaceStats().inPlace - before.inPlace).toBe(0);
    expect(Array.from(shared.dataSync())).toEqual(kept);
    expect(Array.from(p.dataSync())).not.toEqual(kept);
    tf.dispose([p, m, v, g, shared, c1!, c2!]);
  });

  it('forgets what was known of memory it writes over: the norm of an updated scatter is read in full', () => {
    const [c1, c2] = [tf.scalar(0.5), tf.scalar(0.01)] as Scalar[];
    // p starts as a scatter (on wasm: known to be zero outside rows 1 and 3), then holds that memory alone.
    const p = tf.tidy(() => tf.variable(scatterRows(tf.tensor1d([1, 3], 'int32') as Tensor1D, tf.ones([2, 8]) as Tensor2D, 8)));
    const [m, v] = [tf.tidy(() => tf.variable(tf.zeros([8, 8]))), tf.tidy(() => tf.variable(tf.zeros([8, 8])))];
    const g = tf.tensor2d(values(64, 1), [8, 8]);
    const before = wasmAdamInPlaceStats();
    adamUpdate(p, g, m, v, c1 as Scalar, c2 as Scalar, k);
    expect(wasmAdamInPlaceStats().inPlace - before.inPlace).toBe(backend === 'wasm' ? 1 : 0);
    tf.tidy(() => {
      const norm = globalNorm([p]).dataSync()[0] as number;
      const exact = Math.sqrt(Array.from(p.dataSync()).reduce((s, x) => s + x * x, 0));
      expect(Math.abs(norm - exact)).toBeLessThanOrEqual(exact * 2 ** -23);
    });
    tf.dispose([p, m, v, g, c1!, c2!]);
  });
}
