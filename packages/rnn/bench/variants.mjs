// The rows of the LSTM-LM bench (bench/lm.mjs): every implementation it times, each in a fresh process per round.
//
// To add a path (a new kernel set, a threaded matmul, a fused step...), append one entry to BENCH_VARIANTS:
//   id        short unique name (BENCH_VARIANTS=id,id,... runs a subset)
//   label     what the table calls the row
//   runner    'nlpkit' (@nlpkit/rnn, bench/lmChild.mjs), 'tfjs-layers' (tf.layers.lstm, same child) or 'torch'
//             (bench/lm_torch.py under /usr/bin/python3)
//   backend   tfjs backend name for the Node runners, as `initBackend({ only })` takes it
//   init      extra `initBackend` options for the Node runners (e.g. a kernel switch, if one is an option)
//   env       environment of the child process only (e.g. a kernel switch read from the environment)
//   nodeArgs  Node options of the child process (e.g. a V8 feature flag)
//   threads   torch.set_num_threads (torch runner)
//   steps     { train, infer }: { warmup, steps, maxSeconds } per BPTT length; `warmupOnce` warms each mode up at
//             the first BPTT length only (kernels are the same at the next one; for the slow rows)
//   rounds    how many of the bench's rounds it runs in (default all)
//   note      shown under the table
// The first 'torch' entries with threads 2 and 1 are the references the ratios are taken against.

/** Warm-up and timed steps of the fast rows: >= 30 timed steps, capped in time so a loaded machine stays bounded. */
const fast = { warmup: 2, steps: 30, maxSeconds: 30 };
const fastQuick = { warmup: 1, steps: 3, maxSeconds: 10 };

