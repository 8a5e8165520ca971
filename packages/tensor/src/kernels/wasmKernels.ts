import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, NamedAttrMap, NamedTensorInfoMap, Tensor, Tensor1D, Tensor2D, TensorInfo } from '@tensorflow/tfjs-core';
import { InvalidArgumentError, ShapeError } from '@nlpkit/core';
import { blasNotUsed, loadBlas } from '#blas';
import { PKG } from '../errors.js';
import { blasEngine } from './blasEngine.js';
import { compileGemmModules, type GemmModules, heapMemory, inPlaceEngine, type WasmBackend, type WasmGemmEngine } from './wasmGemmEngine.js';
import { sharedEngine } from './wasmGemmShared.js';
import { defaultThreadCount, threadsSupported } from './wasmGemmThreads.js';

/**
 * nlpkit's matmul for tfjs-backend-wasm: a WebAssembly SIMD GEMM of our own (`wasmGemm.wat`), registered under
 * a name of our own so only nlpkit's ops (`matMul`, `plainMatMul`, `affine`) use it.
 *
 * Why: tfjs-backend-wasm runs XNNPACK on one thread in Node, and its matmul with a transposed operand is ~20×
 * slower than a plain one (the gradient shapes of an LM's softmax layer). Ours reads either layout at full
 * speed, adds the bias as it writes, and splits C between worker threads over a shared memory (Node; browsers
 * when cross-origin isolated). With one thread it works in place on tfjs's own heap.
 */
const MATMUL = 'NlpkitWasmMatMul';

/** Options of {@link configureWasmGemm}. */
export interface WasmGemmOptions {
  /**
   * Threads, counting the calling one (more than 1 only in Node and in cross-origin-isolated browsers; elsewhere
   * 1). Default: `NLPKIT_WASM_THREADS`, else the cores the process may use, at most 4 (`defaultThreadCount`): on
   * the 2-core machine measured, 2 threads train the Zaremba-small LSTM LM 1.4–1.6× faster than 1, with the same
   * numbers bit for bit (every output element is summed in the same order however the work is split). They cost
   * ~5% more CPU time than 1 (the copies); `threads: 1` or `NLPKIT_WASM_THREADS=1` keeps one thread (a process
   * that runs its own pool of workers, say).
   */
  readonly threads?: number;
  /** Use the kernel in nlpkit's ops on wasm (default true; `NLPKIT_WASM_GEMM=0` turns it off). */
  readonly enabled?: boolean;
  /**
   * Use fused multiply-adds (relaxed SIMD's `f32x4.relaxed_madd`) where the runtime has relaxed SIMD (default true;
   * `NLPKIT_WASM_FMA=0` turns them off). Results differ from the plain build by float32 rounding only.
   */
  readonly fma?: boolean;
  /**
   * Run the products on an optimized CBLAS library in Node (`blasEngine`): `true` tries OpenBLAS, MKL and BLIS
   * (Accelerate on macOS) where the dynamic loader finds one, a string names the library to open, `false` keeps
   * nlpkit's WebAssembly GEMM. Default: `NLPKIT_BLAS` (unset: try them; `0`: none; else the library). Needs the
   * optional peer `koffi`; browsers always keep the WebAssembly GEMM. The library runs on `threads` threads.
   */
  readonly blas?: boolean | string;
}

/** What the registered kernel keeps: lives on its KernelConfig in tfjs's registry, not in this module. */
interface GemmState {
  threads: number | undefined;
  enabled: boolean | undefined;
  fma: boolean | undefined;
  blas: boolean | string | undefined;
  engine: WasmGemmEngine | undefined;
  /** Compiled once and kept across engines (see {@link compileGemmModules} for why). */
  modules: GemmModules | undefined;
}

type GemmKernelConfig = KernelConfig & { readonly nlpkitGemm: GemmState };

const env = (): Record<string, string | undefined> =>
  (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};

