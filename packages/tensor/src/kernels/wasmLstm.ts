import * as tf from '@tensorflow/tfjs-core';
import type { NamedTensorInfoMap, Tensor, Tensor2D, Tensor3D, TensorInfo } from '@tensorflow/tfjs-core';
import { heapMemory, offsetOf, type WasmBackend } from './wasmGemmEngine.js';
import type { ProgramPool } from './wasmGemmEngine.js';
import { align, BLOCK, packedBBytes, SCRATCH_BYTES, TILE_COLS } from './wasmGemmPlan.js';
import { registerWasmGemm, wasmGemmEngine, wasmGemmModules } from './wasmKernels.js';
import { registerWasmPointwise, wasmPointwiseExports } from './wasmPointwise.js';
import { type ProgramExports, ProgramWriter, runProgram } from './wasmProgram.js';

/**
 * A whole LSTM sequence for tfjs-backend-wasm as two kernels under names of our own: one call runs every time
 * step forward, one runs them all backward. Each step is nlpkit's WebAssembly GEMM (`h·W`, the weight packed
 * once per call) and one pass of `wasmPointwise.wat`'s `lstmForward` (gate nonlinearities + state update) or
 * `lstmBackward`, straight on tfjs's heap: no tfjs op, tensor or JavaScript allocation per step.
 *
 * Why: op by op, a 35-step, 2-layer LSTM LM step ran ~1,500 tfjs kernels for its recurrences (split, sigmoid,
 * tanh, multiply, add, concat, stack, the per-step matmuls...), each with tfjs's bookkeeping, for tensors of
 * 20 × 200: the time went to launching kernels, not to arithmetic.
 *
 * Layouts (float32, row-major; gate order i, f, g, o): forward inputs `xp [T, B, 4H]` (projected inputs, bias
 * added), `w [H, 4H]`, `h0`, `c0 [B, H]`, optional `mask [T, B]` (1 valid, 0 padding: the state carries over and
 * the output is 0); forward outputs `value [T + 2, B, H]` (outputs, final h, final c — as `lstmSequence`),
 * `hs`, `cs [T, B, H]` (h and c before each step) and `acts [T, B, 5H]` (i, f, g, o, tanh c per step). Backward
 * inputs: `dy [T + 2, B, H]`, `w`, `hs`, `cs`, `acts`, optional `mask`; outputs `dXp [T, B, 4H]`, `dh0`, `dc0`.
 * The weight gradient is one matmul over every step (`hsᵀ · dXp`), left to the caller. Gradients are not
 * registered: the kernels are called inside a `tf.customGrad` (`@nlpkit/rnn`'s `lstmSequence`).
 */
const FORWARD = 'NlpkitWasmLstmSequence';
const BACKWARD = 'NlpkitWasmLstmSequenceGrad';

interface Gemm {
  readonly run: (job: number) => void;
  readonly packB: (src: number, rs: number, cs: number, k: number, n: number, dst: number) => void;
}

/** The GEMM instantiated on `backend`'s heap, kept with the module it came from (on the kernel's config). */
interface LstmState {
  backend: WasmBackend | undefined;
  module: WebAssembly.Module | undefined;
  gemm: Gemm | undefined;
}

function gemmFor(state: LstmState, backend: WasmBackend): Gemm {
  const module = wasmGemmModules().unshared;
  if (state.gemm !== undefined && state.backend === backend && state.module === module) return state.gemm;
  const instance = new WebAssembly.Instance(module, { env: { memory: heapMemory(backend) as WebAssembly.Memory } });
  state.backend = backend;
  state.module = module;
  state.gemm = { run: instance.exports['gemm'] as Gemm['run'], packB: instance.exports['packB'] as Gemm['packB'] };
  return state.gemm;
}

/** Heap memory of one kernel call, freed together. */
class Scratch {
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

/** Columns [n0, n1) of a B operand, packed at `at` for `gemm`'s prepacked mode. */
interface PackedBlock {
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
    const rowBytes = Math.ceil((n1 - n0) / TILE_COLS) * TILE_COLS * 4;
    for (let p = 0; p < K; p += BLOCK.kc) gemm.packB(src + p * rs + n0 * cs, rs, cs, Math.min(BLOCK.kc, K - p), n1 - n0, at + p * rowBytes);
    blocks.push({ n0, n1, at });
  }
  return blocks;
}

