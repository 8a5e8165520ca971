import { UnsupportedError } from '@nlpkit/core';
import { PKG } from '../errors.js';
import { checkProgramRun, type ProgramExports, runProgram } from './wasmProgram.js';

/**
 * Worker threads that run `wasmGemm.wat`'s `gemm` on one shared `WebAssembly.Memory`, woken with
 * `Atomics.notify` (no messages per call: a matmul is a synchronous tfjs kernel).
 *
 * The control block is the first {@link CONTROL_BYTES} of the memory: 16 i32 per worker slot (slot 0 is the
 * calling thread, which computes its own share and has no entry): generation (bumped to start a job, -1 to
 * stop), done (the generation last finished), job address, error flag, ready flag, job kind (0: one `gemm` on the
 * job record at the address; 1: the program there, `wasmProgram.ts`), claim (the generation last taken).
 *
 * A job is run by whoever claims it first (compare-and-swap of its generation into the claim word): its worker,
 * or the caller once it has finished its own share. So a worker the OS has not scheduled yet (a busy machine:
 * other processes on the cores) never makes the caller wait; at worst the caller computes every share itself.
 */

/** Bytes at the start of the shared memory reserved for the control block. */
export const CONTROL_BYTES = 4096;

const GEN = 0;
const DONE = 1;
const JOB = 2;
const ERROR = 3;
const READY = 4;
const KIND = 5;
const CLAIM = 6;

/**
 * The worker's whole program (with `runProgram`'s source), made when a pool starts. It runs as a CommonJS script in
 * Node (`eval: true`; `workerData` carries the modules and memory) and as a classic worker in browsers (one message
 * carries them). Kept free of closures over this file so it can be serialized.
 */
const workerSource = (): string => `
${runProgram.toString()}
const start = ({ module, pointwise, memory, slot }) => {
  const flags = new Int32Array(memory.buffer, 0, ${CONTROL_BYTES / 4});
  const base = slot * 16;
  let instance;
  let programExports;
  try {
    instance = new WebAssembly.Instance(module, { env: { memory } });
    const pw = pointwise === undefined ? {} : new WebAssembly.Instance(pointwise, { env: { memory } }).exports;
    programExports = { ...pw, gemm: instance.exports.gemm };
  } catch (error) {
    Atomics.store(flags, base + ${ERROR}, 1);
    Atomics.store(flags, base + ${READY}, -1);
    return;
  }
  Atomics.store(flags, base + ${READY}, 1);
  let seen = 0;
  for (;;) {
    Atomics.wait(flags, base + ${GEN}, seen);
    const gen = Atomics.load(flags, base + ${GEN});
    if (gen < 0) return;
    if (gen === seen) continue;
    seen = gen;
    const claimed = Atomics.load(flags, base + ${CLAIM});
    // Taken by the caller already: nothing to do (the caller does not wait for this slot).
    if (claimed === gen || Atomics.compareExchange(flags, base + ${CLAIM}, claimed, gen) !== claimed) continue;
    try {
      const job = Atomics.load(flags, base + ${JOB});
      if (Atomics.load(flags, base + ${KIND}) !== 1) instance.exports.gemm(job);
      else if (runProgram(programExports, memory.buffer, job) >= 0) Atomics.store(flags, base + ${ERROR}, 1);
    } catch (error) {
      Atomics.store(flags, base + ${ERROR}, 1);
    }
    Atomics.store(flags, base + ${DONE}, gen);
    Atomics.notify(flags, base + ${DONE});
  }
};
if (typeof require === 'function') start(require('node:worker_threads').workerData);
else self.onmessage = (event) => start(event.data);
`;

/** A started pool: `workers` helpers in slots 1 .. workers. */
export interface GemmWorkers {
  /** Number of worker slots (threads besides the caller). */
  readonly workers: number;
  /** True once every worker has instantiated the module (until then the caller computes alone). */
  ready(): boolean;
  /**
   * Runs `gemm(job)` on each listed slot (or, with `program`, the program at `job`: `wasmProgram.ts`), the caller's
   * own `work` meanwhile, and waits for them all.
   */
  run(jobs: readonly { slot: number; job: number; program?: boolean }[], work: () => void): void;
  /** Stops and terminates every worker. */
  dispose(): void;
}

