import type { DataId, TensorInfo } from '@tensorflow/tfjs-core';
import { type GemmCall, type GemmModules, heapMemory, inPlaceRunner, offsetOf, type ProgramPool, strides, type WasmBackend, type WasmGemmEngine } from './wasmGemmEngine.js';
import { align, type GemmJob, jobAddress, type PackB, packedBBytes, prepackColumns, SCRATCH_BYTES, type Share, splitOutput, TILE_COLS, writeJob } from './wasmGemmPlan.js';
import { writeGeneration } from './inPlaceWrites.js';
import { FIRST_USE_ROWS, SECOND_USE_ROWS, SeenOperands } from './wasmPackedWeights.js';
import { CONTROL_BYTES, type GemmWorkers, startGemmWorkers } from './wasmGemmThreads.js';

/**
 * Below this many flops (2·M·N·K) the caller computes alone, in place: a product this small takes ~0.5 ms, and
 * copying its operands plus waking a worker (tens of µs idle, far more when the cores are oversubscribed) eats
 * most of what a second thread saves. The LSTM's per-step products (20 × 200 · 200 × 800, 6.4 MFLOP) stay here.
 */
const MIN_THREADED_FLOPS = 16e6;

/** Copies `rows` rows of `cols` floats between two row-major views (strides in floats). */
export function copyRows(from: Float32Array, at: number, stride: number, to: Float32Array, toAt: number, toStride: number, rows: number, cols: number): void {
  if (stride === cols && toStride === cols) {
    to.set(from.subarray(at, at + rows * cols), toAt);
    return;
  }
  for (let r = 0; r < rows; r += 1) to.set(from.subarray(at + r * stride, at + r * stride + cols), toAt + r * toStride);
}

/** One worker's band of C and its job on the copies (byte addresses in the shared memory). */
interface WorkerPart {
  readonly share: Share;
  readonly job: GemmJob;
}

/**
 * Several threads: the caller computes its band of C in place on tfjs-backend-wasm's heap (as
 * {@link inPlaceEngine}), while each worker computes another band from copies of just the operands that band
 * needs, in a shared memory of our own — tfjs-backend-wasm's heap is not shared in its single-threaded builds, the
 * ones it runs in Node — and the caller copies the workers' bands into the output. Split by columns (the
 * 700 × 10k softmax layer), a worker needs all of A but only its columns of B; split by rows (its 700 × 200 input
 * gradient), its rows of A and all of B. Products too small to share, or issued while the workers are still
 * starting, run in place alone.
 */
