import type { TensorInfo } from '@tensorflow/tfjs-core';
import { heapMemory, offsetOf, type WasmBackend } from './wasmGemmEngine.js';
import type { ProgramWriter } from './wasmProgram.js';

/**
 * The time steps of a fused recurrent sequence run for inference (`wasmLstm.ts`, `wasmGru.ts`): only the outputs are
 * kept. The training kernels keep every step's states and activations for the backward pass — 7 of every 8 floats
 * an LSTM forward writes, and with worker threads, copied back from the workers' memory — where inference needs
 * the states of one step before and one after: two blocks per state, used in turn, which stay in the cache.
 *
 * And where the padding mask is one of lengths over a batch sorted by length (as prediction batches are; see
 * {@link maskSpans}), each step computes only the rows still inside their sequence, as PyTorch's packed sequences
 * do: a row past its end gets output 0 and keeps its state, so its outputs are zeroed and its final state is
 * copied out once, at the step it stops.
 */

/** A recurrent state (`h`, an LSTM's `c`): byte addresses of its `[B, H]` blocks (row 0) in the thread's memory. */
export interface InferenceState {
  /** The state before the first step (the kernel's `h0`, `c0` input). */
  readonly initial: number;
  /** Two scratch blocks, one after another: the states of the steps in between. */
  readonly pair: number;
  /** Where the final state goes (in the kernel's `value` output). */
  readonly final: number;
}

/**
 * Writes the steps of rows [r0, r1) to `program`: for each step, `step(t, a, e, before, after)` writes the calls
 * computing rows [a, e) (never empty), reading each state from `before[k]` and writing it to `after[k]` (block
 * addresses of row 0; the last step's `after` are the final blocks). Around it, the rows of [r0, r1) that this step
 * does not compute (with `spans`) get output 0 in `value`'s block t, and those that stop here get their final state.
 * `H` is the width of every state and output row.
 */
export function inferenceSteps(
  program: ProgramWriter,
  T: number,
  B: number,
  H: number,
  r0: number,
  r1: number,
  value: number,
  states: readonly InferenceState[],
  spans: Int32Array | undefined,
  step: (t: number, a: number, e: number, before: readonly number[], after: readonly number[]) => void,
): void {
  const bh = B * H * 4;
  const rowsAt = (block: number, row: number): number => block + row * H * 4;
  // The rows computed at the step before (all of them hold their state in `initial` before the first).
  let [a0, e0] = [r0, r1];
  for (let t = 0; t < T; t += 1) {
    const before = states.map((s) => (t === 0 ? s.initial : s.pair + ((t - 1) & 1) * bh));
    const after = states.map((s) => (t === T - 1 ? s.final : s.pair + (t & 1) * bh));
    const lo = spans === undefined ? r0 : (spans[2 * t] as number);
    const hi = spans === undefined ? r1 : (spans[2 * t + 1] as number);
    // This thread's rows of the step: [a, e), empty when a = e.
    const a = Math.min(Math.max(lo, r0), r1);
    const e = Math.max(Math.min(hi, r1), a);
    if (spans !== undefined) {
      for (const [from, to] of [[r0, a], [e, r1]]) {
        if ((to as number) > (from as number)) program.zero(rowsAt(value + t * bh, from as number), ((to as number) - (from as number)) * H);
      }
      // Valid rows only ever stop (a mask of lengths), so the rows that stop here are [a0, a) and [e, e0).
      for (const [from, to] of [[a0, Math.min(a, e0)], [Math.max(e, a0), e0]]) {
        if ((to as number) <= (from as number)) continue;
        states.forEach((s, k) => program.copy(rowsAt(s.final, from as number), rowsAt(before[k] as number, from as number), ((to as number) - (from as number)) * H));
      }
      [a0, e0] = [a, e];
    }
    if (e > a) step(t, a, e, before, after);
  }
}

/**
 * The rows each step computes, when `mask` (`[T, B]`, the values of a sequence kernel's `mask` input) is one of
 * lengths — row b valid for its first `len[b]` steps, padding after — and the valid rows of every step are
 * consecutive (a batch sorted by length, up or down): `[first, end)` of step t at `2t`, `2t + 1`. Undefined for any
 * other mask (then every row runs every step, masked).
 */
export function maskSpans(mask: Float32Array, T: number, B: number): Int32Array | undefined {
  const lengths = new Int32Array(B);
  for (let b = 0; b < B; b += 1) {
    let t = 0;
    while (t < T && mask[t * B + b] === 1) t += 1;
    lengths[b] = t;
    for (let u = t; u < T; u += 1) if (mask[u * B + b] !== 0) return undefined;
  }
  const spans = new Int32Array(2 * T);
  for (let t = 0; t < T; t += 1) {
    let [first, end, count] = [B, 0, 0];
    for (let b = 0; b < B; b += 1) {
      if ((lengths[b] as number) <= t) continue;
      first = Math.min(first, b);
      end = b + 1;
      count += 1;
    }
    if (count === 0) [first, end] = [0, 0];
    else if (end - first !== count) return undefined;
    spans[2 * t] = first;
    spans[2 * t + 1] = end;
  }
  return spans;
}

/** The steps each row computes under `spans` ({@link maskSpans}): the threads' shares of the work. */
export function spanRowWeights(spans: Int32Array, T: number, B: number): Int32Array {
  const weights = new Int32Array(B);
  for (let t = 0; t < T; t += 1) for (let b = spans[2 * t] as number; b < (spans[2 * t + 1] as number); b += 1) weights[b] = (weights[b] as number) + 1;
  return weights;
}

/**
 * What an inference kernel call needs of its `mask` input (`[T, B]` on `backend`'s heap): the rows each step computes
 * ({@link maskSpans}; undefined without a mask or where it is not one of lengths over consecutive rows) and, with
 * them, the threads' row weights (`SequenceCall.rowWeights`).
 */
export function inferenceSpans(backend: WasmBackend, mask: TensorInfo | undefined, T: number, B: number): { spans?: Int32Array; rowWeights?: Int32Array } {
  if (mask === undefined) return {};
  const spans = maskSpans(new Float32Array((heapMemory(backend) as WebAssembly.Memory).buffer, offsetOf(backend, mask), T * B), T, B);
  return spans === undefined ? {} : { spans, rowWeights: spanRowWeights(spans, T, B) };
}
