import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor1D, Tensor2D, Tensor3D, TensorInfo } from '@tensorflow/tfjs-core';
import { inferenceSpans, inferenceSteps } from './inferenceSteps.js';
import { ProgramWriter } from './wasmProgram.js';
import { registerSequenceKernels, runSequence, type SequenceArray, type SequenceKernel, sequenceKernelsOn, type StepProducts, stepProduct } from './wasmSequence.js';

/**
 * A whole GRU sequence (PyTorch's cell: gate order r, z, n, the reset gate applied to the recurrent product) for
 * tfjs-backend-wasm as kernels under names of our own, as the LSTM's (`wasmLstm.ts`): one call runs every
 * time step forward, one runs them all backward, one runs them forward for inference (`inferenceSteps.ts`). Each
 * step is one recurrent product (`h·W_hh + b_hh`, the bias written first; backward `dHH·W_hhᵀ`), on the host's
 * BLAS or nlpkit's WebAssembly GEMM as the LSTM's, and one pass of `wasmPointwise.wat`'s `gruForward` or
 * `gruBackward`, straight on tfjs's heap; on nlpkit's GEMM with its worker threads, the batch's rows are split
 * between them (`wasmSequence.ts`).
 *
 * Why: op by op (`@nlpkit/rnn`'s `gruSequence`), each step ran ~15 tfjs kernels forward and ~12 backward on
 * `[batch, H]` tensors; a Multi30k encoder-decoder step runs hundreds of such steps.
 *
 * Layouts (float32, row-major): forward inputs `xp [T, B, 3H]` (projected inputs, their bias added), `w [H, 3H]`,
 * `b [3H]` (the recurrent bias), `h0 [B, H]`, optional `mask [T, B]` (1 valid, 0 padding: the state carries over
 * and the output is 0); forward outputs `value [T + 1, B, H]` (outputs, then the final h — as `gruSequence`),
 * `hs [T, B, H]` (h before each step) and `acts [T, B, 4H]` (r, z, n and the n block of the recurrent product per
 * step). Backward inputs: `dy [T + 1, B, H]`, `w`, `hs`, `acts`, optional `mask`; outputs `dXp [T, B, 3H]`, the
 * recurrent product's gradient `dHH [T, B, 3H]` and `dh0 [B, H]`. The weight and bias gradients are one matmul
 * and one column sum over every step (`hsᵀ · dHH`, `Σ dHH`), left to the caller. Gradients are not registered:
 * the kernels are called inside a `tf.customGrad` (`@nlpkit/rnn`'s `gruSequenceWasm`).
 */
const FORWARD = 'NlpkitWasmGruSequence';
const INFER = 'NlpkitWasmGruSequenceInfer';
const BACKWARD = 'NlpkitWasmGruSequenceGrad';

/**
 * The forward program of rows [r0, r1) (`wasmProgram.ts`): h0 into the first state block, then per step
 * `h·W + b` for its rows on the packed weight and `gruForward` on them.
 */
function forwardProgram(at: Readonly<Record<string, number>>, products: StepProducts, T: number, B: number, H: number, r0: number, r1: number): Int32Array {
  const [G, bh, rows] = [3 * H, B * H * 4, r1 - r0];
  const row = (address: number, width: number): number => address + r0 * width * 4;
  const [xp, value, hs, acts, hw, bias, mask] = [at['xp'], at['value'], at['hs'], at['acts'], at['hw'], at['bias'], at['mask']] as number[] as [number, number, number, number, number, number, number];
  const program = new ProgramWriter();
  program.copy(row(hs, H), row(at['h0'] as number, H), rows * H);
  for (let t = 0; t < T; t += 1) {
    const hPrev = hs + t * bh;
    stepProduct(program, products, rows, H, G, row(hPrev, H), row(hw, G), bias);
    program.gruForward(
      row(xp + t * B * G * 4, G), row(hw, G), row(hPrev, H), mask === 0 ? 0 : mask + (t * B + r0) * 4,
      row(t === T - 1 ? value + T * bh : hPrev + bh, H), row(value + t * bh, H), row(acts + t * B * 4 * H * 4, 4 * H), rows, H,
    );
  }
  return program.words();
}