interface WorkerLike {
  terminate(): unknown;
  unref?(): void;
  postMessage?(message: unknown): void;
}

type NodeWorkerCtor = new (source: string, options: { eval: true; workerData: unknown }) => WorkerLike;

/** A Node built-in module, reached without a static import (browser bundles must not see Node built-ins). */
function nodeBuiltin<T>(id: string): Partial<T> | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return proc?.getBuiltinModule?.(id) as Partial<T> | undefined;
}

/** `node:worker_threads`' Worker, or undefined outside Node. */
function nodeWorker(): NodeWorkerCtor | undefined {
  return nodeBuiltin<{ Worker: NodeWorkerCtor }>('node:worker_threads')?.Worker;
}

/** How many threads may share one memory here: Node always; browsers only when cross-origin isolated. */
export function threadsSupported(): boolean {
  if (typeof SharedArrayBuffer === 'undefined') return false;
  if (nodeWorker() !== undefined) return true;
  const g = globalThis as { crossOriginIsolated?: boolean; Worker?: unknown; Blob?: unknown; URL?: { createObjectURL?: unknown } };
  return g.crossOriginIsolated === true && typeof g.Worker === 'function' && typeof g.URL?.createObjectURL === 'function';
}

/**
 * The most threads {@link defaultThreadCount} gives. Products are split into output tiles and sequence kernels into
 * batch rows, so more threads help the big products only; the split was measured on 2 cores (1.4–1.6× the
 * LSTM LM training tokens/s of 1 thread), and 4 keeps the batch rows of a small batch (20) from being spread too
 * thin.
 */
export const DEFAULT_MAX_THREADS = 4;

/**
 * Threads (counting the calling one) the wasm GEMM runs unless told otherwise: the cores this process may use —
 * Node's `availableParallelism()`, a browser's `navigator.hardwareConcurrency` — at most {@link DEFAULT_MAX_THREADS};
 * 1 where threads cannot share memory ({@link threadsSupported}: a browser page that is not cross-origin isolated).
 * PyTorch, XNNPACK and tfjs-backend-wasm in browsers also use the cores by default.
 */
export function defaultThreadCount(): number {
  if (!threadsSupported()) return 1;
  const browser = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  const cores = nodeBuiltin<{ availableParallelism: () => number }>('node:os')?.availableParallelism?.() ?? browser?.hardwareConcurrency;
  if (cores === undefined || !Number.isFinite(cores) || cores < 1) return 1;
  return Math.min(DEFAULT_MAX_THREADS, Math.floor(cores));
}

/**
 * Starts `workers` threads on `module` (the GEMM's shared build) and `pointwise` (`wasmPointwise.wat`'s shared
 * build, for programs) over the shared `memory` (whose first {@link CONTROL_BYTES} must be zero and belong to the
 * pool). Workers are unref'd in Node, so they never keep a process alive.
 */