/**
 * Below this many batch rows, or this many flops of recurrent products in a call (T · B · 2 · H · 4H), a sequence
 * runs on the calling thread alone: a thread's share would be one or two 4-row GEMM tiles, or too little work to
 * pay for copying its rows to and from the workers' memory.
 */
const MIN_THREADED_ROWS = 8;
const MIN_THREADED_FLOPS = 16e6;

/**
 * Rows [r0, r1) of the batch for each thread, the caller's first: even shares, at least 4 rows each (one GEMM
 * tile); one share when the call is too small to split or the workers are not up yet.
 */
function rowShares(pool: ProgramPool | undefined, T: number, B: number, H: number): [number, number][] {
  const parts = pool === undefined ? 1 : Math.min(pool.threads, Math.floor(B / 4));
  if (parts < 2 || B < MIN_THREADED_ROWS || T * B * 8 * H * H < MIN_THREADED_FLOPS || !(pool as ProgramPool).ready()) return [[0, B]];
  return Array.from({ length: parts }, (_, k): [number, number] => [Math.round((B * k) / parts), Math.round((B * (k + 1)) / parts)]);
}

/** Where one memory holds a forward call's data (byte addresses; `mask` 0: none): all B rows, each thread using its own. */
interface ForwardAt {
  xp: number; value: number; hs: number; cs: number; acts: number; mask: number;
  /** `[B, 4H]`: the recurrent product of the current step. */
  hw: number;
  /** The thread's GEMM scratch (SCRATCH_BYTES). */
  work: number;
  packed: readonly PackedBlock[];
}

/** Where one memory holds a backward call's data (as {@link ForwardAt}). */
interface BackwardAt {
  dy: number; cs: number; acts: number; mask: number; dXp: number; dh0: number; dc0: number;
  /** `[B, H]` each: dh from the recurrent product; dc and the carried dh, alternating between two buffers. */
  dhGemm: number; dcs: readonly [number, number]; carries: readonly [number, number];
  work: number;
  packed: readonly PackedBlock[];
}

/**
 * The forward program of rows [r0, r1) (`wasmProgram.ts`): per step, `h·W` for its rows on the packed weight, then
 * `lstmForward` on them. Every `[B, ·]` block is addressed from its first row, so a thread's rows are an offset.
 */
function forwardProgram(at: ForwardAt, T: number, B: number, H: number, r0: number, r1: number): Int32Array {
  const [G, bh, rows] = [4 * H, B * H * 4, r1 - r0];
  const row = (address: number, width: number): number => address + r0 * width * 4;
  const program = new ProgramWriter();
  for (let t = 0; t < T; t += 1) {
    const [hPrev, cPrev] = [at.hs + t * bh, at.cs + t * bh];
    for (const block of at.packed) {
      program.gemm({
        m0: 0, m1: rows, n0: block.n0, n1: block.n1, K: H, a: row(hPrev, H), rsA: H * 4, csA: 4,
        b: 0, rsB: G * 4, csB: 4, c: row(at.hw, G), ldc: G * 4, bias: 0, scratch: at.work, packedB: block.at,
      });
    }
    const last = t === T - 1;
    program.lstmForward(
      row(at.xp + t * B * G * 4, G), row(at.hw, G), row(hPrev, H), row(cPrev, H), at.mask === 0 ? 0 : at.mask + (t * B + r0) * 4,
      row(last ? at.value + T * bh : hPrev + bh, H), row(last ? at.value + (T + 1) * bh : cPrev + bh, H), row(at.value + t * bh, H),
      row(at.acts + t * B * 5 * H * 4, 5 * H), rows, H,
    );
  }
  return program.words();
}

