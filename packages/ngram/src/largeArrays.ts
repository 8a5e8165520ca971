/** Bytes above which an array is given a mapping of its own (see {@link largeBuffer}). */
const MAPPED_ABOVE = 1 << 20;
/** Above glibc's largest dynamic mmap threshold (32 MiB on 64-bit systems). */
const MAPPED_BYTES = (32 << 20) + (64 << 10);

/**
 * Zeroed memory for a typed array of `bytes` (its views cover `bytes` only). On Node, above 1 MiB, at least
 * 32 MiB + 64 KiB are reserved: glibc then serves it from a mapping of its own, given back to the system as soon as
 * the array is collected, and only the pages written count in the process's memory. A 1 to 32 MiB array would
 * otherwise come from the main heap once a larger one has been freed (glibc raises its mmap threshold to the size
 * of the mapping freed), and the heap keeps that memory after the array is gone: counting's hash tables, the
 * estimator's per-order arrays and the writer's rows then stay in the process beside the next stage's (a 2.2 M-token
 * corpus at order 5: 255 MB peak instead of about 220). Elsewhere (browsers) the exact size.
 */
export function largeBuffer(bytes: number): ArrayBuffer {
  const node = (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node;
  return new ArrayBuffer(node !== undefined && bytes > MAPPED_ABOVE ? Math.max(bytes, MAPPED_BYTES) : bytes);
}

/*
 * Fresh memory comes from the system unmapped. Where an array's first access of an element is a read (a hash table's
 * probe, a count's `+=`), that read maps a page of zeros and the write after it faults again for a page of its own:
 * two page faults per page, where writing it first takes one. Such arrays are filled (`.fill(0)`) once before use:
 * counting's tables and the estimator's adjusted counts (2.2 M tokens at order 5: ~116,000 → ~74,000 faults in
 * counting). Arrays written before they are read need no such pass.
 */

/** A zeroed `Int32Array` of `length` in {@link largeBuffer} memory. */
export function largeInt32Array(length: number): Int32Array {
  return new Int32Array(largeBuffer(4 * length), 0, length);
}

/** A zeroed `Uint32Array` of `length` in {@link largeBuffer} memory. */
export function largeUint32Array(length: number): Uint32Array {
  return new Uint32Array(largeBuffer(4 * length), 0, length);
}

/** A zeroed `Float32Array` of `length` in {@link largeBuffer} memory. */
export function largeFloat32Array(length: number): Float32Array {
  return new Float32Array(largeBuffer(4 * length), 0, length);
}

/** A zeroed `Uint8Array` of `length` in {@link largeBuffer} memory. */
export function largeUint8Array(length: number): Uint8Array {
  return new Uint8Array(largeBuffer(length), 0, length);
}
