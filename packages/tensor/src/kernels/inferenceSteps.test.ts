import * as tf from '@tensorflow/tfjs-core';
import type { Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import { createRng } from '@nlpkit/core';
import { afterAll, describe, expect, it } from 'vitest';
import { describeBackends } from '../testing/index.js';
import { configureWasmGemm, wasmGemmStats } from './wasmKernels.js';
import { maskSpans, spanRowWeights } from './inferenceSteps.js';
import { registerWasmGruKernels, wasmGruSequenceForward, wasmGruSequenceInfer } from './wasmGru.js';
import { registerWasmLstmKernels, wasmLstmSequenceForward, wasmLstmSequenceInfer } from './wasmLstm.js';
import { rowShares } from './wasmSequence.js';

/** A `[T, B]` mask of lengths: row b valid for its first `lengths[b]` steps. */
const lengthMask = (lengths: readonly number[], T: number): Float32Array =>
  Float32Array.from({ length: T * lengths.length }, (_, i) => (Math.floor(i / lengths.length) < (lengths[i % lengths.length] as number) ? 1 : 0));

describe('maskSpans: the rows each step computes', () => {
  it('lengths sorted up or down give each step its consecutive valid rows', () => {
    expect(Array.from(maskSpans(lengthMask([1, 2, 2, 4], 4), 4, 4) ?? [])).toEqual([0, 4, 1, 4, 3, 4, 3, 4]);
    expect(Array.from(maskSpans(lengthMask([3, 3, 1, 0], 4), 4, 4) ?? [])).toEqual([0, 3, 0, 2, 0, 2, 0, 0]);
    expect(Array.from(spanRowWeights(maskSpans(lengthMask([3, 3, 1, 0], 4), 4, 4) as Int32Array, 4, 4))).toEqual([3, 3, 1, 0]);
  });

  it('no spans where valid rows are not consecutive, a row has a hole, or a value is not 0 or 1', () => {
    expect(maskSpans(lengthMask([2, 1, 2], 2), 2, 3)).toBeUndefined();
    const hole = lengthMask([3, 3], 3);
    hole[2] = 0; // row 0 padded at step 1, valid again at step 2
    expect(maskSpans(hole, 3, 2)).toBeUndefined();
    const half = lengthMask([2, 2], 2);
    half[0] = 0.5;
    expect(maskSpans(half, 2, 2)).toBeUndefined();
  });
});

describe('rowShares: even shares of the rows work', () => {
  const pool = { threads: 2, ready: () => true };
  it('splits where half the work is done, each share at least one tile of 4 rows', () => {
    const weights = Array.from({ length: 16 }, (_, b) => (b < 12 ? 1 : 10));
    // 12 + 10·4 = 52 in all: half of it is reached inside row 13, and 4 rows are kept for the second share.
    expect(rowShares(pool, 16, 1e9, weights)).toEqual([[0, 12], [12, 16]]);
    // Rows 0–9 of weight 1, 10–19 of weight 3: 40 in all, 20 reached after row 12.
    expect(rowShares(pool, 20, 1e9, Array.from({ length: 20 }, (_, b) => (b < 10 ? 1 : 3)))).toEqual([[0, 13], [13, 20]]);
    expect(rowShares(pool, 16, 1e9)).toEqual([[0, 8], [8, 16]]);
    expect(rowShares({ threads: 3, ready: () => true }, 12, 1e9, new Array<number>(12).fill(0).map((_, b) => (b === 0 ? 100 : 1)))).toEqual([[0, 4], [4, 8], [8, 12]]);
  });
});

// The inference kernels give the training kernels' `value` bit for bit: with no mask, with masks of lengths whose
// rows run as spans (sorted up, sorted down, rows of length 0 and of the full length), and with masks that keep the
// masked path (unsorted lengths, holes), on one thread and on two (the workers' rows copied back), H a multiple of 4
// or not.
describeBackends(
  'the fused wasm LSTM and GRU inference kernels',
  () => {
    const rng = createRng(11);
    const rand = (shape: number[], scale = 1): tf.Tensor => tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal() * scale), shape);
    afterAll(() => configureWasmGemm({ threads: 1 }));

    const masks: Record<string, (T: number, B: number) => Float32Array | undefined> = {
      'no mask': () => undefined,
      'lengths sorted up': (T, B) => lengthMask(Array.from({ length: B }, (_, b) => Math.round((T * b) / (B - 1))), T),
      'lengths sorted down': (T, B) => lengthMask(Array.from({ length: B }, (_, b) => T - Math.floor((T * b) / B)), T),
      'unsorted lengths': (T, B) => lengthMask(Array.from({ length: B }, (_, b) => 1 + ((b * 7) % T)), T),
      'a row with a hole': (T, B) => {
        const m = lengthMask(new Array<number>(B).fill(T), T);
        m[B + 1] = 0;
        return m;
      },
    };

    type Cell = 'lstm' | 'gru';
    /** The inference kernel's output and the training kernel's `value` (`c0` is the GRU's recurrent bias). */
    const infer = (cell: Cell, xp: Tensor3D, w: Tensor2D, h0: Tensor2D, c0: tf.Tensor, mask: Tensor2D | undefined): Tensor3D =>
      cell === 'lstm' ? wasmLstmSequenceInfer(xp, w, h0, c0 as Tensor2D, mask) : wasmGruSequenceInfer(xp, w, c0 as tf.Tensor1D, h0, mask);
    const train = (cell: Cell, xp: Tensor3D, w: Tensor2D, h0: Tensor2D, c0: tf.Tensor, mask: Tensor2D | undefined): Tensor3D =>
      cell === 'lstm' ? wasmLstmSequenceForward(xp, w, h0, c0 as Tensor2D, mask)[0] : wasmGruSequenceForward(xp, w, c0 as tf.Tensor1D, h0, mask)[0];

    async function check(cell: Cell, T: number, B: number, H: number, threads: number, name: string): Promise<void> {
      expect(cell === 'lstm' ? registerWasmLstmKernels() : registerWasmGruKernels()).toBe(true);
      const G = (cell === 'lstm' ? 4 : 3) * H;
      const [xp, w, h0, c0] = [rand([T, B, G]), rand([H, G], 0.1), rand([B, H]), cell === 'lstm' ? rand([B, H]) : rand([G], 0.1)] as [Tensor3D, Tensor2D, Tensor2D, tf.Tensor];
      const values = masks[name]?.(T, B);
      const mask = values === undefined ? undefined : tf.tensor2d(values, [T, B]);
      configureWasmGemm({ threads });
      if (threads > 1) {
        // The workers start on the first call that could use them.
        for (let tries = 0; tries < 300; tries += 1) {
          const before = wasmGemmStats()?.programs ?? 0;
          tf.dispose(infer(cell, xp, w, h0, c0, mask));
          if ((wasmGemmStats()?.programs ?? 0) > before) break;
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      }
      const before = wasmGemmStats()?.programs ?? 0;
      const got = tf.tidy(() => infer(cell, xp, w, h0, c0, mask).dataSync() as Float32Array);
      if (threads > 1) expect(wasmGemmStats()?.programs).toBe(before + 1);
      configureWasmGemm({ threads: 1 });
      const want = tf.tidy(() => train(cell, xp, w, h0, c0, mask).dataSync() as Float32Array);
      expect(got.length).toBe(want.length);
      // Padded outputs are 0: the training kernel writes 0·h (−0 where h < 0), the inference kernel may write +0.
      const padded = (i: number): boolean => {
        const block = Math.floor(i / (B * H));
        return values !== undefined && block < T && values[block * B + Math.floor((i % (B * H)) / H)] === 0;
      };
      let differ = 0;
      for (let i = 0; i < got.length; i += 1) if (padded(i) ? !(got[i] === 0 && want[i] === 0) : !Object.is(got[i], want[i])) differ += 1;
      expect(differ, `${differ} of ${got.length} values differ`).toBe(0);
      tf.dispose([xp, w, h0, c0, ...(mask === undefined ? [] : [mask])]);
    }

    for (const cell of ['lstm', 'gru'] as const) {
      for (const name of Object.keys(masks)) {
        for (const [T, B, H, threads] of [[6, 9, 202, 1], [6, 20, 200, 2], [9, 13, 230, 2]] as const) {
          it(`${cell}, ${name}: T ${T}, B ${B}, H ${H} on ${threads} thread${threads > 1 ? 's' : ''}`, () => check(cell, T, B, H, threads, name));
        }
      }
    }

    it('LSTM rows that stop early get their last state and zero outputs', () => {
      expect(registerWasmLstmKernels()).toBe(true);
      const [T, B, H] = [5, 4, 8];
      const [xp, w, h0, c0] = [rand([T, B, 4 * H]), rand([H, 4 * H], 0.1), rand([B, H]), rand([B, H])] as [Tensor3D, Tensor2D, Tensor2D, Tensor2D];
      const lengths = [0, 2, 5, 5];
      const mask = tf.tensor2d(lengthMask(lengths, T), [T, B]);
      const got = tf.tidy(() => wasmLstmSequenceInfer(xp, w, h0, c0, mask).arraySync() as number[][][]);
      // Row 0 never runs: its final state is h0, c0. Row 1 stops after 2 steps: outputs 0 from step 2 on, and its
      // final h is its output of step 1.
      expect(got[T]?.[0]).toEqual(Array.from(h0.arraySync()[0] as number[]));
      expect(got[T + 1]?.[0]).toEqual(Array.from(c0.arraySync()[0] as number[]));
      for (let t = 0; t < T; t += 1) expect(got[t]?.[0]?.every((v) => v === 0)).toBe(true);
      for (let t = 2; t < T; t += 1) expect(got[t]?.[1]?.every((v) => v === 0)).toBe(true);
      expect(got[T]?.[1]).toEqual(got[1]?.[1]);
      tf.dispose([xp, w, h0, c0, mask]);
    });
  },
  { backends: ['wasm'] },
);
