import type { Blas } from './blasEngine.js';

/**
 * Products with fewer multiply-adds (M·N·K) than this run on one of the library's threads, whatever
 * {@link Blas.setThreads} said: waking a sleeping thread (OpenBLAS's threads sleep 2^4 cycles after a call, see
 * `blas.node.ts`) and joining it costs more than it saves on them. Measured with OpenBLAS 0.3.21 on 2 cores, each
 * product after 0.1 ms of other work, one thread against two: 80 × 150 · 150 × 400 (4.8 M) 76 against 111 µs,
 * 176 × 150 · 150 × 400 (10.6 M) 153 against 181, 240 × 150 · 150 × 400 (14.4 M) 202 against 223; but
 * 352 × 150 · 150 × 400 (21.1 M) 294 against 247, and a decoder step's 32 × 512 · 512 × 1536 (25.2 M) 658 against
 * 389. The WikiANN tagger's training step, whose products are mostly under 10 M, went from 21.7 to ~19 ms.
 */
export const SMALL_PRODUCT = 2 ** 24;

/**
 * A library's `sgemm` and `setThreads` with nlpkit's thread policy: `setThreads(n)` sets the threads of large
 * products, and a product smaller than {@link SMALL_PRODUCT} runs on one. The library's own setter (`setLibrary`,
 * absent where it has none) is called only when the count changes.
 */
export function threadPolicy(sgemm: Blas['sgemm'], setLibrary: ((threads: number) => unknown) | undefined): Pick<Blas, 'sgemm' | 'setThreads'> {
  let threads = 1;
  // What the library was last set to (0: not yet).
  let current = 0;
  return {
    sgemm: (transA, transB, M, N, K, A, lda, B, ldb, beta, C, ldc) => {
      const want = M * N * K < SMALL_PRODUCT ? 1 : threads;
      if (want !== current && setLibrary !== undefined) {
        setLibrary(want);
        current = want;
      }
      sgemm(transA, transB, M, N, K, A, lda, B, ldb, beta, C, ldc);
    },
    setThreads: (n) => {
      threads = n;
    },
  };
}
