import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs-core';
import { createRng } from '@nlpkit/core';
import { expect, it } from 'vitest';
import { isHostBackend } from '../isHostBackend.js';
import { registerFusedKernels } from '../kernels/fusedKernels.js';
import { describeBackends } from '../testing/index.js';
import { affine } from './affine.js';
import { matMul, plainMatMul } from './matMul.js';
import { softmaxCrossEntropy } from './softmaxCrossEntropy.js';

/**
 * The ops that run on nlpkit's own cpu kernels (matmul, affine, fused softmax cross-entropy) checked on
 * every backend against plain JavaScript references, values and gradients; on backends other than cpu they run
 * on tfjs's kernels, so the same test also pins the two paths to each other.
 */
const rng = createRng(11);
const rand = (rows: number, cols: number): Tensor2D =>
  tf.tensor2d(Float32Array.from({ length: rows * cols }, () => rng.normal()), [rows, cols]);

/** Row-major float64 product of `[M, K]` and `[K, N]` arrays. */
function refMatMul(a: Float32Array, b: Float32Array, M: number, K: number, N: number): Float64Array {
  const out = new Float64Array(M * N);
  for (let i = 0; i < M; i += 1) {
    for (let j = 0; j < N; j += 1) {
      let s = 0;
      for (let k = 0; k < K; k += 1) s += (a[i * K + k] as number) * (b[k * N + j] as number);
      out[i * N + j] = s;
    }
  }
  return out;
}

const transposed = (x: Float32Array, rows: number, cols: number): Float32Array =>
  Float32Array.from({ length: rows * cols }, (_, idx) => x[(idx % rows) * cols + Math.floor(idx / rows)] as number);

function expectClose(t: Tensor, expected: ArrayLike<number>, atol: number): void {
  const got = t.dataSync();
  expect(got.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < got.length; i += 1) worst = Math.max(worst, Math.abs((got[i] as number) - (expected[i] as number)));
  expect(worst).toBeLessThanOrEqual(atol);
}

describeBackends('cpu kernels', (backend) => {
  it('register only on the cpu backend and leave tfjs kernels untouched', () => {
    const stock = tf.getKernel('BatchMatMul', backend);
    expect(registerFusedKernels()).toBe(backend === 'cpu');
    expect(isHostBackend()).toBe(backend === 'cpu' || backend === 'wasm' || backend.startsWith('tfjs-node'));
    expect(tf.getKernel('NlpkitMatMul', backend) !== undefined).toBe(backend === 'cpu');
    expect(tf.getKernel('BatchMatMul', backend)).toBe(stock);
  });

  it('plainMatMul computes every transpose combination', () => {
    tf.tidy(() => {
      const [M, K, N] = [9, 21, 13];
      const a = rand(M, K);
      const b = rand(K, N);
      const ad = a.dataSync() as Float32Array;
      const bd = b.dataSync() as Float32Array;
      const expected = refMatMul(ad, bd, M, K, N);
      expectClose(plainMatMul(a, b), expected, 1e-5);
      expectClose(plainMatMul(tf.transpose(a), b, true, false), expected, 1e-5);
      expectClose(plainMatMul(a, tf.transpose(b), false, true), expected, 1e-5);
      expectClose(plainMatMul(tf.transpose(a), tf.transpose(b), true, true), expected, 1e-5);
    });
  });

  it('matMul and affine: values and gradients', () => {
    tf.tidy(() => {
      const [M, K, N] = [7, 10, 19];
      const x = rand(M, K);
      const w = rand(K, N);
      const b = tf.tensor1d(Float32Array.from({ length: N }, () => rng.normal()));
      const g = rand(M, N);
      const [xd, wd, bd, gd] = [x, w, b, g].map((t) => t.dataSync() as Float32Array) as [Float32Array, Float32Array, Float32Array, Float32Array];
      const xw = refMatMul(xd, wd, M, K, N);
      const dx = refMatMul(gd, transposed(wd, K, N), M, N, K);
      const dw = refMatMul(transposed(xd, M, K), gd, K, M, N);
      const db = Array.from({ length: N }, (_, j) => Array.from({ length: M }, (_, i) => gd[i * N + j] as number).reduce((s, v) => s + v, 0));
      expectClose(matMul(x, w), xw, 1e-5);
      expectClose(affine(x, w, b), xw.map((v, i) => v + (bd[i % N] as number)), 1e-5);
      const [gx, gw] = tf.grads((xi: Tensor, wi: Tensor) => tf.sum(tf.mul(matMul(xi as Tensor2D, wi as Tensor2D), g)))([x, w]);
      expectClose(gx as Tensor, dx, 1e-5);
      expectClose(gw as Tensor, dw, 1e-5);
      const loss = (xi: Tensor, wi: Tensor, bi: Tensor): Tensor => tf.sum(tf.mul(affine(xi as Tensor2D, wi as Tensor2D, bi as Tensor1D), g));
      const [ax, aw, ab] = tf.grads(loss)([x, w, b]);
      expectClose(ax as Tensor, dx, 1e-5);
      expectClose(aw as Tensor, dw, 1e-5);
      expectClose(ab as Tensor, db, 1e-5);
    });
  });

  for (const eps of [0, 0.2]) {
    it(`softmaxCrossEntropy with a mask and label smoothing ${eps}: value and gradient`, () => {
      tf.tidy(() => {
        const [N, V] = [5, 23];
        const logits = tf.mul(rand(N, V), 3) as Tensor2D;
        const targets = tf.tensor1d([0, 22, 7, 7, 13], 'int32');
        const maskValues = [1, 1, 0, 1, 0.5];
        const mask = tf.tensor1d(maskValues);
        const ld = logits.dataSync();
        const td = targets.dataSync();
        const total = maskValues.reduce((s, v) => s + v, 0);
        let loss = 0;
        const grad = new Float64Array(N * V);
        for (let i = 0; i < N; i += 1) {
          const x = Array.from(ld.subarray(i * V, (i + 1) * V));
          const lse = Math.log(x.reduce((s, v) => s + Math.exp(v), 0));
          const t = td[i] as number;
          const m = maskValues[i] as number;
          loss -= (m * ((1 - eps) * ((x[t] as number) - lse) + (eps * x.reduce((s, v) => s + v - lse, 0)) / V)) / total;
          for (let j = 0; j < V; j += 1) grad[i * V + j] = ((Math.exp((x[j] as number) - lse) - (j === t ? 1 - eps : 0) - eps / V) * m) / total;
        }
        const f = (l: Tensor): tf.Scalar => softmaxCrossEntropy(l as Tensor2D, targets, mask, eps);
        expectClose(f(logits), [loss], 1e-5);
        expectClose(tf.grad(f)(logits), grad, 1e-6);
      });
    });
  }

  it('tf.memory().numTensors does not grow across repeated training-style calls', () => {
    const x = rand(6, 8);
    const w = rand(8, 30);
    const b = tf.zeros([30]) as Tensor1D;
    const targets = tf.tensor1d([1, 2, 3, 4, 5, 29], 'int32');
    const step = (): void => {
      tf.tidy(() => {
        const loss = (xi: Tensor, wi: Tensor, bi: Tensor): tf.Scalar =>
          softmaxCrossEntropy(affine(xi as Tensor2D, wi as Tensor2D, bi as Tensor1D), targets);
        tf.grads(loss)([x, w, b]);
      });
    };
    step();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i += 1) step();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, w, b, targets]);
  });
});
