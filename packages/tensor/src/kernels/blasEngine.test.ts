import * as tf from '@tensorflow/tfjs-core';
import type { Tensor1D, Tensor2D } from '@tensorflow/tfjs-core';
import { createRng, InvalidArgumentError } from '@nlpkit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blasNotUsed, loadBlas } from '#blas';
import { initBackend } from '../initBackend.js';
import { affineCrossEntropy } from '../ops/affineCrossEntropy.js';
import { affine } from '../ops/affine.js';
import { plainMatMul } from '../ops/matMul.js';
import { softmaxCrossEntropy } from '../ops/softmaxCrossEntropy.js';
import { rowInvariant } from './blasRowInvariance.js';
import { wasmAffineXent, wasmAffineXentStats } from './wasmAffineXent.js';
import { wasmGruSequenceBackward, wasmGruSequenceForward, wasmGruSequenceInfer } from './wasmGru.js';
import { wasmLstmSequenceBackward, wasmLstmSequenceForward, wasmLstmSequenceInfer } from './wasmLstm.js';
import type { WasmBackend } from './wasmGemmEngine.js';
import { configureWasmGemm, disposeWasmGemm, wasmGemmEngine, wasmGemmStats } from './wasmKernels.js';

/**
 * nlpkit's ops on wasm with their products on a CBLAS library (`blasEngine`, loaded by `blas.node.ts` through the
 * optional peer koffi): the same results as nlpkit's WebAssembly GEMM within float32 rounding (1e-5 of Σ|a·b|),
 * on views of tfjs's heap, with and without transposes and bias. CI installs OpenBLAS (`.ci/run`), so there the
 * library must be found; elsewhere the suite says why it skips.
 */
// A library the search left because its products are not row-invariant (OpenBLAS's Haswell kernels on a Zen 4) is
// tested by name: nlpkit uses it when named, and its products must be right there too.
const blas = loadBlas('') ?? (blasNotUsed().length > 0 ? loadBlas(blasNotUsed()[0]!.library) : undefined);
const why = blas === undefined ? 'no optimized BLAS (OpenBLAS, MKL, BLIS) found, or koffi is not installed' : '';
if (why !== '') console.log(`skipped: ${why}`);
/** The library by name (used whatever the search would say of it). */
const named = (): string => blas!.library;

it('CI finds the BLAS library it installs', () => {
  if (process.env['CI'] === undefined) return;
  expect(blas, why).toBeDefined();
});

it('the search takes a library only where its products are row-invariant, and lists those it left', () => {
  const found = loadBlas('');
  if (found !== undefined) expect(rowInvariant(found)).toBe(true);
  for (const left of blasNotUsed()) {
    expect(left.config.length).toBeGreaterThan(0);
    expect(rowInvariant(loadBlas(left.library)!)).toBe(false);
  }
});

it('a library that cannot be opened, or has no cblas_sgemm, is a typed error naming NLPKIT_BLAS', () => {
  expect(loadBlas('0')).toBeUndefined();
  expect(loadBlas('off')).toBeUndefined();
  if (blas === undefined) return; // koffi may be missing: then naming a library is the error below
  expect(() => loadBlas('/nonexistent/libnothing.so')).toThrow(InvalidArgumentError);
  expect(() => loadBlas('/nonexistent/libnothing.so')).toThrow(/NLPKIT_BLAS must be a CBLAS library with cblas_sgemm/);
  // The C library opens, but has no cblas_sgemm.
  if (process.platform === 'linux') expect(() => loadBlas('libc.so.6')).toThrow(/libc\.so\.6/);
});

