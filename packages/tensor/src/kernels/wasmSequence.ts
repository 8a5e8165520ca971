import * as tf from '@tensorflow/tfjs-core';
import type { NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { Blas } from './blasEngine.js';
import { heapMemory, offsetOf, type ProgramPool, type WasmBackend } from './wasmGemmEngine.js';
import { align, BLOCK, type PackB, packedBBytes, prepackColumns, SCRATCH_BYTES, TILE_COLS } from './wasmGemmPlan.js';
import { copyRows } from './wasmGemmShared.js';
import { registerWasmGemm, wasmGemmEngine, wasmGemmModules } from './wasmKernels.js';
import { registerWasmPointwise, wasmPointwiseExports } from './wasmPointwise.js';
import { checkProgramRun, type ProgramExports, type ProgramWriter, runProgram } from './wasmProgram.js';

/**
 * What the fused recurrent sequence kernels (`wasmLstm.ts`, `wasmGru.ts`) share: one call runs every time step of
 * a layer, forward or backward, as a program (`wasmProgram.ts`) of per-step GEMMs on the recurrent weight (packed
 * once per call) and elementwise step kernels (`wasmPointwise.wat`), straight on tfjs's heap. With the GEMM's
 * worker threads (`NLPKIT_WASM_THREADS`), the batch's rows are split between threads: rows are independent in a
 * recurrence, so each thread runs every step on its own rows with no synchronisation between steps, the workers
 * on copies of their rows in the shared memory. A row's arithmetic is the same on every thread: same numbers.
 * Where the wasm products go to a BLAS library (`blasEngine`), the per-step products do too (opcode `sgemm`, the
 * weight read in place): the calling thread then runs every row, and the library threads its products.
 *
 * A kernel describes its call as a {@link SequenceCall}: the `[blocks, B, width]` arrays it reads, writes or
 * needs as scratch, the weight to pack, and how to write the program of rows [r0, r1) given where everything is.
 */

export interface Gemm {
  readonly run: (job: number) => void;
  readonly packB: PackB;
}

/** The GEMM instantiated on a backend's heap, kept with the module it came from (on a kernel's config). */
export interface SequenceState {
  backend: WasmBackend | undefined;
  module: WebAssembly.Module | undefined;
  gemm: Gemm | undefined;
}

/** A sequence kernel: tfjs's kernel function with the state its kernels share. */
export type SequenceKernel = (state: SequenceState, inputs: NamedTensorInfoMap, backend: WasmBackend) => TensorInfo[];

/** Registers `kernels` for wasm (one shared {@link SequenceState}) unless they are; on first use, never at import time. */
export function registerSequenceKernels(kernels: Readonly<Record<string, SequenceKernel>>): void {
  if (tf.getKernel(Object.keys(kernels)[0] as string, 'wasm') !== undefined) return;
  const state: SequenceState = { backend: undefined, module: undefined, gemm: undefined };
  for (const [kernelName, kernel] of Object.entries(kernels)) {
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc: ({ inputs, backend }) => kernel(state, inputs, backend as WasmBackend) });
  }
}

/**
 * True when fused sequence kernels should run: the backend is wasm with a reachable heap, and both the wasm GEMM
 * and the WebAssembly elementwise kernels are on (`NLPKIT_WASM_GEMM=0` or `NLPKIT_WASM_FUSED=0` turn them off
 * too). Registers `kernels` then; idempotent.
 */
export function sequenceKernelsOn(kernels: Readonly<Record<string, SequenceKernel>>): boolean {
  if (!registerWasmGemm() || !registerWasmPointwise()) return false;
  registerSequenceKernels(kernels);
  return true;
}

/** The GEMM's unshared build instantiated on `backend`'s heap (kept on `state` until the backend or build changes). */
export function gemmFor(state: SequenceState, backend: WasmBackend): Gemm {
  const module = wasmGemmModules().unshared;
  if (state.gemm !== undefined && state.backend === backend && state.module === module) return state.gemm;
  const instance = new WebAssembly.Instance(module, { env: { memory: heapMemory(backend) as WebAssembly.Memory } });
  state.backend = backend;
  state.module = module;
  state.gemm = { run: instance.exports['gemm'] as Gemm['run'], packB: instance.exports['packB'] as Gemm['packB'] };
  return state.gemm;
}

