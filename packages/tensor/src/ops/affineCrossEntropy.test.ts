import * as tf from '@tensorflow/tfjs-core';
import type { Tensor1D, Tensor2D } from '@tensorflow/tfjs-core';
import { createRng } from '@nlpkit/core';
import { afterAll, expect, it } from 'vitest';
import { describeBackends } from '../testing/index.js';
import { affineCrossEntropySuite } from '../../test/suites/affineCrossEntropy.js';
import { BLOCK_COLS, wasmAffineXent, wasmAffineXentStats } from '../kernels/wasmAffineXent.js';
import { configureWasmGemm, wasmGemmStats } from '../kernels/wasmKernels.js';

/** Normal random tensors of a shape, scaled, from `rng`. */
const randomTensor = (rng: ReturnType<typeof createRng>) => (shape: number[], scale: number): tf.Tensor =>
  tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal() * scale), shape);

/** The wasm kernel's two outputs, read back. */
const losses = (x: Tensor2D, w: Tensor2D, b: Tensor1D, t: Tensor1D): Float32Array[] =>
  tf.tidy(() => wasmAffineXent(x, w, b, t).map((r) => r.dataSync() as Float32Array));

// The output layer and loss in one op, on every backend (the suite also runs in Chromium:
// kernels/wasmPointwise.browser.test.ts).
describeBackends('affineCrossEntropy', affineCrossEntropySuite);

// On wasm with the GEMM's worker threads, the kernel's column blocks are split between threads; a row's numbers must
// not depend on which thread computed which block: 2 and 3 threads give the one-thread losses bit for bit, for
// blocks that split evenly and not (V = 10,000: 20 blocks; 2,100: 5).
describeBackends(
  'affineCrossEntropy on several threads',
  () => {
    const rand = randomTensor(createRng(8));

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

// From the second call on one weight with the same split, its blocks stay packed between calls (the caller's on
// tfjs's heap, the workers' in their shared memory): the kept blocks give the losses the unkept call gave, bit for
// bit, and a new weight of the same shape (a new DataId, perhaps at the old one's heap address) is packed anew.
describeBackends(
  'affineCrossEntropy keeps a weight packed across calls',
  () => {
    const rand = randomTensor(createRng(9));
    const differing = (a: Float32Array[], b: Float32Array[]): number =>
      a.reduce((n, got, k) => n + got.reduce((m, v, i) => m + (Object.is(v, (b[k] as Float32Array)[i]) ? 0 : 1), 0), 0);

    afterAll(() => configureWasmGemm({ threads: 1 }));

    for (const threads of [1, 2]) {
      it(`on ${threads} thread${threads > 1 ? 's' : ''}: kept blocks give the first call's losses bit for bit; a new weight is not served the old one's`, async () => {
        const [N, K, V] = [35, 300, 2100]; // batch 1 at BPTT 35; K past one depth block; 5 blocks, the last partial
        const [x, b] = [rand([N, K], 1), rand([V], 1)] as [Tensor2D, Tensor1D];
        const t = tf.tensor1d(Array.from({ length: N }, (_, i) => (i * 7919) % V), 'int32') as Tensor1D;
        configureWasmGemm({ threads });
        // Until the workers are up the caller computes alone: bring them up on another weight.
        const w0 = rand([K, V], 0.2) as Tensor2D;
        for (let tries = 0; tries < 300 && threads > 1 && (wasmGemmStats()?.programs ?? 0) === 0; tries += 1) {
          losses(x, w0, b, t);
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        w0.dispose();
        const w1 = rand([K, V], 0.2) as Tensor2D;
        const before = wasmAffineXentStats();
        const programs = wasmGemmStats()?.programs ?? 0;
        const first = losses(x, w1, b, t); // the first call with this split: packs per call
        const kept = [losses(x, w1, b, t), losses(x, w1, b, t)]; // packs and keeps; reads the kept blocks
        const after = wasmAffineXentStats();
        expect(after.callerKept - before.callerKept).toBe(2);
        expect(after.workersKept - before.workersKept).toBe(threads > 1 ? 2 : 0);
        if (threads > 1) expect(wasmGemmStats()?.programs).toBe(programs + 3);
        for (const k of kept) expect(differing(k, first)).toBe(0);
        w1.dispose();
        const w2 = rand([K, V], 0.2) as Tensor2D;
        const fresh = losses(x, w2, b, t);
        expect(differing(fresh, first)).toBeGreaterThan(0);
        expect(differing(losses(x, w2, b, t), fresh)).toBe(0); // kept from this call
        expect(differing(losses(x, w2, b, t), fresh)).toBe(0);
        expect(wasmAffineXentStats().callerKept - after.callerKept).toBe(2);
        tf.dispose([x, w2, b, t]);
      });
    }
  },
  { backends: ['wasm'] },
);