/**
 * The inference program of rows [r0, r1): the forward program's calls without its saved states and activations,
 * and with `spans`, only the rows each step computes (`inferenceSteps.ts`).
 */
function inferenceProgram(at: Readonly<Record<string, number>>, products: StepProducts, T: number, B: number, H: number, r0: number, r1: number, spans: Int32Array | undefined): Int32Array {
  const [G, bh] = [3 * H, B * H * 4];
  const [xp, value, hw, bias, mask] = [at['xp'], at['value'], at['hw'], at['bias'], at['mask']] as number[] as [number, number, number, number, number];
  const program = new ProgramWriter();
  const states = [{ initial: at['h0'] as number, pair: at['h'] as number, final: value + T * bh }];
  inferenceSteps(program, T, B, H, r0, r1, value, states, spans, (t, a, e, [hPrev], [hNext]) => {
    const row = (address: number, width: number): number => address + a * width * 4;
    stepProduct(program, products, e - a, H, G, row(hPrev as number, H), row(hw, G), bias);
    program.gruForward(
      row(xp + t * B * G * 4, G), row(hw, G), row(hPrev as number, H), mask === 0 ? 0 : mask + (t * B + a) * 4,
      row(hNext as number, H), row(value + t * bh, H), 0, e - a, H,
    );
  });
  return program.words();
}

/**
 * The backward program of rows [r0, r1): per step from the last, `gruBackward` (the carried gradient is the last
 * step's recurrent product plus its direct part), then dh_{t−1}'s recurrent part, dHH_t · Wᵀ; dh0 gets both.
 */
function backwardProgram(at: Readonly<Record<string, number>>, products: StepProducts, T: number, B: number, H: number, r0: number, r1: number): Int32Array {
  const [G, bh, rows] = [3 * H, B * H * 4, r1 - r0];
  const row = (address: number, width: number): number => address + r0 * width * 4;
  const [dy, hs, acts, mask, dXp, dHH, dh0, dhGemm] = [at['dy'], at['hs'], at['acts'], at['mask'], at['dXp'], at['dHH'], at['dh0'], at['dhGemm']] as number[] as [
    number, number, number, number, number, number, number, number,
  ];
  // The direct part alternates between two buffers: gruBackward's outputs must not be its inputs.
  const direct = [at['direct1'] as number, at['direct2'] as number];
  const program = new ProgramWriter();
  for (let t = T - 1; t >= 0; t -= 1) {
    const first = t === T - 1;
    const dhh = dHH + t * B * G * 4;
    program.gruBackward(
      row(first ? dy + T * bh : dhGemm, H), first ? 0 : row(direct[(t + 1) & 1] as number, H), row(dy + t * bh, H),
      row(acts + t * B * 4 * H * 4, 4 * H), row(hs + t * bh, H), mask === 0 ? 0 : mask + (t * B + r0) * 4,
      row(dXp + t * B * G * 4, G), row(dhh, G), row(direct[t & 1] as number, H), rows, H,
    );
    stepProduct(program, products, rows, G, H, row(dhh, G), row(t === 0 ? dh0 : dhGemm, H), 0, true);
  }
  program.add(row(dh0, H), row(direct[0] as number, H), rows * H);
  return program.words();
}

