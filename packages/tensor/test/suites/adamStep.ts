import * as tf from '@tensorflow/tfjs-core';
import type { Scalar } from '@tensorflow/tfjs-core';
import { createRng } from '@nlpkit/core';
import { expect, it } from 'vitest';
import { adamStep } from '../../src/ops/adamStep.js';
import { isHostBackend } from '../../src/isHostBackend.js';

/**
 * `adamStep` (on wasm without a tape: the `adamStep` kernel of `wasmPointwise.wat`) against a float32 reference
 * that rounds after every operation in the order the op documents (`Math.fround`: each operation in float64 and
 * then rounded is the correctly rounded float32 result for +, −, ×, ÷ and √). On host backends (cpu, wasm) the
 * bits must match: a kernel that reorders one operation fails. Lengths off the 4-lane vectors, zero moments (the
 * first step), zero and large gradients, a later step count. For describeBackends, in Node and in Chromium.
 */
export function adamStepSuite(backend: string): void {
  const rng = createRng(17);
  const f = Math.fround;

  function reference(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, b1: number, b2: number, eps: number, lr: number, c1: number, c2: number, scale: number) {
    const n = p.length;
    const [pn, mn, vn] = [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
    for (let i = 0; i < n; i += 1) {
      const gi = f((g[i] as number) * f(scale));
      mn[i] = f(f(f((m[i] as number) * f(b1)) + f(gi * f(1 - b1))));
      vn[i] = f(f((v[i] as number) * f(b2)) + f(f(gi * gi) * f(1 - b2)));
      const step = f(f((mn[i] as number) / c1) / f(f(Math.sqrt(f((vn[i] as number) / c2))) + f(eps)));
      pn[i] = f((p[i] as number) - f(step * f(lr)));
    }
    return { p: pn, m: mn, v: vn };
  }

  // The gradient scale (norm clipping's factor) on some: 1 leaves the gradient exact.
  for (const [shape, t, fresh, scale] of [[[1], 1, true, 1], [[7], 1, true, 0.3], [[3, 5], 4, false, 1], [[64, 33], 12, false, 0.0137], [[4099], 250, false, 2.5]] as const) {
    it(`[${shape.join(', ')}], step ${t}${fresh ? ', zero moments' : ''}${scale === 1 ? '' : `, gradient scale ${scale}`}: ${backend === 'cpu' || backend === 'wasm' ? 'the float32 reference bit for bit' : 'the float32 reference within 1e-6'}`, () => {
      const n = (shape as readonly number[]).reduce((a, b) => a * b, 1);
      const [b1, b2, eps, lr] = [0.9, 0.999, 1e-8, 3e-3];
      const p = Float32Array.from({ length: n }, () => rng.normal());
      // Gradients with exact zeros and a few large values.
      const g = Float32Array.from({ length: n }, (_, i) => (i % 5 === 0 ? 0 : i % 11 === 3 ? rng.normal() * 1e3 : rng.normal() * 1e-2));
      const m = fresh ? new Float32Array(n) : Float32Array.from({ length: n }, () => rng.normal() * 1e-2);
      const v = fresh ? new Float32Array(n) : Float32Array.from({ length: n }, () => Math.abs(rng.normal()) * 1e-4);
      const before = tf.memory().numTensors;
      const out = tf.tidy(() => {
        const c1 = tf.sub(1, tf.pow(tf.scalar(b1), tf.scalar(t))) as Scalar;
        const c2 = tf.sub(1, tf.pow(tf.scalar(b2), tf.scalar(t))) as Scalar;
        const r = adamStep(tf.tensor(p, [...shape]), tf.tensor(g, [...shape]), tf.tensor(m, [...shape]), tf.tensor(v, [...shape]), c1, c2, { beta1: b1, beta2: b2, epsilon: eps, lr, ...(scale === 1 ? {} : { gradScale: scale }) });
        expect(r.p.shape).toEqual([...shape]);
        return { c: [c1.dataSync()[0] as number, c2.dataSync()[0] as number], p: r.p.dataSync() as Float32Array, m: r.m.dataSync() as Float32Array, v: r.v.dataSync() as Float32Array };
      });
      expect(tf.memory().numTensors).toBe(before);
      const want = reference(p, g, m, v, b1, b2, eps, lr, out.c[0] as number, out.c[1] as number, scale);
      for (const k of ['m', 'v', 'p'] as const) {
        if (isHostBackend()) expect(Array.from(out[k]), `${k} on ${backend}`).toEqual(Array.from(want[k]));
        else {
          let worst = 0;
          for (let i = 0; i < n; i += 1) worst = Math.max(worst, Math.abs((out[k][i] as number) - (want[k][i] as number)) / Math.max(1, Math.abs(want[k][i] as number)));
          expect(worst, k).toBeLessThanOrEqual(1e-6);
        }
      }
    });
  }

  it('the same values under a gradient tape (tfjs ops), and one kernel on wasm without one', async () => {
    const n = 1030;
    const [p, g, m, v] = [1, 1, 1e-2, 1e-4].map((s) => tf.tensor1d(Float32Array.from({ length: n }, () => Math.abs(rng.normal()) * s)));
    const [c1, c2] = [tf.scalar(0.19), tf.scalar(0.002)];
    const k = { beta1: 0.8, beta2: 0.99, epsilon: 1e-6, lr: 0.01 };
    const plain = tf.tidy(() => adamStep(p!, g!, m!, v!, c1, c2, k).p.dataSync());
    // Under tf.grad's tape the op runs as tfjs ops.
    const taped: { value: ArrayLike<number> } = { value: new Float32Array() };
    tf.grad((x: tf.Tensor) => {
      taped.value = adamStep(p!, g!, m!, v!, c1, c2, k).p.dataSync();
      return tf.sum(x);
    })(tf.scalar(1));
    if (isHostBackend()) expect(Array.from(taped.value)).toEqual(Array.from(plain));
    const info = await tf.profile(() => {
      tf.tidy(() => adamStep(p!, g!, m!, v!, c1, c2, k).p.dataSync());
    });
    const names = info.kernels.map((x) => x.name);
    if (backend === 'wasm') expect(names).toEqual(['NlpkitWasmAdamStep']);
    else expect(names).not.toContain('NlpkitWasmAdamStep');
    tf.dispose([p!, g!, m!, v!, c1, c2]);
  });

  it('a moment of another shape than the parameter: InvalidArgumentError naming it', () => {
    tf.tidy(() => {
      const [p, c] = [tf.zeros([2, 3]), tf.scalar(0.5)];
      expect(() => adamStep(p, p, tf.zeros([3, 2]), p, c as Scalar, c as Scalar, { beta1: 0.9, beta2: 0.999, epsilon: 1e-8, lr: 1 })).toThrow(/m must be shape \[2, 3\] \(p's\), got \[3, 2\]/);
    });
  });

  it('a gradient scale that is not a finite number: InvalidArgumentError naming it', () => {
    tf.tidy(() => {
      const [p, c] = [tf.zeros([2, 3]), tf.scalar(0.5)];
      for (const gradScale of [Number.NaN, Infinity]) {
        expect(() => adamStep(p, p, p, p, c as Scalar, c as Scalar, { beta1: 0.9, beta2: 0.999, epsilon: 1e-8, lr: 1, gradScale })).toThrow(/coefficients\.gradScale must be a finite number/);
      }
    });
  });
}
