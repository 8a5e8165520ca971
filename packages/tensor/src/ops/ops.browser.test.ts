import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend, type InitBackendOptions } from '../initBackend.js';
import { isHostBackend } from '../isHostBackend.js';
import { registerFusedKernels } from '../kernels/fusedKernels.js';
import { describeBackends, expectClose } from '../testing/index.js';
import { softmaxXentWebgpuSuite } from '../../test/suites/softmaxXentWebgpu.js';
import { affine } from './affine.js';
import { additiveAttention } from './additiveAttention.js';
import { affineCrossEntropy } from './affineCrossEntropy.js';
import { logSoftmax } from './logSoftmax.js';
import { softmaxCrossEntropy } from './softmaxCrossEntropy.js';
import { unstack } from './unstack.js';

const init: Omit<InitBackendOptions, 'only' | 'prefer'> = {
  modules: { '@tensorflow/tfjs-backend-webgpu': () => import('@tensorflow/tfjs-backend-webgpu') },
  allowFallbackAdapter: true,
};

// On a GPU backend the shared ops must stay on the device: no host read-back in unstack, no fused cpu kernels.
describe('shared ops on WebGPU', () => {
  it('is not a host backend, has no fused kernels, and unstack, affine, softmaxCrossEntropy and affineCrossEntropy match references', async () => {
    await initBackend({ ...init, only: 'webgpu' });
    expect(tf.getBackend()).toBe('webgpu');
    expect(isHostBackend()).toBe(false);
    expect(registerFusedKernels()).toBe(false);
    const x = tf.tensor3d(Array.from({ length: 12 }, (_, i) => i), [3, 2, 2]);
    const g = tf.grad((t: Tensor) => tf.addN(unstack(t).map((p, i) => tf.mul(tf.sum(p), i + 1))))(x);
    expectClose(await g.data(), Array.from({ length: 12 }, (_, i) => Math.floor(i / 4) + 1), { atol: 0 });
    expectClose(await unstack(x)[2]!.data(), [8, 9, 10, 11], { atol: 0 });

    const logits = tf.tensor2d([0.5, -1, 2, 0, 1, 3, -2, 0.25], [2, 4]);
    const w = tf.eye(4) as Tensor2D;
    const b = tf.zeros([4]) as Tensor1D;
    const targets = tf.tensor1d([2, 0], 'int32');
    const eps = 0.1;
    const f = (l: Tensor) => softmaxCrossEntropy(affine(l as Tensor2D, w, b), targets, undefined, eps);
    const naive = (l: Tensor) => {
      const q = tf.add(tf.mul(tf.cast(tf.oneHot(targets, 4), 'float32'), 1 - eps), eps / 4);
      return tf.mean(tf.neg(tf.sum(tf.mul(q, tf.logSoftmax(l as Tensor2D)), 1))) as tf.Scalar;
    };
    expectClose(await f(logits).data(), await naive(logits).data(), { atol: 1e-5 });
    expectClose(await tf.grad(f)(logits).data(), await tf.grad(naive)(logits).data(), { atol: 1e-5 });
    // affineCrossEntropy is the two ops on a GPU backend, with or without a gradient tape.
    const hidden = tf.tensor2d([0.5, -1, 2, 0.25, 1, 3], [2, 3]);
    const w3 = tf.tensor2d(Array.from({ length: 12 }, (_, i) => Math.sin(i)), [3, 4]);
    const g3 = (h: Tensor) => affineCrossEntropy(h as Tensor2D, w3, b, targets, undefined, eps);
    const unfused = (h: Tensor) => softmaxCrossEntropy(affine(h as Tensor2D, w3, b), targets, undefined, eps);
    expectClose(await g3(hidden).data(), await unfused(hidden).data(), { atol: 1e-6 });
    expectClose(await tf.grad(g3)(hidden).data(), await tf.grad(unfused)(hidden).data(), { atol: 1e-6 });
  });

  it('additiveAttention and logSoftmax (tfjs ops on a GPU backend) match float64 references', async () => {
    await initBackend({ ...init, only: 'webgpu' });
    // Two rows over three positions (the second row has two), A = 2, H = 1.
    const [kd, qd, vd, md, vals] = [[0.5, -1, 2, 0.25, -0.5, 1, 1, 1, -2, 0.5, 0, 0], [0.1, -0.2, 0.3, 0.4], [1, -0.5], [1, 1, 1, 1, 1, 0], [1, 2, 3, 4, 5, 6]];
    const got = additiveAttention(tf.tensor3d(kd, [2, 3, 2]), tf.tensor3d(vals, [2, 3, 1]), tf.tensor2d(md, [2, 3]), tf.tensor2d(qd, [2, 2]), tf.tensor2d(vd, [2, 1]));
    const weights: number[] = [];
    const context: number[] = [];
    for (let b = 0; b < 2; b += 1) {
      const scores = [0, 1, 2].map((s) => [0, 1].reduce((sum, a) => sum + Math.tanh((kd[(b * 3 + s) * 2 + a] as number) + (qd[b * 2 + a] as number)) * (vd[a] as number), 0));
      const e = scores.map((x, s) => ((md[b * 3 + s] as number) === 1 ? Math.exp(x) : 0));
      const total = e.reduce((x, y) => x + y, 0);
      e.forEach((x) => weights.push(x / total));
      context.push(e.reduce((sum, x, s) => sum + (x / total) * (vals[b * 3 + s] as number), 0));
    }
    expectClose(await got.weights.data(), weights, { atol: 1e-6 });
    expectClose(await got.context.data(), context, { atol: 1e-5 });
    const x = [2, -1, 0.5, 40, -40, 0];
    const lp = [0, 1].flatMap((r) => {
      const row = x.slice(r * 3, r * 3 + 3);
      const max = Math.max(...row);
      const lse = max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
      return row.map((v) => v - lse);
    });
    expectClose(await logSoftmax(tf.tensor2d(x, [2, 3])).data(), lp, { atol: 1e-5 });
  });
});

// softmaxCrossEntropy's WGSL kernels against float64, as the cpu and wasm kernels are in wasmPointwise's suite.
describeBackends('softmaxCrossEntropy on its WGSL kernels', softmaxXentWebgpuSuite, { init, backends: ['webgpu'] });
