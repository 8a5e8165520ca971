import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, NamedAttrMap, NamedTensorInfoMap, Tensor, Tensor1D, Tensor2D, Tensor3D, TensorInfo } from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from '@nlpkit/core';
import { PKG } from '../errors.js';
import { heapMemory, offsetOf, type WasmBackend } from './wasmGemmEngine.js';
import { registerWasmGemm, wasmGemmEngine } from './wasmKernels.js';
import { ProgramWriter } from './wasmProgram.js';
import { Bump } from './wasmSequence.js';
import { WASM_POINTWISE } from './wasmPointwiseBytes.js';
import { TINY } from './softmaxXent.js';
import { noteWrittenInPlace, type WasmTensorRegistry } from './inPlaceWrites.js';
import { forgetRowSupport, rowSupportOf, setRowSupport } from './rowSupport.js';

/**
 * nlpkit's elementwise kernels for tfjs-backend-wasm (`wasmPointwise.wat`, WebAssembly SIMD), under names of our
 * own so only nlpkit's ops use them: the softmax cross-entropy of an LM's `[N, V]` logits, forward and gradient,
 * the column sum that is `affine`'s bias gradient, a decoder step's additive attention, GRU gates and
 * log-softmax (no gradient), and a row gather (embedding lookups: tfjs's GatherV2 took
 * ~10 ms for 700 rows of 200 floats). They run in place on tfjs's heap, one pass each.
 *
 * Why: on wasm the loss of a 700 × 10k batch took tfjs's Softmax plus a one-hot, cast, subtract and multiply
 * (~30 ms and six full passes over 28 MB per step), and the bias gradient a GEMM with a row of ones (~9 ms, a
 * quarter of its 4 × 8 tiles used). Here the forward pass reads the logits twice and writes exp(x − max) once;
 * the gradient reads that once and writes once; log-sum-exp and the loss per row are taken on the host in float64.
 */
const XENT = 'NlpkitWasmSoftmaxXent';
const XENT_GRAD = 'NlpkitWasmSoftmaxXentGrad';
const COLUMN_SUM = 'NlpkitWasmColumnSum';
const GATHER_ROWS = 'NlpkitWasmGatherRows';
const ADDITIVE_ATTENTION = 'NlpkitWasmAdditiveAttention';
const ADDITIVE_ATTENTION_GRAD = 'NlpkitWasmAdditiveAttentionGrad';
const LOG_SOFTMAX = 'NlpkitWasmLogSoftmax';
const TANH = 'NlpkitWasmTanh';
const ADAM_STEP = 'NlpkitWasmAdamStep';
const GLOBAL_NORM = 'NlpkitWasmGlobalNorm';
const SCATTER_ROWS = 'NlpkitWasmScatterRows';
const MAX_OVER_STEPS = 'NlpkitWasmMaxOverSteps';
const MAX_OVER_STEPS_GRAD = 'NlpkitWasmMaxOverStepsGrad';
const GRU_CELL = 'NlpkitWasmGruCell';
const GRU_CELL_GRAD = 'NlpkitWasmGruCellGrad';
const LOG_TINY = Math.log(TINY);

/** The exports of `wasmPointwise.wat` (byte addresses in tfjs-backend-wasm's heap; 0 for an absent operand). */
export interface PointwiseExports {
  sgdStep(p: number, g: number, n: number, lr: number, scale: number, pOut: number): void;
  tanh(x: number, n: number, out: number): void;
  xentForward(x: number, N: number, V: number, e: number, stats: number): void;
  xentGrad(e: number, coef: number, N: number, V: number, out: number): void;
  xentBlock(x: number, rows: number, cols: number, targets: number, j0: number, stats: number): void;
  columnSum(x: number, rows: number, cols: number, out: number): void;
  lstmForward(xp: number, hw: number, hPrev: number, cPrev: number, mask: number, hNext: number, cNext: number, y: number, acts: number, B: number, H: number): void;
  lstmBackward(dhA: number, dhB: number, dy: number, dcIn: number, acts: number, cPrev: number, mask: number, dGate: number, dcOut: number, dhCarry: number, B: number, H: number): void;
  gruForward(xp: number, hw: number, hPrev: number, mask: number, hNext: number, y: number, acts: number, B: number, H: number): void;
  gruBackward(dhA: number, dhB: number, dy: number, acts: number, hPrev: number, mask: number, dX: number, dHH: number, dhOut: number, B: number, H: number): void;
  gatherRows(table: number, ids: number, n: number, rowBytes: number, out: number): void;
  additiveAttention(keys: number, q: number, v: number, mask: number, values: number, B: number, S: number, A: number, H: number, weights: number, context: number, rows: number): void;
  additiveAttentionGrad(keys: number, values: number, q: number, v: number, a: number, dc: number, B: number, S: number, A: number, H: number, dq: number, dKeys: number, dv: number): void;
  rowMaxExpSum(x: number, N: number, V: number, stats: number): void;
  shiftRows(x: number, N: number, V: number, shifts: number, out: number): void;
  adamStep(p: number, g: number, m: number, v: number, n: number, b1: number, b1c: number, b2: number, b2c: number, c1: number, c2: number, eps: number, lr: number, scale: number, pOut: number, mOut: number, vOut: number): void;
  sumSquares(x: number, n: number): number;
  scatterAddRows(src: number, ids: number, n: number, D: number, out: number): void;
  maxOfRows(x: number, rows: number, H: number, out: number): void;
}

/** What the registered kernels keep: on the softmax kernel's KernelConfig in tfjs's registry, not in this module. */
interface PointwiseState {
  module: WebAssembly.Module | undefined;
  backend: WasmBackend | undefined;
  exports: PointwiseExports | undefined;
  enabled: boolean | undefined;
}

type PointwiseKernelConfig = KernelConfig & { readonly nlpkitPointwise: PointwiseState };

const decode = (base64: string): Uint8Array<ArrayBuffer> => Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));

