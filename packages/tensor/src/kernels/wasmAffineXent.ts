import * as tf from '@tensorflow/tfjs-core';
import type { DataId, NamedAttrMap, NamedTensorInfoMap, Tensor, Tensor1D, Tensor2D, TensorInfo } from '@tensorflow/tfjs-core';
import { type Blas, sgemmWithBias } from './blasEngine.js';
import { heapMemory, offsetOf, type ProgramPool, type WasmBackend } from './wasmGemmEngine.js';
import { align, type PackB, packedBBytes, prepackColumns, SCRATCH_BYTES, type Share, TILE_COLS } from './wasmGemmPlan.js';
import { writeGeneration } from './inPlaceWrites.js';
import { SeenOperands } from './wasmPackedWeights.js';
import { copyRows } from './wasmGemmShared.js';
import { registerWasmGemm, wasmGemmEngine } from './wasmKernels.js';
import { checkTargets, registerWasmPointwise, wasmPointwiseExports } from './wasmPointwise.js';
import { checkProgramRun, type ProgramExports, ProgramWriter, runProgram } from './wasmProgram.js';
import { Bump, gemmFor, Scratch, type SequenceState } from './wasmSequence.js';
import { TINY } from './softmaxXent.js';

/**
 * The output layer and its softmax cross-entropy in one wasm kernel that never writes the logits: for each block
 * of {@link BLOCK_COLS} columns, the GEMM writes `x·w + b` of that block into a scratch block (800 KB for 400
 * rows, so it is read back from cache) and `xentBlock` (`wasmPointwise.wat`) reduces it to four numbers per row:
 * the block's max, its Σ exp(x − max), its Σ x and the target's logit if the target is in the block. The host
 * joins the blocks of a row in column order (log-sum-exp over blocks in float64) into the row's loss.
 *
 * Why: evaluating an LM (no gradient) wrote the `[N, V]` logits (16 MB for 400 × 10k), copied the worker's half
 * of them back to tfjs's heap, then took the loss on one thread (4 M exponentials, ~6.5 ms). Here each thread
 * reduces its own blocks where it computed them: on 2 threads the output layer and loss of Zaremba-small (400 ×
 * 200 × 10k) took 25-27 ms against 31-33 ms. On one thread it is no faster (the exponentials are the same
 * work), but it needs no `[N, V]` tensor.
 *
 * Threads: the GEMM's worker threads (`NLPKIT_WASM_THREADS`) take whole blocks, the caller the first ones; a
 * worker reads copies of `x`, the targets and its columns of `w` and `b` in the shared memory. A block's numbers
 * do not depend on the thread that computed it, and the host joins blocks in the same order: the same losses bit
 * for bit on any number of threads.
 *
 * Kept weights: from the second call on the same `w` (an LM evaluated segment after segment), its blocks stay
 * packed between calls, the caller's on tfjs's heap and the workers' in their shared memory, so a call neither
 * packs `w` nor copies the workers' columns (4 MB of a 200 × 10k layer) again. At batch 1 (35 rows a call) that
 * copy and packing took longer than the product.
 */
const AFFINE_XENT = 'NlpkitWasmAffineXent';

/** Columns of one block: a multiple of the GEMM's 8-column tile, within one of its column blocks. */
export const BLOCK_COLS = 512;
/** Bytes of a block's statistics per row: max, Σ exp(x − max), Σ x, x_target (float64 each). */
const STAT_BYTES = 32;
/** Below this many flops (2·N·K·V) the caller computes alone (as the GEMM's own threshold). */
const MIN_THREADED_FLOPS = 16e6;
const LOG_TINY = Math.log(TINY);

