import type { TensorInfo } from '@tensorflow/tfjs-core';
import { heapMemory, offsetOf, type WasmGemmEngine } from './wasmGemmEngine.js';

/**
 * A CBLAS library's single-precision GEMM, reached from JavaScript (`blas.node.ts` loads one): the products of
 * nlpkit's ops on wasm run there instead of on nlpkit's WebAssembly GEMM, reading and writing tfjs-backend-wasm's
 * heap in place.
 *
 * Why: WebAssembly's SIMD is 128 bits wide. nlpkit's GEMM reaches ~40 GFLOP/s per core, close to what that width
 * allows, while an optimized BLAS uses the processor's widest vectors: on an AVX-512 Xeon, OpenBLAS (the library
 * PyTorch loads there) runs the LM's 400 × 200 · 200 × 10k product at ~145 GFLOP/s on one core, and PyTorch
 * trained the Zaremba-small LM 1.7× faster than nlpkit's wasm path on two.
 */
export interface Blas {
  /** The library loaded, as it was named to the dynamic loader. */
  readonly library: string;
  /** What the library says of itself (OpenBLAS's `openblas_get_config()`), else its name. */
  readonly config: string;
  /**
   * `C ← op(A) · op(B) + beta · C`, row-major, op = transpose when asked; A, B and C are views of the memory the
   * library reads and writes in place (row strides `lda`, `ldb`, `ldc` in floats).
   */
  sgemm(
    transA: boolean,
    transB: boolean,
    M: number,
    N: number,
    K: number,
    A: Float32Array,
    lda: number,
    B: Float32Array,
    ldb: number,
    beta: number,
    C: Float32Array,
    ldc: number,
  ): void;
  /** Sets the library's threads (those that have a call for it: OpenBLAS, MKL, BLIS); otherwise does nothing. */
  setThreads(threads: number): void;
}

/**
 * `c ← op(a) · op(b)`, plus `bias` in every row when given (its rows are written into `c` first and the product
 * added with beta 1); `c` is M × N with row stride N. What every product on the library goes through.
 */
export function sgemmWithBias(
  sgemm: Blas['sgemm'],
  transA: boolean,
  transB: boolean,
  M: number,
  N: number,
  K: number,
  a: Float32Array,
  b: Float32Array,
  bias: Float32Array | undefined,
  c: Float32Array,
): void {
  if (bias !== undefined) for (let i = 0; i < M; i += 1) c.set(bias, i * N);
  sgemm(transA, transB, M, N, K, a, transA ? M : K, b, transB ? K : N, bias === undefined ? 0 : 1, c, N);
}

/**
 * `base` with its products run by `blas` on `threads` threads: each product is one `sgemm` call on views of
 * tfjs-backend-wasm's heap (no copies; the bias, when given, is written into C's rows first and added with beta
 * 1). The kernels that split their own work (the fused LSTM and GRU sequences, the output layer's loss) keep
 * `base`'s worker pool. Results differ from nlpkit's GEMM by float32 rounding only (another summation order).
 */
export function blasEngine(base: WasmGemmEngine, blas: Blas, threads: number): WasmGemmEngine {
  const { backend } = base;
  blas.setThreads(threads);
  return {
    threads: base.threads,
    stats: base.stats,
    backend,
    pool: base.pool,
    blas: blas.config,
    sgemm: blas.sgemm,
    matMul: (call) => {
      const { M, N, K, transposeA, transposeB, bias } = call;
      const out = backend.makeOutput([M, N], 'float32');
      // The heap may have grown while the output was allocated: views are taken after it.
      const buffer = (heapMemory(backend) as WebAssembly.Memory).buffer;
      const view = (t: TensorInfo, floats: number): Float32Array => new Float32Array(buffer, offsetOf(backend, t), floats);
      const row = bias === undefined ? undefined : view(bias, N);
      sgemmWithBias(blas.sgemm, transposeA, transposeB, M, N, K, view(call.a, M * K), view(call.b, K * N), row, view(out, M * N));
      base.stats.calls += 1;
      return out;
    },
    dispose: () => base.dispose(),
  };
}
