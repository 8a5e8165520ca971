import type { DataId, DataType, TensorInfo } from '@tensorflow/tfjs-core';
import { WASM_GEMM_SHARED, WASM_GEMM_UNSHARED } from './wasmGemmBytes.js';
import { align, type GemmJob, jobAddress, SCRATCH_BYTES, splitOutput, TILE_COLS, writeJob } from './wasmGemmPlan.js';
import { CONTROL_BYTES, type GemmWorkers, startGemmWorkers } from './wasmGemmThreads.js';

/** The part of tfjs-backend-wasm's `BackendWasm` the GEMM uses (typed structurally: no import of it). */
export interface WasmBackend {
  readonly dataIdMap: { get(dataId: DataId): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  readonly wasm: {
    readonly asm: { readonly memory: WebAssembly.Memory };
    _malloc(bytes: number): number;
    _free(address: number): void;
  };
}

/** One product `op(a) · op(b) (+ bias)`: `a` is [M, K] ([K, M] when transposed), `b` [K, N] ([N, K]). */
export interface GemmCall {
  readonly M: number;
  readonly N: number;
  readonly K: number;
  readonly a: TensorInfo;
  readonly b: TensorInfo;
  readonly transposeA: boolean;
  readonly transposeB: boolean;
  readonly bias: TensorInfo | undefined;
}

/** Computes GEMMs for one wasm backend instance; `threads` counts the calling thread. */
export interface WasmGemmEngine {
  readonly threads: number;
  /** Products computed, and how many of them were split between threads. */
  readonly stats: { calls: number; shared: number };
  readonly backend: WasmBackend;
  matMul(call: GemmCall): TensorInfo;
  dispose(): void;
}

/**
 * Below this many flops (2·M·N·K) the caller computes alone, in place: a product this small takes ~0.5 ms, and
 * copying its operands plus waking a worker (tens of µs idle, far more when the cores are oversubscribed) eats
 * most of what a second thread saves. The LSTM's per-step products (20 × 200 · 200 × 800, 6.4 MFLOP) stay here.
 */
const MIN_THREADED_FLOPS = 16e6;

const decode = (base64: string): Uint8Array<ArrayBuffer> => Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));

/** The two builds of `wasmGemm.wat`, compiled. */
export interface GemmModules {
  readonly shared: WebAssembly.Module;
  readonly unshared: WebAssembly.Module;
}

/**
 * Compiles both builds (synchronously: 2 KB each). Keep the result and reuse it for every engine: V8 first runs
 * a module on its baseline compiler and swaps in optimized code in the background once it is hot — per compiled
 * module, shared by its instances and by workers it is sent to — so recompiling would start slow again.
 */
export function compileGemmModules(): GemmModules {
  return { shared: new WebAssembly.Module(decode(WASM_GEMM_SHARED)), unshared: new WebAssembly.Module(decode(WASM_GEMM_UNSHARED)) };
}

const offsetOf = (backend: WasmBackend, t: TensorInfo): number => (backend.dataIdMap.get(t.dataId) as { memoryOffset: number }).memoryOffset >>> 0;

/** Byte strides of the stored operands: element (i, k) of op(a) at a + i·rsA + k·csA; (k, j) of op(b) likewise. */
function strides(call: GemmCall): { rsA: number; csA: number; rsB: number; csB: number } {
  return {
    rsA: call.transposeA ? 4 : call.K * 4,
    csA: call.transposeA ? call.M * 4 : 4,
    rsB: call.transposeB ? 4 : call.N * 4,
    csB: call.transposeB ? call.K * 4 : 4,
  };
}

/**
 * One thread, in place: the unshared build of the module imports tfjs-backend-wasm's own memory, so it reads
 * the operands where tfjs keeps them and writes straight into the output tensor — no copies. Its scratch comes
 * from tfjs's allocator.
 */