/** Blocks [b0, b1) for each thread, the caller's first; one share when the call is small or the workers are not up. */
function blockShares(pool: ProgramPool | undefined, blocks: number, flops: number): [number, number][] {
  const parts = pool === undefined ? 1 : Math.min(pool.threads, blocks);
  if (parts < 2 || flops < MIN_THREADED_FLOPS || !(pool as ProgramPool).ready()) return [[0, blocks]];
  return Array.from({ length: parts }, (_, k): [number, number] => [Math.round((blocks * k) / parts), Math.round((blocks * (k + 1)) / parts)]);
}

/** Bytes of packed blocks kept on the heap at once (one weight: the last one evaluated twice). */
const MAX_KEPT_BYTES = 32 * 2 ** 20;

/** The caller's blocks of one weight, packed on the heap (`raw` is the allocation to free). */
interface KeptBlocks {
  readonly backend: WasmBackend;
  readonly id: DataId;
  readonly key: string;
  readonly raw: number;
  readonly at: readonly number[];
}

/** The kernel's state: its GEMM instance, the weights seen, the caller's kept blocks, and counts of kept use. */
interface AffineXentState extends SequenceState {
  readonly seen: SeenOperands;
  kept: KeptBlocks | undefined;
  readonly stats: { calls: number; callerKept: number; workersKept: number };
}

let kernelState: AffineXentState | undefined;

/**
 * Calls of the kernel so far, and how many of them read the caller's blocks of `w` kept packed on the heap, and the
 * workers' kept in the shared memory (for tests: keeping must not change a loss).
 */
export function wasmAffineXentStats(): { calls: number; callerKept: number; workersKept: number } {
  return { ...(kernelState?.stats ?? { calls: 0, callerKept: 0, workersKept: 0 }) };
}

/** Columns [j0, j1) of each of blocks [b0, b1). */
const blockRanges = (V: number, b0: number, b1: number): Pick<Share, 'n0' | 'n1'>[] =>
  Array.from({ length: b1 - b0 }, (_, i) => ({ n0: (b0 + i) * BLOCK_COLS, n1: Math.min(V, (b0 + i + 1) * BLOCK_COLS) }));

/**
 * Addresses of blocks [b0, b1) of `w` (K × V at heap byte `wAt`) each packed for `gemm`'s prepacked mode, kept on
 * the heap under w's DataId and `key` (replacing the weight kept before); undefined past {@link MAX_KEPT_BYTES}.
 */
function keptBlocks(state: AffineXentState, backend: WasmBackend, packB: PackB, w: TensorInfo, K: number, V: number, b0: number, b1: number, key: string): readonly number[] | undefined {
  const kept = state.kept;
  if (kept !== undefined && kept.backend === backend && kept.id === w.dataId && kept.key === key) return kept.at;
  if (kept !== undefined) {
    if (kept.backend === backend) backend.wasm._free(kept.raw);
    state.kept = undefined;
  }
  const ranges = blockRanges(V, b0, b1);
  const sizes = ranges.map((r) => align(packedBBytes(K, r.n1 - r.n0)));
  const bytes = sizes.reduce((a, c) => a + c, 0);
  if (bytes > MAX_KEPT_BYTES) return undefined;
  const raw = backend.wasm._malloc(bytes + 64) >>> 0;
  let top = align(raw);
  const wAt = offsetOf(backend, w); // after the malloc: an offset, which growing the heap does not move
  const at = ranges.map((r, i) => {
    const here = top;
    prepackColumns(packB, wAt + r.n0 * 4, V * 4, 4, K, r.n1 - r.n0, here);
    top += sizes[i] as number;
    return here;
  });
  state.kept = { backend, id: w.dataId, key, raw, at };
  return at;
}

/** Where one thread's operands lie in the memory it runs on (bytes); `w` and `bias` start at column `col0`. */
interface ThreadArrays {
  readonly x: number;
  readonly w: number;
  /** Row stride of `w` in bytes. */
  readonly rsW: number;
  readonly bias: number;
  readonly targets: number;
  readonly stats: number;
  readonly logits: number;
  readonly work: number;
  readonly col0: number;
}

