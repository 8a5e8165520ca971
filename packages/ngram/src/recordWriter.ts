import { closeSync, openSync, writeSync } from 'node:fs';
import type { MemoryBudget } from './memoryBudget.js';

/**
 * Sequential writer of uint32 records to a scratch file of the out-of-core estimator (its own temporary folder,
 * removed as a whole when the estimation ends, so no atomic rename or fsync: a scratch file is never read after a
 * crash). Records go through a fixed buffer: `slot()` gives the offset of the next record in `buffer`.
 */
export class RecordWriter {
  readonly buffer: Uint32Array;
  readonly #fd: number;
  readonly #width: number;
  readonly #budget: MemoryBudget;
  #used = 0;
  #closed = false;
  /** Records written so far. */
  records = 0;

  constructor(path: string, width: number, records: number, budget: MemoryBudget) {
    this.#width = width;
    this.#budget = budget;
    this.buffer = budget.uint32(Math.max(1, records) * width);
    try {
      this.#fd = openSync(path, 'wx');
    } catch (error) {
      budget.release(this.buffer.byteLength);
      throw error;
    }
    budget.files(1);
  }

  /** Offset in `buffer` of the next record (the buffer is flushed first when full). */
  slot(): number {
    if (this.#used + this.#width > this.buffer.length) this.#flush();
    const at = this.#used;
    this.#used += this.#width;
    this.records++;
    return at;
  }

  /** Writes what is buffered and closes the file (also after a failure: call it in a `finally`). */
  close(): void {
    if (this.#closed) return;
    try {
      this.#flush();
    } finally {
      this.#closed = true;
      closeSync(this.#fd);
      this.#budget.files(-1);
      this.#budget.release(this.buffer.byteLength);
    }
  }

  #flush(): void {
    const bytes = new Uint8Array(this.buffer.buffer, this.buffer.byteOffset, this.#used * 4);
    for (let offset = 0; offset < bytes.length; ) offset += writeSync(this.#fd, bytes, offset, bytes.length - offset);
    this.#used = 0;
  }
}
