import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor2D, Tensor3D, TensorInfo } from '@tensorflow/tfjs-core';
import { inferenceSpans, inferenceSteps } from './inferenceSteps.js';
import { ProgramWriter } from './wasmProgram.js';
import { registerSequenceKernels, runSequence, type SequenceArray, type SequenceKernel, sequenceKernelsOn, type StepProducts, stepProduct } from './wasmSequence.js';

/**
 * A whole LSTM sequence for tfjs-backend-wasm as kernels under names of our own: one call runs every time step
 * forward, one runs them all backward, and one runs them forward for inference, keeping the outputs alone
 * (`inferenceSteps.ts`). Each step is one recurrent product (`h·W`; backward `dGate·Wᵀ`) and one pass of
 * `wasmPointwise.wat`'s `lstmForward` (gate nonlinearities + state update) or `lstmBackward`, straight on tfjs's
 * heap: no tfjs op, tensor or JavaScript allocation per step. The products run on the host's BLAS library where the
 * wasm products already go there (Node with koffi and OpenBLAS, MKL or BLIS; the calling thread, the weight read in
 * place), else on nlpkit's WebAssembly GEMM (the weight packed once per call).
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
 * registered: the kernels are called inside a `tf.customGrad` (`@nlpkit/rnn`'s `lstmSequence`). With the GEMM's
 * worker threads (nlpkit's GEMM), the batch's rows are split between them (`wasmSequence.ts`).
 */
const FORWARD = 'NlpkitWasmLstmSequence';
const INFER = 'NlpkitWasmLstmSequenceInfer';
const BACKWARD = 'NlpkitWasmLstmSequenceGrad';

/**
 * The forward program of rows [r0, r1) (`wasmProgram.ts`): h0 and c0 into the first state blocks, then per step
 * `h·W` for its rows on the packed weight and `lstmForward` on them. Every `[B, ·]` block is addressed from its
 * first row, so a thread's rows are an offset.
 */
function forwardProgram(at: Readonly<Record<string, number>>, products: StepProducts, T: number, B: number, H: number, r0: number, r1: number): Int32Array {
  const [G, bh, rows] = [4 * H, B * H * 4, r1 - r0];
  const row = (address: number, width: number): number => address + r0 * width * 4;
  const [xp, value, hs, cs, acts, hw, mask] = [at['xp'], at['value'], at['hs'], at['cs'], at['acts'], at['hw'], at['mask']] as number[] as [number, number, number, number, number, number, number];
  const program = new ProgramWriter();
  program.copy(row(hs, H), row(at['h0'] as number, H), rows * H);
  program.copy(row(cs, H), row(at['c0'] as number, H), rows * H);
  for (let t = 0; t < T; t += 1) {
    const [hPrev, cPrev] = [hs + t * bh, cs + t * bh];
    stepProduct(program, products, rows, H, G, row(hPrev, H), row(hw, G), 0);
    const last = t === T - 1;
    program.lstmForward(
      row(xp + t * B * G * 4, G), row(hw, G), row(hPrev, H), row(cPrev, H), mask === 0 ? 0 : mask + (t * B + r0) * 4,
      row(last ? value + T * bh : hPrev + bh, H), row(last ? value + (T + 1) * bh : cPrev + bh, H), row(value + t * bh, H),
      row(acts + t * B * 5 * H * 4, 5 * H), rows, H,
    );
  }
  return program.words();
}

/**
 * The inference program of rows [r0, r1): the forward program's calls without its saved states and activations,
 * and with `spans`, only the rows each step computes (`inferenceSteps.ts`).
 */
function inferenceProgram(at: Readonly<Record<string, number>>, products: StepProducts, T: number, B: number, H: number, r0: number, r1: number, spans: Int32Array | undefined): Int32Array {
  const [G, bh] = [4 * H, B * H * 4];
  const [xp, value, hw, mask] = [at['xp'], at['value'], at['hw'], at['mask']] as number[] as [number, number, number, number];
  const program = new ProgramWriter();
  const states = [
    { initial: at['h0'] as number, pair: at['h'] as number, final: value + T * bh },
    { initial: at['c0'] as number, pair: at['c'] as number, final: value + (T + 1) * bh },
  ];
  inferenceSteps(program, T, B, H, r0, r1, value, states, spans, (t, a, e, [hPrev, cPrev], [hNext, cNext]) => {
    const row = (address: number, width: number): number => address + a * width * 4;
    stepProduct(program, products, e - a, H, G, row(hPrev as number, H), row(hw, G), 0);
    program.lstmForward(
      row(xp + t * B * G * 4, G), row(hw, G), row(hPrev as number, H), row(cPrev as number, H), mask === 0 ? 0 : mask + (t * B + a) * 4,
      row(hNext as number, H), row(cNext as number, H), row(value + t * bh, H), 0, e - a, H,
    );
  });
  return program.words();
}