/** The module instantiated on this backend's heap (compiled once, instantiated again for a new backend). */
function exportsFor(state: PointwiseState, backend: WasmBackend): PointwiseExports {
  if (state.exports !== undefined && state.backend === backend) return state.exports;
  state.module ??= new WebAssembly.Module(decode(WASM_POINTWISE));
  const instance = new WebAssembly.Instance(state.module, { env: { memory: heapMemory(backend) as WebAssembly.Memory } });
  state.backend = backend;
  state.exports = instance.exports as unknown as PointwiseExports;
  return state.exports;
}

/** Throws unless every target is a column of the logits (before anything is allocated). */
export function checkTargets(backend: WasmBackend, targets: TensorInfo, N: number, V: number): Int32Array {
  const t = new Int32Array((heapMemory(backend) as WebAssembly.Memory).buffer, offsetOf(backend, targets), N);
  for (let i = 0; i < N; i += 1) {
    const v = t[i] as number;
    if (!(v >= 0 && v < V)) {
      throw new InvalidArgumentError({ package: PKG, argument: 'targets', expected: `token ids from 0 to ${V - 1}`, foundText: `${v} at row ${i}` });
    }
  }
  return t;
}

/** Below this many logits (N·V) the softmax forward runs on the calling thread alone (~3.5 ms at this size). */
const MIN_THREADED_LOGITS = 1 << 20;

const xentCounts = { calls: 0, threaded: 0 };

/** Softmax cross-entropy forward passes so far, and how many split their rows between threads (for tests). */
export function wasmSoftmaxXentStats(): { calls: number; threaded: number } {
  return { ...xentCounts };
}

/**
 * `xentForward` of logits [N, V] at heap byte `x` into `e` and `stats` (3 float64 per row), its rows split between
 * the GEMM's threads when they are up and the logits are many: the caller computes its rows in place on tfjs's
 * heap while each worker computes a copy of its rows in the shared memory (exp in place over the copy), which the
 * caller copies back. Each row is computed whole by one thread with the same code, so `e` and the statistics are
 * the same bit for bit on any number of threads.
 *
 * Why: the forward pass is bound by its exponentials (a 700 × 10k batch took 24.5 ms on one thread, where
 * PyTorch's takes 9.3 ms on two); the copies are two passes over memory the workers' rows would cost anyway.
 * The gradient (`xentGrad`) is one streaming pass over memory: copies would cost as much as it, so it stays on
 * one thread.
 */
function xentForwardRows(backend: WasmBackend, wasm: PointwiseExports, x: number, N: number, V: number, e: number, statsAt: number): void {
  const pool = N >= 2 && N * V >= MIN_THREADED_LOGITS && registerWasmGemm() ? wasmGemmEngine(backend).pool : undefined;
  xentCounts.calls += 1;
  if (pool === undefined || !pool.ready()) {
    wasm.xentForward(x, N, V, e, statsAt);
    return;
  }
  xentCounts.threaded += 1;
  const parts = Math.min(pool.threads, N);
  const bounds = Array.from({ length: parts + 1 }, (_, k) => Math.round((N * k) / parts));
  const own = bounds[1] as number;
  const rest = N - own;
  const area = new Bump(pool.area(rest * V * 4 + rest * 24 + 64 * (parts + 4)));
  const rowsAt = area.take(rest * V * 4);
  const restStats = area.take(rest * 24);
  const programs = bounds.slice(1, -1).map((r0, i) => {
    const r1 = bounds[i + 2] as number;
    const writer = new ProgramWriter();
    const at = rowsAt + (r0 - own) * V * 4;
    writer.xentForward(at, r1 - r0, V, at, restStats + (r0 - own) * 24);
    const words = writer.words();
    const program = area.take(words.byteLength);
    new Int32Array(pool.memory.buffer).set(words, program >>> 2);
    return { slot: i + 1, program };
  });
  const heap = (): ArrayBuffer => (heapMemory(backend) as WebAssembly.Memory).buffer as ArrayBuffer;
  new Float32Array(pool.memory.buffer, rowsAt, rest * V).set(new Float32Array(heap(), x + own * V * 4, rest * V));
  pool.run(programs, () => wasm.xentForward(x, own, V, e, statsAt));
  new Float32Array(heap(), e + own * V * 4, rest * V).set(new Float32Array(pool.memory.buffer, rowsAt, rest * V));
  new Float64Array(heap(), statsAt + own * 24, rest * 3).set(new Float64Array(pool.memory.buffer, restStats, rest * 3));
}

/** Below this much tanh work (rows · positions · A) an attention step runs on the calling thread alone. */
const MIN_THREADED_ATTENTION = 1 << 20;

const attentionCounts = { calls: 0, threaded: 0 };

/** Additive-attention steps so far, and how many split their rows between threads (for tests). */
export function wasmAttentionStats(): { calls: number; threaded: number } {
  return { ...attentionCounts };
}

/**
 * `additiveAttention` of B query rows into `weights` and `context` (heap byte addresses), the rows split between the
 * GEMM's threads when they are up and the work is large (a beam search's 160 rows over 20 positions of 512): the
 * caller computes its rows in place on tfjs's heap; each worker computes its rows in the shared memory, reading the
 * keys, values and mask from copies kept there under their DataIds (a decoder passes the same memory every step,
 * `rows` saying which memory row each query row reads), and the caller copies their weights and contexts back.
 * Each row is computed whole by one thread with the same code: the same numbers on any number of threads.
 *
 * Why: the step is bound by its tanh (B·S·A of them); PyTorch runs its on two threads, 16 lanes wide.
 */
