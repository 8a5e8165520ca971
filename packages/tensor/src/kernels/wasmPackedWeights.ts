import type { DataId } from '@tensorflow/tfjs-core';
import type { GemmCall, WasmBackend } from './wasmGemmEngine.js';
import { align, BLOCK, packedBBytes, TILE_COLS } from './wasmGemmPlan.js';

/** At most this many rows of C for B to be cached: products that small are the ones repeated on one weight. */
const MAX_ROWS = 64;
/** Bytes of packed copies kept at once (in tfjs-backend-wasm's heap). */
const MAX_BYTES = 32 * 2 ** 20;

/**
 * Packed copies of the B operands of small products, kept across calls, as XNNPACK keeps its packed weights: a
 * recurrent layer multiplies by the same weight at every time step (20 × 200 · 200 × 800 for 35 steps), and
 * packing it each time costs about as much as the product.
 *
 * Keyed by the tensor's `DataId` object: tfjs never changes the data behind a DataId (a write makes a new one,
 * `Variable.assign` takes the new value's), and a new tensor never gets an old DataId, so a hit is always the
 * same values; the layout (K, N, transposed) is part of the key because reshapes share a DataId. Entries whose
 * tensor is gone are freed at the next miss; the least recently used go when the cache would pass 32 MiB.
 */
export interface PackedWeights {
  /** Address of `call.b` packed for `gemm`'s `prepacked` mode, or undefined when it is not worth caching. */
  lookup(call: GemmCall, bAt: number, rsB: number, csB: number): number | undefined;
  dispose(): void;
}

interface Entry {
  readonly key: string;
  readonly raw: number;
  readonly at: number;
  readonly bytes: number;
}

export function packedWeights(backend: WasmBackend, packB: (src: number, rs: number, cs: number, k: number, n: number, dst: number) => void): PackedWeights {
  const entries = new Map<DataId, Entry>();
  let total = 0;
  const drop = (id: DataId, entry: Entry): void => {
    backend.wasm._free(entry.raw);
    total -= entry.bytes;
    entries.delete(id);
  };
  return {
    lookup: (call, bAt, rsB, csB) => {
      const { M, K, N } = call;
      const bytes = packedBBytes(K, N);
      if (M > MAX_ROWS || N > BLOCK.nc || bytes > MAX_BYTES / 2) return undefined;
      const id = call.b.dataId;
      const key = `${K}x${N}${call.transposeB ? 't' : ''}`;
      const hit = entries.get(id);
      if (hit !== undefined && hit.key === key) {
        entries.delete(id); // most recently used last
        entries.set(id, hit);
        return hit.at;
      }
      if (hit !== undefined) drop(id, hit);
      for (const [other, entry] of entries) if (!backend.dataIdMap.has(other)) drop(other, entry); // (get() would look on other backends)
      for (const [other, entry] of entries) {
        if (total + bytes <= MAX_BYTES) break;
        drop(other, entry);
      }
      const raw = backend.wasm._malloc(bytes + 64) >>> 0;
      const at = align(raw);
      // One depth block after another, as `gemm` reads them (the address of B is taken after the malloc above).
      const rowBytes = Math.ceil(N / TILE_COLS) * TILE_COLS * 4;
      for (let p = 0; p < K; p += BLOCK.kc) packB(bAt + p * rsB, rsB, csB, Math.min(BLOCK.kc, K - p), N, at + p * rowBytes);
      entries.set(id, { key, raw, at, bytes });
      total += bytes;
      return at;
    },
    dispose: () => {
      for (const [id, entry] of entries) drop(id, entry);
    },
  };
}
