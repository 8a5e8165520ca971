import * as tf from '@tensorflow/tfjs-core';
import type { NamedTensorInfoMap, Tensor, Tensor2D, Tensor3D, TensorInfo } from '@tensorflow/tfjs-core';
import { heapMemory, offsetOf, type WasmBackend } from './wasmGemmEngine.js';
import { align, BLOCK, type GemmJob, jobAddress, packedBBytes, SCRATCH_BYTES, TILE_COLS, writeJob } from './wasmGemmPlan.js';
import { registerWasmGemm, wasmGemmModules } from './wasmKernels.js';
import { registerWasmPointwise, wasmPointwiseExports } from './wasmPointwise.js';

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

/** `job`'s product on prepacked B, one `gemm` call per column block. */
function multiply(gemm: Gemm, i32: Int32Array, job: Omit<GemmJob, 'n0' | 'n1' | 'packedB'>, blocks: readonly PackedBlock[]): void {
  for (const block of blocks) {
    writeJob(i32, jobAddress(job.scratch), { ...job, n0: block.n0, n1: block.n1, packedB: block.at });
    gemm.run(jobAddress(job.scratch));
  }
}

type Kernel = (state: LstmState, inputs: NamedTensorInfoMap, backend: WasmBackend) => TensorInfo[];

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
    const gemm = gemmFor(state, backend);
    const pointwise = wasmPointwiseExports(backend);
    const scratch = new Scratch(backend);
    try {
      const work = scratch.take(SCRATCH_BYTES);
      const hw = scratch.take(B * G * 4);
      const wAt = offsetOf(backend, w);
      const packed = prepack(gemm, scratch, wAt, G * 4, 4, H, G);
      const [value, hs, cs, acts] = outs.map((t) => offsetOf(backend, t)) as [number, number, number, number];
      const [x, m] = [offsetOf(backend, xp), mask === undefined ? 0 : offsetOf(backend, mask)];
      // Views after every allocation: the heap may have grown.
      const f32 = new Float32Array((heapMemory(backend) as WebAssembly.Memory).buffer);
      const i32 = new Int32Array(f32.buffer);
      const bh = B * H * 4;
      f32.copyWithin(hs >>> 2, offsetOf(backend, h0) >>> 2, (offsetOf(backend, h0) + bh) >>> 2);
      f32.copyWithin(cs >>> 2, offsetOf(backend, c0) >>> 2, (offsetOf(backend, c0) + bh) >>> 2);
      for (let t = 0; t < T; t += 1) {
        const [hPrev, cPrev] = [hs + t * bh, cs + t * bh];
        multiply(gemm, i32, { m0: 0, m1: B, K: H, a: hPrev, rsA: H * 4, csA: 4, b: wAt, rsB: G * 4, csB: 4, c: hw, ldc: G * 4, bias: 0, scratch: work }, packed);
        const last = t === T - 1;
        pointwise.lstmForward(
          x + t * B * G * 4, hw, hPrev, cPrev, m === 0 ? 0 : m + t * B * 4,
          last ? value + T * bh : hPrev + bh, last ? value + (T + 1) * bh : cPrev + bh, value + t * bh, acts + t * B * 5 * H * 4, B, H,
        );
      }
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
    const gemm = gemmFor(state, backend);
    const pointwise = wasmPointwiseExports(backend);
    const scratch = new Scratch(backend);
    try {
      const bh = B * H * 4;
      const work = scratch.take(SCRATCH_BYTES);
      // dc and the carried dh alternate between two buffers: lstmBackward's outputs must not be its inputs.
      const dhGemm = scratch.take(bh);
      const dcs = [scratch.take(bh), scratch.take(bh)] as const;
      const carries = [scratch.take(bh), scratch.take(bh)] as const;
      const wAt = offsetOf(backend, w);
      // dh_{t−1} = dGate_t · Wᵀ: Wᵀ as the B operand, element (k, j) = W[j, k].
      const packed = prepack(gemm, scratch, wAt, 4, G * 4, G, H);
      const [dXp, dh0, dc0] = outs.map((t) => offsetOf(backend, t)) as [number, number, number];
      const [dys, csAt, actsAt] = [offsetOf(backend, dy), offsetOf(backend, cs), offsetOf(backend, acts)];
      const m = mask === undefined ? 0 : offsetOf(backend, mask);
      const f32 = new Float32Array((heapMemory(backend) as WebAssembly.Memory).buffer);
      const i32 = new Int32Array(f32.buffer);
      let carry = 0;
      for (let t = T - 1; t >= 0; t -= 1) {
        const first = t === T - 1;
        const dGate = dXp + t * B * G * 4;
        const [dcIn, dcOut, carryOut] = [first ? dys + (T + 1) * bh : (dcs[t & 1] as number), t === 0 ? dc0 : (dcs[(t + 1) & 1] as number), carries[t & 1] as number];
        pointwise.lstmBackward(
          first ? dys + T * bh : dhGemm, first || m === 0 ? 0 : carry, dys + t * bh, dcIn,
          actsAt + t * B * 5 * H * 4, csAt + t * bh, m === 0 ? 0 : m + t * B * 4, dGate, dcOut, carryOut, B, H,
        );
        carry = carryOut;
        const c = t === 0 ? dh0 : dhGemm;
        multiply(gemm, i32, { m0: 0, m1: B, K: G, a: dGate, rsA: G * 4, csA: 4, b: wAt, rsB: 4, csB: G * 4, c, ldc: H * 4, bias: 0, scratch: work }, packed);
      }
      if (m !== 0) {
        // dh0 also gets the part carried through step 0 where it was padding.
        for (let k = 0; k < B * H; k += 1) f32[(dh0 >>> 2) + k] = (f32[(dh0 >>> 2) + k] as number) + (f32[(carry >>> 2) + k] as number);
      }
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
