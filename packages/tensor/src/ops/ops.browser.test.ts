import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend, type InitBackendOptions } from '../initBackend.js';
import { isHostBackend } from '../isHostBackend.js';
import { registerFusedKernels } from '../kernels/fusedKernels.js';
import { expectClose } from '../testing/index.js';
import { affine } from './affine.js';
import { affineCrossEntropy } from './affineCrossEntropy.js';
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
});