function defaultThreads(): number {
  const fromEnv = env()['NLPKIT_WASM_THREADS'];
  if (fromEnv !== undefined && fromEnv !== '') {
    const n = Number(fromEnv);
    if (!Number.isInteger(n) || n < 1 || n > 64) {
      throw new InvalidArgumentError({ package: PKG, argument: 'NLPKIT_WASM_THREADS', expected: 'an integer from 1 to 64', found: fromEnv });
    }
    return n;
  }
  return defaultThreadCount();
}

function engineFor(state: GemmState, backend: WasmBackend): WasmGemmEngine {
  if (state.engine !== undefined && state.engine.backend === backend) return state.engine;
  state.engine?.dispose();
  const threads = state.threads ?? defaultThreads();
  const modules = wasmGemmModules();
  const base = threads > 1 && threadsSupported() ? sharedEngine(backend, threads, modules) : inPlaceEngine(backend, modules);
  const blas = state.blas === false ? undefined : loadBlas(typeof state.blas === 'string' ? state.blas : state.blas === true ? '' : undefined);
  state.engine = blas === undefined ? base : blasEngine(base, blas, threads);
  return state.engine;
}

function kernel(state: GemmState, inputs: NamedTensorInfoMap, backend: WasmBackend, attrs: NamedAttrMap): TensorInfo {
  const { a, b, bias } = inputs as { a: TensorInfo; b: TensorInfo; bias?: TensorInfo };
  const transposeA = attrs['transposeA'] === true;
  const transposeB = attrs['transposeB'] === true;
  const [ar, ac] = a.shape as [number, number];
  const [br, bc] = b.shape as [number, number];
  const [M, K, N] = [transposeA ? ac : ar, transposeA ? ar : ac, transposeB ? br : bc];
  if (M === 0 || N === 0 || K === 0) {
    // Nothing to multiply: the output is the bias (or zeros), written by tfjs's own allocator.
    const values = new Float32Array(M * N);
    if (bias !== undefined && M * N > 0) {
      const b1 = tf.engine().readSync(bias.dataId) as Float32Array;
      for (let i = 0; i < M; i += 1) values.set(b1, i * N);
    }
    return (backend as unknown as { makeOutput(s: number[], d: 'float32', o: undefined, v: Float32Array): TensorInfo }).makeOutput([M, N], 'float32', undefined, values);
  }
  return engineFor(state, backend).matMul({ M, N, K, a, b, transposeA, transposeB, bias });
}

/** Our kernel's config in tfjs's registry, registering it on first use (never at import time). */
function registered(): GemmKernelConfig {
  const found = tf.getKernel(MATMUL, 'wasm') as GemmKernelConfig | undefined;
  if (found !== undefined) return found;
  const state: GemmState = { threads: undefined, enabled: undefined, fma: undefined, blas: undefined, engine: undefined, modules: undefined };
  const config: GemmKernelConfig = {
    kernelName: MATMUL,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => kernel(state, inputs, backend as WasmBackend, attrs ?? {}),
    disposeFunc: () => {
      state.engine?.dispose();
      state.engine = undefined;
    },
    nlpkitGemm: state,
  };
  tf.registerKernel(config);
  return config;
}

/**
 * Sets the wasm GEMM's threads, its fused multiply-adds, its BLAS library, or turns it off for nlpkit's ops; the
 * next matmul starts a fresh engine (workers start lazily, on the first product big enough to share).
 */
export function configureWasmGemm(options: WasmGemmOptions): void {
  const state = registered().nlpkitGemm;
  if (options.threads !== undefined && (!Number.isInteger(options.threads) || options.threads < 1 || options.threads > 64)) {
    throw new InvalidArgumentError({ package: PKG, argument: 'options.threads', expected: 'an integer from 1 to 64', found: options.threads });
  }
  state.engine?.dispose();
  state.engine = undefined;
  if (options.threads !== undefined) state.threads = options.threads;
  if (options.enabled !== undefined) state.enabled = options.enabled;
  if (options.blas !== undefined) state.blas = options.blas;
  if (options.fma !== undefined && options.fma !== state.fma) {
    state.fma = options.fma;
    state.modules = undefined;
  }
}

