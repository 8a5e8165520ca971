import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor3D } from '@tensorflow/tfjs-core';
import { createRng } from '@nlpkit/core';
import { describeBackends, expectClose } from '@nlpkit/tensor/testing';
import { expect, it } from 'vitest';
import type { GruParams } from '../types.js';
import { recurrent } from './recurrent.js';

// The fused GRU sequence (the default for PyTorch's GRU cell) against the step-by-step path (`fused: false`) on the
// same backend: outputs, final state and the gradients of x, both weights, both biases and h0, with and without
// padding, in both directions. The PyTorch parity and finite-difference suites run the fused path too.
describeBackends('gruSequence (fused GRU)', () => {
  const rng = createRng(11);
  const rand = (shape: number[], scale = 1): Tensor => tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal() * scale), shape);

  for (const [T, B, D, H] of [[1, 1, 3, 4], [6, 3, 5, 8], [4, 2, 3, 130]] as const) {
    for (const padded of [false, true]) {
      for (const reverse of [false, true]) {
        it(`T ${T}, B ${B}, H ${H}${padded ? ', padded rows' : ''}${reverse ? ', reversed' : ''}: value and gradients equal the step-by-step path`, () => {
          const lengths = padded ? Array.from({ length: B }, (_, b) => Math.max(1, T - b)) : undefined;
          const x = rand([B, T, D]) as Tensor3D;
          const p = { wIh: rand([D, 3 * H], 0.4), wHh: rand([H, 3 * H], 0.4), bIh: rand([3 * H], 0.1), bHh: rand([3 * H], 0.1) } as GruParams;
          const h0 = rand([B, H]);
          const dy = rand([B, T, H]);
          const dh = rand([B, H]);
          const run = (fused: boolean): Float32Array[] =>
            tf.tidy(() => {
              const options = { ...(lengths !== undefined ? { lengths } : {}), reverse, fused, initialState: { h: h0 as tf.Tensor2D } };
              const f = (xi: Tensor, wIh: Tensor, wHh: Tensor, bIh: Tensor, bHh: Tensor, hi: Tensor): tf.Scalar => {
                const r = recurrent({ type: 'gru' }, { wIh, wHh, bIh, bHh } as GruParams, xi as Tensor3D, { ...options, initialState: { h: hi as tf.Tensor2D } });
                return tf.add(tf.sum(tf.mul(r.outputs, dy)), tf.sum(tf.mul(r.state.h, dh)));
              };
              const r = recurrent({ type: 'gru' }, p, x, options);
              return [r.outputs, r.state.h, ...tf.grads(f)([x, p.wIh, p.wHh, p.bIh, p.bHh, h0])].map((t) => t.dataSync() as Float32Array);
            });
          const before = tf.memory().numTensors;
          const fused = run(true);
          expect(tf.memory().numTensors).toBe(before);
          const generic = run(false);
          // Gradients here are sums of O(1) terms (H = 130, random dy), so float32 reordering (the wasm GEMM blocks K) moves them by ~1e-5.
          fused.forEach((got, i) => expectClose(got, generic[i] as Float32Array, { atol: 5e-5, rtol: 1e-4 }, `output ${i}`));
          tf.dispose([x, p.wIh, p.wHh, p.bIh, p.bHh, h0, dy, dh]);
        });
      }
    }
  }
});