export function startGemmWorkers(module: WebAssembly.Module, memory: WebAssembly.Memory, workers: number, pointwise?: WebAssembly.Module): GemmWorkers {
  const flags = new Int32Array(memory.buffer, 0, CONTROL_BYTES / 4);
  const NodeWorker = nodeWorker();
  // Browsers may not block their main thread in Atomics.wait; there the caller spins (a kernel is synchronous).
  const canBlock = NodeWorker !== undefined;
  const handles: WorkerLike[] = [];
  let generation = 0;
  for (let slot = 1; slot <= workers; slot += 1) {
    const data = { module, pointwise, memory, slot };
    if (NodeWorker !== undefined) {
      const worker = new NodeWorker(workerSource(), { eval: true, workerData: data });
      worker.unref?.();
      handles.push(worker);
    } else {
      const g = globalThis as unknown as { Worker: new (url: string) => WorkerLike; URL: { createObjectURL(b: Blob): string; revokeObjectURL(u: string): void } };
      const url = g.URL.createObjectURL(new Blob([workerSource()], { type: 'text/javascript' }));
      const worker = new g.Worker(url);
      worker.postMessage?.(data);
      g.URL.revokeObjectURL(url);
      handles.push(worker);
    }
  }
  // The caller's own instances on the shared memory, for jobs it claims before their worker does.
  let mine: ProgramExports | undefined;
  const runHere = (job: number, program: boolean): void => {
    if (mine === undefined) {
      const gemm = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as { gemm: ProgramExports['gemm'] };
      const missing = (): never => {
        throw new UnsupportedError({ package: PKG, message: 'a GEMM worker program called an elementwise kernel, but the pool has none' }, 'ERR_WASM_GEMM_WORKER');
      };
      const pw = pointwise === undefined
        ? { lstmForward: missing, lstmBackward: missing, gruForward: missing, gruBackward: missing, xentBlock: missing, xentForward: missing, additiveAttention: missing }
        : (new WebAssembly.Instance(pointwise, { env: { memory } }).exports as unknown as Omit<ProgramExports, 'gemm'>);
      mine = { ...pw, gemm: gemm.gemm };
    }
    if (program) checkProgramRun(runProgram(mine, memory.buffer, job), job);
    else mine.gemm(job);
  };
  /** True when this call took `slot`'s job of `generation` (its worker had not). */
  const claim = (slot: number, gen: number): boolean => {
    const at = slot * 16 + CLAIM;
    const claimed = Atomics.load(flags, at);
    return claimed !== gen && Atomics.compareExchange(flags, at, claimed, gen) === claimed;
  };
  const waitFor = (index: number, value: number): void => {
    for (;;) {
      const found = Atomics.load(flags, index);
      if (found === value) return;
      if (canBlock) Atomics.wait(flags, index, found, 1000);
    }
  };
  return {
    workers,
    ready: () => {
      for (let slot = 1; slot <= workers; slot += 1) if (Atomics.load(flags, slot * 16 + READY) !== 1) return false;
      return true;
    },
    run: (jobs, work) => {
      if (generation >= 0x7ffffff0) {
        // Wrapping: no job is in flight between runs, so old claims can be forgotten.
        generation = 0;
        for (let slot = 1; slot <= workers; slot += 1) Atomics.store(flags, slot * 16 + CLAIM, 0);
      }
      generation += 1;
      for (const { slot, job, program } of jobs) {
        const base = slot * 16;
        Atomics.store(flags, base + JOB, job);
        Atomics.store(flags, base + KIND, program === true ? 1 : 0);
        Atomics.store(flags, base + GEN, generation);
        Atomics.notify(flags, base + GEN);
      }
      let failure: unknown;
      try {
        work();
      } catch (error) {
        failure = error;
      }
      for (const { slot, job, program } of jobs) {
        if (!claim(slot, generation)) {
          waitFor(slot * 16 + DONE, generation);
        } else if (failure === undefined) {
          try {
            runHere(job, program === true);
          } catch (error) {
            failure = error;
          }
        }
      }
      if (failure !== undefined) throw failure;
      for (const { slot } of jobs) {
        if (Atomics.exchange(flags, slot * 16 + ERROR, 0) !== 0) {
          throw new UnsupportedError({ package: PKG, message: `wasm GEMM worker ${slot} trapped, failed to start, or met a program it could not run` }, 'ERR_WASM_GEMM_WORKER');
        }
      }
    },
    dispose: () => {
      for (let slot = 1; slot <= workers; slot += 1) {
        Atomics.store(flags, slot * 16 + GEN, -1);
        Atomics.notify(flags, slot * 16 + GEN);
      }
      for (const worker of handles) void worker.terminate();
      handles.length = 0;
    },
  };
}
