import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs-core';
import { InvalidArgumentError, createRng } from '@nlpkit/core';
import { expect, it } from 'vitest';
import { affineXentKernelOn } from '../../src/kernels/wasmAffineXent.js';
import { affine } from '../../src/ops/affine.js';
import { affineCrossEntropy } from '../../src/ops/affineCrossEntropy.js';
import { softmaxCrossEntropy } from '../../src/ops/softmaxCrossEntropy.js';

/**
 * `affineCrossEntropy` (on wasm without a gradient tape: the output layer and the loss in one kernel over column
 * blocks of 512) against the float64 loss of `x·w + b` and against `softmaxCrossEntropy(affine(…))` on the active
 * backend. Shapes cover one block and less (V = 7, 512), several with a partial last one (1003, 1100), a depth past
 * the GEMM's 256 (K = 300) and none at all (K = 0: the logits are the bias); logits up to ±40 with the row's
 * largest one in a late block (the blocks' log-sum-exps are joined by rescaling); masks that weigh rows 0, ½ and 1;
 * label smoothing. For describeBackends, in Node and in Chromium.
 */
export function affineCrossEntropySuite(): void {
  const rng = createRng(33);
  const array = (n: number, scale: number): Float32Array => Float32Array.from({ length: n }, () => rng.normal() * scale);

  /** −Σᵢ mᵢ [(1 − ε) log p_t + ε mean_j log p_j] / Σm in float64, from the float32 inputs (log p_t floored at log 1e-38, as the ops). */
  function reference(x: Float32Array, w: Float32Array, b: Float32Array, t: Int32Array, m: Float32Array, N: number, K: number, V: number, eps: number): number {
    let loss = 0;
    let total = 0;
    for (let i = 0; i < N; i += 1) {
      const row = new Float64Array(V);
      for (let j = 0; j < V; j += 1) {
        let s = b[j] as number;
        for (let k = 0; k < K; k += 1) s += (x[i * K + k] as number) * (w[k * V + j] as number);
        row[j] = s;
      }
      const max = Math.max(...row);
      const lse = max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
      const meanLogP = row.reduce((s, v) => s + v, 0) / V - lse;
      loss -= (m[i] as number) * ((1 - eps) * Math.max((row[t[i] as number] as number) - lse, Math.log(1e-38)) + eps * meanLogP);
      total += m[i] as number;
    }
    return loss / Math.max(total, 1e-12);
  }

  const cases = [[3, 5, 7, 1], [2, 0, 5, 1], [64, 16, 512, 2], [37, 13, 1003, 4], [20, 300, 1100, 0.3]] as const;
  for (const [N, K, V, scale] of cases) {
    it(`[${N}, ${K}] · [${K}, ${V}] + b: the float64 loss within 1e-5 and the unfused loss within 2e-6, masked or not, ε 0 and 0.1`, () => {
      const [xd, wd, bd] = [array(N * K, scale), array(K * V, 1), array(V, scale)];
      // The largest logit of every row in the last column: a late block raises the row's max.
      for (let k = 0; k < K; k += 1) wd[k * V + V - 1] = 0;
      bd[V - 1] = 40;
      const td = Int32Array.from({ length: N }, (_, i) => (i * 7919) % V);
      const ones = new Float32Array(N).fill(1);
      const md = Float32Array.from({ length: N }, (_, i) => [1, 0.5, 0, 1][i % 4] as number);
      md[0] = 1;
      tf.tidy(() => {
        const [x, w, b, t] = [tf.tensor2d(xd, [N, K]), tf.tensor2d(wd, [K, V]), tf.tensor1d(bd), tf.tensor1d(td, 'int32')];
        for (const eps of [0, 0.1]) {
          for (const m of [undefined, tf.tensor1d(md)]) {
            const want = reference(xd, wd, bd, td, m === undefined ? ones : md, N, K, V, eps);
            const got = affineCrossEntropy(x, w, b, t, m, eps).dataSync()[0] as number;
            const unfused = softmaxCrossEntropy(affine(x, w, b), t, m, eps).dataSync()[0] as number;
            expect(Math.abs(got - want), `ε ${eps}${m === undefined ? '' : ', masked'}: ${got} vs ${want}`).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(want)));
            expect(Math.abs(got - unfused)).toBeLessThanOrEqual(2e-6 * Math.max(1, Math.abs(unfused)));
          }
        }
      });
    });
  }

  it('under a gradient tape it is affine + softmaxCrossEntropy: the same value and gradients', () => {
    const [N, K, V] = [9, 6, 700];
    const [xd, wd, bd] = [array(N * K, 1), array(K * V, 1), array(V, 1)];
    const td = Int32Array.from({ length: N }, (_, i) => (i * 31) % V);
    tf.tidy(() => {
      const [x, w, b, t] = [tf.tensor2d(xd, [N, K]), tf.tensor2d(wd, [K, V]), tf.tensor1d(bd), tf.tensor1d(td, 'int32')];
      const mask = tf.tensor1d(Float32Array.from({ length: N }, (_, i) => (i % 3 === 0 ? 0 : 1)));
      const f = (fused: boolean) => (xi: Tensor, wi: Tensor, bi: Tensor): tf.Scalar =>
        fused ? affineCrossEntropy(xi as Tensor2D, wi as Tensor2D, bi as Tensor1D, t, mask, 0.1) : softmaxCrossEntropy(affine(xi as Tensor2D, wi as Tensor2D, bi as Tensor1D), t, mask, 0.1);
      const got = tf.valueAndGrads(f(true))([x, w, b]);
      const want = tf.valueAndGrads(f(false))([x, w, b]);
      expect(got.value.dataSync()[0]).toBe(want.value.dataSync()[0]);
      got.grads.forEach((g, k) => expect(Array.from(g.dataSync())).toEqual(Array.from((want.grads[k] as Tensor).dataSync())));
    });
  });

  it('leaves no tensor behind', () => {
    const [x, w, b, t] = [tf.tensor2d(array(40, 1), [8, 5]), tf.tensor2d(array(5 * 600, 1), [5, 600]), tf.tensor1d(array(600, 1)), tf.tensor1d([0, 5, 599, 3, 512, 511, 7, 1], 'int32')];
    const before = tf.memory().numTensors;
    const loss = affineCrossEntropy(x, w, b, t);
    loss.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, w, b, t]);
  });

  it('a target outside the vocabulary is an InvalidArgumentError on the wasm kernel', () => {
    if (!affineXentKernelOn()) return;
    tf.tidy(() => {
      const [x, w, b] = [tf.tensor2d(array(12, 1), [3, 4]), tf.tensor2d(array(4 * 6, 1), [4, 6]), tf.tensor1d(array(6, 1))];
      expect(() => affineCrossEntropy(x, w, b, tf.tensor1d([0, 6, 1], 'int32'))).toThrow(InvalidArgumentError);
      expect(() => affineCrossEntropy(x, w, b, tf.tensor1d([0, -1, 1], 'int32'))).toThrow(InvalidArgumentError);
    });
  });
}