/**
 * The calls of blocks [b0, b1): per block a GEMM into the scratch block, then its statistics. `packed`: where each
 * block of `w` is kept packed (then `at.w` is not read).
 */
function blockProgram(at: ThreadArrays, N: number, K: number, V: number, b0: number, b1: number, packed?: readonly number[]): Int32Array {
  const writer = new ProgramWriter();
  for (let b = b0; b < b1; b += 1) {
    const j0 = b * BLOCK_COLS;
    const cols = Math.min(BLOCK_COLS, V - j0);
    const col = j0 - at.col0;
    writer.gemm({
      m0: 0, m1: N, n0: 0, n1: cols, K,
      a: at.x, rsA: K * 4, csA: 4,
      b: at.w + col * 4, rsB: at.rsW, csB: 4,
      c: at.logits, ldc: cols * 4, bias: at.bias + col * 4,
      scratch: at.work,
      ...(packed === undefined ? {} : { packedB: packed[b - b0] as number }),
    });
    writer.xentBlock(at.logits, N, cols, at.targets, j0, at.stats + (b - b0) * N * STAT_BYTES);
  }
  return writer.words();
}

/**
 * x [N, K], w [K, V], bias [V], int32 targets [N] → per row, −log p_target (floored at log 1e-38, as
 * the unfused loss) and mean_j log p_j, each [N].
 */
