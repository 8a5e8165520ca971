import * as tf from '@tensorflow/tfjs-core';
import type { Tensor1D, Tensor2D, Variable } from '@tensorflow/tfjs-core';
import { createRng } from '@nlpkit/core';
import { afterAll, expect, it } from 'vitest';
import { adamUpdate } from '../../src/ops/adamUpdate.js';
import { affineCrossEntropy } from '../../src/ops/affineCrossEntropy.js';
import { plainMatMul } from '../../src/ops/matMul.js';
import { sgdUpdate } from '../../src/ops/sgdUpdate.js';
import { threadsSupported } from '../../src/kernels/wasmGemmThreads.js';
import { configureWasmGemm, wasmGemmStats } from '../../src/kernels/wasmKernels.js';
import { wasmAdamInPlaceStats, wasmSgdInPlaceStats } from '../../src/kernels/wasmPointwise.js';

/**
 * `sgdUpdate` and `adamUpdate` write over a variable's memory in place on wasm (the same DataId, new values). Every
 * copy kept by DataId — a product's B packed across calls (on tfjs's heap, or the GEMM workers' columns in their
 * shared memory), the output layer kept packed by the loss kernel, tfjs-backend-wasm's own operators (XNNPACK's
 * packed weights, with nlpkit's GEMM off) — must then be dropped: a product or loss after an update gives what the
 * same one of a fresh tensor holding the updated values gives, bit for bit. (Kept copies were served stale: a
 * language model's perplexity during training was that of its first evaluation's output layer, where no BLAS
 * library is installed.) On other backends nothing is written in place and the same checks hold trivially. For
 * describeBackends, in Node and in Chromium.
 */