/** The backward program of rows [r0, r1): per step from the last, `lstmBackward`, then dh_{t−1} = dGate_t · Wᵀ. */
function backwardProgram(at: Readonly<Record<string, number>>, products: StepProducts, T: number, B: number, H: number, r0: number, r1: number): Int32Array {
  const [G, bh, rows] = [4 * H, B * H * 4, r1 - r0];
  const row = (address: number, width: number): number => address + r0 * width * 4;
  const [dy, cs, acts, mask, dXp, dh0, dc0, dhGemm] = [at['dy'], at['cs'], at['acts'], at['mask'], at['dXp'], at['dh0'], at['dc0'], at['dhGemm']] as number[] as [
    number, number, number, number, number, number, number, number,
  ];
  // dc and the carried dh alternate between two buffers: lstmBackward's outputs must not be its inputs.
  const dcs = [at['dc1'] as number, at['dc2'] as number];
  const carries = [at['carry1'] as number, at['carry2'] as number];
  const program = new ProgramWriter();
  let carry = 0;
  for (let t = T - 1; t >= 0; t -= 1) {
    const first = t === T - 1;
    const dGate = dXp + t * B * G * 4;
    const [dcIn, dcOut, carryOut] = [first ? dy + (T + 1) * bh : (dcs[t & 1] as number), t === 0 ? dc0 : (dcs[(t + 1) & 1] as number), carries[t & 1] as number];
    program.lstmBackward(
      row(first ? dy + T * bh : dhGemm, H), first || mask === 0 ? 0 : row(carry, H), row(dy + t * bh, H), row(dcIn, H),
      row(acts + t * B * 5 * H * 4, 5 * H), row(cs + t * bh, H), mask === 0 ? 0 : mask + (t * B + r0) * 4,
      row(dGate, G), row(dcOut, H), row(carryOut, H), rows, H,
    );
    carry = carryOut;
    stepProduct(program, products, rows, G, H, row(dGate, G), row(t === 0 ? dh0 : dhGemm, H), 0, true);
  }
  // dh0 also gets the part carried through step 0 where it was padding.
  if (mask !== 0) program.add(row(dh0, H), row(carry, H), rows * H);
  return program.words();
}

/** The arrays the forward and inference kernels share: their inputs and `value` (`xp [T, B, 4H]`). */
function forwardArrays(xp: TensorInfo, h0: TensorInfo, c0: TensorInfo, mask: TensorInfo | undefined, value: TensorInfo): Record<string, SequenceArray | undefined> {
  const [T, , G] = xp.shape as [number, number, number];
  const H = G / 4;
  return {
    xp: { kind: 'input', tensor: xp, blocks: T, width: G },
    h0: { kind: 'input', tensor: h0, blocks: 1, width: H },
    c0: { kind: 'input', tensor: c0, blocks: 1, width: H },
    mask: mask === undefined ? undefined : { kind: 'input', tensor: mask, blocks: T, width: 1 },
    value: { kind: 'output', tensor: value, blocks: T + 2, width: H },
  };
}