function affineXent(state: AffineXentState, inputs: NamedTensorInfoMap, backend: WasmBackend): TensorInfo[] {
  const { x, w, bias, targets } = inputs as { x: TensorInfo; w: TensorInfo; bias: TensorInfo; targets: TensorInfo };
  const [N, K] = x.shape as [number, number];
  const V = (w.shape as [number, number])[1];
  checkTargets(backend, targets, N, V);
  const nll = backend.makeOutput([N], 'float32');
  const meanLogP = backend.makeOutput([N], 'float32');
  if (N === 0) return [nll, meanLogP];
  const engine = wasmGemmEngine(backend);
  if (engine.sgemm !== undefined) {
    onBlas(state, engine.sgemm, engine.pool, backend, { x, w, bias, targets, nll, meanLogP });
    return [nll, meanLogP];
  }
  const gemm = gemmFor(state, backend);
  const exports: ProgramExports = { ...wasmPointwiseExports(backend), gemm: gemm.run };
  const pool = engine.pool;
  const blocks = Math.ceil(V / BLOCK_COLS);
  const shares = blockShares(pool, blocks, 2 * N * K * V);
  // The second call on this weight with the same split: keep its blocks packed from now on.
  const key = `${K}x${V}:${shares.map(([a, b]) => `${a}-${b}`).join(',')}@${writeGeneration(w.dataId)}`;
  const keep = state.seen.again(w.dataId, key);
  const scratch = new Scratch(backend);
  try {
    const [own0, own1] = shares[0] as [number, number];
    const ownCols = Math.min(V, own1 * BLOCK_COLS);
    // Every heap allocation first (the heap may grow), then views.
    const ownPacked = keep ? keptBlocks(state, backend, gemm.packB, w, K, V, own0, own1, key) : undefined;
    const biasAt = scratch.take((ownCols + TILE_COLS) * 4); // slack: edge tiles read 8 bias floats
    const heapArrays: ThreadArrays = {
      x: offsetOf(backend, x), w: offsetOf(backend, w), rsW: V * 4, bias: biasAt, targets: offsetOf(backend, targets),
      stats: scratch.take((own1 - own0) * N * STAT_BYTES), logits: scratch.take(N * BLOCK_COLS * 4), work: scratch.take(SCRATCH_BYTES), col0: 0,
    };
    const ownWords = blockProgram(heapArrays, N, K, V, own0, own1, ownPacked);
    state.stats.calls += 1;
    if (ownPacked !== undefined) state.stats.callerKept += 1;
    const own = scratch.take(ownWords.byteLength);
    const heap = (heapMemory(backend) as WebAssembly.Memory).buffer;
    new Int32Array(heap).set(ownWords, own >>> 2);
    new Float32Array(heap).copyWithin(biasAt >>> 2, offsetOf(backend, bias) >>> 2, (offsetOf(backend, bias) >>> 2) + ownCols);
    const runOwn = (): void => checkProgramRun(runProgram(exports, (heapMemory(backend) as WebAssembly.Memory).buffer, own), own);
    // Each block's statistics: the memory and byte address of its first row.
    const statsOf: { buffer: () => ArrayBufferLike; at: number }[] = [];
    for (let b = own0; b < own1; b += 1) statsOf.push({ buffer: () => (heapMemory(backend) as WebAssembly.Memory).buffer, at: heapArrays.stats + (b - own0) * N * STAT_BYTES });
    if (pool === undefined || shares.length < 2) runOwn();
    else {
      const workers = shares.slice(1);
      // The workers' blocks of w kept packed in the shared memory (before `area`, which goes after them).
      const first = (workers[0] as [number, number])[0];
      const theirPacked = keep ? pool.keepColumns(w, K, V, blockRanges(V, first, blocks), key) : undefined;
      if (theirPacked !== undefined) state.stats.workersKept += 1;
      const bytes = workers.reduce((n, [b0, b1]) => {
        const band = Math.min(V, b1 * BLOCK_COLS) - b0 * BLOCK_COLS;
        return n + 64 * 8 + ((theirPacked === undefined ? K * band : 0) + band + TILE_COLS + N * BLOCK_COLS) * 4 + (b1 - b0) * N * STAT_BYTES + (b1 - b0) * 40 * 4;
      }, 64 * 4 + (N * K + N) * 4);
      const area = new Bump(pool.area(bytes));
      const shared = new Float32Array(pool.memory.buffer);
      const src = new Float32Array((heapMemory(backend) as WebAssembly.Memory).buffer);
      const xAt = area.take(N * K * 4);
      shared.set(src.subarray(offsetOf(backend, x) >>> 2, (offsetOf(backend, x) >>> 2) + N * K), xAt >>> 2);
      const targetsAt = area.take(N * 4);
      new Int32Array(pool.memory.buffer).set(new Int32Array(src.buffer, offsetOf(backend, targets), N), targetsAt >>> 2);
      const programs = workers.map(([b0, b1], i) => {
        const slot = i + 1;
        const col0 = b0 * BLOCK_COLS;
        const band = Math.min(V, b1 * BLOCK_COLS) - col0;
        const packed = theirPacked?.slice(b0 - first, b1 - first);
        const wAt = packed === undefined ? area.take(K * band * 4) : 0;
        if (packed === undefined) copyRows(src, (offsetOf(backend, w) >>> 2) + col0, V, shared, wAt >>> 2, band, K, band);
        const biasBand = area.take((band + TILE_COLS) * 4);
        shared.set(src.subarray((offsetOf(backend, bias) >>> 2) + col0, (offsetOf(backend, bias) >>> 2) + col0 + band), biasBand >>> 2);
        const arrays: ThreadArrays = {
          x: xAt, w: wAt, rsW: band * 4, bias: biasBand, targets: targetsAt,
          stats: area.take((b1 - b0) * N * STAT_BYTES), logits: area.take(N * BLOCK_COLS * 4), work: pool.scratchOf(slot), col0,
        };
        for (let b = b0; b < b1; b += 1) statsOf.push({ buffer: () => pool.memory.buffer, at: arrays.stats + (b - b0) * N * STAT_BYTES });
        const words = blockProgram(arrays, N, K, V, b0, b1, packed);
        const program = area.take(words.byteLength);
        new Int32Array(pool.memory.buffer).set(words, program >>> 2);
        return { slot, program };
      });
      pool.run(programs, runOwn);
    }
    // Join each row's blocks in column order: lse = M + log Σ_b s_b·exp(m_b − M).
    const views = statsOf.map((s) => new Float64Array(s.buffer(), s.at, N * 4));
    const out = (heapMemory(backend) as WebAssembly.Memory).buffer;
    const nllView = new Float32Array(out, offsetOf(backend, nll), N);
    const meanView = new Float32Array(out, offsetOf(backend, meanLogP), N);
    const t = new Int32Array(out, offsetOf(backend, targets), N);
    for (let i = 0; i < N; i += 1) {
      let max = -Infinity;
      for (const v of views) max = Math.max(max, v[4 * i] as number);
      let sum = 0;
      let total = 0;
      for (const v of views) {
        sum += (v[4 * i + 1] as number) * Math.exp((v[4 * i] as number) - max);
        total += v[4 * i + 2] as number;
      }
      const lse = max + Math.log(sum);
      const target = t[i] as number;
      const xt = (views[Math.floor(target / BLOCK_COLS)] as Float64Array)[4 * i + 3] as number;
      nllView[i] = -Math.max(xt - lse, LOG_TINY);
      meanView[i] = total / V - lse;
    }
    return [nll, meanLogP];
  } finally {
    scratch.free();
  }
}