/** Heap memory of one kernel call, freed together. */
export class Scratch {
  readonly #backend: WasmBackend;
  readonly #raw: number[] = [];
  constructor(backend: WasmBackend) {
    this.#backend = backend;
  }
  /** `bytes` at a 64-byte aligned address. */
  take(bytes: number): number {
    const raw = this.#backend.wasm._malloc(bytes + 64) >>> 0;
    this.#raw.push(raw);
    return align(raw);
  }
  free(): void {
    for (const raw of this.#raw) this.#backend.wasm._free(raw);
  }
}

/** Hands out 64-byte aligned addresses from `base` (the workers' area for one call). */
export class Bump {
  #top: number;
  constructor(base: number) {
    this.#top = base;
  }
  take(bytes: number): number {
    const at = this.#top;
    this.#top += align(bytes);
    return at;
  }
}

/** Columns [n0, n1) of a B operand, packed at `at` for `gemm`'s prepacked mode. */
export interface PackedBlock {
  readonly n0: number;
  readonly n1: number;
  readonly at: number;
}

/**
 * A K × N operand B (element (k, j) at `src + k·rs + j·cs`) packed once for `gemm`'s prepacked mode, one column
 * block (at most `BLOCK.nc` columns: prepacked products stay within one) after another.
 */
function prepack(gemm: Gemm, scratch: Scratch, src: number, rs: number, cs: number, K: number, N: number): PackedBlock[] {
  const blocks: PackedBlock[] = [];
  for (let n0 = 0; n0 < N; n0 += BLOCK.nc) {
    const n1 = Math.min(N, n0 + BLOCK.nc);
    const at = scratch.take(packedBBytes(K, n1 - n0));
    prepackColumns(gemm.packB, src + n0 * cs, rs, cs, K, n1 - n0, at);
    blocks.push({ n0, n1, at });
  }
  return blocks;
}

/**
 * How a program's steps compute their recurrent products (`h·W`, and backward `dGate·Wᵀ`): nlpkit's GEMM on the
 * weight packed for the call (and the thread's GEMM scratch), or the host's BLAS library on the weight where tfjs
 * keeps it (its byte address).
 */
export type StepProducts = { readonly packed: readonly PackedBlock[]; readonly work: number } | { readonly weight: number };

/**
 * Writes `c ← a·W (+ the bias row, when not 0)` for `M` rows to `program`: `a` is M × K (row stride K), W is K × N
 * row-major, or with `transposed` the transpose of the N × K row-major weight; `c` is M × N (row stride N); byte
 * addresses.
 */
export function stepProduct(program: ProgramWriter, products: StepProducts, M: number, K: number, N: number, a: number, c: number, bias: number, transposed = false): void {
  if ('weight' in products) {
    program.sgemm(M, N, K, a, K, products.weight, transposed ? K : N, transposed, c, N, bias);
    return;
  }
  for (const block of products.packed) {
    program.gemm({
      m0: 0, m1: M, n0: block.n0, n1: block.n1, K, a, rsA: K * 4, csA: 4,
      b: 0, rsB: transposed ? 4 : N * 4, csB: transposed ? K * 4 : 4, c, ldc: N * 4, bias, scratch: products.work, packedB: block.at,
    });
  }
}

/**
 * Below this many batch rows, or this many flops in a call's recurrent products, a sequence runs on the calling
 * thread alone: a thread's share would be one or two 4-row GEMM tiles, or too little work to pay for copying its
 * rows to and from the workers' memory.
 */
const MIN_THREADED_ROWS = 8;
const MIN_THREADED_FLOPS = 16e6;

/**
 * Rows [r0, r1) of the batch for each thread, the caller's first: even shares of the rows' work (`weights[b]`, the
 * steps row b computes; the rows themselves when not given), at least 4 rows each (one GEMM tile); one share when
 * the call is too small to split or the workers are not up yet.
 */
export function rowShares(pool: Pick<ProgramPool, 'threads' | 'ready'> | undefined, B: number, flops: number, weights?: ArrayLike<number>): [number, number][] {
  const parts = pool === undefined ? 1 : Math.min(pool.threads, Math.floor(B / 4));
  if (parts < 2 || B < MIN_THREADED_ROWS || flops < MIN_THREADED_FLOPS || !(pool as ProgramPool).ready()) return [[0, B]];
  const even = (k: number): number => Math.round((B * k) / parts);
  let total = 0;
  if (weights !== undefined) for (let b = 0; b < B; b += 1) total += weights[b] as number;
  if (!(total > 0)) return Array.from({ length: parts }, (_, k): [number, number] => [even(k), even(k + 1)]);
  // Each boundary where the work before it first reaches its share, kept 4 rows from its neighbours and the ends.
  const bounds = [0];
  let sum = 0;
  let b = 0;
  for (let k = 1; k < parts; k += 1) {
    while (b < B && sum + (weights as ArrayLike<number>)[b]! / 2 < (total * k) / parts) sum += (weights as ArrayLike<number>)[b++]!;
    bounds.push(Math.min(Math.max(b, (bounds[k - 1] as number) + 4), B - 4 * (parts - k)));
  }
  bounds.push(B);
  return Array.from({ length: parts }, (_, k): [number, number] => [bounds[k] as number, bounds[k + 1] as number]);
}

/**
 * One array of a call: `blocks` consecutive `[B, width]` blocks (a thread uses rows [r0, r1) of each). `input`
 * and `output` name a tensor of tfjs's heap (copied in, resp. out, for the workers' rows); `scratch` is allocated
 * per call in each memory. `whole` inputs (a bias) are not split by rows: every thread reads all of them (a copy
 * with 8 floats of slack: the GEMM reads a bias 8 columns at a time).
 */
export type SequenceArray =
  | { readonly kind: 'input' | 'output'; readonly tensor: TensorInfo; readonly blocks: number; readonly width: number }
  | { readonly kind: 'scratch'; readonly blocks: number; readonly width: number }
  | { readonly kind: 'whole'; readonly tensor: TensorInfo; readonly floats: number };

/** A kernel call: its arrays by name, the recurrent weight to pack, its size and its program. */
export interface SequenceCall {
  readonly B: number;
  /** Flops of its recurrent products (decides whether to split it). */
  readonly flops: number;
  /** The work of each row (the steps it computes), where rows differ: the threads get even shares of it. */
  readonly rowWeights?: ArrayLike<number>;
  readonly arrays: Readonly<Record<string, SequenceArray | undefined>>;
  /** The B operand of every step's GEMM: element (k, j) at `tensor + k·rs + j·cs` (bytes), K × N. */
  readonly weight: { readonly tensor: TensorInfo; readonly rs: number; readonly cs: number; readonly K: number; readonly N: number };
  /**
   * The program of rows [r0, r1), given each array's address (0 for an absent one), the packed weight and the
   * thread's GEMM scratch in the memory it will run on. A row's calls are the same on every thread.
   */
  program(at: Readonly<Record<string, number>>, packed: readonly PackedBlock[], work: number, r0: number, r1: number): Int32Array;
  /**
   * The program of every row with its recurrent products on the host's BLAS library (`OP.sgemm`, the weight read
   * in place at `at.weight`), used where the engine has one (Node, `blasEngine`): it runs on the calling thread,
   * whose products the library spreads over its own threads. Absent: nlpkit's GEMM always.
   */
  blasProgram?(at: Readonly<Record<string, number>>): Int32Array;
}

/**
 * Copies rows [r0, r1) of `blocks` consecutive `[B, width]` blocks from `from` to `to` (float indices of the first
 * block's first row): one row of {@link copyRows} per block.
 */
function copyRowBlocks(from: Float32Array, fromAt: number, to: Float32Array, toAt: number, blocks: number, B: number, width: number, r0: number, r1: number): void {
  copyRows(from, fromAt + r0 * width, B * width, to, toAt + r0 * width, B * width, blocks, (r1 - r0) * width);
}

const floatsOf = (a: SequenceArray, B: number): number => (a.kind === 'whole' ? a.floats + TILE_COLS : a.blocks * B * a.width);

/**
 * The host BLAS's `sgemm` as a program's `OP.sgemm` on `memory` (byte addresses, row strides in floats; B transposed
 * when `transB` is 1): views taken at each call, the bias row (when not 0) written into C's rows first and the
 * product added with beta 1.
 */
function blasOp(sgemm: Blas['sgemm'], memory: WebAssembly.Memory): NonNullable<ProgramExports['sgemm']> {
  return (M, N, K, a, lda, b, ldb, transB, c, ldc, bias) => {
    const { buffer } = memory;
    const C = new Float32Array(buffer, c, (M - 1) * ldc + N);
    if (bias !== 0) {
      const row = new Float32Array(buffer, bias, N);
      for (let i = 0; i < M; i += 1) C.set(row, i * ldc);
    }
    const B = new Float32Array(buffer, b, transB === 1 ? (N - 1) * ldb + K : (K - 1) * ldb + N);
    sgemm(false, transB === 1, M, N, K, new Float32Array(buffer, a, (M - 1) * lda + K), lda, B, ldb, bias === 0 ? 0 : 1, C, ldc);
  };
}

/** Copies the `whole` arrays' tensors to their places on the heap (`heapAt`). */
function copyWholes(backend: WasmBackend, arrays: readonly (readonly [string, SequenceArray])[], heapAt: Readonly<Record<string, number>>): void {
  const heap = new Float32Array((heapMemory(backend) as WebAssembly.Memory).buffer);
  for (const [name, a] of arrays) {
    if (a.kind === 'whole') heap.copyWithin((heapAt[name] as number) >>> 2, offsetOf(backend, a.tensor) >>> 2, (offsetOf(backend, a.tensor) >>> 2) + a.floats);
  }
}

/** Runs `call` on tfjs's heap (and the GEMM's worker threads when it is worth it, or the host's BLAS). */
export function runSequence(state: SequenceState, backend: WasmBackend, call: SequenceCall): void {
  const { B } = call;
  const gemm = gemmFor(state, backend);
  const pointwise = wasmPointwiseExports(backend);
  const exports: ProgramExports = { ...pointwise, gemm: gemm.run };
  const engine = wasmGemmEngine(backend);
  const pool = engine.pool;
  const onBlas = engine.sgemm !== undefined && call.blasProgram !== undefined;
  const shares = onBlas ? [[0, B] as [number, number]] : rowShares(pool, B, call.flops, call.rowWeights);
  const names = Object.keys(call.arrays).filter((name) => call.arrays[name] !== undefined);
  const arrays = names.map((name) => [name, call.arrays[name] as SequenceArray] as const);
  const scratch = new Scratch(backend);
  try {
    // Heap addresses: tensors where tfjs keeps them; scratch and whole copies from the call's scratch.
    const heapAt: Record<string, number> = {};
    for (const [name, a] of arrays) heapAt[name] = a.kind === 'input' || a.kind === 'output' ? offsetOf(backend, a.tensor) : scratch.take(floatsOf(a, B) * 4);
    const { weight } = call;
    if (onBlas) {
      const words = (call.blasProgram as NonNullable<SequenceCall['blasProgram']>)({ ...heapAt, weight: offsetOf(backend, weight.tensor) });
      const at = scratch.take(words.byteLength);
      const memory = heapMemory(backend) as WebAssembly.Memory;
      new Int32Array(memory.buffer).set(words, at >>> 2);
      copyWholes(backend, arrays, heapAt);
      checkProgramRun(runProgram({ ...exports, sgemm: blasOp(engine.sgemm as Blas['sgemm'], memory) }, memory.buffer, at), at);
      return;
    }
    const packed = prepack(gemm, scratch, offsetOf(backend, weight.tensor), weight.rs, weight.cs, weight.K, weight.N);
    const work = scratch.take(SCRATCH_BYTES);
    const [own0, own1] = shares[0] as [number, number];
    const ownWords = call.program(heapAt, packed, work, own0, own1);
    const own = scratch.take(ownWords.byteLength);
    // Views after every allocation: the heap may have grown.
    const heap = new Float32Array((heapMemory(backend) as WebAssembly.Memory).buffer);
    new Int32Array(heap.buffer).set(ownWords, own >>> 2);
    copyWholes(backend, arrays, heapAt);
    const runOwn = (): void => checkProgramRun(runProgram(exports, (heapMemory(backend) as WebAssembly.Memory).buffer, own), own);
    if (pool === undefined || shares.length < 2) {
      runOwn();
      return;
    }
    // The workers' rows [r0, B), laid out as on the heap in the shared memory.
    const r0 = (shares[1] as [number, number])[0];
    const packedBytes = packed.reduce((n, b) => n + align(packedBBytes(weight.K, b.n1 - b.n0)), 0);
    const bytes = arrays.reduce((n, [, a]) => n + align(floatsOf(a, B) * 4), 0) + packedBytes + (shares.length - 1) * align(ownWords.byteLength);
    const area = new Bump(pool.area(bytes));
    const sharedAt: Record<string, number> = {};
    for (const [name, a] of arrays) sharedAt[name] = area.take(floatsOf(a, B) * 4);
    const shared = new Float32Array(pool.memory.buffer);
    for (const [name, a] of arrays) {
      const [from, to] = [(heapAt[name] as number) >>> 2, (sharedAt[name] as number) >>> 2];
      if (a.kind === 'input') copyRowBlocks(heap, from, shared, to, a.blocks, B, a.width, r0, B);
      else if (a.kind === 'whole') shared.set(heap.subarray(from, from + a.floats), to);
    }
    const sharedPacked = packed.map((b) => {
      const floats = packedBBytes(weight.K, b.n1 - b.n0) / 4;
      const at = area.take(floats * 4);
      shared.set(heap.subarray(b.at >>> 2, (b.at >>> 2) + floats), at >>> 2);
      return { n0: b.n0, n1: b.n1, at };
    });
    const sharedI32 = new Int32Array(pool.memory.buffer);
    const programs = shares.slice(1).map(([a, b], i) => {
      const slot = i + 1;
      const program = area.take(ownWords.byteLength);
      sharedI32.set(call.program(sharedAt, sharedPacked, pool.scratchOf(slot), a, b), program >>> 2);
      return { slot, program };
    });
    pool.run(programs, runOwn);
    const out = new Float32Array((heapMemory(backend) as WebAssembly.Memory).buffer);
    for (const [name, a] of arrays) {
      if (a.kind === 'output') copyRowBlocks(shared, (sharedAt[name] as number) >>> 2, out, (heapAt[name] as number) >>> 2, a.blocks, B, a.width, r0, B);
    }
  } finally {
    scratch.free();
  }
}