/** The backward program of rows [r0, r1): per step from the last, `lstmBackward`, then dh_{t−1} = dGate_t · Wᵀ. */
function backwardProgram(at: BackwardAt, T: number, B: number, H: number, r0: number, r1: number): Int32Array {
  const [G, bh, rows] = [4 * H, B * H * 4, r1 - r0];
  const row = (address: number, width: number): number => address + r0 * width * 4;
  const program = new ProgramWriter();
  let carry = 0;
  for (let t = T - 1; t >= 0; t -= 1) {
    const first = t === T - 1;
    const dGate = at.dXp + t * B * G * 4;
    const [dcIn, dcOut, carryOut] = [first ? at.dy + (T + 1) * bh : (at.dcs[t & 1] as number), t === 0 ? at.dc0 : (at.dcs[(t + 1) & 1] as number), at.carries[t & 1] as number];
    program.lstmBackward(
      row(first ? at.dy + T * bh : at.dhGemm, H), first || at.mask === 0 ? 0 : row(carry, H), row(at.dy + t * bh, H), row(dcIn, H),
      row(at.acts + t * B * 5 * H * 4, 5 * H), row(at.cs + t * bh, H), at.mask === 0 ? 0 : at.mask + (t * B + r0) * 4,
      row(dGate, G), row(dcOut, H), row(carryOut, H), rows, H,
    );
    carry = carryOut;
    for (const block of at.packed) {
      program.gemm({
        m0: 0, m1: rows, n0: block.n0, n1: block.n1, K: G, a: row(dGate, G), rsA: G * 4, csA: 4,
        b: 0, rsB: 4, csB: G * 4, c: row(t === 0 ? at.dh0 : at.dhGemm, H), ldc: H * 4, bias: 0, scratch: at.work, packedB: block.at,
      });
    }
  }
  // dh0 also gets the part carried through step 0 where it was padding.
  if (at.mask !== 0) program.add(row(at.dh0, H), row(carry, H), rows * H);
  return program.words();
}

