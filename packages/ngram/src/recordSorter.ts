import { join } from 'node:path';
import { mergeAllRuns } from './countFiles.js';
import { check } from './errors.js';
import type { MemoryBudget } from './memoryBudget.js';
import { radixSortRecords } from './radixSortRecords.js';
import { RecordWriter } from './recordWriter.js';

/** Options of {@link RecordSorter}. */
export interface RecordSorterOptions {
  /** uint32 per record. */
  readonly width: number;
  /** The leading words of a record that make its sort key (each below `vocabSize`). */
  readonly keyLength: number;
  readonly vocabSize: number;
  /** Bytes of typed arrays this sorter may hold (its share of the memory cap). */
  readonly bytes: number;
  readonly budget: MemoryBudget;
  /** Scratch folder for the runs. */
  readonly folder: string;
  /** Prefix of the run files' names. */
  readonly name: string;
  /** Add up the last word of records with equal keys (counts), instead of keeping every record. */
  readonly sum: boolean;
  readonly signal: AbortSignal | undefined;
}

/** Smallest useful number of records in memory: below it, a run per few records would make merging crawl. */
const MIN_RECORDS = 256;
/** Most records in the buffer of a run being written (fewer under a small share: a sixteenth of it at most). */
const WRITE_RECORDS = 1024;

/**
 * External sort of fixed-width uint32 records by their leading `keyLength` words (lexicographically): records fill
 * a fixed buffer sized from the sorter's share of the memory cap; a full buffer is sorted ({@link radixSortRecords}: one stable
 * counting sort per key word, linear in records plus the vocabulary) and written as a run; `finish` merges
 * the runs (k-way, in batches below the open-file limit) into one sorted file. The out-of-core estimator stores
 * n-grams reversed (last word first) where it needs KenLM's suffix order, so one lexicographic sorter serves
 * every order it sorts by.
 */
export class RecordSorter {
  /** Where records are written (at the offsets {@link RecordSorter.slot} gives); emptied by `finish`. */
  buffer: Uint32Array;
  readonly #options: RecordSorterOptions;
  readonly #capacity: number;
  readonly #writeRecords: number;
  /** The other half of the sort's ping-pong: records move between it and `buffer`, pass after pass. */
  #other: Uint32Array;
  #histogram: Uint32Array;
  #count = 0;
  #runs: string[] = [];
  #held: number;
  #out: string | undefined;
  #records = 0;

  constructor(options: RecordSorterOptions) {
    this.#options = options;
    const { width, vocabSize, bytes, budget } = options;
    this.#writeRecords = Math.max(16, Math.min(WRITE_RECORDS, Math.floor(bytes / 16 / (4 * width))));
    const chunkBytes = this.#writeRecords * width * 4;
    const capacity = Math.floor((bytes - 4 * (vocabSize + 1) - chunkBytes) / (8 * width));
    if (capacity < MIN_RECORDS) {
      throw check.invalid(
        budget.cap,
        'options.memory',
        `a memory cap large enough to sort ${MIN_RECORDS} records of ${width} words beside a vocabulary of ${vocabSize} words ` +
          `(at least ${Math.ceil(((4 * (vocabSize + 1) + chunkBytes + MIN_RECORDS * 8 * width) * budget.cap) / bytes)} bytes)`,
      );
    }
    this.#capacity = capacity;
    this.buffer = budget.uint32(capacity * width);
    this.#other = budget.uint32(capacity * width);
    this.#histogram = budget.uint32(vocabSize + 1);
    this.#held = this.buffer.byteLength + this.#other.byteLength + this.#histogram.byteLength;
  }

  /** Offset in `buffer` where the next record goes (a run is spilled first when the buffer is full). */
  slot(): number {
    if (this.#count === this.#capacity) this.#spill(this.#runPath(), true);
    return this.#count++ * this.#options.width;
  }

  /**
   * Sorts what is buffered, merges it with the runs into `out`, frees the buffers; returns the number of records
   * in `out` (after summing, when the sorter sums).
   */
  finish(out: string, maxReaders: number): number {
    this.seal(out);
    return this.merge(maxReaders);
  }

  /**
   * Ends the input and frees the sort buffers: what is buffered goes straight to `out` when it is all there is,
   * else to one more run for {@link RecordSorter.merge}. Sealing every sorter before merging any keeps the merges
   * within the cap.
   */
  seal(out: string): void {
    this.#out = out;
    if (this.#runs.length === 0) this.#records = this.#spill(out, false);
    else if (this.#count > 0) this.#spill(this.#runPath(), true);
    this.#free();
  }

  /** Merges the runs into the file given to {@link RecordSorter.seal}; returns the number of records in it. */
  merge(maxReaders: number): number {
    const { budget, keyLength, vocabSize, folder, signal, width, sum } = this.#options;
    if (this.#runs.length > 0) {
      this.#records = mergeAllRuns(this.#runs, keyLength, this.#out!, vocabSize, budget, maxReaders, folder, signal, { width, sum }, false);
      this.#runs = [];
    }
    return this.#records;
  }

  #runPath(): string {
    return join(this.#options.folder, `${this.#options.name}-run-${this.#runs.length}.bin`);
  }

  #free(): void {
    this.buffer = new Uint32Array(0);
    this.#other = new Uint32Array(0);
    this.#histogram = new Uint32Array(0);
    this.#options.budget.release(this.#held);
    this.#held = 0;
  }

  /** Sorts the buffered records and writes them to `path` (summing equal keys when asked); returns records written. */
  #spill(path: string, isRun: boolean): number {
    const { width, keyLength, vocabSize, budget, sum, signal } = this.#options;
    signal?.throwIfAborted();
    const count = this.#count;
    const records = radixSortRecords(this.buffer, this.#other, this.#histogram, count, width, keyLength, vocabSize);
    const writer = new RecordWriter(path, width, this.#writeRecords, budget);
    let written = 0;
    try {
      const out = writer.buffer;
      let last = -1;
      for (let i = 0; i < count; i++) {
        const from = i * width;
        if (sum && last >= 0) {
          let same = true;
          for (let k = 0; same && k < keyLength; k++) same = records[last + k] === records[from + k];
          if (same) {
            // Add into the record already in the writer's buffer when it is still there, else carry on in `records`.
            records[last + width - 1]! += records[from + width - 1]!;
            continue;
          }
          const at = writer.slot();
          for (let k = 0; k < width; k++) out[at + k] = records[last + k]!;
          written++;
        } else if (!sum) {
          const at = writer.slot();
          for (let k = 0; k < width; k++) out[at + k] = records[from + k]!;
          written++;
        }
        last = from;
      }
      if (sum && last >= 0) {
        const at = writer.slot();
        for (let k = 0; k < width; k++) out[at + k] = records[last + k]!;
        written++;
      }
    } finally {
      writer.close();
    }
    this.#count = 0;
    if (isRun) this.#runs.push(path);
    return written;
  }
}