/** The arrays the forward and inference kernels share: their inputs and `value` (`xp [T, B, 3H]`). */
function forwardArrays(xp: TensorInfo, b: TensorInfo, h0: TensorInfo, mask: TensorInfo | undefined, value: TensorInfo): Record<string, SequenceArray | undefined> {
  const [T, , G] = xp.shape as [number, number, number];
  const H = G / 3;
  return {
    xp: { kind: 'input', tensor: xp, blocks: T, width: G },
    h0: { kind: 'input', tensor: h0, blocks: 1, width: H },
    mask: mask === undefined ? undefined : { kind: 'input', tensor: mask, blocks: T, width: 1 },
    bias: { kind: 'whole', tensor: b, floats: G },
    value: { kind: 'output', tensor: value, blocks: T + 1, width: H },
  };
}

const KERNELS: Record<string, SequenceKernel> = {
  [FORWARD]: (state, inputs, backend) => {
    const { xp, w, b, h0, mask } = inputs as { xp: TensorInfo; w: TensorInfo; b: TensorInfo; h0: TensorInfo; mask?: TensorInfo };
    const [T, B, G] = xp.shape as [number, number, number];
    const H = G / 3;
    const [value, hs, acts] = [backend.makeOutput([T + 1, B, H], 'float32'), backend.makeOutput([T, B, H], 'float32'), backend.makeOutput([T, B, 4 * H], 'float32')];
    runSequence(state, backend, {
      B,
      flops: 2 * T * B * H * G,
      arrays: {
        ...forwardArrays(xp, b, h0, mask, value),
        hs: { kind: 'output', tensor: hs, blocks: T, width: H },
        acts: { kind: 'output', tensor: acts, blocks: T, width: 4 * H },
        hw: { kind: 'scratch', blocks: 1, width: G },
      },
      weight: { tensor: w, rs: G * 4, cs: 4, K: H, N: G },
      program: (at, packed, work, r0, r1) => forwardProgram({ mask: 0, ...at }, { packed, work }, T, B, H, r0, r1),
      blasProgram: (at) => forwardProgram({ mask: 0, ...at }, { weight: at['weight'] as number }, T, B, H, 0, B),
    });
    return [value, hs, acts];
  },
  [INFER]: (state, inputs, backend) => {
    const { xp, w, b, h0, mask } = inputs as { xp: TensorInfo; w: TensorInfo; b: TensorInfo; h0: TensorInfo; mask?: TensorInfo };
    const [T, B, G] = xp.shape as [number, number, number];
    const H = G / 3;
    const value = backend.makeOutput([T + 1, B, H], 'float32');
    const { spans, rowWeights } = inferenceSpans(backend, mask, T, B);
    runSequence(state, backend, {
      B,
      flops: 2 * T * B * H * G,
      ...(rowWeights === undefined ? {} : { rowWeights }),
      arrays: {
        ...forwardArrays(xp, b, h0, mask, value),
        h: { kind: 'scratch', blocks: 2, width: H },
        hw: { kind: 'scratch', blocks: 1, width: G },
      },
      weight: { tensor: w, rs: G * 4, cs: 4, K: H, N: G },
      program: (at, packed, work, r0, r1) => inferenceProgram({ mask: 0, ...at }, { packed, work }, T, B, H, r0, r1, spans),
      blasProgram: (at) => inferenceProgram({ mask: 0, ...at }, { weight: at['weight'] as number }, T, B, H, 0, B, spans),
    });
    return [value];
  },
  [BACKWARD]: (state, inputs, backend) => {
    const { dy, w, hs, acts, mask } = inputs as { dy: TensorInfo; w: TensorInfo; hs: TensorInfo; acts: TensorInfo; mask?: TensorInfo };
    const [T, B, H] = hs.shape as [number, number, number];
    const G = 3 * H;
    const [dXp, dHH, dh0] = [backend.makeOutput([T, B, G], 'float32'), backend.makeOutput([T, B, G], 'float32'), backend.makeOutput([B, H], 'float32')];
    const state1 = { kind: 'scratch', blocks: 1, width: H } as const;
    runSequence(state, backend, {
      B,
      flops: 2 * T * B * H * G,
      arrays: {
        dy: { kind: 'input', tensor: dy, blocks: T + 1, width: H },
        hs: { kind: 'input', tensor: hs, blocks: T, width: H },
        acts: { kind: 'input', tensor: acts, blocks: T, width: 4 * H },
        mask: mask === undefined ? undefined : { kind: 'input', tensor: mask, blocks: T, width: 1 },
        dXp: { kind: 'output', tensor: dXp, blocks: T, width: G },
        dHH: { kind: 'output', tensor: dHH, blocks: T, width: G },
        dh0: { kind: 'output', tensor: dh0, blocks: 1, width: H },
        dhGemm: state1, direct1: state1, direct2: state1,
      },
      // dh_{t−1} = dHH_t · Wᵀ: Wᵀ as the B operand, element (k, j) = W[j, k].
      weight: { tensor: w, rs: 4, cs: G * 4, K: G, N: H },
      program: (at, packed, work, r0, r1) => backwardProgram({ mask: 0, ...at }, { packed, work }, T, B, H, r0, r1),
      blasProgram: (at) => backwardProgram({ mask: 0, ...at }, { weight: at['weight'] as number }, T, B, H, 0, B),
    });
    return [dXp, dHH, dh0];
  },
};

