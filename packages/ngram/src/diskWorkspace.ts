import { join } from 'node:path';
import { RecordReader } from './countFiles.js';
import { MemoryBudget } from './memoryBudget.js';
import { RecordSorter } from './recordSorter.js';

/**
 * The temporary folder, memory budget and record files of one out-of-core estimation
 * ({@link estimateKneserNeyOnDisk}): every file is fixed-width uint32 records, read and written through buffers
 * counted against the cap, sorted by {@link RecordSorter}s sharing it.
 */
export class DiskWorkspace {
  readonly budget: MemoryBudget;
  /** Buffer bytes per file read or written sequentially (at most 4 are open at once: half the cap at most). */
  readonly fileBytes: number;
  readonly #folder: string;
  readonly #vocabSize: number;
  readonly #maxReaders: number;
  readonly #signal: AbortSignal | undefined;
  readonly #float = new Float32Array(1);
  readonly #bits = new Uint32Array(this.#float.buffer);

  constructor(folder: string, cap: number, vocabSize: number, maxOpenFiles: number, signal: AbortSignal | undefined) {
    this.#folder = folder;
    this.budget = new MemoryBudget(cap);
    this.fileBytes = Math.min(1 << 20, Math.floor(cap / 8));
    this.#vocabSize = vocabSize;
    this.#maxReaders = maxOpenFiles - 1;
    this.#signal = signal;
  }

  /** The path of the scratch file `name`. */
  path(name: string): string {
    return join(this.#folder, `${name}.bin`);
  }

  /** A reader of a file of `width`-word records sorted by their first `keyLength` words. */
  open(path: string, width: number, keyLength = width - 1): RecordReader {
    const records = Math.max(16, Math.floor(this.fileBytes / 4 / width));
    return new RecordReader(path, width, this.budget.uint32(records * width), 0, this.budget, keyLength);
  }

  /** Closes a reader from {@link DiskWorkspace.open} and gives its buffer back to the budget (once per reader). */
  close(reader: RecordReader | undefined): void {
    if (reader === undefined) return;
    reader.close();
    this.budget.release(reader.buffer.byteLength);
  }

  /** An external sorter of `width`-word records by their first `keyLength` words, holding at most `bytes`. */
  sorter(width: number, keyLength: number, bytes: number, name: string, sum: boolean): RecordSorter {
    return new RecordSorter({
      width,
      keyLength,
      vocabSize: this.#vocabSize,
      bytes,
      budget: this.budget,
      folder: this.#folder,
      name,
      sum,
      signal: this.#signal,
    });
  }

  /** Sorts `sorter`'s records into the scratch file `name`. */
  finish(sorter: RecordSorter, name: string): void {
    sorter.finish(this.path(name), this.#maxReaders);
  }

  /** Merges the runs of a sealed sorter. */
  merge(sorter: RecordSorter): void {
    sorter.merge(this.#maxReaders);
  }

  /** The bits of float32 `x` (stored in a uint32 record word). */
  toBits(x: number): number {
    this.#float[0] = x;
    return this.#bits[0]!;
  }

  /** The float32 whose bits are `b`. */
  fromBits(b: number): number {
    this.#bits[0] = b;
    return this.#float[0]!;
  }
}

/** Compares `length` words of two records (lexicographically, by word id). */
export function compareRecords(a: Uint32Array, aAt: number, b: Uint32Array, bAt: number, length: number): number {
  for (let k = 0; k < length; k++) {
    const d = a[aAt + k]! - b[bAt + k]!;
    if (d !== 0) return d;
  }
  return 0;
}
