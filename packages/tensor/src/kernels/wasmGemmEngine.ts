import type { DataId, DataType, TensorInfo } from '@tensorflow/tfjs-core';
import { WASM_GEMM_SHARED, WASM_GEMM_SHARED_FMA, WASM_GEMM_UNSHARED, WASM_GEMM_UNSHARED_FMA } from './wasmGemmBytes.js';
import { WASM_POINTWISE_SHARED } from './wasmPointwiseBytes.js';
import { packedWeights } from './wasmPackedWeights.js';
import { align, type GemmJob, jobAddress, SCRATCH_BYTES, type Share, TILE_COLS, writeJob } from './wasmGemmPlan.js';
import type { Blas } from './blasEngine.js';

/** The part of tfjs-backend-wasm's `BackendWasm` the GEMM uses (typed structurally: no import of it). */
export interface WasmBackend {
  readonly dataIdMap: { get(dataId: DataId): { memoryOffset: number } | undefined; has(dataId: DataId): boolean };
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  readonly wasm: {
    readonly asm?: { readonly memory?: WebAssembly.Memory };
    readonly wasmExports?: { readonly memory?: WebAssembly.Memory };
    readonly wasmMemory?: WebAssembly.Memory;
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

/**
 * The engine's worker threads, for kernels that split their own work: each thread runs a program
 * (`wasmProgram.ts`) on its part, the workers on copies in their shared memory.
 */
export interface ProgramPool {
  /** Threads, counting the caller. */
  readonly threads: number;
  /** The workers' shared memory. */
  readonly memory: WebAssembly.Memory;
  /** True once every worker is up (the first call starts them); until then the caller computes alone. */
  ready(): boolean;
  /** Byte address of `bytes` bytes in {@link memory} for one kernel call's data, growing it as needed (views made before are stale). */
  area(bytes: number): number;
  /**
   * Byte addresses in {@link memory} of columns [n0, n1) of the row-major K × N heap tensor `b` for each of
   * `ranges`, each packed as one block for `gemm`'s prepacked mode and kept across calls under b's DataId and `key`
   * (the workers' cache of packed weights, 32 MiB); undefined when they do not fit it. For a weight read by many
   * calls: keeping it costs a copy and a pack. Call it before {@link area}.
   */
  keepColumns(b: TensorInfo, K: number, N: number, ranges: readonly Pick<Share, 'n0' | 'n1'>[], key: string): number[] | undefined;
  /**
   * Byte addresses in {@link memory} of copies of the float32 heap tensors `tensors`, kept across calls under their
   * DataIds (in the same cache as {@link keepColumns}); undefined when they do not fit it. For what every call of a
   * loop reads (a decoder's attention memory). Call it before {@link area}.
   */
  keepTensors(tensors: readonly TensorInfo[]): number[] | undefined;
  /** Worker `slot`'s (1 .. threads − 1) scratch for `gemm`'s packing (SCRATCH_BYTES). */
  scratchOf(slot: number): number;
  /** Runs the program at byte address `program` on each listed slot while `work` runs here, and waits for them all. */
  run(programs: readonly { slot: number; program: number }[], work: () => void): void;
}

/** Computes GEMMs for one wasm backend instance; `threads` counts the calling thread. */
export interface WasmGemmEngine {
  readonly threads: number;
  /** Products computed, how many of them were split between threads, and kernels run as programs on several threads. */
  readonly stats: { calls: number; shared: number; programs: number };
  readonly backend: WasmBackend;
  /** Worker threads for kernels that split their own work; undefined with one thread. */
  readonly pool: ProgramPool | undefined;
  /** The BLAS library its products run on (what the library says of itself), or undefined: nlpkit's GEMM. */
  readonly blas?: string;
  /** That library's GEMM, for kernels that place their own operands (in the heap or the workers' shared memory). */
  readonly sgemm?: Blas['sgemm'];
  matMul(call: GemmCall): TensorInfo;
  dispose(): void;
}


const decode = (base64: string): Uint8Array<ArrayBuffer> => Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));

/**
 * The two builds of `wasmGemm.wat`, compiled; `fma` when they are the fused multiply-add builds; and
 * `wasmPointwise.wat`'s shared build, which worker threads run in programs.
 */
export interface GemmModules {
  readonly shared: WebAssembly.Module;
  readonly unshared: WebAssembly.Module;
  readonly fma: boolean;
  readonly pointwiseShared: WebAssembly.Module;
}

/**
 * True when this runtime runs relaxed SIMD, so the GEMM can use its fused multiply-add (`f32x4.relaxed_madd`):
 * Chromium ≥ 114, Node ≥ 22 (Node 20 with `--experimental-wasm-relaxed-simd`).
 */
export function fmaSupported(): boolean {
  return WebAssembly.validate(decode(WASM_GEMM_UNSHARED_FMA));
}

/**
 * Compiles both builds (synchronously: 2 KB each) — their fused multiply-add versions when `fma` is asked for and
 * {@link fmaSupported} (on the LM shapes ~1.27× the GFLOP/s: 40 against 32 on one core of the machine measured),
 * else the plain ones. Keep the result and reuse it for every engine: V8 first runs a module on its baseline
 * compiler and swaps in optimized code in the background once it is hot — per compiled module, shared by its
 * instances and by workers it is sent to — so recompiling would start slow again.
 */