export function sharedEngine(backend: WasmBackend, threads: number, modules: GemmModules): WasmGemmEngine {
  const scratchBase = CONTROL_BYTES;
  const scratchOf = (slot: number): number => scratchBase + (slot - 1) * align(SCRATCH_BYTES);
  // After the scratch areas: the workers' packed columns kept across calls, then each call's operands.
  const cacheBase = scratchBase + (threads - 1) * align(SCRATCH_BYTES);
  const memory = new WebAssembly.Memory({ initial: Math.ceil(cacheBase / 65536) + 16, maximum: 65536, shared: true });
  const columns = workerColumns(memory, modules, cacheBase);
  const operandBase = (): number => columns.end();
  // Started by the first product big enough to share; until they are up, products run in place.
  let workers: GemmWorkers | undefined;
  const runner = inPlaceRunner(backend, modules);
  const heap = heapMemory(backend) as WebAssembly.Memory;
  const stats = { calls: 0, shared: 0, programs: 0 };
  const start = (): GemmWorkers => (workers ??= startGemmWorkers(modules.shared, memory, threads - 1, modules.pointwiseShared));
  const pool: ProgramPool = {
    threads,
    memory,
    ready: () => start().ready(),
    area: (bytes) => {
      const end = operandBase() + align(bytes);
      if (end > memory.buffer.byteLength) memory.grow(Math.ceil((end - memory.buffer.byteLength) / 65536));
      return operandBase();
    },
    keepColumns: (b, K, N, ranges, key) => columns.keep(b, K, N, false, ranges, key),
    keepTensors: (tensors) => columns.keepTensors(tensors),
    scratchOf,
    run: (programs, work) => {
      stats.programs += 1;
      start().run(programs.map(({ slot, program }) => ({ slot, job: program, program: true })), work);
    },
  };

  /**
   * Lays out each worker's operands after `operandBase` and returns them with the end address. With `packed`
   * (split by columns, each worker's columns of B kept packed), no room for B.
   */
  function layout(call: GemmCall, shares: readonly Share[], packed: readonly number[] | undefined): { parts: WorkerPart[]; end: number } {
    const { M, N, K } = call;
    const byCols = (shares[1] as Share).n0 > 0;
    let top = operandBase();
    const take = (floats: number): number => {
      const at = top;
      top += align(floats * 4 + 4 * TILE_COLS); // slack: edge tiles read a whole 8-float bias vector
      return at;
    };
    // The operand every worker needs whole is copied once.
    const common = byCols ? take(M * K) : take(K * N);
    const commonBias = !byCols && call.bias !== undefined ? take(N) : 0;
    const s = strides(call);
    const parts = shares.slice(1).map((share, index): WorkerPart => {
      const w = share.n1 - share.n0;
      const h = share.m1 - share.m0;
      if (byCols) {
        const b = packed === undefined ? take(K * w) : 0;
        const bias = call.bias === undefined ? 0 : take(w);
        const c = take(M * w);
        const bStrides = call.transposeB ? { rsB: 4, csB: K * 4 } : { rsB: w * 4, csB: 4 };
        const job = { m0: 0, m1: M, n0: 0, n1: w, K, a: common, rsA: s.rsA, csA: s.csA, b, ...bStrides, c, ldc: w * 4, bias, scratch: 0 };
        return { share, job: packed === undefined ? job : { ...job, packedB: packed[index] as number } };
      }
      const a = take(h * K);
      const c = take(h * N);
      const aStrides = call.transposeA ? { rsA: 4, csA: h * 4 } : { rsA: K * 4, csA: 4 };
      const job = { m0: 0, m1: h, n0: 0, n1: N, K, a, ...aStrides, b: common, rsB: s.rsB, csB: s.csB, c, ldc: N * 4, bias: commonBias, scratch: 0 };
      return { share, job };
    });
    return { parts, end: top };
  }

  function shared(call: GemmCall, shares: readonly Share[], pool: GemmWorkers): TensorInfo {
    const { M, N, K } = call;
    const byCols = (shares[1] as Share).n0 > 0;
    const packed = byCols ? columns.lookup(call, shares.slice(1)) : undefined;
    const { parts, end } = layout(call, shares, packed);
    if (end > memory.buffer.byteLength) memory.grow(Math.ceil((end - memory.buffer.byteLength) / 65536));
    const out = backend.makeOutput([M, N], 'float32');
    const outAt = offsetOf(backend, out);
    const ownJob = runner.prepare(call, shares[0] as Share, outAt); // may grow tfjs's heap: views come after
    const theirs = new Float32Array(heap.buffer);
    const ours = new Float32Array(memory.buffer);
    const aAt = offsetOf(backend, call.a) >>> 2;
    const bAt = offsetOf(backend, call.b) >>> 2;
    const biasAt = call.bias === undefined ? 0 : offsetOf(backend, call.bias) >>> 2;
    const first = parts[0] as WorkerPart;
    if (byCols) ours.set(theirs.subarray(aAt, aAt + M * K), first.job.a >>> 2);
    else {
      ours.set(theirs.subarray(bAt, bAt + K * N), first.job.b >>> 2);
      if (call.bias !== undefined) ours.set(theirs.subarray(biasAt, biasAt + N), first.job.bias >>> 2);
    }
    const int32 = new Int32Array(memory.buffer);
    const jobs = parts.map((part, i) => {
      const { share, job } = part;
      if (byCols) {
        const w = share.n1 - share.n0;
        if (packed !== undefined) {
          // B's columns are packed in the shared memory already.
        } else if (call.transposeB) copyRows(theirs, bAt + share.n0 * K, K, ours, job.b >>> 2, K, w, K);
        else copyRows(theirs, bAt + share.n0, N, ours, job.b >>> 2, w, K, w);
        if (call.bias !== undefined) ours.set(theirs.subarray(biasAt + share.n0, biasAt + share.n1), job.bias >>> 2);
      } else {
        const h = share.m1 - share.m0;
        if (call.transposeA) copyRows(theirs, aAt + share.m0, M, ours, job.a >>> 2, h, K, h);
        else copyRows(theirs, aAt + share.m0 * K, K, ours, job.a >>> 2, K, h, K);
      }
      const slot = i + 1;
      writeJob(int32, jobAddress(scratchOf(slot)), { ...job, scratch: scratchOf(slot) });
      return { slot, job: jobAddress(scratchOf(slot)) };
    });
    pool.run(jobs, () => runner.gemm(ownJob));
    const result = new Float32Array(heap.buffer);
    for (const { share, job } of parts) {
      const w = share.n1 - share.n0;
      copyRows(ours, job.c >>> 2, w, result, (outAt >>> 2) + share.m0 * N + share.n0, N, share.m1 - share.m0, w);
    }
    return out;
  }

  return {
    threads,
    stats,
    backend,
    pool,
    matMul: (call) => {
      stats.calls += 1;
      const big = 2 * call.M * call.N * call.K >= MIN_THREADED_FLOPS;
      if (big) start();
      const shares = big && workers?.ready() === true ? splitOutput(call.M, call.N, threads) : [];
      if (workers === undefined || shares.length < 2) {
        const out = backend.makeOutput([call.M, call.N], 'float32');
        runner.gemm(runner.prepare(call, { m0: 0, m1: call.M, n0: 0, n1: call.N }, offsetOf(backend, out)));
        return out;
      }
      stats.shared += 1;
      return shared(call, shares, workers);
    },
    dispose: () => {
      workers?.dispose();
      runner.dispose();
    },
  };

  /**
   * The workers' columns of B kept packed in the shared memory, from `cacheBase` up: {@link FIRST_USE_ROWS}'s rule
   * (a decoder step multiplies by the same weights every token, and copying a worker's half of a 512 × 4,568
   * output layer into the shared memory and packing it took longer than its share of the product). Entries are
   * laid end to end; when they would pass 32 MiB all are dropped (no call is in flight between calls).
   */
  function workerColumns(shared: WebAssembly.Memory, gemmModules: GemmModules, base: number) {
    // An entry is one tensor's packed column blocks, or (`with`: the other tensors' DataIds) tensors' plain copies.
    const entries = new Map<DataId, { key: string; at: number[]; with?: readonly DataId[] }>();
    const seen = new SeenOperands();
    let top = base;
    let packB: PackB | undefined;
    const grow = (end: number): void => {
      if (end > shared.buffer.byteLength) shared.grow(Math.ceil((end - shared.buffer.byteLength) / 65536));
    };
    return {
      /** Where the kept columns end: each call's operands go after. */
      end: () => align(top),
      /** Addresses of each worker share's columns of `call.b` packed, or undefined when not kept (yet). */
      lookup(call: GemmCall, workerShares: readonly Share[]): number[] | undefined {
        const { M, N, K } = call;
        const key = `${K}x${N}${call.transposeB ? 't' : ''}:${workerShares.map((s) => `${s.n0}-${s.n1}`).join(',')}@${writeGeneration(call.b.dataId)}`;
        const hit = entries.get(call.b.dataId);
        if (hit !== undefined && hit.key === key) return hit.at;
        if (M > SECOND_USE_ROWS || (M > FIRST_USE_ROWS && !seen.again(call.b.dataId, key))) return undefined;
        return keep(call.b, K, N, call.transposeB, workerShares, key);
      },
      keep,
      keepTensors,
    };

    /** Room for `bytes` more in the cache (dropping every entry when they would pass its size), or false. */
    function reserve(bytes: number): boolean {
      if (top + bytes - base > MAX_CACHED_BYTES) {
        entries.clear();
        top = base;
      }
      return top + bytes - base <= MAX_CACHED_BYTES;
    }

    /** Copies of the float32 tensors `ts`, kept together under the first one's DataId: their addresses. */
    function keepTensors(ts: readonly TensorInfo[]): number[] | undefined {
      const floats = ts.map((t) => t.shape.reduce((a, b) => a * b, 1));
      const key = `tensors:${floats.join(',')}@${ts.map((t) => writeGeneration(t.dataId)).join(',')}`;
      const others = ts.slice(1).map((t) => t.dataId);
      const hit = entries.get((ts[0] as TensorInfo).dataId);
      if (hit !== undefined && hit.key === key && hit.with !== undefined && hit.with.every((id, i) => id === others[i])) return hit.at;
      const sizes = floats.map((n) => align(n * 4));
      if (!reserve(sizes.reduce((a, c) => a + c, 0))) return undefined;
      const at = sizes.map((size) => {
        const here = top;
        top += size;
        return here;
      });
      grow(top);
      const theirs = new Float32Array((heapMemory(backend) as WebAssembly.Memory).buffer);
      const ours = new Float32Array(shared.buffer);
      ts.forEach((t, i) => {
        const from = offsetOf(backend, t) >>> 2;
        ours.set(theirs.subarray(from, from + (floats[i] as number)), (at[i] as number) >>> 2);
      });
      entries.set((ts[0] as TensorInfo).dataId, { key, at, with: others });
      return at;
    }

    /**
     * Columns [n0, n1) of `b` (K × N, [N, K] when `transposed`) for each of `ranges`, each packed as one prepacked
     * block, kept under b's DataId and `key`: their addresses, or undefined when they would not fit the cache.
     */
    function keep(b: TensorInfo, K: number, N: number, transposed: boolean, ranges: readonly Pick<Share, 'n0' | 'n1'>[], key: string): number[] | undefined {
      const hit = entries.get(b.dataId);
      if (hit !== undefined && hit.key === key) return hit.at;
      const sizes = ranges.map((s) => align(packedBBytes(K, s.n1 - s.n0)));
      if (!reserve(sizes.reduce((a, c) => a + c, 0))) return undefined;
      const at = sizes.map((size) => {
        const here = top;
        top += size;
        return here;
      });
      // Each range's columns copied to the operand area after the entries, then packed into its entry.
      const raw = align(top);
      const widest = Math.max(...ranges.map((s) => s.n1 - s.n0));
      grow(raw + K * widest * 4);
      packB ??= new WebAssembly.Instance(gemmModules.shared, { env: { memory: shared } }).exports['packB'] as typeof packB;
      const theirs = new Float32Array((heapMemory(backend) as WebAssembly.Memory).buffer);
      const ours = new Float32Array(shared.buffer);
      const bAt = offsetOf(backend, b) >>> 2;
      ranges.forEach((range, i) => {
        const w = range.n1 - range.n0;
        if (transposed) copyRows(theirs, bAt + range.n0 * K, K, ours, raw >>> 2, K, w, K);
        else copyRows(theirs, bAt + range.n0, N, ours, raw >>> 2, w, K, w);
        const [rs, cs] = transposed ? [4, K * 4] : [w * 4, 4];
        prepackColumns(packB as PackB, raw, rs, cs, K, w, at[i] as number);
      });
      entries.set(b.dataId, { key, at });
      return at;
    }
  }
}

/** Bytes of the workers' packed columns kept at once. */
const MAX_CACHED_BYTES = 32 * 2 ** 20;