/** Hands out 64-byte aligned addresses from `base` (the workers' area for one call). */
class Bump {
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

/** Bytes of the workers' area for arrays of these float counts, the packed weight (depth K) and `programs` programs. */
function areaBytes(floats: readonly number[], packed: readonly PackedBlock[], K: number, programWords: number, programs: number): number {
  const packedBytes = packed.reduce((n, b) => n + align(packedBBytes(K, b.n1 - b.n0)), 0);
  return floats.reduce((n, f) => n + align(f * 4), 0) + packedBytes + programs * align(programWords * 4);
}

/**
 * Copies rows [r0, r1) of `blocks` consecutive `[B, width]` blocks from `from` to `to`, both laid out alike (float
 * indices of the first block's first row).
 */
function copyRowBlocks(from: Float32Array, fromAt: number, to: Float32Array, toAt: number, blocks: number, B: number, width: number, r0: number, r1: number): void {
  for (let k = 0; k < blocks; k += 1) {
    const off = (k * B + r0) * width;
    to.set(from.subarray(fromAt + off, fromAt + off + (r1 - r0) * width), toAt + off);
  }
}

/** The packed weight's blocks copied into the workers' area. */
function copyPacked(heap: Float32Array, shared: Float32Array, packed: readonly PackedBlock[], K: number, area: Bump): PackedBlock[] {
  return packed.map((b) => {
    const floats = packedBBytes(K, b.n1 - b.n0) / 4;
    const at = area.take(floats * 4);
    shared.set(heap.subarray(b.at >>> 2, (b.at >>> 2) + floats), at >>> 2);
    return { n0: b.n0, n1: b.n1, at };
  });
}

type Kernel = (state: LstmState, inputs: NamedTensorInfoMap, backend: WasmBackend) => TensorInfo[];

/** What the calling thread's program calls, on tfjs's heap. */
function heapExports(state: LstmState, backend: WasmBackend): ProgramExports {
  const gemm = gemmFor(state, backend);
  const pointwise = wasmPointwiseExports(backend);
  return { gemm: gemm.run, lstmForward: pointwise.lstmForward, lstmBackward: pointwise.lstmBackward };
}

/**
 * Runs the caller's program (written at `own` in tfjs's heap) and, when there are worker shares, theirs; `copyOut`
 * then brings the workers' rows into the output tensors.
 */
function runShares(pool: ProgramPool | undefined, programs: readonly { slot: number; program: number }[], exports: ProgramExports, backend: WasmBackend, own: number, copyOut: () => void): void {
  const work = (): void => runProgram(exports, (heapMemory(backend) as WebAssembly.Memory).buffer, own);
  if (pool === undefined || programs.length === 0) {
    work();
    return;
  }
  pool.run(programs, work);
  copyOut();
}

const KERNELS: Record<string, Kernel> = {
  [FORWARD]: (state, inputs, backend) => {
    const { xp, w, h0, c0, mask } = inputs as { xp: TensorInfo; w: TensorInfo; h0: TensorInfo; c0: TensorInfo; mask?: TensorInfo };
    const [T, B, G] = xp.shape as [number, number, number];
    const H = G / 4;
    const outs = [
      backend.makeOutput([T + 2, B, H], 'float32'),
      backend.makeOutput([T, B, H], 'float32'),
      backend.makeOutput([T, B, H], 'float32'),
      backend.makeOutput([T, B, 5 * H], 'float32'),
    ];
    const exports = heapExports(state, backend);
    const pool = wasmGemmEngine(backend).pool;
    const shares = rowShares(pool, T, B, H);
    const scratch = new Scratch(backend);
    try {
      const [value, hs, cs, acts] = outs.map((t) => offsetOf(backend, t)) as [number, number, number, number];
      const at: ForwardAt = {
        xp: offsetOf(backend, xp), value, hs, cs, acts, mask: mask === undefined ? 0 : offsetOf(backend, mask),
        hw: scratch.take(B * G * 4), work: scratch.take(SCRATCH_BYTES),
        packed: prepack(gemmFor(state, backend), scratch, offsetOf(backend, w), G * 4, 4, H, G),
      };
      const [own0, own1] = shares[0] as [number, number];
      const ownWords = forwardProgram(at, T, B, H, own0, own1);
      const own = scratch.take(ownWords.byteLength);
      // Views after every allocation: the heap may have grown.
      const heap = new Float32Array((heapMemory(backend) as WebAssembly.Memory).buffer);
      new Int32Array(heap.buffer).set(ownWords, own >>> 2);
      const bh = B * H;
      heap.copyWithin(hs >>> 2, offsetOf(backend, h0) >>> 2, (offsetOf(backend, h0) >>> 2) + bh);
      heap.copyWithin(cs >>> 2, offsetOf(backend, c0) >>> 2, (offsetOf(backend, c0) >>> 2) + bh);
      const programs: { slot: number; program: number }[] = [];
      let copyOut = (): void => undefined;
      if (pool !== undefined && shares.length > 1) {
        const r0 = (shares[1] as [number, number])[0];
        const sizes = [T * B * G, (T + 2) * bh, T * bh, T * bh, T * B * 5 * H, mask === undefined ? 0 : T * B, B * G];
        const words = ownWords.length; // every share makes the same calls
        const area = new Bump(pool.area(areaBytes(sizes, at.packed, H, words, shares.length - 1)));
        const [sXp, sValue, sHs, sCs, sActs, sMask, sHw] = sizes.map((n) => area.take(n * 4)) as number[] as [number, number, number, number, number, number, number];
        const shared = new Float32Array(pool.memory.buffer);
        const theirs: ForwardAt = { xp: sXp, value: sValue, hs: sHs, cs: sCs, acts: sActs, mask: mask === undefined ? 0 : sMask, hw: sHw, work: 0, packed: copyPacked(heap, shared, at.packed, H, area) };
        copyRowBlocks(heap, at.xp >>> 2, shared, sXp >>> 2, T, B, G, r0, B);
        copyRowBlocks(heap, offsetOf(backend, h0) >>> 2, shared, sHs >>> 2, 1, B, H, r0, B);
        copyRowBlocks(heap, offsetOf(backend, c0) >>> 2, shared, sCs >>> 2, 1, B, H, r0, B);
        if (mask !== undefined) shared.set(heap.subarray(at.mask >>> 2, (at.mask >>> 2) + T * B), sMask >>> 2);
        const sharedI32 = new Int32Array(pool.memory.buffer);
        shares.slice(1).forEach(([a, b], i) => {
          const slot = i + 1;
          const program = area.take(words * 4);
          sharedI32.set(forwardProgram({ ...theirs, work: pool.scratchOf(slot) }, T, B, H, a, b), program >>> 2);
          programs.push({ slot, program });
        });
        copyOut = () => {
          const out = new Float32Array((heapMemory(backend) as WebAssembly.Memory).buffer);
          copyRowBlocks(shared, sValue >>> 2, out, value >>> 2, T + 2, B, H, r0, B);
          copyRowBlocks(shared, sHs >>> 2, out, hs >>> 2, T, B, H, r0, B);
          copyRowBlocks(shared, sCs >>> 2, out, cs >>> 2, T, B, H, r0, B);
          copyRowBlocks(shared, sActs >>> 2, out, acts >>> 2, T, B, 5 * H, r0, B);
        };
      }
      runShares(pool, programs, exports, backend, own, copyOut);
    } finally {
      scratch.free();
    }
    return outs;
  },
  [BACKWARD]: (state, inputs, backend) => {
    const { dy, w, hs, cs, acts, mask } = inputs as { dy: TensorInfo; w: TensorInfo; hs: TensorInfo; cs: TensorInfo; acts: TensorInfo; mask?: TensorInfo };
    const [T, B, H] = hs.shape as [number, number, number];
    const G = 4 * H;
    const outs = [backend.makeOutput([T, B, G], 'float32'), backend.makeOutput([B, H], 'float32'), backend.makeOutput([B, H], 'float32')];
    const exports = heapExports(state, backend);
    const pool = wasmGemmEngine(backend).pool;
    const shares = rowShares(pool, T, B, H);
    const scratch = new Scratch(backend);
    try {
      const bh = B * H;
      const [dXp, dh0, dc0] = outs.map((t) => offsetOf(backend, t)) as [number, number, number];
      const at: BackwardAt = {
        dy: offsetOf(backend, dy), cs: offsetOf(backend, cs), acts: offsetOf(backend, acts), mask: mask === undefined ? 0 : offsetOf(backend, mask),
        dXp, dh0, dc0,
        dhGemm: scratch.take(bh * 4), dcs: [scratch.take(bh * 4), scratch.take(bh * 4)], carries: [scratch.take(bh * 4), scratch.take(bh * 4)],
        work: scratch.take(SCRATCH_BYTES),
        // dh_{t−1} = dGate_t · Wᵀ: Wᵀ as the B operand, element (k, j) = W[j, k].
        packed: prepack(gemmFor(state, backend), scratch, offsetOf(backend, w), 4, G * 4, G, H),
      };
      const [own0, own1] = shares[0] as [number, number];
      const ownWords = backwardProgram(at, T, B, H, own0, own1);
      const own = scratch.take(ownWords.byteLength);
      const heap = new Float32Array((heapMemory(backend) as WebAssembly.Memory).buffer);
      new Int32Array(heap.buffer).set(ownWords, own >>> 2);
      const programs: { slot: number; program: number }[] = [];
      let copyOut = (): void => undefined;
      if (pool !== undefined && shares.length > 1) {
        const r0 = (shares[1] as [number, number])[0];
        const sizes = [(T + 2) * bh, T * bh, T * B * 5 * H, mask === undefined ? 0 : T * B, T * B * G, bh, bh, bh, bh, bh, bh, bh];
        const words = ownWords.length; // every share makes the same calls
        const area = new Bump(pool.area(areaBytes(sizes, at.packed, G, words, shares.length - 1)));
        const [sDy, sCs, sActs, sMask, sDXp, sDh0, sDc0, sDhGemm, sDc1, sDc2, sCarry1, sCarry2] = sizes.map((n) => area.take(n * 4)) as number[] as [
          number, number, number, number, number, number, number, number, number, number, number, number,
        ];
        const shared = new Float32Array(pool.memory.buffer);
        const theirs: BackwardAt = {
          dy: sDy, cs: sCs, acts: sActs, mask: mask === undefined ? 0 : sMask, dXp: sDXp, dh0: sDh0, dc0: sDc0,
          dhGemm: sDhGemm, dcs: [sDc1, sDc2], carries: [sCarry1, sCarry2], work: 0, packed: copyPacked(heap, shared, at.packed, G, area),
        };
        copyRowBlocks(heap, at.dy >>> 2, shared, sDy >>> 2, T + 2, B, H, r0, B);
        copyRowBlocks(heap, at.cs >>> 2, shared, sCs >>> 2, T, B, H, r0, B);
        copyRowBlocks(heap, at.acts >>> 2, shared, sActs >>> 2, T, B, 5 * H, r0, B);
        if (mask !== undefined) shared.set(heap.subarray(at.mask >>> 2, (at.mask >>> 2) + T * B), sMask >>> 2);
        const sharedI32 = new Int32Array(pool.memory.buffer);
        shares.slice(1).forEach(([a, b], i) => {
          const slot = i + 1;
          const program = area.take(words * 4);
          sharedI32.set(backwardProgram({ ...theirs, work: pool.scratchOf(slot) }, T, B, H, a, b), program >>> 2);
          programs.push({ slot, program });
        });
        copyOut = () => {
          const out = new Float32Array((heapMemory(backend) as WebAssembly.Memory).buffer);
          copyRowBlocks(shared, sDXp >>> 2, out, dXp >>> 2, T, B, G, r0, B);
          copyRowBlocks(shared, sDh0 >>> 2, out, dh0 >>> 2, 1, B, H, r0, B);
          copyRowBlocks(shared, sDc0 >>> 2, out, dc0 >>> 2, 1, B, H, r0, B);
        };
      }
      runShares(pool, programs, exports, backend, own, copyOut);
    } finally {
      scratch.free();
    }
    return outs;
  },
};

/** The forward kernel's config in tfjs's registry (registering both on first use, never at import time). */
function registered(): void {
  if (tf.getKernel(FORWARD, 'wasm') !== undefined) return;
  const state: LstmState = { backend: undefined, module: undefined, gemm: undefined };
  for (const [kernelName, kernel] of Object.entries(KERNELS)) {
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc: ({ inputs, backend }) => kernel(state, inputs, backend as WasmBackend) });
  }
}