export function compileGemmModules(fma = true): GemmModules {
  const fused = fma && fmaSupported();
  return {
    shared: new WebAssembly.Module(decode(fused ? WASM_GEMM_SHARED_FMA : WASM_GEMM_SHARED)),
    unshared: new WebAssembly.Module(decode(fused ? WASM_GEMM_UNSHARED_FMA : WASM_GEMM_UNSHARED)),
    fma: fused,
    pointwiseShared: new WebAssembly.Module(decode(WASM_POINTWISE_SHARED)),
  };
}

/**
 * tfjs-backend-wasm's heap: the Emscripten module's exported memory, found where the 4.x builds keep it (`asm`) or
 * where newer Emscripten does (`wasmExports`, `wasmMemory`); undefined when none is there, and nlpkit's ops then
 * keep tfjs's own matmul.
 */
export function heapMemory(backend: WasmBackend): WebAssembly.Memory | undefined {
  const wasm = backend.wasm as Partial<WasmBackend['wasm']> | undefined;
  const memory = wasm?.asm?.memory ?? wasm?.wasmExports?.memory ?? wasm?.wasmMemory;
  return memory instanceof WebAssembly.Memory && typeof wasm?._malloc === 'function' ? memory : undefined;
}

/** Byte address of a tensor's data in tfjs-backend-wasm's heap. */
export const offsetOf = (backend: WasmBackend, t: TensorInfo): number => (backend.dataIdMap.get(t.dataId) as { memoryOffset: number }).memoryOffset >>> 0;

/** Byte strides of the stored operands: element (i, k) of op(a) at a + i·rsA + k·csA; (k, j) of op(b) likewise. */
export function strides(call: GemmCall): { rsA: number; csA: number; rsB: number; csB: number } {
  return {
    rsA: call.transposeA ? 4 : call.K * 4,
    csA: call.transposeA ? call.M * 4 : 4,
    rsB: call.transposeB ? 4 : call.N * 4,
    csB: call.transposeB ? call.K * 4 : 4,
  };
}

/** Runs `gemm` in place on tfjs-backend-wasm's heap: {@link inPlaceEngine}'s core, also the caller's share of a threaded product. */
export interface InPlaceRunner {
  /** Writes the job for `share` of `call` into the tensor at byte `out` (copying the bias); returns its address. */
  prepare(call: GemmCall, share: Share, out: number): number;
  readonly gemm: (job: number) => void;
  dispose(): void;
}

/**
 * The unshared build of the module instantiated on tfjs-backend-wasm's own memory, so it reads the operands where
 * tfjs keeps them and writes straight into the output tensor. Its scratch comes from tfjs's allocator.
 */
export function inPlaceRunner(backend: WasmBackend, modules: GemmModules): InPlaceRunner {
  const memory = heapMemory(backend) as WebAssembly.Memory;
  const instance = new WebAssembly.Instance(modules.unshared, { env: { memory } });
  const scratch = backend.wasm._malloc(SCRATCH_BYTES + 64) >>> 0;
  const scratchAt = align(scratch);
  const weights = packedWeights(backend, instance.exports['packB'] as (src: number, rs: number, cs: number, k: number, n: number, dst: number) => void);
  let biasAt = 0;
  let biasFloats = 0;
  return {
    gemm: instance.exports['gemm'] as (job: number) => void,
    prepare: (call, share, out) => {
      const s = strides(call);
      const b = offsetOf(backend, call.b);
      // All rows (the whole product, or a share of its columns): B's columns may be kept packed.
      const packedB = share.m0 === 0 && share.m1 === call.M ? weights.lookup(call, b, s.rsB, s.csB, share.n0, share.n1) : undefined;
      let bias = 0;
      if (call.bias !== undefined) {
        // A copy with 8 floats of slack: edge tiles read a whole 8-column bias vector.
        if (biasFloats < call.N) {
          if (biasAt !== 0) backend.wasm._free(biasAt);
          biasFloats = call.N;
          biasAt = backend.wasm._malloc((call.N + TILE_COLS) * 4) >>> 0;
        }
        const f32 = new Float32Array(memory.buffer);
        const from = offsetOf(backend, call.bias) >>> 2;
        f32.set(f32.subarray(from, from + call.N), biasAt >>> 2);
        bias = biasAt;
      }
      const job: GemmJob = {
        ...share, K: call.K, a: offsetOf(backend, call.a), b, c: out, ldc: call.N * 4, bias, scratch: scratchAt, ...s,
        ...(packedB === undefined ? {} : { packedB }),
      };
      writeJob(new Int32Array(memory.buffer), jobAddress(scratchAt), job);
      return jobAddress(scratchAt);
    },
    dispose: () => {
      weights.dispose();
      backend.wasm._free(scratch);
      if (biasAt !== 0) backend.wasm._free(biasAt);
    },
  };
}

/** One thread, in place ({@link inPlaceRunner}): no copies at all. */
export function inPlaceEngine(backend: WasmBackend, modules: GemmModules): WasmGemmEngine {
  const runner = inPlaceRunner(backend, modules);
  const stats = { calls: 0, shared: 0, programs: 0 };
  return {
    threads: 1,
    stats,
    backend,
    pool: undefined,
    matMul: (call) => {
      const out = backend.makeOutput([call.M, call.N], 'float32');
      runner.gemm(runner.prepare(call, { m0: 0, m1: call.M, n0: 0, n1: call.N }, offsetOf(backend, out)));
      stats.calls += 1;
      return out;
    },
    dispose: () => runner.dispose(),
  };
}