export function inPlaceEngine(backend: WasmBackend, modules: GemmModules): WasmGemmEngine {
  const memory = backend.wasm.asm.memory;
  const instance = new WebAssembly.Instance(modules.unshared, { env: { memory } });
  const gemm = instance.exports['gemm'] as (job: number) => void;
  const scratch = backend.wasm._malloc(SCRATCH_BYTES + 64) >>> 0;
  const scratchAt = align(scratch);
  let biasAt = 0;
  let biasFloats = 0;
  const stats = { calls: 0, shared: 0 };
  return {
    threads: 1,
    stats,
    backend,
    matMul: (call) => {
      const out = backend.makeOutput([call.M, call.N], 'float32');
      let bias = 0;
      if (call.bias !== undefined) {
        // A copy with 8 floats of slack: edge tiles read a whole 8-column bias vector.
        if (biasFloats < call.N) {
          if (biasAt !== 0) backend.wasm._free(biasAt);
          biasFloats = call.N;
          biasAt = backend.wasm._malloc((call.N + TILE_COLS) * 4) >>> 0;
        }
        const f32 = new Float32Array(memory.buffer);
        f32.set(f32.subarray(offsetOf(backend, call.bias) >>> 2, (offsetOf(backend, call.bias) >>> 2) + call.N), biasAt >>> 2);
        bias = biasAt;
      }
      const job: GemmJob = {
        m0: 0, m1: call.M, n0: 0, n1: call.N, K: call.K,
        a: offsetOf(backend, call.a), b: offsetOf(backend, call.b), c: offsetOf(backend, out), ldc: call.N * 4, bias,
        scratch: scratchAt, ...strides(call),
      };
      writeJob(new Int32Array(memory.buffer), jobAddress(scratchAt), job);
      gemm(jobAddress(scratchAt));
      stats.calls += 1;
      return out;
    },
    dispose: () => {
      backend.wasm._free(scratch);
      if (biasAt !== 0) backend.wasm._free(biasAt);
    },
  };
}

/**
 * Several threads over a shared memory of our own: the operands are copied in (tfjs-backend-wasm's heap is not
 * shared in its single-threaded builds, the ones it uses in Node), each thread computes a band of C, and C is
 * copied out. Layout: control block, one scratch area per thread, then a, b, bias and c. Products too small to
 * share (or while the workers are still starting) go to the in-place engine instead: no copies.
 */
export function sharedEngine(backend: WasmBackend, threads: number, modules: GemmModules): WasmGemmEngine {
  const scratchBase = CONTROL_BYTES;
  const operandBase = scratchBase + threads * align(SCRATCH_BYTES);
  const memory = new WebAssembly.Memory({ initial: Math.ceil(operandBase / 65536) + 16, maximum: 65536, shared: true });
  const module = modules.shared;
  const gemm = new WebAssembly.Instance(module, { env: { memory } }).exports['gemm'] as (job: number) => void;
  // Started by the first product big enough to share; until they are up, products run in place.
  let workers: GemmWorkers | undefined;
  const heap = (): Float32Array => new Float32Array(backend.wasm.asm.memory.buffer);
  const alone = inPlaceEngine(backend, modules);
  const stats = { calls: 0, shared: 0 };
  return {
    threads,
    stats,
    backend,
    matMul: (call) => {
      const { M, N, K } = call;
      const big = 2 * M * N * K >= MIN_THREADED_FLOPS;
      if (big && workers === undefined) workers = startGemmWorkers(module, memory, threads - 1);
      const shares = big && workers !== undefined && workers.ready() ? splitOutput(M, N, threads) : [];
      if (workers === undefined || shares.length < 2) {
        stats.calls += 1;
        return alone.matMul(call);
      }
      const aAt = operandBase;
      const bAt = aAt + align(M * K * 4);
      const biasAt = bAt + align(K * N * 4);
      const cAt = biasAt + align((N + TILE_COLS) * 4);
      const end = cAt + align(M * N * 4);
      const have = memory.buffer.byteLength;
      if (end > have) memory.grow(Math.ceil((end - have) / 65536));
      const ours = new Float32Array(memory.buffer);
      const theirs = heap();
      const copyIn = (t: TensorInfo, at: number, n: number): void => {
        const from = offsetOf(backend, t) >>> 2;
        ours.set(theirs.subarray(from, from + n), at >>> 2);
      };
      copyIn(call.a, aAt, M * K);
      copyIn(call.b, bAt, K * N);
      if (call.bias !== undefined) copyIn(call.bias, biasAt, N);
      const int32 = new Int32Array(memory.buffer);
      const common = { K, a: aAt, b: bAt, c: cAt, ldc: N * 4, bias: call.bias === undefined ? 0 : biasAt, ...strides(call) };
      shares.forEach((share, slot) => {
        writeJob(int32, jobAddress(scratchBase + slot * align(SCRATCH_BYTES)), { ...common, ...share, scratch: scratchBase + slot * align(SCRATCH_BYTES) });
      });
      const jobs = shares.slice(1).map((_, i) => ({ slot: i + 1, job: jobAddress(scratchBase + (i + 1) * align(SCRATCH_BYTES)) }));
      workers.run(jobs, () => gemm(jobAddress(scratchBase)));
      stats.calls += 1;
      stats.shared += 1;
      const out = backend.makeOutput([M, N], 'float32');
      // makeOutput may have grown tfjs's heap: take a fresh view.
      heap().set(new Float32Array(memory.buffer, cAt, M * N), offsetOf(backend, out) >>> 2);
      return out;
    },
    dispose: () => {
      workers?.dispose();
      alone.dispose();
    },
  };
}