/**
 * The kernel where the products run on a BLAS library (`blasEngine`): the logits `x·w + b` of each thread's rows are
 * written by one `sgemm` call where that thread reads them — the caller's rows into scratch on tfjs's heap, the
 * workers' into their shared memory (no copy of the logits either way) — and each thread reduces its rows whole
 * (`xentBlock` over all V columns): max, Σ exp(x − max), Σ x and the target's logit. Rows are split between the
 * threads, each row computed by one thread in the same order, so the losses are the same bit for bit on any number
 * of threads. The logits of a call are written once (16 MB for 400 × 10k), against none in the WebAssembly path,
 * but the library's product is ~3× faster on an AVX-512 core.
 */
function onBlas(
  state: AffineXentState,
  sgemm: Blas['sgemm'],
  pool: ProgramPool | undefined,
  backend: WasmBackend,
  t: { x: TensorInfo; w: TensorInfo; bias: TensorInfo; targets: TensorInfo; nll: TensorInfo; meanLogP: TensorInfo },
): void {
  const [N, K] = t.x.shape as [number, number];
  const V = (t.w.shape as [number, number])[1];
  const parts = pool === undefined || 2 * N * K * V < MIN_THREADED_FLOPS || !pool.ready() ? 1 : Math.min(pool.threads, N);
  // Rows [bounds[k], bounds[k + 1]) for thread k, the caller's first.
  const bounds = Array.from({ length: parts + 1 }, (_, k) => Math.round((N * k) / parts));
  const own = bounds[1] as number;
  const heapOf = (): ArrayBufferLike => (heapMemory(backend) as WebAssembly.Memory).buffer;
  const scratch = new Scratch(backend);
  try {
    // Heap allocations first (the heap may grow), views after.
    const ownLogits = scratch.take(own * V * 4);
    const ownStats = scratch.take(own * STAT_BYTES);
    const exports = wasmPointwiseExports(backend);
    /** Logits of rows [r0, r1) into `into` (a view of the memory the thread reads): bias rows, then x·w added. */
    const logits = (into: Float32Array, r0: number, r1: number): void => {
      const heap = heapOf();
      const x = new Float32Array(heap, offsetOf(backend, t.x) + r0 * K * 4, (r1 - r0) * K);
      const w = new Float32Array(heap, offsetOf(backend, t.w), K * V);
      sgemmWithBias(sgemm, false, false, r1 - r0, V, K, x, w, new Float32Array(heap, offsetOf(backend, t.bias), V), into);
    };
    const statsOf: { buffer: () => ArrayBufferLike; at: number; rows: number }[] = [{ buffer: heapOf, at: ownStats, rows: own }];
    if (parts > 1) {
      const p = pool as ProgramPool;
      const rest = N - own;
      const area = new Bump(p.area(rest * V * 4 + rest * 4 + rest * STAT_BYTES + (parts - 1) * 64 + 64 * 8));
      const logitsAt = area.take(rest * V * 4);
      const targetsAt = area.take(rest * 4);
      const statsAt = area.take(rest * STAT_BYTES);
      new Int32Array(p.memory.buffer).set(new Int32Array(heapOf(), offsetOf(backend, t.targets) + own * 4, rest), targetsAt >>> 2);
      logits(new Float32Array(p.memory.buffer, logitsAt, rest * V), own, N);
      const programs = bounds.slice(1, -1).map((r0, i) => {
        const r1 = bounds[i + 2] as number;
        const writer = new ProgramWriter();
        writer.xentBlock(logitsAt + (r0 - own) * V * 4, r1 - r0, V, targetsAt + (r0 - own) * 4, 0, statsAt + (r0 - own) * STAT_BYTES);
        const words = writer.words();
        const program = area.take(words.byteLength);
        new Int32Array(p.memory.buffer).set(words, program >>> 2);
        return { slot: i + 1, program };
      });
      statsOf.push({ buffer: () => p.memory.buffer, at: statsAt, rows: rest });
      logits(new Float32Array(heapOf(), ownLogits, own * V), 0, own);
      p.run(programs, () => exports.xentBlock(ownLogits, own, V, offsetOf(backend, t.targets), 0, ownStats));
    } else {
      logits(new Float32Array(heapOf(), ownLogits, own * V), 0, own);
      exports.xentBlock(ownLogits, own, V, offsetOf(backend, t.targets), 0, ownStats);
    }
    state.stats.calls += 1;
    const heap = heapOf();
    const nllView = new Float32Array(heap, offsetOf(backend, t.nll), N);
    const meanView = new Float32Array(heap, offsetOf(backend, t.meanLogP), N);
    let row = 0;
    for (const s of statsOf) {
      const v = new Float64Array(s.buffer(), s.at, s.rows * 4);
      for (let i = 0; i < s.rows; i += 1, row += 1) {
        const lse = (v[4 * i] as number) + Math.log(v[4 * i + 1] as number);
        nllView[row] = -Math.max((v[4 * i + 3] as number) - lse, LOG_TINY);
        meanView[row] = (v[4 * i + 2] as number) / V - lse;
      }
    }
  } finally {
    scratch.free();
  }
}