function attentionRows(
  backend: WasmBackend,
  wasm: PointwiseExports,
  t: { keys: TensorInfo; values: TensorInfo; mask: TensorInfo; query: TensorInfo; v: TensorInfo; rows: TensorInfo | undefined },
  B: number,
  S: number,
  A: number,
  H: number,
  weights: number,
  context: number,
): void {
  const at = (x: TensorInfo | undefined): number => (x === undefined ? 0 : offsetOf(backend, x));
  const own = (count: number): void =>
    wasm.additiveAttention(at(t.keys), at(t.query), at(t.v), at(t.mask), at(t.values), count, S, A, H, weights, context, at(t.rows));
  attentionCounts.calls += 1;
  const pool = B >= 8 && B * S * A >= MIN_THREADED_ATTENTION && registerWasmGemm() ? wasmGemmEngine(backend).pool : undefined;
  const kept = pool !== undefined && pool.ready() ? pool.keepTensors([t.keys, t.values, t.mask]) : undefined;
  if (pool === undefined || kept === undefined) {
    own(B);
    return;
  }
  attentionCounts.threaded += 1;
  const [keysAt, valuesAt, maskAt] = kept as [number, number, number];
  const parts = Math.min(pool.threads, B);
  const bounds = Array.from({ length: parts + 1 }, (_, k) => Math.round((B * k) / parts));
  const mine = bounds[1] as number;
  const rest = B - mine;
  const area = new Bump(pool.area(rest * (A + S + H + 1) * 4 + A * 4 + 64 * (parts + 8)));
  const [qAt, vAt, rowsAt, weightsAt, contextAt] = [area.take(rest * A * 4), area.take(A * 4), area.take(rest * 4), area.take(rest * S * 4), area.take(rest * H * 4)];
  const heap = (): ArrayBuffer => (heapMemory(backend) as WebAssembly.Memory).buffer as ArrayBuffer;
  const shared = pool.memory.buffer;
  new Float32Array(shared, qAt, rest * A).set(new Float32Array(heap(), at(t.query) + mine * A * 4, rest * A));
  new Float32Array(shared, vAt, A).set(new Float32Array(heap(), at(t.v), A));
  const memoryRows = new Int32Array(shared, rowsAt, rest);
  if (t.rows === undefined) memoryRows.forEach((_, i) => (memoryRows[i] = mine + i));
  else memoryRows.set(new Int32Array(heap(), at(t.rows) + mine * 4, rest));
  const programs = bounds.slice(1, -1).map((r0, i) => {
    const r1 = bounds[i + 2] as number;
    const k = r0 - mine;
    const writer = new ProgramWriter();
    writer.attention(keysAt, qAt + k * A * 4, vAt, maskAt, valuesAt, r1 - r0, S, A, H, weightsAt + k * S * 4, contextAt + k * H * 4, rowsAt + k * 4);
    const words = writer.words();
    const program = area.take(words.byteLength);
    new Int32Array(pool.memory.buffer).set(words, program >>> 2);
    return { slot: i + 1, program };
  });
  pool.run(programs, () => own(mine));
  new Float32Array(heap(), weights + mine * S * 4, rest * S).set(new Float32Array(pool.memory.buffer, weightsAt, rest * S));
  new Float32Array(heap(), context + mine * H * 4, rest * H).set(new Float32Array(pool.memory.buffer, contextAt, rest * H));
}

type Kernel = (state: PointwiseState, inputs: NamedTensorInfoMap, backend: WasmBackend, attrs: NamedAttrMap) => TensorInfo | TensorInfo[];

/**
 * The `n` int32 ids of `ids` (a view of the heap), checked to be row numbers of a `V`-row table, with the wording of
 * tfjs's own gather ("index value 12 is not in [0, 9]"), which callers may already map.
 */
function checkRowIds(backend: WasmBackend, ids: TensorInfo, n: number, V: number, argument = 'ids'): Int32Array {
  const idv = new Int32Array((heapMemory(backend) as WebAssembly.Memory).buffer, offsetOf(backend, ids), n);
  for (let i = 0; i < n; i += 1) {
    const v = idv[i] as number;
    if (!(v >= 0 && v < V)) {
      throw new InvalidArgumentError({ package: PKG, argument, expected: `row numbers from 0 to ${V - 1}`, foundText: `index value ${v} is not in [0, ${V - 1}] (at ${i})` });
    }
  }
  return idv;
}

/** The constants of one Adam update (`adamStep`'s coefficients, the gradient scale resolved). */
type AdamAttrs = { readonly beta1: number; readonly beta2: number; readonly epsilon: number; readonly lr: number; readonly gradScale: number };

/**
 * `adamStep` of `wasmPointwise.wat` over p, g, m, v with the bias corrections c1, c2 (float32 scalars, read in
 * place), writing `outs` (p', m', v'): fresh outputs, or p, m and v themselves for the in-place update.
 */
function runAdamStep(
  state: PointwiseState, backend: WasmBackend, [p, g, m, v, c1, c2]: readonly TensorInfo[], attrs: AdamAttrs, outs: readonly [TensorInfo, TensorInfo, TensorInfo],
): void {
  // The scalars read after the outputs' allocations, which may have grown the heap.
  const heap = new Float32Array((heapMemory(backend) as WebAssembly.Memory).buffer);
  const at = (t: TensorInfo | undefined): number => offsetOf(backend, t as TensorInfo);
  const { beta1, beta2, epsilon, lr, gradScale } = attrs;
  exportsFor(state, backend).adamStep(
    at(p), at(g), at(m), at(v), (p as TensorInfo).shape.reduce((a, b) => a * b, 1),
    beta1, 1 - beta1, beta2, 1 - beta2, heap[at(c1) >>> 2] as number, heap[at(c2) >>> 2] as number, epsilon, lr, gradScale,
    at(outs[0]), at(outs[1]), at(outs[2]),
  );
}

