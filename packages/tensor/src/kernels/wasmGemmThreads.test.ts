import { UnsupportedError } from '@nlpkit/core';
import { expect, it } from 'vitest';
import { compileGemmModules } from './wasmGemmEngine.js';
import { align, jobAddress, SCRATCH_BYTES, writeJob } from './wasmGemmPlan.js';
import { CONTROL_BYTES, startGemmWorkers, threadsSupported } from './wasmGemmThreads.js';

// The worker pool on its own: a GEMM job posted to a worker slot gives the product, whether the worker runs it or,
// because the worker never takes it (here: stopped), the calling thread does — it must not wait for it forever.
const [M, K, N] = [5, 7, 9];
const A = Float32Array.from({ length: M * K }, (_, i) => ((i * 7) % 11) - 5);
const B = Float32Array.from({ length: K * N }, (_, i) => ((i * 5) % 13) / 4 - 1);
const expected = Float64Array.from({ length: M * N }, (_, idx) => {
  const [i, j] = [Math.floor(idx / N), idx % N];
  let s = 0;
  for (let k = 0; k < K; k += 1) s += (A[i * K + k] as number) * (B[k * N + j] as number);
  return s;
});

/** A shared memory with the control block, one slot's scratch, A, B and C; returns the job's address and C's. */
function setUp(): { memory: WebAssembly.Memory; job: number; c: number } {
  const memory = new WebAssembly.Memory({ initial: 64, maximum: 1024, shared: true });
  const scratch = CONTROL_BYTES;
  const [a, b, c] = [scratch + align(SCRATCH_BYTES), scratch + align(SCRATCH_BYTES) + 4096, scratch + align(SCRATCH_BYTES) + 8192];
  const f32 = new Float32Array(memory.buffer);
  f32.set(A, a >>> 2);
  f32.set(B, b >>> 2);
  writeJob(new Int32Array(memory.buffer), jobAddress(scratch), { m0: 0, m1: M, n0: 0, n1: N, K, a, rsA: K * 4, csA: 4, b, rsB: N * 4, csB: 4, c, ldc: N * 4, bias: 0, scratch });
  return { memory, job: jobAddress(scratch), c };
}

const product = (memory: WebAssembly.Memory, c: number): number[] => Array.from(new Float32Array(memory.buffer, c, M * N));

it.runIf(threadsSupported())('a worker computes the job posted to its slot; a job no worker takes is computed by the caller', async () => {
  const modules = compileGemmModules();
  const { memory, job, c } = setUp();
  const pool = startGemmWorkers(modules.shared, memory, 1, modules.pointwiseShared);
  try {
    for (let tries = 0; tries < 500 && !pool.ready(); tries += 1) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(pool.ready()).toBe(true);
    pool.run([{ slot: 1, job }], () => undefined);
    product(memory, c).forEach((v, i) => expect(v).toBeCloseTo(expected[i] as number, 4));
    new Float32Array(memory.buffer, c, M * N).fill(NaN);
  } finally {
    pool.dispose();
  }
  // Its worker is gone: the caller takes the job over instead of waiting (before, this run never returned).
  pool.run([{ slot: 1, job }], () => undefined);
  product(memory, c).forEach((v, i) => expect(v).toBeCloseTo(expected[i] as number, 4));
});

it.runIf(threadsSupported())('a program with an opcode it does not know fails with a typed error, on a worker and on the caller', async () => {
  const modules = compileGemmModules();
  const { memory } = setUp();
  const program = memory.buffer.byteLength - 4096;
  new Int32Array(memory.buffer).set([99, 0], program >>> 2);
  const pool = startGemmWorkers(modules.shared, memory, 1, modules.pointwiseShared);
  try {
    for (let tries = 0; tries < 500 && !pool.ready(); tries += 1) await new Promise((resolve) => setTimeout(resolve, 10));
    // Whoever claims it (the worker, or the caller if it is first) reports it.
    expect(() => pool.run([{ slot: 1, job: program, program: true }], () => undefined)).toThrow(UnsupportedError);
  } finally {
    pool.dispose();
  }
  expect(() => pool.run([{ slot: 1, job: program, program: true }], () => undefined)).toThrow(/word 0 = an opcode from 0 to 12 expected/);
  // A product on the host's BLAS (opcode 11) where no BLAS is reached (a worker, or a caller without one): the same.
  new Int32Array(memory.buffer).set([11, 1, 1, 1, 0, 1, 0, 1, 0, 0, 1, 0, 0], program >>> 2);
  expect(() => pool.run([{ slot: 1, job: program, program: true }], () => undefined)).toThrow(/word 0 = an opcode from 0 to 12 expected \(11 only where a BLAS is reached\)/);
});