const KERNELS: Record<string, SequenceKernel> = {
  [FORWARD]: (state, inputs, backend) => {
    const { xp, w, h0, c0, mask } = inputs as { xp: TensorInfo; w: TensorInfo; h0: TensorInfo; c0: TensorInfo; mask?: TensorInfo };
    const [T, B, G] = xp.shape as [number, number, number];
    const H = G / 4;
    const [value, hs, cs, acts] = [
      backend.makeOutput([T + 2, B, H], 'float32'),
      backend.makeOutput([T, B, H], 'float32'),
      backend.makeOutput([T, B, H], 'float32'),
      backend.makeOutput([T, B, 5 * H], 'float32'),
    ];
    runSequence(state, backend, {
      B,
      flops: 2 * T * B * H * G,
      arrays: {
        ...forwardArrays(xp, h0, c0, mask, value),
        hs: { kind: 'output', tensor: hs, blocks: T, width: H },
        cs: { kind: 'output', tensor: cs, blocks: T, width: H },
        acts: { kind: 'output', tensor: acts, blocks: T, width: 5 * H },
        hw: { kind: 'scratch', blocks: 1, width: G },
      },
      weight: { tensor: w, rs: G * 4, cs: 4, K: H, N: G },
      program: (at, packed, work, r0, r1) => forwardProgram({ mask: 0, ...at }, { packed, work }, T, B, H, r0, r1),
      blasProgram: (at) => forwardProgram({ mask: 0, ...at }, { weight: at['weight'] as number }, T, B, H, 0, B),
    });
    return [value, hs, cs, acts];
  },
  [INFER]: (state, inputs, backend) => {
    const { xp, w, h0, c0, mask } = inputs as { xp: TensorInfo; w: TensorInfo; h0: TensorInfo; c0: TensorInfo; mask?: TensorInfo };
    const [T, B, G] = xp.shape as [number, number, number];
    const H = G / 4;
    const value = backend.makeOutput([T + 2, B, H], 'float32');
    const { spans, rowWeights } = inferenceSpans(backend, mask, T, B);
    runSequence(state, backend, {
      B,
      flops: 2 * T * B * H * G,
      ...(rowWeights === undefined ? {} : { rowWeights }),
      arrays: {
        ...forwardArrays(xp, h0, c0, mask, value),
        h: { kind: 'scratch', blocks: 2, width: H },
        c: { kind: 'scratch', blocks: 2, width: H },
        hw: { kind: 'scratch', blocks: 1, width: G },
      },
      weight: { tensor: w, rs: G * 4, cs: 4, K: H, N: G },
      program: (at, packed, work, r0, r1) => inferenceProgram({ mask: 0, ...at }, { packed, work }, T, B, H, r0, r1, spans),
      blasProgram: (at) => inferenceProgram({ mask: 0, ...at }, { weight: at['weight'] as number }, T, B, H, 0, B, spans),
    });
    return [value];
  },
  [BACKWARD]: (state, inputs, backend) => {
    const { dy, w, hs, cs, acts, mask } = inputs as { dy: TensorInfo; w: TensorInfo; hs: TensorInfo; cs: TensorInfo; acts: TensorInfo; mask?: TensorInfo };
    const [T, B, H] = hs.shape as [number, number, number];
    const G = 4 * H;
    const [dXp, dh0, dc0] = [backend.makeOutput([T, B, G], 'float32'), backend.makeOutput([B, H], 'float32'), backend.makeOutput([B, H], 'float32')];
    const state1 = { kind: 'scratch', blocks: 1, width: H } as const;
    runSequence(state, backend, {
      B,
      flops: 2 * T * B * H * G,
      arrays: {
        dy: { kind: 'input', tensor: dy, blocks: T + 2, width: H },
        cs: { kind: 'input', tensor: cs, blocks: T, width: H },
        acts: { kind: 'input', tensor: acts, blocks: T, width: 5 * H },
        mask: mask === undefined ? undefined : { kind: 'input', tensor: mask, blocks: T, width: 1 },
        dXp: { kind: 'output', tensor: dXp, blocks: T, width: G },
        dh0: { kind: 'output', tensor: dh0, blocks: 1, width: H },
        dc0: { kind: 'output', tensor: dc0, blocks: 1, width: H },
        dhGemm: state1, dc1: state1, dc2: state1, carry1: state1, carry2: state1,
      },
      // dh_{t−1} = dGate_t · Wᵀ: Wᵀ as the B operand, element (k, j) = W[j, k].
      weight: { tensor: w, rs: 4, cs: G * 4, K: G, N: H },
      program: (at, packed, work, r0, r1) => backwardProgram({ mask: 0, ...at }, { packed, work }, T, B, H, r0, r1),
      blasProgram: (at) => backwardProgram({ mask: 0, ...at }, { weight: at['weight'] as number }, T, B, H, 0, B),
    });
    return [dXp, dh0, dc0];
  },
};

/** Registers both kernels on first use, never at import time. */
const registered = (): void => registerSequenceKernels(KERNELS);

/**
 * True when `lstmSequence` should run on these kernels: the backend is wasm with a reachable heap, and both the
 * wasm GEMM and the WebAssembly elementwise kernels are on (`NLPKIT_WASM_GEMM=0` or `NLPKIT_WASM_FUSED=0` turn
 * this path off too). Idempotent; registers the kernels on first call.
 */
export function registerWasmLstmKernels(): boolean {
  return sequenceKernelsOn(KERNELS);
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

/**
 * {@link wasmLstmSequenceForward}'s `value` alone, for inference (`inferenceSteps.ts`): the same numbers bit for
 * bit (a padded step's output is +0 where the training kernel's is 0·h, which is −0 for h < 0), without keeping
 * each step's states and activations; with a mask of lengths over a batch sorted by length, padded steps are not
 * computed.
 */
export function wasmLstmSequenceInfer(xp: Tensor3D, w: Tensor2D, h0: Tensor2D, c0: Tensor2D, mask?: Tensor2D): Tensor3D {
  registered();
  const inputs: Record<string, Tensor> = mask === undefined ? { xp, w, h0, c0 } : { xp, w, h0, c0, mask };
  return (tf.engine().runKernel(INFER, inputs) as unknown as Tensor3D[])[0] as Tensor3D;
}

/** The backward pass of {@link wasmLstmSequenceForward}: `[dXp, dh0, dc0]`; the weight gradient is `hsᵀ · dXp`. */
export function wasmLstmSequenceBackward(dy: Tensor3D, w: Tensor2D, hs: Tensor3D, cs: Tensor3D, acts: Tensor3D, mask?: Tensor2D): [Tensor3D, Tensor2D, Tensor2D] {
  registered();
  const inputs: Record<string, Tensor> = mask === undefined ? { dy, w, hs, cs, acts } : { dy, w, hs, cs, acts, mask };
  return tf.engine().runKernel(BACKWARD, inputs) as unknown as [Tensor3D, Tensor2D, Tensor2D];
}
