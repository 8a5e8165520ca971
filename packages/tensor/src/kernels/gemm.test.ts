import { createRng } from '@nlpkit/core';
import { describe, expect, it } from 'vitest';
import { columnSums, gemm, matrixView } from './gemm.js';
import { softmaxXentGrad, softmaxXentRows } from './softmaxXent.js';

const rng = createRng(7);
const randomArray = (n: number): Float32Array => Float32Array.from({ length: n }, () => rng.normal());

/** Plain triple loop over logical elements, in float64. */
function referenceGemm(M: number, N: number, K: number, a: (i: number, k: number) => number, b: (k: number, j: number) => number, bias?: Float32Array): Float64Array {
  const out = new Float64Array(M * N);
  for (let i = 0; i < M; i += 1) {
    for (let j = 0; j < N; j += 1) {
      let s = bias === undefined ? 0 : (bias[j] as number);
      for (let k = 0; k < K; k += 1) s += a(i, k) * b(k, j);
      out[i * N + j] = s;
    }
  }
  return out;
}

function maxAbsDiff(x: ArrayLike<number>, y: ArrayLike<number>): number {
  expect(x.length).toBe(y.length);
  let m = 0;
  for (let i = 0; i < x.length; i += 1) m = Math.max(m, Math.abs((x[i] as number) - (y[i] as number)));
  return m;
}

describe('gemm (packed, register-tiled Float32Array matmul)', () => {
  // Sizes that are and are not multiples of the 4 × 8 tile, including a single element and a long K.
  const shapes: [number, number, number][] = [[1, 1, 1], [4, 8, 3], [7, 13, 5], [9, 17, 300], [3, 2, 1000], [20, 33, 16]];
  for (const [M, N, K] of shapes) {
    for (const tA of [false, true]) {
      for (const tB of [false, true]) {
        it(`${M}×${K} · ${K}×${N}, transposeA ${tA}, transposeB ${tB}`, () => {
          const ad = randomArray(M * K);
          const bd = randomArray(K * N);
          const bias = tA && tB ? randomArray(N) : undefined;
          // Stored shapes: a is [M, K] or, transposed, [K, M]; likewise b.
          const aAt = (i: number, k: number): number => (ad[tA ? k * M + i : i * K + k] as number);
          const bAt = (k: number, j: number): number => (bd[tB ? j * K + k : k * N + j] as number);
          const out = new Float32Array(M * N);
          gemm(M, N, K, matrixView(ad, tA ? M : K, tA), matrixView(bd, tB ? K : N, tB), out, bias);
          expect(maxAbsDiff(out, referenceGemm(M, N, K, aAt, bAt, bias))).toBeLessThanOrEqual(1e-5 * Math.sqrt(K));
        });
      }
    }
  }

  it('columnSums adds every row', () => {
    const x = randomArray(5 * 11);
    const expected = Array.from({ length: 11 }, (_, j) => [0, 1, 2, 3, 4].reduce((s, i) => s + (x[i * 11 + j] as number), 0));
    expect(maxAbsDiff(columnSums(x, 5, 11), expected)).toBeLessThanOrEqual(1e-6);
  });
});

describe('softmaxXentRows / softmaxXentGrad (fused softmax cross-entropy)', () => {
  const [N, V] = [6, 37];
  const logits = Float32Array.from({ length: N * V }, () => 4 * rng.normal());
  const targets = Int32Array.from({ length: N }, (_, i) => (i * 11) % V);
  for (const eps of [0, 0.1]) {
    it(`matches a float64 reference with label smoothing ${eps}`, () => {
      const probs = new Float32Array(N * V);
      const rows = softmaxXentRows(logits, targets, N, V, eps, probs);
      const scale = Float32Array.from({ length: N }, () => rng.normal());
      const grad = softmaxXentGrad(probs, targets, scale, N, V, eps);
      for (let i = 0; i < N; i += 1) {
        const x = Array.from(logits.subarray(i * V, (i + 1) * V));
        const lse = Math.log(x.reduce((s, v) => s + Math.exp(v), 0));
        const logP = x.map((v) => v - lse);
        const t = targets[i] as number;
        const loss = -((1 - eps) * (logP[t] as number) + (eps * logP.reduce((s, v) => s + v, 0)) / V);
        expect(Math.abs((rows[i] as number) - loss)).toBeLessThanOrEqual(1e-5);
        for (let j = 0; j < V; j += 1) {
          const p = Math.exp(logP[j] as number);
          const q = (j === t ? 1 - eps : 0) + eps / V;
          expect(Math.abs((probs[i * V + j] as number) - p)).toBeLessThanOrEqual(1e-6);
          expect(Math.abs((grad[i * V + j] as number) - (p - q) * (scale[i] as number))).toBeLessThanOrEqual(1e-5);
        }
      }
    });
  }

  it('rejects a target outside the vocabulary', () => {
    expect(() => softmaxXentRows(logits, Int32Array.from([0, 1, 2, 3, 4, V]), N, V, 0, new Float32Array(N * V))).toThrowErrorMatchingInlineSnapshot(`[InvalidArgumentError: @nlpkit/tensor: targets must be token ids from 0 to 36, got 37 at row 5]`);
  });
});