const KERNELS: Record<string, Kernel> = {
  // logits [N, V], int32 targets [N] → e = exp(x − max) [N, V], loss per row [N], 1 / Σe per row [N]
  [XENT]: (state, inputs, backend, attrs) => {
    const { logits, targets } = inputs as { logits: TensorInfo; targets: TensorInfo };
    const [N, V] = logits.shape as [number, number];
    const eps = attrs['eps'] as number;
    checkTargets(backend, targets, N, V);
    const wasm = exportsFor(state, backend);
    const e = backend.makeOutput([N, V], 'float32');
    const rows = backend.makeOutput([N], 'float32');
    const inv = backend.makeOutput([N], 'float32');
    const stats = backend.wasm._malloc(N * 24 + 8) >>> 0;
    const statsAt = ((stats + 7) & ~7) >>> 0; // unsigned: the heap may pass 2 GiB
    try {
      const x = offsetOf(backend, logits);
      xentForwardRows(backend, wasm, x, N, V, offsetOf(backend, e), statsAt);
      // Views after every allocation: the heap may have grown.
      const buffer = (heapMemory(backend) as WebAssembly.Memory).buffer;
      const s = new Float64Array(buffer, statsAt, N * 3);
      const xs = new Float32Array(buffer, x, N * V);
      const t = new Int32Array(buffer, offsetOf(backend, targets), N);
      const r = new Float32Array(buffer, offsetOf(backend, rows), N);
      const iv = new Float32Array(buffer, offsetOf(backend, inv), N);
      for (let i = 0; i < N; i += 1) {
        const [max, sum, total] = [s[3 * i] as number, s[3 * i + 1] as number, s[3 * i + 2] as number];
        const lse = max + Math.log(sum);
        const logPt = Math.max((xs[i * V + (t[i] as number)] as number) - lse, LOG_TINY);
        // mean_j log p_j = mean_j x_j − lse.
        r[i] = eps > 0 ? -(1 - eps) * logPt - eps * (total / V - lse) : -logPt;
        iv[i] = 1 / sum;
      }
    } finally {
      backend.wasm._free(stats);
    }
    return [e, rows, inv];
  },
  // e [N, V], targets [N], inv [N], scale [N] → (e·inv − q) · scale, q = (1 − ε)·onehot + ε/V
  [XENT_GRAD]: (state, inputs, backend, attrs) => {
    const { e, targets, inv, scale } = inputs as { e: TensorInfo; targets: TensorInfo; inv: TensorInfo; scale: TensorInfo };
    const [N, V] = e.shape as [number, number];
    const eps = attrs['eps'] as number;
    const wasm = exportsFor(state, backend);
    const out = backend.makeOutput([N, V], 'float32');
    const coef = backend.wasm._malloc(N * 8) >>> 0;
    try {
      let buffer = (heapMemory(backend) as WebAssembly.Memory).buffer;
      const c = new Float32Array(buffer, coef, 2 * N);
      const s = new Float32Array(buffer, offsetOf(backend, scale), N);
      const iv = new Float32Array(buffer, offsetOf(backend, inv), N);
      for (let i = 0; i < N; i += 1) {
        c[2 * i] = (s[i] as number) * (iv[i] as number);
        c[2 * i + 1] = ((s[i] as number) * eps) / V;
      }
      wasm.xentGrad(offsetOf(backend, e), coef, N, V, offsetOf(backend, out));
      buffer = (heapMemory(backend) as WebAssembly.Memory).buffer;
      const o = new Float32Array(buffer, offsetOf(backend, out), N * V);
      const t = new Int32Array(buffer, offsetOf(backend, targets), N);
      const s2 = new Float32Array(buffer, offsetOf(backend, scale), N);
      for (let i = 0; i < N; i += 1) {
        const at = i * V + (t[i] as number);
        o[at] = (o[at] as number) - (1 - eps) * (s2[i] as number);
      }
    } finally {
      backend.wasm._free(coef);
    }
    return out;
  },
  // table [V, D] (float32 or int32), int32 ids [n] → rows [n, D]; an id outside [0, V) throws before any allocation.
  [GATHER_ROWS]: (state, inputs, backend) => {
    const { table, ids } = inputs as { table: TensorInfo; ids: TensorInfo };
    const [V, D] = table.shape as [number, number];
    const n = ids.shape[0] as number;
    checkRowIds(backend, ids, n, V);
    const out = backend.makeOutput([n, D], table.dtype);
    exportsFor(state, backend).gatherRows(offsetOf(backend, table), offsetOf(backend, ids), n, D * 4, offsetOf(backend, out));
    return out;
  },
  // keys [N, S, A], values [N, S, H], mask [N, S], query [B, A], v [A], optional int32 rows [B] (memory row of
  // each query row; without it N = B, row b's memory is row b) → weights [B, S], context [B, H]
  [ADDITIVE_ATTENTION]: (state, inputs, backend) => {
    const { keys, values, mask, query, v, rows } = inputs as { keys: TensorInfo; values: TensorInfo; mask: TensorInfo; query: TensorInfo; v: TensorInfo; rows?: TensorInfo };
    const [N, S, A] = keys.shape as [number, number, number];
    const B = query.shape[0] as number;
    const H = values.shape[2] as number;
    if (rows !== undefined) checkRowIds(backend, rows, B, N, 'rows');
    const weights = backend.makeOutput([B, S], 'float32');
    const context = backend.makeOutput([B, H], 'float32');
    attentionRows(backend, exportsFor(state, backend), { keys, values, mask, query, v, rows }, B, S, A, H, offsetOf(backend, weights), offsetOf(backend, context));
    return [weights, context];
  },
  // keys [B, S, A], values [B, S, H], query [B, A], v [A], weights [B, S], dContext [B, H] → dQuery, dKeys, dv
  [ADDITIVE_ATTENTION_GRAD]: (state, inputs, backend) => {
    const { keys, values, query, v, weights, dContext } = inputs as Record<'keys' | 'values' | 'query' | 'v' | 'weights' | 'dContext', TensorInfo>;
    const [B, S, A] = keys.shape as [number, number, number];
    const H = values.shape[2] as number;
    const dQuery = backend.makeOutput([B, A], 'float32');
    const dKeys = backend.makeOutput([B, S, A], 'float32');
    const dv = backend.makeOutput([A, 1], 'float32');
    exportsFor(state, backend).additiveAttentionGrad(
      offsetOf(backend, keys), offsetOf(backend, values), offsetOf(backend, query), offsetOf(backend, v), offsetOf(backend, weights),
      offsetOf(backend, dContext), B, S, A, H, offsetOf(backend, dQuery), offsetOf(backend, dKeys), offsetOf(backend, dv),
    );
    return [dQuery, dKeys, dv];
  },
  // xp, hw [B, 3H] (each with its bias), h [B, H] → h' [B, H] and the activations [r, z, n, hn] [B, 4H] (gruForward)
  [GRU_CELL]: (state, inputs, backend) => {
    const { xp, hw, h } = inputs as { xp: TensorInfo; hw: TensorInfo; h: TensorInfo };
    const [B, H] = h.shape as [number, number];
    const out = backend.makeOutput([B, H], 'float32');
    const acts = backend.makeOutput([B, 4 * H], 'float32');
    const at = offsetOf(backend, out);
    exportsFor(state, backend).gruForward(offsetOf(backend, xp), offsetOf(backend, hw), offsetOf(backend, h), 0, at, at, offsetOf(backend, acts), B, H);
    return [out, acts];
  },
  // dh [B, H], acts [B, 4H] and h [B, H] as GRU_CELL read and wrote them → dxp, dhw [B, 3H], dh·z [B, H] (gruBackward)
  [GRU_CELL_GRAD]: (state, inputs, backend) => {
    const { dh, acts, h } = inputs as { dh: TensorInfo; acts: TensorInfo; h: TensorInfo };
    const [B, H] = h.shape as [number, number];
    const dX = backend.makeOutput([B, 3 * H], 'float32');
    const dHH = backend.makeOutput([B, 3 * H], 'float32');
    const dhOut = backend.makeOutput([B, H], 'float32');
    exportsFor(state, backend).gruBackward(
      offsetOf(backend, dh), 0, 0, offsetOf(backend, acts), offsetOf(backend, h), 0,
      offsetOf(backend, dX), offsetOf(backend, dHH), offsetOf(backend, dhOut), B, H,
    );
    return [dX, dHH, dhOut];
  },
  // x (any shape, float32) → tanh(x)
  [TANH]: (state, inputs, backend) => {
    const x = inputs['x'] as TensorInfo;
    const out = backend.makeOutput(x.shape, 'float32');
    exportsFor(state, backend).tanh(offsetOf(backend, x), x.shape.reduce((a, b) => a * b, 1), offsetOf(backend, out));
    return out;
  },
  // x [N, V] → (x − max) − log Σ exp(x − max) per row; the logarithms on the host
  [LOG_SOFTMAX]: (state, inputs, backend) => {
    const x = inputs['x'] as TensorInfo;
    const [N, V] = x.shape as [number, number];
    const wasm = exportsFor(state, backend);
    const out = backend.makeOutput([N, V], 'float32');
    // Pairs of float64 (max, Σ exp) per row, 8 bytes of slack for the pass's scratch, and the float32 pairs after.
    const stats = backend.wasm._malloc(N * 24 + 24) >>> 0;
    const statsAt = ((stats + 7) & ~7) >>> 0;
    const shiftsAt = statsAt + N * 16 + 8;
    try {
      wasm.rowMaxExpSum(offsetOf(backend, x), N, V, statsAt);
      const buffer = (heapMemory(backend) as WebAssembly.Memory).buffer;
      const s = new Float64Array(buffer, statsAt, 2 * N);
      const shifts = new Float32Array(buffer, shiftsAt, 2 * N);
      for (let i = 0; i < N; i += 1) {
        shifts[2 * i] = s[2 * i] as number;
        shifts[2 * i + 1] = Math.log(s[2 * i + 1] as number);
      }
      wasm.shiftRows(offsetOf(backend, x), N, V, shiftsAt, offsetOf(backend, out));
    } finally {
      backend.wasm._free(stats);
    }
    return out;
  },
  // p, g, m, v (same shape), c1, c2 (scalars: the bias corrections) → p', m', v' (adamStep); the coefficients as attrs
  [ADAM_STEP]: (state, inputs, backend, attrs) => {
    const { p, g, m, v, c1, c2 } = inputs as Record<'p' | 'g' | 'm' | 'v' | 'c1' | 'c2', TensorInfo>;
    const outs = [p, m, v].map(() => backend.makeOutput([...p.shape], 'float32')) as [TensorInfo, TensorInfo, TensorInfo];
    runAdamStep(state, backend, [p, g, m, v, c1, c2], attrs as unknown as AdamAttrs, outs);
    return outs;
  },
  // x0, x1, … (float32, any shapes) → √Σ x² over all of them, a float32 scalar: the sums of squares in float64
  // (sumSquares, one pass each, added in input order; of a tensor known to be zero outside some rows, those rows
  // in ascending order), one square root, one rounding.
  [GLOBAL_NORM]: (state, inputs, backend) => {
    const wasm = exportsFor(state, backend);
    let total = 0;
    for (let i = 0; ; i += 1) {
      const x = inputs[`x${i}`];
      if (x === undefined) break;
      const n = x.shape.reduce((a, b) => a * b, 1);
      if (n === 0) continue;
      const support = rowSupportOf(x.dataId);
      if (support === undefined) total += wasm.sumSquares(offsetOf(backend, x), n);
      else {
        // Only the rows that may be non-zero (rowSupport.ts).
        const at = offsetOf(backend, x);
        const bytes = support.rowLength * 4;
        for (const r of support.rows) total += wasm.sumSquares(at + r * bytes, support.rowLength);
      }
    }
    const out = backend.makeOutput([], 'float32');
    new Float32Array((heapMemory(backend) as WebAssembly.Memory).buffer, offsetOf(backend, out), 1)[0] = Math.sqrt(total);
    return out;
  },
  // ids int32 [n] (each in [0, V)), rows float32 [n, D] → out [V, D], row r the sum of the rows[i] with ids[i] = r
  // (zeros elsewhere); records the rows it wrote (rowSupport.ts)
  [SCATTER_ROWS]: (state, inputs, backend, attrs) => {
    const { ids, rows } = inputs as { ids: TensorInfo; rows: TensorInfo };
    const V = attrs['V'] as number;
    const [n, D] = rows.shape as [number, number];
    const idv = checkRowIds(backend, ids, n, V);
    const seen = new Uint8Array(V);
    let distinct = 0;
    for (let i = 0; i < n; i += 1) {
      const v = idv[i] as number;
      if (seen[v] === 0) {
        seen[v] = 1;
        distinct += 1;
      }
    }
    const out = backend.makeOutput([V, D], 'float32');
    const at = offsetOf(backend, out);
    new Float32Array((heapMemory(backend) as WebAssembly.Memory).buffer, at, V * D).fill(0);
    if (n > 0 && D > 0) exportsFor(state, backend).scatterAddRows(offsetOf(backend, rows), offsetOf(backend, ids), n, D, at);
    const written = new Int32Array(distinct);
    for (let r = 0, k = 0; k < distinct; r += 1) if (seen[r] === 1) written[k++] = r;
    setRowSupport(out.dataId, { rowLength: D, rows: written });
    return out;
  },
  // x [B, T, H] float32, attrs.lengths (B numbers in [1, T]) → out [B, H]: each row's max over its first lengths[b] steps
  [MAX_OVER_STEPS]: (state, inputs, backend, attrs) => {
    const x = inputs['x'] as TensorInfo;
    const [B, T, H] = x.shape as [number, number, number];
    const lengths = attrs['lengths'] as number[];
    const out = backend.makeOutput([B, H], 'float32');
    const wasm = exportsFor(state, backend);
    const [from, to] = [offsetOf(backend, x), offsetOf(backend, out)];
    for (let b = 0; b < B; b += 1) wasm.maxOfRows(from + b * T * H * 4, lengths[b] as number, H, to + b * H * 4);
    return out;
  },
  // x [B, T, H], y [B, H] (its max over each row's valid steps), dy [B, H] → dx [B, T, H]: dy at the first valid
  // step holding the max, 0 everywhere else (padding included). One pass over the valid steps, on the heap.
  [MAX_OVER_STEPS_GRAD]: (_state, inputs, backend, attrs) => {
    const { x, y, dy } = inputs as { x: TensorInfo; y: TensorInfo; dy: TensorInfo };
    const [B, T, H] = x.shape as [number, number, number];
    const lengths = attrs['lengths'] as number[];
    const dx = backend.makeOutput([B, T, H], 'float32');
    const buffer = (heapMemory(backend) as WebAssembly.Memory).buffer;
    const xs = new Float32Array(buffer, offsetOf(backend, x), B * T * H);
    const [ys, dys] = [new Float32Array(buffer, offsetOf(backend, y), B * H), new Float32Array(buffer, offsetOf(backend, dy), B * H)];
    const out = new Float32Array(buffer, offsetOf(backend, dx), B * T * H).fill(0);
    const found = new Uint8Array(H);
    for (let b = 0; b < B; b += 1) {
      found.fill(0);
      const row = b * H;
      for (let t = 0; t < (lengths[b] as number); t += 1) {
        const at = (b * T + t) * H;
        for (let h = 0; h < H; h += 1) {
          if (found[h] === 0 && xs[at + h] === ys[row + h]) {
            out[at + h] = dys[row + h] as number;
            found[h] = 1;
          }
        }
      }
    }
    return dx;
  },
  [COLUMN_SUM]: (state, inputs, backend) => {
    const x = inputs['x'] as TensorInfo;
    const [rows, cols] = x.shape as [number, number];
    const out = backend.makeOutput([cols], 'float32');
    exportsFor(state, backend).columnSum(offsetOf(backend, x), rows, cols, offsetOf(backend, out));
    return out;
  },
};

