import { describe, expect, it } from 'vitest';
import { SMALL_PRODUCT, threadPolicy } from './blasThreads.js';

describe('threadPolicy', () => {
  it('runs small products on one thread and large ones on the threads set, calling the library only on a change', () => {
    const log: string[] = [];
    const { sgemm, setThreads } = threadPolicy(
      (transA, transB, M, N, K, A, lda, B, ldb, beta, C, ldc) => log.push(`gemm ${transA} ${transB} ${M}x${N}x${K} ${A.length} ${lda} ${B.length} ${ldb} ${beta} ${C.length} ${ldc}`),
      (n) => log.push(`threads ${n}`),
    );
    const a = new Float32Array(4);
    const product = (M: number, N: number, K: number): void => sgemm(true, false, M, N, K, a, 3, a, 5, 1, a, 7);
    setThreads(2);
    product(80, 400, 150); // 4.8 M multiply-adds
    product(16, 400, 100);
    product(700, 10000, 200); // 1.4 G
    product(700, 10000, 200);
    product(SMALL_PRODUCT, 1, 1); // the threshold itself is large
    product(SMALL_PRODUCT - 1, 1, 1);
    setThreads(1);
    product(700, 10000, 200);
    expect(log).toEqual([
      'threads 1',
      'gemm true false 80x400x150 4 3 4 5 1 4 7',
      'gemm true false 16x400x100 4 3 4 5 1 4 7',
      'threads 2',
      'gemm true false 700x10000x200 4 3 4 5 1 4 7',
      'gemm true false 700x10000x200 4 3 4 5 1 4 7',
      `gemm true false ${SMALL_PRODUCT}x1x1 4 3 4 5 1 4 7`,
      'threads 1',
      `gemm true false ${SMALL_PRODUCT - 1}x1x1 4 3 4 5 1 4 7`,
      'gemm true false 700x10000x200 4 3 4 5 1 4 7',
    ]);
  });

  it('passes every product through where the library cannot set its threads', () => {
    const calls: number[] = [];
    const { sgemm, setThreads } = threadPolicy((_ta, _tb, M) => calls.push(M), undefined);
    setThreads(4);
    const a = new Float32Array(1);
    sgemm(false, false, 9, 9, 9, a, 9, a, 9, 0, a, 9);
    sgemm(false, false, 900, 900, 900, a, 900, a, 900, 0, a, 900);
    expect(calls).toEqual([9, 900]);
  });
});
