import { describe, expect, it } from 'vitest';
import type { Blas } from './blasEngine.js';
import { rowInvariant } from './blasRowInvariance.js';

/**
 * A row-major `C ← op(A) · op(B) + beta · C` in JavaScript, each element summed over k in order, in float32 — or,
 * with `reorder`, the edge rows of a 4-row blocking (a call's last rows when M is not a multiple of 4) summed in
 * the reverse order: what a library whose edge kernels sum in another order gives.
 */
function fakeBlas(reorder: boolean): Pick<Blas, 'sgemm'> {
  return {
    sgemm(transA, transB, M, N, K, A, lda, B, ldb, beta, C, ldc) {
      const a = (i: number, k: number): number => (transA ? A[k * lda + i]! : A[i * lda + k]!);
      const b = (k: number, j: number): number => (transB ? B[j * ldb + k]! : B[k * ldb + j]!);
      const edge = M - (M % 4);
      for (let i = 0; i < M; i++) {
        for (let j = 0; j < N; j++) {
          let sum = 0;
          if (reorder && i >= edge) for (let k = K - 1; k >= 0; k--) sum = Math.fround(sum + Math.fround(a(i, k) * b(k, j)));
          else for (let k = 0; k < K; k++) sum = Math.fround(sum + Math.fround(a(i, k) * b(k, j)));
          C[i * ldc + j] = Math.fround(sum + (beta === 0 ? 0 : beta * C[i * ldc + j]!));
        }
      }
    },
  };
}

describe('rowInvariant', () => {
  it('holds for a library that sums every element in the same order, whatever the rows', () => {
    expect(rowInvariant(fakeBlas(false))).toBe(true);
  });

  it('fails for one whose edge rows are summed in another order (a row alone then differs from the same row in a batch)', () => {
    expect(rowInvariant(fakeBlas(true))).toBe(false);
  });
});