const env = (): Record<string, string | undefined> =>
  (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};

/** The softmax kernel's config in tfjs's registry, registering all three on first use (never at import time). */
function registered(): PointwiseKernelConfig {
  const found = tf.getKernel(XENT, 'wasm') as PointwiseKernelConfig | undefined;
  if (found !== undefined) return found;
  const state: PointwiseState = { module: undefined, backend: undefined, exports: undefined, enabled: undefined };
  for (const [kernelName, kernel] of Object.entries(KERNELS)) {
    if (kernelName === XENT) continue;
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc: ({ inputs, backend, attrs }) => kernel(state, inputs, backend as WasmBackend, attrs ?? {}) });
  }
  const config: PointwiseKernelConfig = {
    kernelName: XENT,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => (KERNELS[XENT] as Kernel)(state, inputs, backend as WasmBackend, attrs ?? {}),
    nlpkitPointwise: state,
  };
  tf.registerKernel(config);
  return config;
}

/**
 * True when nlpkit's ops should use the WebAssembly elementwise kernels: the active backend is wasm, its heap can
 * be reached, and they are not turned off (`NLPKIT_WASM_FUSED=0`, or {@link configureWasmPointwise}). Registers
 * them on first call; idempotent, so ops call it on every use.
 */
export function registerWasmPointwise(): boolean {
  if (tf.getBackend() !== 'wasm' || heapMemory(tf.backend() as unknown as WasmBackend) === undefined) return false;
  const state = registered().nlpkitPointwise;
  if (state.enabled !== undefined) return state.enabled;
  const flag = env()['NLPKIT_WASM_FUSED'];
  return !(flag === '0' || flag === 'off' || flag === 'false');
}

