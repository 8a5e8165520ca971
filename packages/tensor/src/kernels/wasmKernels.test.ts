import * as tf from '@tensorflow/tfjs-core';
import type { Tensor1D, Tensor2D } from '@tensorflow/tfjs-core';
import { createRng } from '@nlpkit/core';
import { afterAll, expect, it } from 'vitest';
import { affine } from '../ops/affine.js';
import { matMul, plainMatMul } from '../ops/matMul.js';
import { describeBackends } from '../testing/index.js';
import { fmaSupported } from './wasmGemmEngine.js';
import { configureWasmGemm, disposeWasmGemm, registerWasmGemm, wasmGemmStats, wasmMatMul } from './wasmKernels.js';

/**
 * nlpkit's WebAssembly GEMM against a float64 reference, through the ops that use it (`plainMatMul`, `matMul`,
 * `affine`, values and gradients) on every backend — on wasm with one thread (in place on tfjs's heap), two and three
 * (worker threads over a shared memory) — and, on wasm, against tfjs's own matmul (XNNPACK). Tolerance: 1e-5
 * relative to the magnitude of the terms summed (Σ|a·b|), the bound float32 summation order can move.
 */
const rng = createRng(12);
const randomArray = (n: number): Float32Array => Float32Array.from({ length: n }, () => rng.normal());

/** op(a)·op(b) + bias in float64, with Σ|a·b| per element for the tolerance. */
function reference(a: Float32Array, b: Float32Array, M: number, N: number, K: number, tA: boolean, tB: boolean, bias?: Float32Array): { value: Float64Array; scale: Float64Array } {
  const value = new Float64Array(M * N);
  const scale = new Float64Array(M * N);
  for (let i = 0; i < M; i += 1) {
    for (let j = 0; j < N; j += 1) {
      let s = bias === undefined ? 0 : (bias[j] as number);
      let m = Math.abs(s);
      for (let k = 0; k < K; k += 1) {
        const p = (a[tA ? k * M + i : i * K + k] as number) * (b[tB ? j * K + k : k * N + j] as number);
        s += p;
        m += Math.abs(p);
      }
      value[i * N + j] = s;
      scale[i * N + j] = m;
    }
  }
  return { value, scale };
}

function expectParity(got: ArrayLike<number>, ref: { value: Float64Array; scale: Float64Array }): void {
  expect(got.length).toBe(ref.value.length);
  let worst = 0;
  for (let i = 0; i < got.length; i += 1) {
    worst = Math.max(worst, Math.abs((got[i] as number) - (ref.value[i] as number)) / Math.max(1, ref.scale[i] as number));
  }
  expect(worst).toBeLessThanOrEqual(1e-5);
}

