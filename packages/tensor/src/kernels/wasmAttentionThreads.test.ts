import * as tf from '@tensorflow/tfjs-core';
import type { Tensor1D, Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import { createRng, InvalidArgumentError } from '@nlpkit/core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { initBackend } from '../initBackend.js';
import { additiveAttention } from '../ops/additiveAttention.js';
import type { WasmBackend } from './wasmGemmEngine.js';
import { configureWasmGemm, disposeWasmGemm, wasmGemmEngine } from './wasmKernels.js';
import { threadsSupported } from './wasmGemmThreads.js';
import { wasmAttentionStats } from './wasmPointwise.js';

// A decoder step's additive attention with its rows split between the GEMM's threads (`attentionRows` in
// wasmPointwise.ts: ≥ 2^20 tanh, workers up; the memory kept in the shared memory under its DataIds): the same
// weights and context bit for bit as on one thread, with and without rows into a shared memory.
beforeAll(async () => {
  await initBackend({ only: 'wasm', gradients: false });
});
afterAll(() => disposeWasmGemm());

it.runIf(threadsSupported())('rows split between 1, 2 and 3 threads: the same weights and context bit for bit; a new memory is not read from the old copy', async () => {
  const rng = createRng(9);
  const random = (n: number, scale: number): Float32Array => Float32Array.from({ length: n }, () => rng.normal() * scale);
  // A beam search's step: 5 hypotheses for each of 33 sources (165 rows) over 21 positions of 512 (1.8 M tanh).
  const [N, S, A, H] = [33, 21, 512, 256];
  const B = 5 * N;
  const memory = (): [Tensor3D, Tensor3D, Tensor2D] => [
    tf.tensor3d(random(N * S * A, 0.5), [N, S, A]),
    tf.tensor3d(random(N * S * H, 1), [N, S, H]),
    tf.tensor2d(Float32Array.from({ length: N * S }, (_, i) => (i % S < 3 + (Math.floor(i / S) % 19) ? 1 : 0)), [N, S]),
  ];
  const memories = [memory(), memory()];
  const query = tf.tensor2d(random(B * A, 0.5), [B, A]) as Tensor2D;
  const v = tf.tensor2d(random(A, 0.1), [A, 1]) as Tensor2D;
  const rows = tf.tensor1d(Int32Array.from({ length: B }, (_, b) => (b * 7) % N), 'int32') as Tensor1D;
  const run = (m: number, withRows: boolean): Float32Array[] =>
    tf.tidy(() => {
      const [keys, values, mask] = memories[m] as [Tensor3D, Tensor3D, Tensor2D];
      const r = withRows
        ? additiveAttention(keys, values, mask, query, v, rows)
        : additiveAttention(tf.gather(keys, rows) as Tensor3D, tf.gather(values, rows) as Tensor3D, tf.gather(mask, rows) as Tensor2D, query, v);
      return [r.weights.dataSync() as Float32Array, r.context.dataSync() as Float32Array];
    });
  const results: Float32Array[][][] = [];
  for (const threads of [1, 2, 3]) {
    configureWasmGemm({ threads });
    const pool = wasmGemmEngine(tf.backend() as unknown as WasmBackend).pool;
    pool?.ready();
    for (let tries = 0; tries < 300 && pool !== undefined && !pool.ready(); tries += 1) await new Promise((resolve) => setTimeout(resolve, 10));
    const before = wasmAttentionStats();
    // Memory 0, memory 1 (same shapes, a new DataId: not the copy kept of memory 0), memory 0 again, without rows.
    results.push([run(0, true), run(1, true), run(0, true), run(0, false)].flat().map((x) => [x]));
    const after = wasmAttentionStats();
    expect(after.calls - before.calls).toBe(4);
    expect(after.threaded - before.threaded).toBe(threads === 1 ? 0 : 4);
  }
  const flat = results.map((r) => r.flat());
  for (const other of flat.slice(1)) other.forEach((x, i) => expect(Array.from(x), `output ${i}`).toEqual(Array.from(flat[0]?.[i] as Float32Array)));
  // Rows into the memory give what the memory gathered by rows gives; the two memories differ.
  expect(Array.from(flat[0]?.[1] as Float32Array)).toEqual(Array.from(flat[0]?.[7] as Float32Array));
  expect(Array.from(flat[0]?.[1] as Float32Array)).not.toEqual(Array.from(flat[0]?.[3] as Float32Array));
  configureWasmGemm({ threads: 1 });
  tf.dispose([...memories.flat(), query, v, rows]);
});

it('a row outside the memory is a typed error naming rows', () => {
  const [N, S, A, H] = [2, 3, 4, 4];
  const args = [tf.zeros([N, S, A]), tf.zeros([N, S, H]), tf.ones([N, S]), tf.zeros([3, A]), tf.zeros([A, 1])] as [Tensor3D, Tensor3D, Tensor2D, Tensor2D, Tensor2D];
  const rows = tf.tensor1d([0, 2, 1], 'int32') as Tensor1D;
  expect(() => additiveAttention(...args, rows)).toThrow(InvalidArgumentError);
  expect(() => additiveAttention(...args, rows)).toThrow(/rows must be row numbers from 0 to 1.*index value 2/);
  tf.dispose([...args, rows]);
});
