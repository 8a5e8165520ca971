import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor2D } from '@tensorflow/tfjs-core';
import { createRng } from '@nlpkit/core';
import { expect, it } from 'vitest';
import { softmaxXentReference, worstDifference } from './softmaxXentReference.js';
import { registerWebgpuSoftmaxXentKernels } from '../../src/kernels/webgpuSoftmaxXent.js';
import { softmaxCrossEntropy } from '../../src/ops/softmaxCrossEntropy.js';

/**
 * `softmaxCrossEntropy` on webgpu, where it runs nlpkit's two WGSL kernels (`webgpuSoftmaxXent.ts`), against the
 * float64 reference with the tolerances of the cpu and wasm kernels' suite: the loss within 1e-5 (relative above
 * 1), the gradient within 1e-6. Shapes cover one column and less than a workgroup's threads (V = 1, 3, 13), a
 * row longer than the 64-thread workgroup (1003) and one on the 256-thread workgroup (V ≥ 4,096), logits up to
 * ×8 (log p down to about −60), masks weighing rows 0, ½ and 1, label smoothing; and a gradient of more than
 * 65,535 workgroups (a dispatch spread over two dimensions). Reads are asynchronous (no synchronous read-back
 * on a GPU). For describeBackends with `backends: ['webgpu']`.
 */
export function softmaxXentWebgpuSuite(): void {
  const rng = createRng(44);
  const array = (n: number, scale: number): Float32Array => Float32Array.from({ length: n }, () => rng.normal() * scale);

  const check = async (N: number, V: number, scale: number, masked: boolean, eps: number): Promise<void> => {
    const xd = array(N * V, scale);
    const td = Int32Array.from({ length: N }, (_, i) => (i * 7919) % V);
    const md = Float32Array.from({ length: N }, (_, i) => (masked ? ([1, 0.5, 0, 1][i % 4] as number) : 1));
    md[0] = 1;
    const ref = softmaxXentReference(xd, td, md, N, V, eps);
    const [x, t, m] = [tf.tensor2d(xd, [N, V]), tf.tensor1d(td, 'int32'), tf.tensor1d(md)];
    const { value, grad } = tf.valueAndGrad((l: Tensor): tf.Scalar => softmaxCrossEntropy(l as Tensor2D, t, masked ? m : undefined, eps))(x);
    const loss = (await value.data())[0] as number;
    const what = `[${N}, ${V}] ×${scale}${masked ? ', masked' : ''}, ε ${eps}`;
    expect(Math.abs(loss - ref.loss), `${what}: loss ${loss} vs ${ref.loss}`).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(ref.loss)));
    expect(worstDifference(await grad.data(), ref.grad), `${what}: gradient`).toBeLessThanOrEqual(1e-6);
    tf.dispose([x, t, m, value, grad]);
  };

  for (const [N, V] of [[1, 1], [3, 3], [4, 13], [7, 1003], [5, 4500]] as const) {
    it(`[${N}, ${V}], logits ×1 and ×8, masked or not, ε 0 and 0.1: loss within 1e-5 and gradient within 1e-6 of float64`, async () => {
      expect(registerWebgpuSoftmaxXentKernels()).toBe(true);
      for (const scale of [1, 8]) {
        for (const eps of [0, 0.1]) {
          for (const masked of [false, true]) await check(N, V, scale, masked, eps);
        }
      }
    });
  }

  it('a gradient of more than 65,535 workgroups (70 × 65,536 logits: the dispatch spread over two dimensions)', async () => {
    await check(70, 65536, 2, true, 0.1);
  });

  it('runs as the two WGSL kernels (no softmax, one-hot or gather) and keeps no [N, V] tensor but the logits between the passes', async () => {
    const [N, V] = [24, 300];
    const x = tf.tensor2d(array(N * V, 2), [N, V]);
    const t = tf.tensor1d(Int32Array.from({ length: N }, (_, i) => (i * 31) % V), 'int32');
    const f = (l: Tensor): tf.Scalar => softmaxCrossEntropy(l as Tensor2D, t, undefined, 0.1);
    const forward = await tf.profile(() => tf.dispose(f(x)));
    const names = forward.kernels.map((k) => k.name);
    expect(names.filter((n) => n === 'NlpkitSoftmaxXentRows')).toHaveLength(1);
    for (const generic of ['Softmax', 'OneHot', 'GatherNd', 'Log']) expect(names, generic).not.toContain(generic);
    // The forward pass adds nothing of the logits' size: [N, 2] stats and a few [N] and scalar tensors.
    expect(forward.peakBytes - x.size * 4 - N * 4).toBeLessThan(x.size * 4);
    const backward = await tf.profile(() => tf.dispose(tf.grad(f)(x)));
    const bnames = backward.kernels.map((k) => k.name);
    expect(bnames.filter((n) => n === 'NlpkitSoftmaxXentGrad')).toHaveLength(1);
    for (const generic of ['Softmax', 'OneHot', 'Sub']) expect(bnames, generic).not.toContain(generic);
    tf.dispose([x, t]);
  });

  it('a NaN logit makes the loss NaN, and so does a target outside the vocabulary (no read-back to throw from)', async () => {
    const x = tf.tensor2d([0, 1, Number.NaN, 2, 0.5, 0.25, 1, 3, -1, 0], [2, 5]);
    expect(Number.isNaN((await softmaxCrossEntropy(x, tf.tensor1d([1, 4], 'int32')).data())[0])).toBe(true);
    const y = tf.tensor2d([0, 1, 0.5, 2, 0.5, 0.25, 1, 3, -1, 0], [2, 5]);
    for (const bad of [5, -1]) {
      expect(Number.isNaN((await softmaxCrossEntropy(y, tf.tensor1d([1, bad], 'int32')).data())[0]), `target ${bad}`).toBe(true);
    }
    // The other row alone (masked) is a number.
    expect(Number.isFinite((await softmaxCrossEntropy(y, tf.tensor1d([1, 2], 'int32'), tf.tensor1d([1, 0])).data())[0])).toBe(true);
  });
}
