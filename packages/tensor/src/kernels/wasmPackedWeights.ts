import type { DataId } from '@tensorflow/tfjs-core';
import type { GemmCall, WasmBackend } from './wasmGemmEngine.js';
import { writeGeneration } from './inPlaceWrites.js';
import { align, packedBBytes, type PackB, prepackColumns } from './wasmGemmPlan.js';

/**
 * Whether packed copies of a product's B are worth keeping, by the rows of C: up to {@link FIRST_USE_ROWS} rows a
 * B is kept from its first use (products that small are the ones repeated on one weight: a recurrent layer's
 * step), up to {@link SECOND_USE_ROWS} from its second (a decoder step of a beam of 160 rows multiplies by the
 * same weights every step, but products of that size also take fresh gradients, used once, which are not worth
 * a copy). Beyond that, packing is a small part of the product.
 */
export const FIRST_USE_ROWS = 64;
export const SECOND_USE_ROWS = 256;

/** Bytes of packed copies kept at once (in tfjs-backend-wasm's heap). */
const MAX_BYTES = 32 * 2 ** 20;

/**
 * Packed copies of the B operands of small products (or of their column shares), kept across calls, as XNNPACK
 * keeps its packed weights: a recurrent layer multiplies by the same weight at every time step (20 × 200 ·
 * 200 × 800 for 35 steps), and a decoder step by the same output layer (32 × 512 · 512 × 4,568) for every
 * token; packing it each time costs about as much as the product.
 *
 * Keyed by the tensor's `DataId` object: tfjs never changes the data behind a DataId (a write makes a new one,
 * `Variable.assign` takes the new value's), and a new tensor never gets an old DataId; nlpkit's in-place updates
 * (`sgdUpdate`, `adamUpdate`) do change it, so the times it was written over (`writeGeneration`) are part of the
 * key, and a hit is always the same values. The layout (K, N, transposed, columns) is part of the key because
 * reshapes share a DataId.
 * Entries whose tensor is gone are freed at the next miss; the least recently used go when the cache would pass
 * 32 MiB.
 */
export interface PackedWeights {
  /**
   * Address of columns [n0, n1) of `call.b` packed for `gemm`'s `prepacked` mode, or undefined when it is not
   * worth caching ({@link FIRST_USE_ROWS}).
   */
  lookup(call: GemmCall, bAt: number, rsB: number, csB: number, n0: number, n1: number): number | undefined;
  dispose(): void;
}

/**
 * Remembers which B operands (by DataId and layout key) were seen once, for the second-use rule of
 * {@link FIRST_USE_ROWS}; forgets everything past 4,096 entries.
 */
export class SeenOperands {
  readonly #seen = new Map<DataId, string>();

  /** True when `id` was seen with `key` before; records it either way. */
  again(id: DataId, key: string): boolean {
    if (this.#seen.get(id) === key) return true;
    if (this.#seen.size >= 4096) this.#seen.clear();
    this.#seen.set(id, key);
    return false;
  }
}

interface Entry {
  readonly key: string;
  readonly raw: number;
  readonly at: number;
  readonly bytes: number;
}

export function packedWeights(backend: WasmBackend, packB: PackB): PackedWeights {
  const entries = new Map<DataId, Entry>();
  const seen = new SeenOperands();
  let total = 0;
  const drop = (id: DataId, entry: Entry): void => {
    backend.wasm._free(entry.raw);
    total -= entry.bytes;
    entries.delete(id);
  };
  return {
    lookup: (call, bAt, rsB, csB, n0, n1) => {
      const { M, K, N } = call;
      const width = n1 - n0;
      const bytes = packedBBytes(K, width);
      if (M > SECOND_USE_ROWS || bytes > MAX_BYTES / 2) return undefined;
      const id = call.b.dataId;
      const key = `${K}x${N}${call.transposeB ? 't' : ''}:${n0}-${n1}@${writeGeneration(id)}`;
      const hit = entries.get(id);
      if (hit !== undefined && hit.key === key) {
        entries.delete(id); // most recently used last
        entries.set(id, hit);
        return hit.at;
      }
      if (M > FIRST_USE_ROWS && !seen.again(id, key)) return undefined;
      if (hit !== undefined) drop(id, hit);
      for (const [other, entry] of entries) if (!backend.dataIdMap.has(other)) drop(other, entry); // (get() would look on other backends)
      for (const [other, entry] of entries) {
        if (total + bytes <= MAX_BYTES) break;
        drop(other, entry);
      }
      const raw = backend.wasm._malloc(bytes + 64) >>> 0;
      const at = align(raw);
      // One depth block after another, as `gemm` reads them (B's address is an offset: the malloc above moved nothing).
      prepackColumns(packB, bAt + n0 * csB, rsB, csB, K, width, at);
      entries.set(id, { key, raw, at, bytes });
      total += bytes;
      return at;
    },
    dispose: () => {
      for (const [id, entry] of entries) drop(id, entry);
    },
  };
}
