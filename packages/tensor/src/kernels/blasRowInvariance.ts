import type { Blas } from './blasEngine.js';

/**
 * Whether a CBLAS library's products give each row of the result bit for bit whatever other rows are computed with
 * it: the property that makes a batch's results those of its sentences one at a time, a translation on a cluster
 * (other batches) that of one process, and a product split between threads that of one thread — what nlpkit's
 * WebAssembly GEMM guarantees (every output element summed in the same order however the work is split).
 *
 * Not every library has it: OpenBLAS 0.3.21 on an AMD Zen 4 picks its Haswell kernels, whose edge rows are summed in
 * another order (a row alone differed from the same row in a product of 20 in 3,425 of 81,920 elements, by float32
 * rounding), and so do its SkylakeX kernels (forced with `OPENBLAS_CORETYPE` on that machine: up to 63 of 67 elements
 * of a row alone differ with B transposed). So OpenBLAS is used only when named. Checked on a small product with the shapes that reach
 * the kernels' edge cases (odd sizes; `op(B)` plain and transposed, as nlpkit's layers use both): 37 rows, then
 * each of the first rows alone and the rows from the second on, compared with the rows of the whole product.
 * A few MFLOP, once per library.
 */
export function rowInvariant(blas: Pick<Blas, 'sgemm'>): boolean {
  const [M, K, N] = [37, 300, 67];
  let seed = 12345;
  const random = (n: number): Float32Array =>
    Float32Array.from({ length: n }, () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed / 2 ** 32) * 2 - 1;
    });
  const a = random(M * K);
  const b = random(K * N);
  for (const transB of [false, true]) {
    const ldb = transB ? K : N;
    const whole = new Float32Array(M * N);
    blas.sgemm(false, transB, M, N, K, a, K, b, ldb, 0, whole, N);
    const rows = (from: number, count: number): Float32Array => {
      const c = new Float32Array(count * N);
      blas.sgemm(false, transB, count, N, K, a.subarray(from * K), K, b, ldb, 0, c, N);
      return c;
    };
    const same = (got: Float32Array, from: number): boolean => {
      for (let i = 0; i < got.length; i++) if (!Object.is(got[i], whole[from * N + i])) return false;
      return true;
    };
    for (let row = 0; row < 3; row++) if (!same(rows(row, 1), row)) return false;
    if (!same(rows(1, M - 1), 1)) return false;
  }
  return true;
}
