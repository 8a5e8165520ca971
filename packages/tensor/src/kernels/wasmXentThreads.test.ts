import * as tf from '@tensorflow/tfjs-core';
import type { Tensor1D, Tensor2D } from '@tensorflow/tfjs-core';
import { createRng } from '@nlpkit/core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { initBackend } from '../initBackend.js';
import { softmaxCrossEntropy } from '../ops/softmaxCrossEntropy.js';
import { softmaxXentReference, worstDifference } from '../../test/suites/softmaxXentReference.js';
import type { WasmBackend } from './wasmGemmEngine.js';
import { configureWasmGemm, disposeWasmGemm, wasmGemmEngine } from './wasmKernels.js';
import { threadsSupported } from './wasmGemmThreads.js';
import { wasmSoftmaxXentStats } from './wasmPointwise.js';

// The softmax cross-entropy's forward pass with its rows split between the GEMM's threads (`xentForwardRows` in
// wasmPointwise.ts: ≥ 2^20 logits, workers up): the loss and its gradient are the same bit for bit as on one
// thread, and within 1e-5 of the float64 reference.
beforeAll(async () => {
  await initBackend({ only: 'wasm', gradients: true });
});
afterAll(() => disposeWasmGemm());

it.runIf(threadsSupported())('rows split between 1, 2 and 3 threads: the same loss and gradient bit for bit, within 1e-5 of float64', async () => {
  const rng = createRng(3);
  // 171 × 6151 = 1.05 M logits (past the threshold of 2^20), rows not a multiple of the threads, V not of 4.
  const [N, V] = [171, 6151];
  const logits = Float32Array.from({ length: N * V }, () => rng.normal() * 4);
  const targets = Int32Array.from({ length: N }, (_, i) => (i * 7919) % V);
  const x = tf.tensor2d(logits, [N, V]) as Tensor2D;
  const t = tf.tensor1d(targets, 'int32') as Tensor1D;
  const run = (): [number, Float32Array] =>
    tf.tidy(() => {
      const { value, grads } = tf.valueAndGrads((z: tf.Tensor) => softmaxCrossEntropy(z as Tensor2D, t, undefined, 0.1))([x]);
      return [value.dataSync()[0] as number, (grads[0] as tf.Tensor).dataSync() as Float32Array];
    });
  const results: [number, Float32Array][] = [];
  for (const threads of [1, 2, 3]) {
    configureWasmGemm({ threads });
    const pool = wasmGemmEngine(tf.backend() as unknown as WasmBackend).pool;
    expect(pool === undefined).toBe(threads === 1);
    // The workers start on the first call that asks for them.
    pool?.ready();
    for (let tries = 0; tries < 300 && pool !== undefined && !pool.ready(); tries += 1) await new Promise((resolve) => setTimeout(resolve, 10));
    // Freed memory that the outputs may reuse holds NaN, not the last run's numbers: a value left unwritten shows.
    tf.dispose([tf.fill([N, V], Number.NaN), tf.fill([N, V], Number.NaN)]);
    const before = wasmSoftmaxXentStats();
    results.push(run());
    const after = wasmSoftmaxXentStats();
    expect([after.calls - before.calls, after.threaded - before.threaded]).toEqual([1, threads > 1 ? 1 : 0]);
  }
  const [one, ...more] = results as [[number, Float32Array], ...[number, Float32Array][]];
  for (const [value, grad] of more) {
    expect(value).toBe(one[0]);
    expect(Array.from(grad)).toEqual(Array.from(one[1]));
  }
  const ref = softmaxXentReference(logits, targets, new Float32Array(N).fill(1), N, V, 0.1);
  expect(Math.abs(one[0] - ref.loss)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(ref.loss)));
  expect(worstDifference(one[1], ref.grad)).toBeLessThanOrEqual(1e-5);
  tf.dispose([x, t]);
});