/** Registers the kernel for wasm unless it is (on first use, never at import time). */
function registered(): void {
  if (tf.getKernel(AFFINE_XENT, 'wasm') !== undefined) return;
  const state: AffineXentState = {
    backend: undefined, module: undefined, gemm: undefined, seen: new SeenOperands(), kept: undefined, stats: { calls: 0, callerKept: 0, workersKept: 0 },
  };
  kernelState = state;
  tf.registerKernel({
    kernelName: AFFINE_XENT,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend }: { inputs: NamedTensorInfoMap; backend: unknown; attrs?: NamedAttrMap }) => affineXent(state, inputs, backend as WasmBackend),
  });
}

/** True when {@link wasmAffineXent} can run: wasm with a reachable heap, nlpkit's GEMM and elementwise kernels on. */
export function affineXentKernelOn(): boolean {
  return registerWasmGemm() && registerWasmPointwise();
}

/**
 * Per row of `x·w + bias` (x `[N, K]`, w `[K, V]`, bias `[V]`, float32) against int32 `targets: [N]`:
 * `−log p_target` (floored at log 1e-38) and `mean_j log p_j`, each `[N]`, without writing the logits; no gradient.
 */
export function wasmAffineXent(x: Tensor2D, w: Tensor2D, bias: Tensor1D, targets: Tensor1D): [Tensor1D, Tensor1D] {
  registered();
  const inputs: Record<string, Tensor> = { x, w, bias, targets };
  return tf.engine().runKernel(AFFINE_XENT, inputs) as unknown as [Tensor1D, Tensor1D];
}
