import { UnsupportedError } from '@nlpkit/core';
import { PKG } from '../errors.js';
import { type GemmJob, jobWords } from './wasmGemmPlan.js';

/**
 * A program: the calls one thread makes for its share of a kernel that splits its own work (the fused LSTM
 * sequence runs each thread on its own rows of the batch, every time step, with no synchronisation between
 * steps), as i32 words in the memory it runs on. The calling thread runs its program on tfjs-backend-wasm's heap
 * and each worker runs its own on the shared memory (`wasmGemmThreads.ts`), through the same {@link runProgram}:
 * one sequence of calls wherever it runs, so a row's numbers do not depend on the thread that computed it.
 *
 * Words: an opcode, then its operands (byte addresses in that memory, sizes); {@link OP.end} ends the program.
 */
export const OP = {
  end: 0,
  /** `gemm` on the job record that follows (its 21 words, `jobWords`). */
  gemm: 1,
  /** `lstmForward` with the 11 arguments that follow. */
  lstmForward: 2,
  /** `lstmBackward` with the 12 arguments that follow. */
  lstmBackward: 3,
  /** `dst[i] += src[i]` for `n` floats: operands dst, src, n. */
  add: 4,
  /** `dst[i] = src[i]` for `n` floats (not overlapping): operands dst, src, n. */
  copy: 5,
  /** `gruForward` with the 9 arguments that follow. */
  gruForward: 6,
  /** `gruBackward` with the 11 arguments that follow. */
  gruBackward: 7,
  /** `xentBlock` with the 6 arguments that follow. */
  xentBlock: 8,
  /** `xentForward` with the 5 arguments that follow. */
  xentForward: 9,
  /** `dst[i] = 0` for `n` floats: operands dst, n. */
  zero: 10,
  /**
   * A product on the host's BLAS library (`ProgramExports.sgemm`; the calling thread only, workers have none) with
   * the 11 operands that follow: M, N, K, a, lda, b, ldb, transB, c, ldc, bias (`c ← a·op(b)`, op(b) = bᵀ when
   * transB is 1, plus the bias row when not 0).
   */
  sgemm: 11,
  /** `additiveAttention` with the 12 arguments that follow. */
  attention: 12,
} as const;

/** What a program calls: the GEMM's and `wasmPointwise.wat`'s exports, instantiated on the memory it runs on. */
export interface ProgramExports {
  gemm(job: number): void;
  lstmForward(...args: number[]): void;
  lstmBackward(...args: number[]): void;
  gruForward(...args: number[]): void;
  gruBackward(...args: number[]): void;
  xentBlock(...args: number[]): void;
  xentForward(...args: number[]): void;
  additiveAttention(...args: number[]): void;
  /**
   * `c ← a·op(b) (+ bias in every row)` on the host's BLAS library, row-major, op(b) = bᵀ when `transB` is 1, byte
   * addresses and row strides in floats: only where the program runs on tfjs's heap on the calling thread (absent in
   * the workers).
   */
  sgemm?(M: number, N: number, K: number, a: number, lda: number, b: number, ldb: number, transB: number, c: number, ldc: number, bias: number): void;
}

/** Appends calls; {@link ProgramWriter.words} ends the program. */
export class ProgramWriter {
  readonly #words: number[] = [];

  gemm(job: GemmJob): void {
    this.#words.push(OP.gemm, ...jobWords(job));
  }

  lstmForward(...args: [number, number, number, number, number, number, number, number, number, number, number]): void {
    this.#words.push(OP.lstmForward, ...args);
  }

  lstmBackward(...args: [number, number, number, number, number, number, number, number, number, number, number, number]): void {
    this.#words.push(OP.lstmBackward, ...args);
  }

  add(dst: number, src: number, n: number): void {
    this.#words.push(OP.add, dst, src, n);
  }

  copy(dst: number, src: number, n: number): void {
    this.#words.push(OP.copy, dst, src, n);
  }

  zero(dst: number, n: number): void {
    this.#words.push(OP.zero, dst, n);
  }

  sgemm(M: number, N: number, K: number, a: number, lda: number, b: number, ldb: number, transB: boolean, c: number, ldc: number, bias: number): void {
    this.#words.push(OP.sgemm, M, N, K, a, lda, b, ldb, transB ? 1 : 0, c, ldc, bias);
  }

