import { loadBinaryModel } from '../src/binaryModel.js';

/**
 * A copy of a binary model's bytes in shared memory (as the threaded scorers share them) with its last word — a
 * log10 probability of the highest order — set to +1, which the checksum and the range check both refuse; and the
 * error `loadBinaryModel` gives for it.
 */
export function damagedBinaryModel(bytes: Uint8Array): { damaged: Uint8Array; error: Error } {
  const damaged = new Uint8Array(new SharedArrayBuffer(bytes.length));
  damaged.set(bytes);
  new DataView(damaged.buffer).setFloat32(damaged.length - 4, 1, true);
  try {
    loadBinaryModel(damaged);
  } catch (error) {
    return { damaged, error: error as Error };
  }
  throw new Error('the damaged model loaded');
}