/** Registers both kernels on first use, never at import time. */
const registered = (): void => registerSequenceKernels(KERNELS);

/**
 * True when `gruSequence` should run on these kernels: the backend is wasm with a reachable heap, and both the
 * wasm GEMM and the WebAssembly elementwise kernels are on (`NLPKIT_WASM_GEMM=0` or `NLPKIT_WASM_FUSED=0` turn
 * this path off too). Idempotent; registers the kernels on first call.
 */
export function registerWasmGruKernels(): boolean {
  return sequenceKernelsOn(KERNELS);
}

/** Every step of a GRU sequence forward on the wasm kernels (H ≥ 4): `[value, hs, acts]` as described above; no gradient. */
export function wasmGruSequenceForward(xp: Tensor3D, w: Tensor2D, b: Tensor1D, h0: Tensor2D, mask?: Tensor2D): [Tensor3D, Tensor3D, Tensor3D] {
  registered();
  const inputs: Record<string, Tensor> = mask === undefined ? { xp, w, b, h0 } : { xp, w, b, h0, mask };
  return tf.engine().runKernel(FORWARD, inputs) as unknown as [Tensor3D, Tensor3D, Tensor3D];
}

/**
 * {@link wasmGruSequenceForward}'s `value` alone, for inference (`inferenceSteps.ts`): the same numbers bit for
 * bit (a padded step's output is +0 where the training kernel's is 0·h), without keeping each step's states and
 * activations; with a mask of lengths over a batch sorted by length, padded steps are not computed.
 */
export function wasmGruSequenceInfer(xp: Tensor3D, w: Tensor2D, b: Tensor1D, h0: Tensor2D, mask?: Tensor2D): Tensor3D {
  registered();
  const inputs: Record<string, Tensor> = mask === undefined ? { xp, w, b, h0 } : { xp, w, b, h0, mask };
  return (tf.engine().runKernel(INFER, inputs) as unknown as Tensor3D[])[0] as Tensor3D;
}

/** The backward pass of {@link wasmGruSequenceForward}: `[dXp, dHH, dh0]`; the weight gradient is `hsᵀ · dHH`, the bias's `Σ dHH`. */
export function wasmGruSequenceBackward(dy: Tensor3D, w: Tensor2D, hs: Tensor3D, acts: Tensor3D, mask?: Tensor2D): [Tensor3D, Tensor3D, Tensor2D] {
  registered();
  const inputs: Record<string, Tensor> = mask === undefined ? { dy, w, hs, acts } : { dy, w, hs, acts, mask };
  return tf.engine().runKernel(BACKWARD, inputs) as unknown as [Tensor3D, Tensor3D, Tensor2D];
}