  gruForward(...args: [number, number, number, number, number, number, number, number, number]): void {
    this.#words.push(OP.gruForward, ...args);
  }

  gruBackward(...args: [number, number, number, number, number, number, number, number, number, number, number]): void {
    this.#words.push(OP.gruBackward, ...args);
  }

  xentBlock(...args: [number, number, number, number, number, number]): void {
    this.#words.push(OP.xentBlock, ...args);
  }

  xentForward(...args: [number, number, number, number, number]): void {
    this.#words.push(OP.xentForward, ...args);
  }

  attention(...args: [number, number, number, number, number, number, number, number, number, number, number, number]): void {
    this.#words.push(OP.attention, ...args);
  }

  /** The program's words, {@link OP.end} included. */
  words(): Int32Array {
    return Int32Array.from([...this.#words, OP.end]);
  }
}

/**
 * Runs the program at byte address `at` of `buffer` (the memory `exports` are instantiated on). Self-contained
 * (literal opcodes, no closure, no imports), because the worker threads run its source text: keep it that way. A
 * GEMM's job record is read where it lies in the program. Returns -1 once it reaches {@link OP.end}, or the word
 * index of an opcode it does not know (nothing after it has run): the caller reports it ({@link checkProgramRun}).
 */
export function runProgram(exports: ProgramExports, buffer: ArrayBufferLike, at: number): number {
  // No inner functions: a bundler's helpers (e.g. esbuild's keepNames) must not appear in the source text.
  const w = new Int32Array(buffer);
  let p = at >>> 2;
  for (;;) {
    const op = w[p];
    if (op === 0) return -1;
    if (op === 1) {
      exports.gemm((p + 1) * 4);
      p += 1 + 21; // the job record: JOB_WORDS in wasmGemmPlan.ts
    } else if (op === 2) {
      exports.lstmForward(...w.subarray(p + 1, p + 12));
      p += 12;
    } else if (op === 3) {
      exports.lstmBackward(...w.subarray(p + 1, p + 13));
      p += 13;
    } else if (op === 4) {
      const f32 = new Float32Array(buffer);
      const [dst, src, n] = [(w[p + 1] as number) >>> 2, (w[p + 2] as number) >>> 2, w[p + 3] as number];
      for (let k = 0; k < n; k += 1) f32[dst + k] = (f32[dst + k] as number) + (f32[src + k] as number);
      p += 4;
    } else if (op === 5) {
      const [dst, src, n] = [(w[p + 1] as number) >>> 2, (w[p + 2] as number) >>> 2, w[p + 3] as number];
      new Float32Array(buffer).copyWithin(dst, src, src + n);
      p += 4;
    } else if (op === 6) {
      exports.gruForward(...w.subarray(p + 1, p + 10));
      p += 10;
    } else if (op === 7) {
      exports.gruBackward(...w.subarray(p + 1, p + 12));
      p += 12;
    } else if (op === 8) {
      exports.xentBlock(...w.subarray(p + 1, p + 7));
      p += 7;
    } else if (op === 9) {
      exports.xentForward(...w.subarray(p + 1, p + 6));
      p += 6;
    } else if (op === 10) {
      const dst = (w[p + 1] as number) >>> 2;
      new Float32Array(buffer).fill(0, dst, dst + (w[p + 2] as number));
      p += 3;
    } else if (op === 11 && exports.sgemm !== undefined) {
      exports.sgemm(
        w[p + 1] as number, w[p + 2] as number, w[p + 3] as number, w[p + 4] as number, w[p + 5] as number, w[p + 6] as number,
        w[p + 7] as number, w[p + 8] as number, w[p + 9] as number, w[p + 10] as number, w[p + 11] as number,
      );
      p += 12;
    } else if (op === 12) {
      exports.additiveAttention(...w.subarray(p + 1, p + 13));
      p += 13;
    } else {
      return p;
    }
  }
}

/** Throws unless {@link runProgram} returned -1 (it ran to the end). */
export function checkProgramRun(result: number, at: number): void {
  if (result < 0) return;
  throw new UnsupportedError(
    { package: PKG, message: `a wasm kernel program (at byte ${at}) has word ${result - (at >>> 2)} = an opcode from ${OP.end} to ${OP.attention} expected (${OP.sgemm} only where a BLAS is reached); its calls were not all run` },
    'ERR_WASM_PROGRAM',
  );
}
