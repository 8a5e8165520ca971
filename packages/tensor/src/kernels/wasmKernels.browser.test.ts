import * as tf from '@tensorflow/tfjs-core';
import simd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import threaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import plain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import { createRng } from '@nlpkit/core';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../initBackend.js';
import { affine } from '../ops/affine.js';
import { plainMatMul } from '../ops/matMul.js';
import { disposeWasmGemm, registerWasmGemm, wasmGemmStats } from './wasmKernels.js';

// nlpkit's wasm GEMM in headless Chromium on tfjs-backend-wasm: one thread, in place on tfjs's heap (worker
// threads need a cross-origin-isolated page, which the test page is not). Same 1e-5 (relative to Σ|a·b|) as Node.
const rng = createRng(5);
const randomArray = (n: number): Float32Array => Float32Array.from({ length: n }, () => rng.normal());

function worstError(got: ArrayLike<number>, a: Float32Array, b: Float32Array, M: number, N: number, K: number, tA: boolean, tB: boolean, bias?: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < M; i += 1) {
    for (let j = 0; j < N; j += 1) {
      let s = bias === undefined ? 0 : (bias[j] as number);
      let m = Math.abs(s);
      for (let k = 0; k < K; k += 1) {
        const p = (a[tA ? k * M + i : i * K + k] as number) * (b[tB ? j * K + k : k * N + j] as number);
        s += p;
        m += Math.abs(p);
      }
      worst = Math.max(worst, Math.abs((got[i * N + j] as number) - s) / Math.max(1, m));
    }
  }
  return worst;
}

describe('wasm GEMM in the browser', () => {
  it('runs plainMatMul and affine on every transpose within 1e-5 of float64', async () => {
    await initBackend({
      only: 'wasm',
      modules: { '@tensorflow/tfjs-backend-wasm': () => import('@tensorflow/tfjs-backend-wasm') },
      wasmPaths: { 'tfjs-backend-wasm.wasm': plain, 'tfjs-backend-wasm-simd.wasm': simd, 'tfjs-backend-wasm-threaded-simd.wasm': threaded },
    });
    expect(registerWasmGemm()).toBe(true);
    for (const [M, K, N] of [[1, 1, 1], [5, 3, 9], [17, 300, 11], [97, 150, 611]] as const) {
      for (const tA of [false, true]) {
        for (const tB of [false, true]) {
          const [ad, bd, biasd] = [randomArray(M * K), randomArray(K * N), randomArray(N)];
          const a = tf.tensor2d(ad, tA ? [K, M] : [M, K]);
          const b = tf.tensor2d(bd, tB ? [N, K] : [K, N]);
          const c = plainMatMul(a, b, tA, tB);
          expect(worstError(await c.data(), ad, bd, M, N, K, tA, tB)).toBeLessThanOrEqual(1e-5);
          if (!tA && !tB) {
            const bias = tf.tensor1d(biasd);
            const d = affine(a, b, bias);
            expect(worstError(await d.data(), ad, bd, M, N, K, tA, tB, biasd)).toBeLessThanOrEqual(1e-5);
            tf.dispose([bias, d]);
          }
          tf.dispose([a, b, c]);
        }
      }
    }
    expect(wasmGemmStats()?.threads).toBe(1); // the default is the cores, but threads need cross-origin isolation
    expect(wasmGemmStats()?.fma).toBe(true); // Chromium has relaxed SIMD (since 114): the fused multiply-add build ran
    disposeWasmGemm();
  });
});