export function inPlaceWritesSuite(backend: string): void {
  const wasm = backend === 'wasm';
  /** nlpkit's GEMM as asked (wasm only; never a BLAS library, which keeps no copies). */
  const gemm = (options: { threads: number; enabled?: boolean }): void => {
    if (wasm) configureWasmGemm({ enabled: true, blas: false, ...options });
  };

  const rng = createRng(21);
  const rand = (shape: number[], scale: number): tf.Tensor =>
    tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal() * scale), shape);
  /** A variable of `t`'s values alone on its memory (`t` released): what an in-place update may write over. */
  const variable = (t: tf.Tensor): Variable & Tensor2D => {
    const v = tf.variable(t) as Variable & Tensor2D;
    t.dispose();
    return v;
  };
  /** A tensor with `v`'s values on memory of its own (a new DataId). */
  const fresh = (v: tf.Tensor): Tensor2D => tf.tensor2d(v.dataSync() as Float32Array, v.shape as [number, number]);
  const differing = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
    let n = 0;
    for (let i = 0; i < a.length; i += 1) if (!Object.is(a[i], b[i])) n += 1;
    return n;
  };
  const read = (t: tf.Tensor): Float32Array => {
    const values = t.dataSync() as Float32Array;
    t.dispose();
    return values;
  };
  /** One SGD step in place on `w` (checked to have been in place). */
  const sgdStep = (w: Variable): void => {
    const before = wasmSgdInPlaceStats().inPlace;
    const g = rand(w.shape, 1);
    sgdUpdate(w, g, 0.5);
    g.dispose();
    expect(wasmSgdInPlaceStats().inPlace - before, 'written in place').toBe(wasm ? 1 : 0);
  };
  /**
   * Brings the GEMM's workers up (they start on the first call that could use them): until `product` is shared
   * with them (`stat`: `shared` counts products, `programs` the loss kernel's calls).
   */
  const workersUp = async (product: () => tf.Tensor, stat: 'shared' | 'programs'): Promise<void> => {
    const before = wasmGemmStats()?.[stat] ?? 0;
    for (let tries = 0; tries < 300 && (wasmGemmStats()?.[stat] ?? 0) === before; tries += 1) {
      product().dispose();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(wasmGemmStats()?.[stat] ?? 0, 'the worker threads never took part').toBeGreaterThan(before);
  };

  // Back to the defaults: one thread, the GEMM on, a BLAS library as NLPKIT_BLAS says (Node; browsers have none).
  afterAll(() => {
    if (wasm) configureWasmGemm({ threads: 1, enabled: true, blas: (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env['NLPKIT_BLAS'] ?? '' });
  });

  const cases = [
    ["nlpkit's GEMM, one thread", { threads: 1 }],
    ["nlpkit's GEMM, two threads (the workers' columns)", { threads: 2 }],
    ["tfjs-backend-wasm's own product (XNNPACK), nlpkit's GEMM off", { threads: 1, enabled: false }],
  ] as const;
  for (const [label, options] of wasm ? cases.filter(([, o]) => o.threads === 1 || threadsSupported()) : cases.slice(0, 1)) {
    it(`${label}: x · w after sgdUpdate(w) is x · (a fresh copy of w)`, async () => {
      gemm(options);
      // 32 rows: a recurrent step's or a short batch's product, whose B is kept packed from its first use.
      const [M, K, N] = [32, 256, 2048];
      const x = rand([M, K], 1) as Tensor2D;
      const w = variable(rand([K, N], 0.1));
      if (options.threads > 1) await workersUp(() => plainMatMul(x, w), 'shared');
      const first = read(plainMatMul(x, w));
      expect(differing(read(plainMatMul(x, w)), first)).toBe(0); // from the kept copy
      for (let step = 0; step < 3; step += 1) {
        sgdStep(w);
        const copy = fresh(w);
        const want = read(plainMatMul(x, copy));
        copy.dispose();
        const got = read(plainMatMul(x, w));
        expect(differing(got, want), `step ${step}: elements that differ from the product of a fresh copy`).toBe(0);
        expect(differing(got, first)).toBeGreaterThan(0);
      }
      tf.dispose([x, w]);
    });
  }

  for (const threads of wasm && threadsSupported() ? [1, 2] : [1]) {
    it(`the loss kernel's kept output layer, ${threads} thread${threads > 1 ? 's' : ''}: after sgdUpdate(w), the loss of a fresh copy`, async () => {
      gemm({ threads });
      const [N, K, V] = [35, 300, 2100];
      const [x, b] = [rand([N, K], 1), rand([V], 1)] as [Tensor2D, Tensor1D];
      const t = tf.tensor1d(Array.from({ length: N }, (_, i) => (i * 7919) % V), 'int32') as Tensor1D;
      const w = variable(rand([K, V], 0.2));
      const losses = (weight: Tensor2D): Float32Array => tf.tidy(() => affineCrossEntropy(x, weight, b, t).dataSync() as Float32Array);
      if (threads > 1) await workersUp(() => affineCrossEntropy(x, w, b, t), 'programs');
      const first = losses(w);
      losses(w); // the second call with this split keeps the blocks packed
      expect(differing(losses(w), first)).toBe(0);
      for (let step = 0; step < 3; step += 1) {
        sgdStep(w);
        const copy = fresh(w);
        const want = losses(copy);
        copy.dispose();
        expect(differing(losses(w), want), `step ${step}: the loss differs from a fresh copy's`).toBe(0);
      }
      tf.dispose([x, b, t, w]);
    });
  }

  it('adamUpdate: the kept B is dropped too', () => {
    gemm({ threads: 1 });
    const [M, K, N] = [8, 64, 512];
    const x = rand([M, K], 1) as Tensor2D;
    const w = variable(rand([K, N], 0.1));
    const m = variable(tf.zeros([K, N]));
    const v = variable(tf.zeros([K, N]));
    plainMatMul(x, w).dispose();
    const before = wasmAdamInPlaceStats().inPlace;
    const g = rand([K, N], 1);
    const [c1, c2] = [tf.scalar(0.1), tf.scalar(0.001)];
    adamUpdate(w, g, m, v, c1, c2, { lr: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 });
    tf.dispose([g, c1, c2]);
    expect(wasmAdamInPlaceStats().inPlace - before, 'written in place').toBe(wasm ? 1 : 0);
    const copy = fresh(w);
    const want = read(plainMatMul(x, copy));
    copy.dispose();
    expect(differing(read(plainMatMul(x, w)), want)).toBe(0);
    tf.dispose([x, w, m, v]);
  });
}