/**
 * Turns the WebAssembly elementwise kernels on or off for nlpkit's ops on wasm (for tests and benches); `enabled:
 * undefined` goes back to the default (on unless `NLPKIT_WASM_FUSED=0`).
 */
export function configureWasmPointwise(options: { readonly enabled: boolean | undefined }): void {
  registered().nlpkitPointwise.enabled = options.enabled;
}

/**
 * `exp(x − max)` per row `[N, V]`, the loss per row `[N]` (label-smoothed by `eps`, before masking) and
 * `1 / Σ exp(x − max)` per row `[N]`, on the wasm kernel; no gradient (use inside customGrad).
 */
export function wasmSoftmaxXent(logits: Tensor2D, targets: Tensor1D, eps: number): [Tensor2D, Tensor1D, Tensor1D] {
  registered();
  return tf.engine().runKernel(XENT, { logits, targets }, { eps }) as unknown as [Tensor2D, Tensor1D, Tensor1D];
}

/** `(e · inv − q) · scale` with q the smoothed one-hot targets, on the wasm kernel; no gradient. */
export function wasmSoftmaxXentGrad(e: Tensor2D, targets: Tensor1D, inv: Tensor1D, scale: Tensor1D, eps: number): Tensor2D {
  registered();
  return tf.engine().runKernel(XENT_GRAD, { e, targets, inv, scale }, { eps });
}