/** Runs a product big enough to share until the worker threads take part (they start on the first such one). */
async function workersUp(): Promise<void> {
  const [a, b] = [tf.ones([96, 160]) as Tensor2D, tf.ones([160, 600]) as Tensor2D]; // 18 MFLOP: past the threshold
  for (let tries = 0; tries < 300 && (wasmGemmStats()?.shared ?? 0) === 0; tries += 1) {
    tf.tidy(() => plainMatMul(a, b).dataSync());
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  tf.dispose([a, b]);
  expect(wasmGemmStats()?.shared).toBeGreaterThan(0);
}

// [M, K, N]: single elements, sizes off the 4 × 8 tile, K not a multiple of 4, K past one depth block (256),
// N past one column block (2048), and big ones split between threads by columns and by rows. One-row blocks (the
// 1 × 24 row tile): a vector times a matrix, past one depth block and one column block, and the last row block of
// 129 rows (row blocks are 128).
const SHAPES: [number, number, number][] = [
  [1, 1, 1], [1, 7, 1], [3, 5, 2], [4, 8, 8], [5, 3, 9], [9, 21, 13], [17, 300, 11], [2, 513, 3], [33, 6, 2051], [70, 130, 301], [97, 150, 611], [611, 150, 97],
  [1, 300, 50], [1, 40, 2051], [129, 20, 30],
];

describeBackends('wasm GEMM through plainMatMul / affine', (backend) => {
  const threadCounts = backend === 'wasm' ? [1, 2, 3] : [1];
  afterAll(() => disposeWasmGemm());

  it('is used on wasm only, and registers nothing elsewhere', () => {
    expect(registerWasmGemm()).toBe(backend === 'wasm');
    expect(tf.getKernel('NlpkitWasmMatMul', 'wasm') !== undefined).toBe(backend === 'wasm');
  });

  it('runs the fused multiply-add build where the runtime has relaxed SIMD, the plain one when asked; both within 1e-5', () => {
    if (backend !== 'wasm') return;
    try {
      for (const fma of [false, true]) {
        configureWasmGemm({ threads: 1, fma });
        for (const [M, K, N] of [[5, 3, 9], [17, 300, 11], [70, 130, 301]] as const) {
          const [ad, bd, biasd] = [randomArray(M * K), randomArray(K * N), randomArray(N)];
          tf.tidy(() => {
            const [a, b] = [tf.tensor2d(ad, [K, M]), tf.tensor2d(bd, [K, N])];
            expectParity(wasmMatMul(a, b, true, false, tf.tensor1d(biasd)).dataSync(), reference(ad, bd, M, N, K, true, false, biasd));
          });
        }
        expect(wasmGemmStats()?.fma).toBe(fma && fmaSupported());
      }
    } finally {
      configureWasmGemm({ fma: true });
    }
  });

  for (const threads of threadCounts) {
    for (const [M, K, N] of SHAPES) {
      it(`${M}×${K} · ${K}×${N}, every transpose, with and without bias (${threads} thread${threads > 1 ? 's' : ''})`, async () => {
        if (backend === 'wasm') {
          if (wasmGemmStats()?.threads !== threads) configureWasmGemm({ threads });
          if (threads > 1) await workersUp();
        }
        const sharedBefore = wasmGemmStats()?.shared ?? 0;
        for (const tA of [false, true]) {
          for (const tB of [false, true]) {
            const ad = randomArray(M * K);
            const bd = randomArray(K * N);
            const biasd = randomArray(N);
            tf.tidy(() => {
              const a = tf.tensor2d(ad, tA ? [K, M] : [M, K]);
              const b = tf.tensor2d(bd, tB ? [N, K] : [K, N]);
              const ref = reference(ad, bd, M, N, K, tA, tB);
              expectParity(plainMatMul(a, b, tA, tB).dataSync(), ref);
              if (!tA && !tB) {
                expectParity(affine(a, b, tf.tensor1d(biasd)).dataSync(), reference(ad, bd, M, N, K, tA, tB, biasd));
              }
              if (backend === 'wasm') {
                expectParity(wasmMatMul(a, b, tA, tB, tf.tensor1d(biasd)).dataSync(), reference(ad, bd, M, N, K, tA, tB, biasd));
                // tfjs's own kernel (XNNPACK) meets the same bound, so the two agree within twice it.
                expectParity(tf.matMul(a, b, tA, tB).dataSync(), ref);
              }
            });
          }
        }
        if (backend === 'wasm' && threads > 1 && 2 * M * N * K >= 16e6) expect(wasmGemmStats()?.shared).toBeGreaterThan(sharedBefore);
      });
    }

    it(`gradients of matMul and affine match the reference (${threads} thread${threads > 1 ? 's' : ''})`, () => {
      if (backend === 'wasm') configureWasmGemm({ threads });
      const [M, K, N] = [37, 45, 29];
      const xd = randomArray(M * K);
      const wd = randomArray(K * N);
      const bd = randomArray(N);
      const gd = randomArray(M * N);
      tf.tidy(() => {
        const [x, w, b, g] = [tf.tensor2d(xd, [M, K]), tf.tensor2d(wd, [K, N]), tf.tensor1d(bd), tf.tensor2d(gd, [M, N])];
        const f = (xi: Tensor2D, wi: Tensor2D, bi: Tensor1D): tf.Scalar => tf.sum(tf.mul(affine(xi, wi, bi), g));
        const [dx, dw, db] = tf.grads((xi, wi, bi) => f(xi as Tensor2D, wi as Tensor2D, bi as Tensor1D))([x, w, b]) as [Tensor2D, Tensor2D, Tensor1D];
        expectParity(dx.dataSync(), reference(gd, wd, M, K, N, false, true));
        expectParity(dw.dataSync(), reference(xd, gd, K, N, M, true, false));
        expectParity(db.dataSync(), reference(new Float32Array(M).fill(1), gd, 1, N, M, false, false));
        const [dx2] = tf.grads((xi, wi) => tf.sum(tf.mul(matMul(xi as Tensor2D, wi as Tensor2D), g)))([x, w]) as [Tensor2D];
        expectParity(dx2.dataSync(), reference(gd, wd, M, K, N, false, true));
      });
    });
  }

  // The 1 × 24 row tile sums each element in the 4 × 8 tile's order: a row comes out the same alone (batch 1: a
  // recurrence, a decoder step) as in a batch, bit for bit, with and without bias, over several depth blocks (K 300)
  // and with columns past the last whole 24 (N 50, 2051).
  it('a one-row product gives each row of a larger one bit for bit (the row tile)', () => {
    if (backend !== 'wasm') return;
    configureWasmGemm({ threads: 1 });
    for (const [K, N] of [[40, 24], [300, 50], [37, 2051]] as const) {
      const ad = randomArray(5 * K);
      const [bd, biasd] = [randomArray(K * N), randomArray(N)];
      tf.tidy(() => {
        const [a, b, bias] = [tf.tensor2d(ad, [5, K]), tf.tensor2d(bd, [K, N]), tf.tensor1d(biasd)];
        const whole = [plainMatMul(a, b).dataSync(), affine(a, b, bias).dataSync()];
        for (let i = 0; i < 5; i += 1) {
          const row = tf.slice(a, [i, 0], [1, K]) as Tensor2D;
          [plainMatMul(row, b).dataSync(), affine(row, b, bias).dataSync()].forEach((got, k) => {
            const want = (whole[k] as Float32Array).subarray(i * N, (i + 1) * N);
            let differ = 0;
            for (let j = 0; j < N; j += 1) if (!Object.is(got[j], want[j])) differ += 1;
            expect(differ, `K ${K}, N ${N}, row ${i}, ${k === 0 ? 'no bias' : 'bias'}: ${differ} of ${N} differ`).toBe(0);
          });
        }
      });
    }
  });

  it('an empty inner dimension gives zeros (or the bias), and shapes that do not chain are refused', () => {
    if (backend !== 'wasm') return;
    tf.tidy(() => {
      expect(Array.from(wasmMatMul(tf.zeros([2, 0]), tf.zeros([0, 3])).dataSync())).toEqual([0, 0, 0, 0, 0, 0]);
      expect(Array.from(wasmMatMul(tf.zeros([1, 0]), tf.zeros([0, 2]), false, false, tf.tensor1d([1, 2])).dataSync())).toEqual([1, 2]);
      expect(() => wasmMatMul(tf.zeros([2, 3]), tf.zeros([4, 2]))).toThrowErrorMatchingInlineSnapshot(`[ShapeError: @nlpkit/tensor: b must be 3 rows (the inner dimension of a), got shape [4, 2]]`);
    });
  });

  it('reuses packed weights only for the same values and layout (variables, reshapes, transposes, disposal)', () => {
    if (backend === 'wasm') configureWasmGemm({ threads: 1 });
    const [M, K, N] = [20, 600, 50]; // small products (the cached kind), K past one depth block
    const xd = randomArray(M * K);
    const [w1, w2] = [randomArray(K * N), randomArray(K * N)];
    const x = tf.tensor2d(xd, [M, K]);
    const w = tf.variable(tf.tensor2d(w1, [K, N]));
    for (let step = 0; step < 3; step += 1) expectParity(tf.tidy(() => plainMatMul(x, w).dataSync()), reference(xd, w1, M, N, K, false, false));
    w.assign(tf.tensor2d(w2, [K, N]));
    expectParity(tf.tidy(() => plainMatMul(x, w).dataSync()), reference(xd, w2, M, N, K, false, false));
    tf.tidy(() => {
      // The same values seen as [N, K] (a reshape shares the data) and as a transposed operand.
      const asNK = tf.reshape(w, [N, K]) as Tensor2D;
      const yd = randomArray(3 * N);
      expectParity(plainMatMul(tf.tensor2d(yd, [3, N]), asNK).dataSync(), reference(yd, w2, 3, K, N, false, false));
      expectParity(plainMatMul(tf.tensor2d(xd, [M, K]), asNK, false, true).dataSync(), reference(xd, w2, M, N, K, false, true));
    });
    // More distinct weights than the cache keeps, each used twice, then disposed.
    for (let i = 0; i < 40; i += 1) {
      const vd = randomArray(K * N);
      const v = tf.tensor2d(vd, [K, N]);
      for (let r = 0; r < 2; r += 1) expectParity(tf.tidy(() => plainMatMul(x, v).dataSync()), reference(xd, vd, M, N, K, false, false));
      v.dispose();
    }
    tf.dispose([x, w]);
  });

  // Products of few rows keep B's columns packed across calls (the caller's share on tfjs's heap, each worker's in
  // the shared memory; ≤ 64 rows from the first use, ≤ 256 from the second), prepacked as one column block however
  // wide (N = 2,060: past the 2,048 of a block). A cached call must give the uncached call's numbers bit for bit, a
  // weight's new value (Variable.assign: a new DataId) must not hit its old copy, and a transposed B is another layout.
  for (const threads of backend === 'wasm' ? [1, 2, 3] : [1]) {
    it(`keeps B's columns packed across calls of small products, plain and transposed (${threads} thread${threads > 1 ? 's' : ''})`, async () => {
      if (backend === 'wasm') {
        configureWasmGemm({ threads });
        if (threads > 1) await workersUp();
      }
      for (const [M, K, N] of [[24, 260, 2060], [80, 60, 2060]] as const) {
        const xd = randomArray(M * K);
        const x = tf.tensor2d(xd, [M, K]);
        const [w1, w2] = [randomArray(K * N), randomArray(K * N)];
        const w = tf.variable(tf.tensor2d(w1, [K, N]));
        const sharedBefore = wasmGemmStats()?.shared ?? 0;
        const runs = (want: ReturnType<typeof reference>, transposeB: boolean, weight: Tensor2D): void => {
          const first = tf.tidy(() => plainMatMul(x, weight, false, transposeB).dataSync());
          expectParity(first, want);
          for (let call = 0; call < 3; call += 1) {
            const again = tf.tidy(() => plainMatMul(x, weight, false, transposeB).dataSync());
            let differ = 0;
            for (let i = 0; i < again.length; i += 1) if (!Object.is(again[i], first[i])) differ += 1;
            expect(differ, `call ${call + 2}: ${differ} of ${again.length} elements differ from the first call's`).toBe(0);
          }
        };
        runs(reference(xd, w1, M, N, K, false, false), false, w);
        w.assign(tf.tensor2d(w2, [K, N]));
        runs(reference(xd, w2, M, N, K, false, false), false, w);
        const wt = tf.reshape(w, [N, K]) as Tensor2D; // the same data (one DataId) read as a transposed [N, K] operand
        runs(reference(xd, w2, M, N, K, false, true), true, wt);
        if (backend === 'wasm' && threads > 1) expect(wasmGemmStats()?.shared).toBeGreaterThanOrEqual(sharedBefore + 12);
        tf.dispose([x, w, wt]);
      }
    });
  }

  it('refuses thread counts that are not integers from 1 to 64', () => {
    if (backend !== 'wasm') return; // configuring registers the kernel, which the first test checks is wasm-only
    expect(() => configureWasmGemm({ threads: 0 })).toThrowErrorMatchingInlineSnapshot(`[InvalidArgumentError: @nlpkit/tensor: options.threads must be an integer from 1 to 64, got 0]`);
    expect(() => configureWasmGemm({ threads: 1.5 })).toThrowErrorMatchingInlineSnapshot(`[InvalidArgumentError: @nlpkit/tensor: options.threads must be an integer from 1 to 64, got 1.5]`);
  });

  it('keeps no tensors and restarts after disposeWasmGemm', () => {
    if (backend === 'wasm') configureWasmGemm({ threads: 2 });
    const [a, b] = [tf.tensor2d(randomArray(64 * 96), [64, 96]), tf.tensor2d(randomArray(96 * 400), [96, 400])];
    const before = tf.memory().numTensors;
    for (let step = 0; step < 3; step += 1) {
      tf.tidy(() => plainMatMul(a, b, false, false).dataSync());
      disposeWasmGemm();
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([a, b]);
  });
});