describe.runIf(blas !== undefined)('products on the BLAS library', () => {
  const rng = createRng(5);
  const random = (n: number): Float32Array => Float32Array.from({ length: n }, () => rng.normal());

  beforeAll(async () => {
    await initBackend({ only: 'wasm', gradients: false });
  });
  afterAll(() => disposeWasmGemm());

  /** `fn`'s values with the products on nlpkit's GEMM, then on the BLAS library. */
  function both(fn: () => tf.Tensor): [Float32Array, Float32Array, ReturnType<typeof wasmGemmStats>] {
    configureWasmGemm({ blas: false });
    const ours = tf.tidy(() => fn().dataSync() as Float32Array);
    expect(wasmGemmStats()?.blas).toBeUndefined();
    configureWasmGemm({ blas: named() });
    const theirs = tf.tidy(() => fn().dataSync() as Float32Array);
    return [ours, theirs, wasmGemmStats()];
  }

  /** Largest |x − y| over `scale` (Σ|a·b| per element, bounded below by 1). */
  function expectWithin(x: Float32Array, y: Float32Array, scale: number): void {
    expect(y.length).toBe(x.length);
    let worst = 0;
    for (let i = 0; i < x.length; i += 1) worst = Math.max(worst, Math.abs((x[i] as number) - (y[i] as number)));
    expect(worst / Math.max(1, scale)).toBeLessThanOrEqual(1e-5);
  }

  for (const [M, K, N] of [[1, 1, 1], [3, 5, 2], [17, 300, 11], [70, 130, 301], [400, 200, 2051]] as const) {
    for (const [tA, tB] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      it(`${M}×${K}·${K}×${N}, transposed ${tA ? 'a' : '-'}${tB ? 'b' : '-'}, with and without bias`, () => {
        const a = tf.tensor2d(random(M * K), tA ? [K, M] : [M, K]);
        const b = tf.tensor2d(random(K * N), tB ? [N, K] : [K, N]);
        const bias = tf.tensor1d(random(N));
        // Normal entries: Σ|a·b| ≈ 0.64·K.
        const scale = 0.64 * K + 3;
        const [ours, theirs, stats] = both(() => plainMatMul(a as Tensor2D, b as Tensor2D, tA, tB));
        expect(stats?.blas).toBe(blas?.config);
        expectWithin(ours, theirs, scale);
        if (!tA && !tB) {
          const [withBias, blasWithBias] = both(() => affine(a as Tensor2D, b as Tensor2D, bias as Tensor1D));
          expectWithin(withBias, blasWithBias, scale);
          // The bias really is in it (beta 1 after the rows were filled).
          const biasValues = bias.dataSync();
          expectWithin(blasWithBias, Float32Array.from(theirs, (v, i) => v + (biasValues[i % N] as number)), scale);
        }
        tf.dispose([a, b, bias]);
      });
    }
  }

  it('the evaluation loss kernel on BLAS, rows split between threads: the same rows on 1 and 2 (bit for bit where the library is row-invariant), the unfused loss within 1e-5', async () => {
    // 2·N·K·V = 52 MFLOP: past the threshold where the workers take rows.
    const [n, k, v] = [64, 200, 2051];
    const x = tf.tensor2d(random(n * k), [n, k]) as Tensor2D;
    const w = tf.tensor2d(random(k * v).map((z) => z * 0.2), [k, v]) as Tensor2D;
    const b = tf.tensor1d(random(v)) as Tensor1D;
    const t = tf.tensor1d(Int32Array.from({ length: n }, (_, i) => (i * 389) % v), 'int32') as Tensor1D;
    const rows = (): Float32Array[] => tf.tidy(() => wasmAffineXent(x, w, b, t).map((r) => r.dataSync() as Float32Array));
    configureWasmGemm({ threads: 1, blas: named() });
    const one = rows();
    configureWasmGemm({ threads: 2, blas: named() });
    const pool = wasmGemmEngine(tf.backend() as unknown as WasmBackend).pool;
    expect(pool).toBeDefined();
    for (let tries = 0; tries < 300 && pool?.ready() !== true; tries += 1) await new Promise((resolve) => setTimeout(resolve, 10));
    const calls = wasmAffineXentStats().calls;
    const two = rows();
    expect(wasmAffineXentStats().calls).toBe(calls + 1);
    if (rowInvariant(blas!)) {
      expect(Array.from(two[0] as Float32Array)).toEqual(Array.from(one[0] as Float32Array));
      expect(Array.from(two[1] as Float32Array)).toEqual(Array.from(one[1] as Float32Array));
    } else {
      // A row's products depend on the rows computed with it (the search would not have used this library).
      for (const [k, got] of two.entries()) {
        const want = one[k] as Float32Array;
        for (let i = 0; i < n; i += 1) expect(Math.abs((got[i] as number) - (want[i] as number))).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(want[i] as number)));
      }
    }
    configureWasmGemm({ threads: 1, blas: false });
    const logits = tf.tidy(() => affine(x, w, b).dataSync() as Float32Array);
    const ts = t.dataSync();
    for (let i = 0; i < n; i += 1) {
      let max = -Infinity;
      for (let j = 0; j < v; j += 1) max = Math.max(max, logits[i * v + j] as number);
      let sum = 0;
      let total = 0;
      for (let j = 0; j < v; j += 1) {
        sum += Math.exp((logits[i * v + j] as number) - max);
        total += logits[i * v + j] as number;
      }
      const lse = max + Math.log(sum);
      expect(Math.abs((one[0] as Float32Array)[i] as number - (lse - (logits[i * v + (ts[i] as number)] as number)))).toBeLessThanOrEqual(1e-5 * lse);
      expect(Math.abs((one[1] as Float32Array)[i] as number - (total / v - lse))).toBeLessThanOrEqual(1e-5 * Math.abs(total / v - lse));
    }
    tf.dispose([x, w, b, t]);
  });

  // The inference kernels of the fused recurrent sequences run each step's product h·W on the library, from the
  // calling thread (the workers have no BLAS): within rounding of the training kernel's outputs on nlpkit's GEMM,
  // the padded steps skipped or masked as there.
  for (const cell of ['lstm', 'gru'] as const) {
    it(`the ${cell.toUpperCase()} inference kernel: every step's recurrent product on BLAS, on the calling thread, within 1e-5 of nlpkit's GEMM`, async () => {
      const [T, B, H] = [7, 24, 150];
      const G = (cell === 'lstm' ? 4 : 3) * H;
      const xp = tf.tensor3d(random(T * B * G), [T, B, G]);
      const w = tf.tensor2d(random(H * G).map((z) => z * 0.1), [H, G]);
      const h0 = tf.tensor2d(random(B * H), [B, H]);
      const c0 = cell === 'lstm' ? tf.tensor2d(random(B * H), [B, H]) : tf.tensor1d(random(G).map((z) => z * 0.1));
      const lengthsOf: Record<string, number[]> = {
        'sorted down': Array.from({ length: B }, (_, b) => T - Math.floor((T * b) / B)),
        unsorted: Array.from({ length: B }, (_, b) => 1 + ((b * 5) % T)),
      };
      for (const name of ['no mask', 'sorted down', 'unsorted']) {
        const lengths = lengthsOf[name];
        const mask = lengths === undefined ? undefined : tf.tensor2d(Float32Array.from({ length: T * B }, (_, i) => (Math.floor(i / B) < (lengths[i % B] as number) ? 1 : 0)), [T, B]);
        const infer = (): tf.Tensor =>
          cell === 'lstm' ? wasmLstmSequenceInfer(xp, w, h0, c0 as Tensor2D, mask) : wasmGruSequenceInfer(xp, w, c0 as Tensor1D, h0, mask);
        configureWasmGemm({ threads: 1, blas: false });
        const want = tf.tidy(() => (cell === 'lstm' ? wasmLstmSequenceForward(xp, w, h0, c0 as Tensor2D, mask)[0] : wasmGruSequenceForward(xp, w, c0 as Tensor1D, h0, mask)[0]).dataSync() as Float32Array);
        const ours = tf.tidy(() => infer().dataSync() as Float32Array);
        configureWasmGemm({ threads: 2, blas: named() });
        const pool = wasmGemmEngine(tf.backend() as unknown as WasmBackend).pool;
        for (let tries = 0; tries < 300 && pool?.ready() !== true; tries += 1) await new Promise((resolve) => setTimeout(resolve, 10));
        const programs = wasmGemmStats()?.programs ?? 0;
        const theirs = tf.tidy(() => infer().dataSync() as Float32Array);
        expect(wasmGemmStats()?.blas).toBe(blas?.config);
        expect(wasmGemmStats()?.programs, 'no program sent to a worker').toBe(programs);
        // Outputs and states are within [−1, 1] (an LSTM's c within a few units): 1e-5 absolute.
        expectWithin(want, theirs, 1);
        expectWithin(ours, theirs, 1);
        // Not nlpkit's GEMM: the library's summation order shows in the last bits somewhere.
        expect(theirs.some((v, i) => v !== want[i])).toBe(true);
        if (mask !== undefined) tf.dispose(mask);
      }
      configureWasmGemm({ threads: 1, blas: false });
      tf.dispose([xp, w, h0, c0]);
    });
  }

  // The training kernels too: forward (outputs, saved states, activations) and backward (dXp, dh0 and, for an
  // LSTM, dc0; a GRU's dHH), every step's product on the library (backward: by the transposed weight).
  for (const cell of ['lstm', 'gru'] as const) {
    it(`the ${cell.toUpperCase()} training kernels: forward and backward products on BLAS, within 1e-5 of nlpkit's GEMM`, () => {
      const [T, B, H] = [6, 20, 150];
      const G = (cell === 'lstm' ? 4 : 3) * H;
      const xp = tf.tensor3d(random(T * B * G), [T, B, G]);
      const w = tf.tensor2d(random(H * G).map((z) => z * 0.1), [H, G]);
      const h0 = tf.tensor2d(random(B * H), [B, H]);
      const c0 = cell === 'lstm' ? tf.tensor2d(random(B * H), [B, H]) : tf.tensor1d(random(G).map((z) => z * 0.1));
      const lengths = Array.from({ length: B }, (_, b) => 1 + ((b * 5) % T));
      const mask = tf.tensor2d(Float32Array.from({ length: T * B }, (_, i) => (Math.floor(i / B) < (lengths[i % B] as number) ? 1 : 0)), [T, B]);
      const dy = tf.tensor3d(random((T + (cell === 'lstm' ? 2 : 1)) * B * H), [T + (cell === 'lstm' ? 2 : 1), B, H]);
      const run = (): Float32Array[] =>
        tf.tidy(() => {
          if (cell === 'lstm') {
            const forward = wasmLstmSequenceForward(xp, w, h0, c0 as Tensor2D, mask);
            const [, hs, cs, acts] = forward;
            return [...forward, ...wasmLstmSequenceBackward(dy, w, hs, cs, acts, mask)].map((t) => t.dataSync() as Float32Array);
          }
          const forward = wasmGruSequenceForward(xp, w, c0 as Tensor1D, h0, mask);
          const [, hs, acts] = forward;
          return [...forward, ...wasmGruSequenceBackward(dy, w, hs, acts, mask)].map((t) => t.dataSync() as Float32Array);
        });
      configureWasmGemm({ threads: 1, blas: false });
      const ours = run();
      configureWasmGemm({ threads: 1, blas: named() });
      const theirs = run();
      expect(wasmGemmStats()?.blas).toBe(blas?.config);
      ours.forEach((x, k) => expectWithin(x, theirs[k] as Float32Array, x.reduce((m, v) => Math.max(m, Math.abs(v)), 1)));
      // The backward results are the library's too (its summation order shows somewhere).
      expect(ours.slice(-2).some((x, k) => x.some((v, i) => v !== (theirs[theirs.length - 2 + k] as Float32Array)[i]))).toBe(true);
      configureWasmGemm({ threads: 1, blas: false });
      tf.dispose([xp, w, h0, c0, mask, dy]);
    });
  }

  it('the LM loss in evaluation: the output layer on BLAS and the fused loss give the unfused loss', () => {
    const [n, k, v] = [40, 30, 700];
    const x = tf.tensor2d(random(n * k), [n, k]) as Tensor2D;
    const w = tf.tensor2d(random(k * v), [k, v]) as Tensor2D;
    const b = tf.tensor1d(random(v)) as Tensor1D;
    const t = tf.tensor1d(Int32Array.from({ length: n }, (_, i) => (i * 37) % v), 'int32') as Tensor1D;
    configureWasmGemm({ blas: named() });
    const fused = tf.tidy(() => affineCrossEntropy(x, w, b, t).dataSync()[0] as number);
    configureWasmGemm({ blas: false });
    const plain = tf.tidy(() => softmaxCrossEntropy(affine(x, w, b), t).dataSync()[0] as number);
    expect(Math.abs(fused - plain)).toBeLessThanOrEqual(1e-5 * Math.abs(plain));
    tf.dispose([x, w, b, t]);
  });
});