/** The implementations, in table order. `quick` (BENCH_QUICK=1) shrinks every step count. */
export function benchVariants({ quick = false } = {}) {
  const q = (full, small) => (quick ? small : full);
  return [
    {
      id: 'torch-2t',
      label: 'PyTorch 1.13, OpenBLAS, `OPENBLAS_NUM_THREADS=1`, `torch.set_num_threads(2)`',
      runner: 'torch',
      threads: 2,
      env: { OPENBLAS_NUM_THREADS: '1' },
      steps: { train: q(fast, fastQuick), infer: q(fast, fastQuick) },
    },
    {
      id: 'torch-1t',
      label: 'PyTorch 1.13, OpenBLAS, 1 thread',
      runner: 'torch',
      threads: 1,
      env: { OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1' },
      steps: { train: q(fast, fastQuick), infer: q(fast, fastQuick) },
    },
    // In Node, where the optional peer koffi and an optimized BLAS (OpenBLAS, MKL, BLIS) are installed, nlpkit's ops
    // on wasm run their products on that library (NLPKIT_BLAS; in this repository koffi is installed, and the
    // machines have Debian's OpenBLAS, the one PyTorch loads): the library's default there where its products are
    // row-invariant. Named here, so that the row runs on OpenBLAS also where the search leaves it (OpenBLAS's Haswell
    // kernels on an AMD Zen 4). The process reports the library (the table's GEMM note).
    {
      id: 'nlpkit-wasm-blas',
      label: '@nlpkit/rnn, wasm, products on OpenBLAS through koffi (`NLPKIT_BLAS=libopenblas.so.0`; the default in Node where both are installed and its products are row-invariant; BLAS on the GEMM threads, relaxed SIMD as the CLI runs): the fastest CPU path',
      runner: 'nlpkit',
      backend: 'wasm',
      env: { NLPKIT_BLAS: 'libopenblas.so.0' },
      nodeArgs: ['--experimental-wasm-relaxed-simd'],
      steps: { train: q(fast, fastQuick), infer: q(fast, fastQuick) },
    },
    // Without a BLAS (NLPKIT_BLAS=0; browsers always), nlpkit's ops run @nlpkit/tensor's WebAssembly SIMD GEMM, on
    // the cores (at most 4: 2 here), big products split between worker threads over shared memory;
    // NLPKIT_WASM_THREADS=1 keeps one thread (in place on tfjs's heap), NLPKIT_WASM_GEMM=0 goes back to
    // tfjs-backend-wasm's XNNPACK matmul. Each process reports the threads it ran (the table's GEMM note).
    {
      id: 'nlpkit-wasm',
      label: '@nlpkit/rnn, wasm, nlpkit SIMD GEMM (`NLPKIT_BLAS=0`: the default without a BLAS; on the cores, at most 4; fused WebAssembly loss and LSTM kernels)',
      runner: 'nlpkit',
      backend: 'wasm',
      env: { NLPKIT_BLAS: '0' },
      steps: { train: q(fast, fastQuick), infer: q(fast, fastQuick) },
    },
    // Relaxed SIMD (the GEMM's fused multiply-add build) is on by default in Node >= 22 and Chromium; Node 20 (this
    // machine) needs the V8 flag, which the nlpkit CLI sets. So this row is the library's default on Node >= 22.
    {
      id: 'nlpkit-wasm-fma',
      label: '@nlpkit/rnn, wasm, nlpkit SIMD GEMM + fused multiply-adds (`NLPKIT_BLAS=0`; relaxed SIMD: the default on Node ≥ 22; Node 20: `--experimental-wasm-relaxed-simd`, as the CLI runs): the fastest path without a BLAS, and in browsers',
      runner: 'nlpkit',
      backend: 'wasm',
      env: { NLPKIT_BLAS: '0' },
      nodeArgs: ['--experimental-wasm-relaxed-simd'],
      steps: { train: q(fast, fastQuick), infer: q(fast, fastQuick) },
    },
    {
      id: 'nlpkit-wasm-1t',
      label: '@nlpkit/rnn, wasm, GEMM on 1 thread (`NLPKIT_BLAS=0`, `NLPKIT_WASM_THREADS=1`; the default until 2026-12-03)',
      runner: 'nlpkit',
      backend: 'wasm',
      env: { NLPKIT_BLAS: '0', NLPKIT_WASM_THREADS: '1' },
      steps: { train: q(fast, fastQuick), infer: q(fast, fastQuick) },
    },
    {
      id: 'nlpkit-wasm-fma-1t',
      label: '@nlpkit/rnn, wasm, fused multiply-adds on 1 thread (`NLPKIT_BLAS=0`, relaxed SIMD + `NLPKIT_WASM_THREADS=1`)',
      runner: 'nlpkit',
      backend: 'wasm',
      env: { NLPKIT_BLAS: '0', NLPKIT_WASM_THREADS: '1' },
      nodeArgs: ['--experimental-wasm-relaxed-simd'],
      steps: { train: q(fast, fastQuick), infer: q(fast, fastQuick) },
    },
    // The WebAssembly elementwise kernels (softmax cross-entropy, bias column sum) and the fused LSTM sequence are
    // on by default on wasm; NLPKIT_WASM_FUSED=0 with NLPKIT_WASM_FMA=0 on one thread is the wasm default before them.
    {
      id: 'nlpkit-wasm-prev',
      label: '@nlpkit/rnn, wasm, without the fused loss and LSTM kernels, 1 thread (`NLPKIT_BLAS=0`, `NLPKIT_WASM_FUSED=0`, `NLPKIT_WASM_FMA=0`, `NLPKIT_WASM_THREADS=1`: the earlier default)',
      runner: 'nlpkit',
      backend: 'wasm',
      env: { NLPKIT_BLAS: '0', NLPKIT_WASM_FUSED: '0', NLPKIT_WASM_FMA: '0', NLPKIT_WASM_THREADS: '1' },
      steps: { train: q(fast, fastQuick), infer: q(fast, fastQuick) },
    },
    {
      id: 'nlpkit-wasm-xnnpack',
      label: '@nlpkit/rnn, wasm, XNNPACK matmul (`NLPKIT_BLAS=0`, `NLPKIT_WASM_GEMM=0`, the earlier path)',
      runner: 'nlpkit',
      backend: 'wasm',
      env: { NLPKIT_BLAS: '0', NLPKIT_WASM_GEMM: '0' },
      steps: { train: q(fast, fastQuick), infer: q(fast, fastQuick) },
      note: 'tfjs-backend-wasm itself runs one thread in Node (XNNPACK, SIMD on); its other kernels (gates, softmax, gather...) serve every wasm row.',
    },
    {
      id: 'nlpkit-cpu',
      label: '@nlpkit/rnn, cpu',
      runner: 'nlpkit',
      backend: 'cpu',
      steps: {
        train: q({ warmup: 1, steps: 3, maxSeconds: 30, warmupOnce: true }, { warmup: 1, steps: 1, warmupOnce: true }),
        infer: q({ warmup: 1, steps: 5, maxSeconds: 15, warmupOnce: true }, { warmup: 1, steps: 1, warmupOnce: true }),
      },
      note: 'the cpu backend (plain JavaScript, our packed matmul and fused softmax cross-entropy kernels) is ~5-10× slower than wasm: fewer timed steps.',
    },
    {
      id: 'tfl-wasm',
      label: 'tf.layers.lstm, wasm',
      runner: 'tfjs-layers',
      backend: 'wasm',
      steps: {
        train: q({ warmup: 1, steps: 2, maxSeconds: 30, warmupOnce: true }, { warmup: 1, steps: 1, warmupOnce: true }),
        infer: q(fast, fastQuick),
      },
      note: 'tf.layers trains ~10× slower than @nlpkit/rnn on wasm (forward is close): fewer timed training steps.',
    },
    {
      id: 'tfl-cpu',
      label: 'tf.layers.lstm, cpu',
      runner: 'tfjs-layers',
      backend: 'cpu',
      rounds: 1,
      steps: {
        train: { warmup: 1, steps: 1, warmupOnce: true },
        infer: q({ warmup: 1, steps: 3, maxSeconds: 20, warmupOnce: true }, { warmup: 1, steps: 1, warmupOnce: true }),
      },
      note: 'tf.layers on the cpu backend takes 30-60 s per training step: one timed step per case, in one round only.',
    },
  ];
}