/** `wasmPointwise.wat` instantiated on `backend`'s heap (once per backend), for nlpkit's other wasm kernels. */
export function wasmPointwiseExports(backend: WasmBackend): PointwiseExports {
  return exportsFor(registered().nlpkitPointwise, backend);
}

/** Rows `ids` (int32 `[n]`) of `table: [V, D]` (float32 or int32) on the wasm kernel; no gradient. */
export function wasmGatherRows(table: Tensor2D, ids: Tensor1D): Tensor2D {
  registered();
  return tf.engine().runKernel(GATHER_ROWS, { table, ids });
}

/**
 * Additive attention on the wasm kernel, no gradient: weights `[B, S]` and context `[B, H]` of
 * `additiveAttention` (A and H multiples of 4; the caller checks shapes and dtypes). With `rows` (int32 `[B]`),
 * query row b attends over memory row `rows[b]` of keys, values and mask (`[N, …]`); an id outside [0, N) throws.
 */
export function wasmAdditiveAttention(keys: Tensor3D, values: Tensor3D, mask: Tensor2D, query: Tensor2D, v: Tensor1D, rows?: Tensor1D): [Tensor2D, Tensor2D] {
  registered();
  const inputs: Record<string, Tensor> = rows === undefined ? { keys, values, mask, query, v } : { keys, values, mask, query, v, rows };
  return tf.engine().runKernel(ADDITIVE_ATTENTION, inputs) as unknown as [Tensor2D, Tensor2D];
}

/** The gradients of additive attention's context for its query, keys and v (`additiveAttentionGrad`) on the wasm kernel. */
export function wasmAdditiveAttentionGrad(keys: Tensor3D, values: Tensor3D, query: Tensor2D, v: Tensor1D, weights: Tensor2D, dContext: Tensor2D): [Tensor2D, Tensor3D, Tensor2D] {
  registered();
  return tf.engine().runKernel(ADDITIVE_ATTENTION_GRAD, { keys, values, query, v, weights, dContext }) as unknown as [Tensor2D, Tensor3D, Tensor2D];
}

/** tanh of float32 `x` on the wasm kernel (`$tanh4`: absolute error ~1e-7); no gradient. */
export function wasmTanh<T extends Tensor>(x: T): T {
  registered();
  return tf.engine().runKernel(TANH, { x }) as T;
}

/** Log-softmax of the rows of `x: [N, V]` (float32) on the wasm kernel; no gradient. */
export function wasmLogSoftmax(x: Tensor2D): Tensor2D {
  registered();
  return tf.engine().runKernel(LOG_SOFTMAX, { x });
}

/** Column sums of `x: [rows, cols]` (float32) on the wasm kernel; no gradient. */
export function wasmColumnSum(x: Tensor2D): Tensor1D {
  registered();
  return tf.engine().runKernel(COLUMN_SUM, { x });
}

/**
 * One Adam update of `p` from `g` and its moments `m`, `v` (float32, one shape) on the wasm kernel, no gradient:
 * `[p', m', v']` (`adamStep`).
 */
export function wasmAdamStep(p: Tensor, g: Tensor, m: Tensor, v: Tensor, c1: Tensor, c2: Tensor, attrs: AdamAttrs): [Tensor, Tensor, Tensor] {
  registered();
  return tf.engine().runKernel(ADAM_STEP, { p, g, m, v, c1, c2 }, { ...attrs }) as unknown as [Tensor, Tensor, Tensor];
}

/** The `[V, D]` scatter-add of `rows` (float32 `[n, D]`) by `ids` (int32 `[n]`) on the wasm kernel; no gradient. */
export function wasmScatterRows(ids: Tensor1D, rows: Tensor2D, V: number): Tensor2D {
  registered();
  return tf.engine().runKernel(SCATTER_ROWS, { ids, rows }, { V });
}

/** Each row's max over its first `lengths[b]` steps of `x: [B, T, H]` (float32, each length in [1, T]) on the wasm kernel; no gradient. */
/**
 * The gradient of {@link wasmMaxOverSteps} (`y` its result) for `dy [B, H]`: `dy` at the first valid step of each
 * row holding the max (as PyTorch's max over a dimension gives it to one index), 0 elsewhere; no gradient.
 */
export function wasmMaxOverStepsGrad(x: Tensor3D, y: Tensor2D, dy: Tensor2D, lengths: readonly number[]): Tensor3D {
  registered();
  return tf.engine().runKernel(MAX_OVER_STEPS_GRAD, { x, y, dy }, { lengths: [...lengths] }) as Tensor3D;
}

export function wasmMaxOverSteps(x: Tensor3D, lengths: readonly number[]): Tensor2D {
  registered();
  return tf.engine().runKernel(MAX_OVER_STEPS, { x }, { lengths: [...lengths] });
}

/** √Σ x² over every value of `xs` (float32, at least one) on the wasm kernel, a float32 scalar; no gradient. */
export function wasmGlobalNorm(xs: readonly Tensor[]): Tensor {
  registered();
  return tf.engine().runKernel(GLOBAL_NORM, Object.fromEntries(xs.map((x, i) => [`x${i}`, x])));
}

/**
 * tfjs-backend-wasm when nlpkit's kernels may write over `targets` in place: the kernels are on, no gradient is being
 * recorded, and each target is the only tensor on its memory (tfjs-backend-wasm's reference count 1: no clone,
 * reshape or saved copy would see the change); what was known of their data is then forgotten, and every copy kept
 * under their DataIds is made stale (`noteWrittenInPlace`). Else undefined.
 */
