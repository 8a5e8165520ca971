// A namespace import: bundles that add `import { createRequire }` of their own (a CommonJS shim) still load.
import * as nodeModule from 'node:module';
import { InvalidArgumentError } from '@nlpkit/core';
import { PKG } from './errors.js';
import type { Blas } from './kernels/blasEngine.js';
import { rowInvariant } from './kernels/blasRowInvariance.js';
import { threadPolicy } from './kernels/blasThreads.js';

/**
 * Optimized CBLAS libraries tried, in order, where `NLPKIT_BLAS` names none. Only optimized builds: a reference
 * BLAS (what a bare `libblas.so.3` may be) is several times slower than nlpkit's WebAssembly GEMM, so it is used
 * only when named.
 */
const CANDIDATES: Readonly<Record<string, readonly string[]>> = {
  linux: ['libopenblas.so.0', 'libopenblas.so', 'libmkl_rt.so.2', 'libmkl_rt.so', 'libblis.so.4'],
  darwin: [
    '/System/Library/Frameworks/Accelerate.framework/Accelerate',
    'libopenblas.dylib',
    '/opt/homebrew/opt/openblas/lib/libopenblas.dylib',
    '/usr/local/opt/openblas/lib/libopenblas.dylib',
  ],
  win32: ['libopenblas.dll', 'openblas.dll', 'mkl_rt.2.dll'],
};

// CBLAS's enumerations.
const ROW_MAJOR = 101;
const NO_TRANS = 111;
const TRANS = 112;

/** What koffi (the optional FFI peer) offers that is used here. */
interface KoffiLibrary {
  func(signature: string): (...args: unknown[]) => unknown;
}
interface Koffi {
  load(path: string): KoffiLibrary;
}

/** The function, or undefined where the library lacks the symbol. */
function optional(lib: KoffiLibrary, signature: string): ((...args: unknown[]) => unknown) | undefined {
  try {
    return lib.func(signature);
  } catch {
    return undefined;
  }
}

/**
 * How long (2^n cycles) OpenBLAS's threads spin after a call before they sleep, unless the environment says: 2^4,
 * the least it takes. Its default, 2^28 (~0.1 s), keeps a core busy between the products, which the WebAssembly
 * kernels between them (the LSTM sequences, the loss) then share with the spinning thread: a Zaremba-small training
 * step at BPTT 20 took 93 ms against 83 ms, an evaluation step 38 ms against 29 ms (2 cores). OpenBLAS reads it
 * when it is loaded; the variable is removed again afterwards, so child processes do not inherit it.
 */
const OPENBLAS_SPIN = '4';

/** Opens `library` (OpenBLAS with {@link OPENBLAS_SPIN} unless the environment sets its timeout). */
function load(koffi: Koffi, library: string): KoffiLibrary {
  const set = process.env['OPENBLAS_THREAD_TIMEOUT'] === undefined;
  if (set) process.env['OPENBLAS_THREAD_TIMEOUT'] = OPENBLAS_SPIN;
  try {
    return koffi.load(library);
  } finally {
    if (set) delete process.env['OPENBLAS_THREAD_TIMEOUT'];
  }
}

/** Opens `library` and binds its `cblas_sgemm` (throws when either fails). */
function open(koffi: Koffi, library: string): Blas {
  const lib = load(koffi, library);
  const sgemm = lib.func(
    'void cblas_sgemm(int order, int transA, int transB, int M, int N, int K, float alpha, void *A, int lda, void *B, int ldb, float beta, void *C, int ldc)',
  );
  const config = optional(lib, 'const char *openblas_get_config()');
  const setThreads =
    optional(lib, 'void openblas_set_num_threads(int threads)') ??
    optional(lib, 'void MKL_Set_Num_Threads(int threads)') ??
    optional(lib, 'void bli_thread_set_num_threads(long threads)');
  return {
    library,
    config: config === undefined ? library : String(config()),
    ...threadPolicy((transA, transB, M, N, K, A, lda, B, ldb, beta, C, ldc) => {
      sgemm(ROW_MAJOR, transA ? TRANS : NO_TRANS, transB ? TRANS : NO_TRANS, M, N, K, 1, A, lda, B, ldb, beta, C, ldc);
    }, setThreads),
  };
}

/** Loaded once per process (a library, once opened, stays open): by the value of `NLPKIT_BLAS` it was asked for. */
const loaded = new Map<string, Blas | undefined>();

/** The libraries the search found but left (see {@link blasNotUsed}). */
const left: { readonly library: string; readonly config: string }[] = [];

/**
 * The optimized libraries {@link loadBlas}'s search opened and left because their products are not row-invariant
 * (`rowInvariant`: a row's result would depend on the rows computed with it): each as named to the dynamic loader,
 * and what it says of itself; empty when none was. Naming one in `NLPKIT_BLAS` uses it anyway.
 */
export function blasNotUsed(): readonly { readonly library: string; readonly config: string }[] {
  return [...left];
}

/**
 * The CBLAS library nlpkit's wasm ops run their products on in Node, or undefined for nlpkit's WebAssembly GEMM.
 * `request` (`NLPKIT_BLAS` by default): empty or absent tries the optimized libraries the dynamic loader finds
 * (OpenBLAS, MKL, BLIS; Accelerate on macOS) and takes the first whose products are row-invariant (`rowInvariant`:
 * else a batch's results would differ from its sentences' one at a time; {@link blasNotUsed} lists those left),
 * `0`/`off`/`false` uses none, anything else is the library to open (a file name or path), used as it is. Needs the
 * optional peer `koffi` (a C foreign-function interface); without it, undefined.
 * @throws InvalidArgumentError when a library is named and koffi is missing, or it cannot be opened or has no
 * `cblas_sgemm`.
 */
export function loadBlas(request = process.env['NLPKIT_BLAS'] ?? ''): Blas | undefined {
  if (loaded.has(request)) return loaded.get(request);
  const off = request === '0' || request === 'off' || request === 'false';
  let koffi: Koffi | undefined;
  if (!off) {
    try {
      koffi = nodeModule.createRequire(import.meta.url)('koffi') as Koffi;
    } catch {
      koffi = undefined;
    }
  }
  let blas: Blas | undefined;
  if (!off && request !== '' && koffi === undefined) {
    throw new InvalidArgumentError({
      package: PKG,
      argument: 'NLPKIT_BLAS',
      message: `NLPKIT_BLAS names a library ('${request}'), and opening one needs the optional peer koffi: install it (npm i koffi) or unset NLPKIT_BLAS`,
    });
  }
  if (koffi !== undefined && request !== '') {
    try {
      blas = open(koffi, request);
    } catch (cause) {
      throw new InvalidArgumentError({
        package: PKG,
        argument: 'NLPKIT_BLAS',
        expected: `a CBLAS library with cblas_sgemm that the dynamic loader can open, or 0 for none`,
        foundText: `'${request}' (${cause instanceof Error ? cause.message : String(cause)})`,
        cause,
      });
    }
  } else if (koffi !== undefined) {
    for (const library of CANDIDATES[process.platform] ?? []) {
      let found: Blas;
      try {
        found = open(koffi, library);
      } catch {
        continue; // Not installed here: the next one.
      }
      if (rowInvariant(found)) {
        blas = found;
        break;
      }
      if (!left.some((l) => l.library === library)) left.push({ library, config: found.config });
    }
  }
  loaded.set(request, blas);
  return blas;
}