/**
 * True when nlpkit's ops should use the wasm GEMM: the active backend is wasm, its heap can be reached, and the
 * GEMM is enabled. Registers the kernel on first call; idempotent, so ops call it on every use.
 */
export function registerWasmGemm(): boolean {
  if (tf.getBackend() !== 'wasm' || heapMemory(tf.backend() as unknown as WasmBackend) === undefined) return false;
  const state = registered().nlpkitGemm;
  if (state.enabled !== undefined) return state.enabled;
  const flag = env()['NLPKIT_WASM_GEMM'];
  return !(flag === '0' || flag === 'off' || flag === 'false');
}

/**
 * The compiled builds of the wasm GEMM that nlpkit's ops run (fused multiply-add or plain, as configured), for
 * kernels that call `gemm` themselves (the fused LSTM sequence). Registers the GEMM kernel on first call.
 */
export function wasmGemmModules(): GemmModules {
  const state = registered().nlpkitGemm;
  const flag = env()['NLPKIT_WASM_FMA'];
  state.modules ??= compileGemmModules(state.fma ?? !(flag === '0' || flag === 'off' || flag === 'false'));
  return state.modules;
}

/**
 * The engine nlpkit's ops run their products on for `backend` (with its worker pool when threaded), for kernels
 * that call `gemm` themselves and split their own work (the fused LSTM sequence). Registers the kernel on first call.
 */
export function wasmGemmEngine(backend: WasmBackend): WasmGemmEngine {
  return engineFor(registered().nlpkitGemm, backend);
}

/**
 * Stops the wasm GEMM's worker threads and frees its scratch memory (they start again on the next product).
 * Worker threads never keep a Node process alive; call this to release them earlier.
 */
export function disposeWasmGemm(): void {
  const config = tf.getKernel(MATMUL, 'wasm') as GemmKernelConfig | undefined;
  if (config === undefined) return;
  config.nlpkitGemm.engine?.dispose();
  config.nlpkitGemm.engine = undefined;
}

/**
 * The running engine's threads, whether it runs the fused multiply-add build, the BLAS library its products run on
 * (undefined: nlpkit's GEMM), the libraries found but left because their products are not row-invariant
 * (`blasNotUsed`), and its counts (products, those split between threads, and kernels run as programs on several
 * threads); undefined before the first product. For tests, benchmarks and `nlpkit env`.
 */
export function wasmGemmStats():
  | { threads: number; fma: boolean; blas: string | undefined; blasNotUsed: readonly { readonly library: string; readonly config: string }[]; calls: number; shared: number; programs: number }
  | undefined {
  const state = (tf.getKernel(MATMUL, 'wasm') as GemmKernelConfig | undefined)?.nlpkitGemm;
  const engine = state?.engine;
  return engine === undefined ? undefined : { threads: engine.threads, fma: state?.modules?.fma === true, blas: engine.blas, blasNotUsed: blasNotUsed(), ...engine.stats };
}

/** `op(a) · op(b) (+ bias)` on the wasm GEMM, op = transpose when asked; no gradient (use inside customGrad). */
export function wasmMatMul(a: Tensor2D, b: Tensor2D, transposeA = false, transposeB = false, bias?: Tensor1D): Tensor2D {
  const inner = [transposeA ? a.shape[0] : a.shape[1], transposeB ? b.shape[1] : b.shape[0]];
  if (inner[0] !== inner[1]) {
    throw new ShapeError({ package: PKG, argument: 'b', expected: `${inner[0]} rows (the inner dimension of a)`, found: b.shape, foundText: `shape [${b.shape.join(', ')}]` });
  }
  registered();
  const inputs: Record<string, Tensor> = bias === undefined ? { a, b } : { a, b, bias };
  return tf.engine().runKernel(MATMUL, inputs, { transposeA, transposeB });
}