function inPlaceBackend(targets: readonly Tensor[]): WasmBackend | undefined {
  if (!registerWasmPointwise() || tf.engine().isTapeOn()) return undefined;
  const backend = tf.backend() as unknown as WasmBackend & { refCount?(dataId: object): number };
  const refCount = backend.refCount;
  if (typeof refCount !== 'function' || targets.some((t) => refCount.call(backend, t.dataId) !== 1)) return undefined;
  for (const t of targets) {
    forgetRowSupport(t.dataId);
    noteWrittenInPlace(backend as unknown as WasmTensorRegistry, t.dataId);
  }
  return backend;
}

/** How many {@link wasmSgdStepInPlace} calls wrote in place and how many declined (for tests and benches). */
const sgdInPlaceStats = { inPlace: 0, declined: 0, sparse: 0 };

/** The counts of {@link wasmSgdStepInPlace}'s outcomes since the process started (`sparse`: rows of a known support only). */
export function wasmSgdInPlaceStats(): { readonly inPlace: number; readonly declined: number; readonly sparse: number } {
  return { ...sgdInPlaceStats };
}

/**
 * One plain SGD step written over `p` itself, `p ← p − (g·gradScale)·lr` (`sgdStep`: the ops' roundings, so the same
 * bits), when that is safe: the backend is wasm with its kernels on and no tape recording, `p` and `g` float32 of
 * one size on different memory, `p` the only tensor on its memory (reference count 1). Where `g` is known to be zero
 * outside some rows (an embedding's gradient, `scatterRows`) and lr and the scale are finite, only those rows are
 * read and written (p − 0 is p). Returns false, having done nothing, otherwise. No gradient.
 */
export function wasmSgdStepInPlace(p: Tensor, g: Tensor, lr: number, gradScale: number): boolean {
  const ok = (() => {
    if (p.size === 0 || p.dtype !== 'float32' || g.dtype !== 'float32' || g.size !== p.size || p.dataId === g.dataId) return false;
    const backend = inPlaceBackend([p]);
    if (backend === undefined) return false;
    const wasm = exportsFor(registered().nlpkitPointwise, backend);
    const [pAt, gAt] = [offsetOf(backend, p as unknown as TensorInfo), offsetOf(backend, g as unknown as TensorInfo)];
    const support = Number.isFinite(lr) && Number.isFinite(gradScale) ? rowSupportOf(g.dataId) : undefined;
    if (support === undefined) {
      wasm.sgdStep(pAt, gAt, p.size, lr, gradScale, pAt);
      return true;
    }
    sgdInPlaceStats.sparse += 1;
    const { rows, rowLength } = support;
    for (let k = 0; k < rows.length; ) {
      // A run of consecutive rows, one call.
      let end = k + 1;
      while (end < rows.length && (rows[end] as number) === (rows[end - 1] as number) + 1) end += 1;
      const first = (rows[k] as number) * rowLength * 4;
      wasm.sgdStep(pAt + first, gAt + first, (end - k) * rowLength, lr, gradScale, pAt + first);
      k = end;
    }
    return true;
  })();
  if (ok) sgdInPlaceStats.inPlace += 1;
  else sgdInPlaceStats.declined += 1;
  return ok;
}

/** How many {@link wasmAdamStepInPlace} calls wrote in place and how many declined (for tests and benches). */
const adamInPlaceStats = { inPlace: 0, declined: 0 };

/** The counts of {@link wasmAdamStepInPlace}'s two outcomes since the process started. */
export function wasmAdamInPlaceStats(): { readonly inPlace: number; readonly declined: number } {
  return { ...adamInPlaceStats };
}

/**
 * One Adam update written over `p`, `m` and `v` themselves (`adamStep`'s kernel with its outputs on its inputs:
 * each value is read before it is written, at the same place), when that is safe: the backend is wasm with its
 * kernels on, the four are float32 of one size, `p`, `m` and `v` are each the only tensor on their memory
 * (tfjs-backend-wasm's reference count 1: no clone, reshape or saved copy would see the change) and `g` is on
 * memory of its own. Returns false, having done nothing, otherwise. No gradient.
 */
export function wasmAdamStepInPlace(p: Tensor, g: Tensor, m: Tensor, v: Tensor, c1: Tensor, c2: Tensor, attrs: AdamAttrs): boolean {
  const ok = (() => {
    const all = [p, g, m, v];
    if (p.size === 0 || all.some((t) => t.dtype !== 'float32' || t.size !== p.size) || c1.dtype !== 'float32' || c2.dtype !== 'float32' || c1.size !== 1 || c2.size !== 1) return false;
    if (new Set(all.map((t) => t.dataId)).size !== 4) return false;
    const backend = inPlaceBackend([p, m, v]);
    if (backend === undefined) return false;
    runAdamStep(registered().nlpkitPointwise, backend, [p, g, m, v, c1, c2], attrs, [p, m, v]);
    return true;
  })();
  if (ok) adamInPlaceStats.inPlace += 1;
  else adamInPlaceStats.declined += 1;
  return ok;
}

/**
 * A GRU step's new state and its activations `[r, z, n, hn]` (`gruCellForward`, and `gruGates`, which drops the
 * activations; H ≥ 4, float32) on the wasm kernel; no gradient.
 */
export function wasmGruCell(xp: Tensor2D, hw: Tensor2D, h: Tensor2D): [Tensor2D, Tensor2D] {
  registered();
  return tf.engine().runKernel(GRU_CELL, { xp, hw, h }) as unknown as [Tensor2D, Tensor2D];
}

/** The gradients of a GRU step from its activations (`gruCellBackward`) on the wasm kernel; no gradient. */
export function wasmGruCellGrad(dh: Tensor2D, acts: Tensor2D, h: Tensor2D): [Tensor2D, Tensor2D, Tensor2D] {
  registered();
  return tf.engine().runKernel(GRU_CELL_GRAD, { dh, acts, h }) as unknown as [Tensor2D, Tensor2D, Tensor2D];
}
