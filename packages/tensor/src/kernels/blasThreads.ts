import type { Blas } from './blasEngine.js';

/**
 * Products with fewer multiply-adds (M·N·K) than this run on one of the library's threads, whatever
 * {@link Blas.setThreads} said: waking a sleeping thread (OpenBLAS's threads sleep 2^4 cycles after a call, see
 * `blas.node.ts`) and joining it costs more than it saves on them. Measured with OpenBLAS 0.3.21 on 2 cores, each
 * product between other work: 80 × 150 · 150 × 400 took 76 µs on one thread and 107 µs on two, 352 × 150 · 150 ×
 * 400 277 and 225 µs in isolation; the WikiANN tagger's training step, whose products are of that size, 21.7 ms
 * with two and 18.6–19.1 ms with one. The LM's output layer (700 × 200 · 200 × 10k) takes 19.5 ms on one and
 * 10.1 ms on two.
 */
export const SMALL_PRODUCT = 2 ** 25;

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
