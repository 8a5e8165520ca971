import * as tf from '@tensorflow/tfjs-core';
import type { Tensor1D, Tensor2D } from '@tensorflow/tfjs-core';
import { createRng } from '@nlpkit/core';
import { afterAll, expect, it } from 'vitest';
import { describeBackends } from '../testing/index.js';
import { affineCrossEntropySuite } from '../../test/suites/affineCrossEntropy.js';
import { BLOCK_COLS, wasmAffineXent } from '../kernels/wasmAffineXent.js';
import { configureWasmGemm, wasmGemmStats } from '../kernels/wasmKernels.js';

// The output layer and loss in one op, on every backend (the suite also runs in Chromium:
// kernels/wasmPointwise.browser.test.ts).
describeBackends('affineCrossEntropy', affineCrossEntropySuite);

// On wasm with the GEMM's worker threads, the kernel's column blocks are split between threads; a row's numbers must
// not depend on which thread computed which block: 2 and 3 threads give the one-thread losses bit for bit, for
// blocks that split evenly and not (V = 10,000: 20 blocks; 2,100: 5).
describeBackends(
  'affineCrossEntropy on several threads',
  () => {
    const rng = createRng(8);
    const rand = (shape: number[], scale: number): tf.Tensor => tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal() * scale), shape);
    const losses = (x: Tensor2D, w: Tensor2D, b: Tensor1D, t: Tensor1D): Float32Array[] =>
      tf.tidy(() => wasmAffineXent(x, w, b, t).map((r) => r.dataSync() as Float32Array));

    afterAll(() => configureWasmGemm({ threads: 1 }));

    for (const [N, K, V, threads] of [[400, 200, 10000, 2], [60, 130, 2100, 3], [60, 130, 2100, 2]] as const) {
      it(`[${N}, ${K}] · [${K}, ${V}] on ${threads} threads (${Math.ceil(V / BLOCK_COLS)} blocks): the one-thread losses bit for bit`, async () => {
        const [x, w, b] = [rand([N, K], 1), rand([K, V], 0.2), rand([V], 1)] as [Tensor2D, Tensor2D, Tensor1D];
        const t = tf.tensor1d(Array.from({ length: N }, (_, i) => (i * 7919) % V), 'int32') as Tensor1D;
        configureWasmGemm({ threads: 1 });
        const one = losses(x, w, b, t);
        configureWasmGemm({ threads });
        // The workers start on the first call that could use them; until they are up the caller computes alone.
        let shared = false;
        for (let tries = 0; tries < 300 && !shared; tries += 1) {
          const before = wasmGemmStats()?.programs ?? 0;
          const many = losses(x, w, b, t);
          shared = (wasmGemmStats()?.programs ?? 0) === before + 1;
          if (!shared) await new Promise((resolve) => setTimeout(resolve, 10));
          else {
            many.forEach((got, k) => {
              const want = one[k] as Float32Array;
              let differ = 0;
              for (let i = 0; i < N; i += 1) if (!Object.is(got[i], want[i])) differ += 1;
              expect(differ, `output ${k}: ${differ} of ${N} rows differ`).toBe(0);
            });
          }
        }
        expect(shared, 'the worker threads never took part').toBe(true);
        expect(wasmGemmStats()?.threads).toBe(threads);
        tf.dispose([x, w, b, t]);
      });
    }
  },
  { backends: ['wasm'] },
);
