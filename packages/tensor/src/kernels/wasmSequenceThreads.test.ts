import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import { createRng } from '@nlpkit/core';
import { afterAll, expect, it } from 'vitest';
import { describeBackends } from '../testing/index.js';
import { configureWasmGemm, wasmGemmStats } from './wasmKernels.js';
import { registerWasmGruKernels, wasmGruSequenceBackward, wasmGruSequenceForward } from './wasmGru.js';
import { registerWasmLstmKernels, wasmLstmSequenceBackward, wasmLstmSequenceForward } from './wasmLstm.js';

// The fused LSTM and GRU sequence kernels split the batch's rows between threads (each runs every time step on its
// rows, the workers on copies in their shared memory). A row's numbers must not depend on the thread that computed
// it: forward outputs, saved states and every gradient equal the one-thread kernels' bit for bit, with and without
// padding masks, for H not a multiple of 4 (202, 230), past one depth block of the GEMM (260), past one column
// block (650: 4H = 2600; 700: 3H = 2100), and batch sizes that do not split evenly (9 rows in 2 shares, 20 in 3).
describeBackends(
  'fused wasm LSTM and GRU sequences on several threads',
  () => {
    const rng = createRng(5);
    const rand = (shape: number[], scale = 1): Tensor => tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal() * scale), shape);

    type Cell = 'lstm' | 'gru';
    const gates = (cell: Cell): number => (cell === 'lstm' ? 4 : 3);

    /** Forward and backward kernel outputs, read back (`c0` is the GRU's recurrent bias). */
    function run(cell: Cell, xp: Tensor3D, w: Tensor2D, h0: Tensor2D, c0: Tensor, dy: Tensor3D, mask: Tensor2D | undefined): Float32Array[] {
      return tf.tidy(() => {
        if (cell === 'gru') {
          const [value, hs, acts] = wasmGruSequenceForward(xp, w, c0 as tf.Tensor1D, h0, mask);
          const grads = wasmGruSequenceBackward(tf.slice(dy, 0, dy.shape[0] - 1), w, hs, acts, mask);
          return [value, hs, acts, ...grads].map((t) => t.dataSync() as Float32Array);
        }
        const [value, hs, cs, acts] = wasmLstmSequenceForward(xp, w, h0, c0 as Tensor2D, mask);
        const grads = wasmLstmSequenceBackward(dy, w, hs, cs, acts, mask);
        return [value, hs, cs, acts, ...grads].map((t) => t.dataSync() as Float32Array);
      });
    }

    /**
     * Runs `runOnce` until both kernels of a call go through the workers (they start on the first call that could
     * use them). The caller then runs the checked inputs: memory tfjs hands out again holds these other numbers, so
     * a worker row left uncopied shows.
     */
    async function workersUp(runOnce: () => unknown): Promise<void> {
      for (let tries = 0; tries < 300; tries += 1) {
        const before = wasmGemmStats()?.programs ?? 0;
        runOnce();
        if ((wasmGemmStats()?.programs ?? 0) === before + 2) return;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      throw new Error('the worker threads never took part');
    }

    afterAll(() => configureWasmGemm({ threads: 1 }));

    const cases = [
      ['lstm', 5, 20, 202, 2], ['lstm', 5, 20, 202, 3], ['lstm', 7, 9, 200, 2], ['lstm', 3, 12, 260, 2], ['lstm', 2, 8, 650, 2],
      ['gru', 5, 20, 202, 2], ['gru', 7, 9, 230, 3], ['gru', 2, 8, 700, 2],
    ] as const;
    for (const [cell, T, B, H, threads] of cases) {
      for (const masked of [false, true]) {
        it(`${cell}: T ${T}, B ${B}, H ${H} on ${threads} threads${masked ? ', padded rows' : ''}: the one-thread numbers bit for bit`, async () => {
          expect(cell === 'lstm' ? registerWasmLstmKernels() : registerWasmGruKernels()).toBe(true);
          const G = gates(cell) * H;
          const [xp, w, h0, c0] = [rand([T, B, G]), rand([H, G], 0.1), rand([B, H]), cell === 'lstm' ? rand([B, H]) : rand([G], 0.1)] as [Tensor3D, Tensor2D, Tensor2D, Tensor];
          const dy = rand([T + 2, B, H]) as Tensor3D;
          const mask = masked ? tf.tensor2d(Array.from({ length: T * B }, (_, i) => (Math.floor(i / B) > T - 1 - (i % B) ? 0 : 1)), [T, B]) : undefined;
          configureWasmGemm({ threads: 1 });
          const one = run(cell, xp, w, h0, c0, dy, mask);
          configureWasmGemm({ threads });
          const other = [rand([T, B, G]), rand([B, H]), rand([T + 2, B, H])] as [Tensor3D, Tensor2D, Tensor3D];
          await workersUp(() => run(cell, other[0], w, other[1], c0, other[2], mask));
          const before = wasmGemmStats()?.programs ?? 0;
          const many = run(cell, xp, w, h0, c0, dy, mask);
          expect(wasmGemmStats()?.programs).toBe(before + 2);
          expect(wasmGemmStats()?.threads).toBe(threads);
          many.forEach((got, k) => {
            const want = one[k] as Float32Array;
            expect(got.length).toBe(want.length);
            let differ = 0;
            for (let i = 0; i < got.length; i += 1) if (!Object.is(got[i], want[i])) differ += 1;
            expect(differ, `output ${k}: ${differ} of ${got.length} values differ`).toBe(0);
          });
          tf.dispose([xp, w, h0, c0, dy, ...other, ...(mask === undefined ? [] : [mask])]);
        });
      }
    }

    it('small batches and calls stay on the calling thread', async () => {
      configureWasmGemm({ threads: 2 });
      const [T, B, H] = [4, 3, 200]; // 3 rows: under one 4-row tile per thread
      const [xp, w, h0, c0] = [rand([T, B, 4 * H]), rand([H, 4 * H], 0.1), rand([B, H]), rand([B, H])] as [Tensor3D, Tensor2D, Tensor2D, Tensor2D];
      const dy = rand([T + 2, B, H]) as Tensor3D;
      run('lstm', xp, w, h0, c0, dy, undefined);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const before = wasmGemmStats()?.programs;
      run('lstm', xp, w, h0, c0, dy, undefined);
      expect(wasmGemmStats()?.programs).toBe(before);
      tf.dispose([xp, w, h0, c0, dy]);
    });
  },
  { backends: ['wasm'] },
);