/**
 * True when `lstmSequence` should run on these kernels: the backend is wasm with a reachable heap, and both the
 * wasm GEMM and the WebAssembly elementwise kernels are on (`NLPKIT_WASM_GEMM=0` or `NLPKIT_WASM_FUSED=0` turn
 * this path off too). Idempotent; registers the kernels on first call.
 */
export function registerWasmLstmKernels(): boolean {
  if (!registerWasmGemm() || !registerWasmPointwise()) return false;
  registered();
  return true;
}

/**
 * Every step of an LSTM sequence forward on the wasm kernels (H ≥ 4): `[value, hs, cs, acts]` as
 * described above; no gradient (call inside customGrad).
 */
export function wasmLstmSequenceForward(xp: Tensor3D, w: Tensor2D, h0: Tensor2D, c0: Tensor2D, mask?: Tensor2D): [Tensor3D, Tensor3D, Tensor3D, Tensor3D] {
  registered();
  const inputs: Record<string, Tensor> = mask === undefined ? { xp, w, h0, c0 } : { xp, w, h0, c0, mask };
  return tf.engine().runKernel(FORWARD, inputs) as unknown as [Tensor3D, Tensor3D, Tensor3D, Tensor3D];
}

/** The backward pass of {@link wasmLstmSequenceForward}: `[dXp, dh0, dc0]`; the weight gradient is `hsᵀ · dXp`. */
export function wasmLstmSequenceBackward(dy: Tensor3D, w: Tensor2D, hs: Tensor3D, cs: Tensor3D, acts: Tensor3D, mask?: Tensor2D): [Tensor3D, Tensor2D, Tensor2D] {
  registered();
  const inputs: Record<string, Tensor> = mask === undefined ? { dy, w, hs, cs, acts } : { dy, w, hs, cs, acts, mask };
  return tf.engine().runKernel(BACKWARD, inputs) as unknown as [Tensor3D, Tensor2D, Tensor2D];
}
