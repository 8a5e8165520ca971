import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { writeFileAtomicSync } from '@nlpkit/core/node';
import { PKG } from './errors.js';
import type { MemoryBudget } from './memoryBudget.js';
import { radixSortRecords } from './radixSortRecords.js';

/** Sorted run files of one record layout: `width` uint32 per record, the first `keyLength` of them word ids. */
export interface RunFiles {
  readonly paths: readonly string[];
  readonly width: number;
  readonly keyLength: number;
}

/**
 * Gives every word id `i` in the runs the id `ids[i]` (below `vocabSize`) and sorts each run again, rewriting it
 * atomically: the runs of a part of a text counted with the part's own ids, made the whole text's. One run is read
 * into memory at a time, into two arrays sized for the largest (held in `budget`: at most what the counting table and
 * its sort array held), with a radix histogram of 2^16 buckets.
 */
export function remapRuns(runs: readonly RunFiles[], ids: Uint32Array, vocabSize: number, budget: MemoryBudget): void {
  let largest = 0;
  for (const { paths } of runs) for (const path of paths) largest = Math.max(largest, statSync(path).size / 4);
  const first = budget.uint32(largest);
  const second = budget.uint32(largest);
  const histogram = budget.uint32((1 << 16) + 1);
  try {
    for (const { paths, width, keyLength } of runs) {
      for (const path of paths) {
        const length = read(path, first);
        const count = length / width;
        for (let at = 0; at < length; at += width) for (let k = 0; k < keyLength; k++) first[at + k] = ids[first[at + k]!]!;
        const sorted = radixSortRecords(first.subarray(0, length), second.subarray(0, length), histogram, count, width, keyLength, vocabSize);
        // Runs are scratch (removed once merged): no wait for the disk.
        writeFileAtomicSync(path, new Uint8Array(sorted.buffer, sorted.byteOffset, length * 4), { package: PKG, durable: false });
      }
    }
  } finally {
    budget.release(first.byteLength + second.byteLength + histogram.byteLength);
  }
}

/** Reads the whole file into `into` (which is large enough); returns the number of uint32 read. */
function read(path: string, into: Uint32Array): number {
  const fd = openSync(path, 'r');
  try {
    const bytes = new Uint8Array(into.buffer, into.byteOffset, into.byteLength);
    const size = fstatSync(fd).size;
    for (let at = 0; at < size; ) {
      const got = readSync(fd, bytes, at, size - at, at);
      if (got === 0) break;
      at += got;
    }
    return size / 4;
  } finally {
    closeSync(fd);
  }
}
