import { closeSync, fstatSync, openSync, readSync, rmSync } from 'node:fs';
import { FormatError } from '@nlpkit/core';
import { writeFileAtomicSync } from '@nlpkit/core/node';
import { PKG, checkOrder } from './errors.js';
import { type MemoryBudget, backingStore } from './memoryBudget.js';

/**
 * Buffered reader of fixed-width uint32 records; the current record is `buffer[at .. at + width)`. A file whose
 * length is not a whole number of records (truncated, or of another order) is a {@link FormatError}: no record is
 * ever made up from a partial one.
 */
export class RecordReader {
  readonly buffer: Uint32Array;
  at = 0;
  /** The current record's key words packed into one number (when `base` is given), for fast comparisons. */
  key = 0;
  readonly #path: string;
  readonly #fd: number;
  readonly #width: number;
  readonly #base: number;
  readonly #keyLength: number;
  readonly #budget: MemoryBudget | undefined;
  #filled = 0;
  #done = false;

  /** `keyLength`: the leading words that make the sort key (default all but the last word, the count). */
  constructor(path: string, width: number, buffer: Uint32Array, base = 0, budget?: MemoryBudget, keyLength = width - 1) {
    this.#path = path;
    this.#fd = openSync(path, 'r');
    this.#budget = budget;
    budget?.files(1);
    this.#width = width;
    this.#base = base;
    this.#keyLength = keyLength;
    this.buffer = buffer;
    this.at = -width;
    const bytes = fstatSync(this.#fd).size;
    if (bytes % (4 * width) !== 0) {
      this.close();
      throw truncated(path, bytes, width);
    }
  }

  /** Advances to the next record; false at the end (the file is closed then). No allocation per record. */
  next(): boolean {
    if (this.#done) return false;
    this.at += this.#width;
    if (this.at >= this.#filled) {
      const bytes = new Uint8Array(this.buffer.buffer, this.buffer.byteOffset, this.buffer.byteLength - (this.buffer.byteLength % (4 * this.#width)));
      let read = 0;
      for (let r = -1; r !== 0 && read < bytes.length; read += r) r = readSync(this.#fd, bytes, read, bytes.length - read, null);
      if (read % (4 * this.#width) !== 0) {
        this.close();
        throw truncated(this.#path, read, this.#width);
      }
      if (read === 0) {
        this.close();
        return false;
      }
      this.#filled = read / 4;
      this.at = 0;
    }
    if (this.#base > 0) {
      let key = 0;
      for (let i = 0; i < this.#keyLength; i++) key = key * this.#base + this.buffer[this.at + i]!;
      this.key = key;
    }
    return true;
  }

  close(): void {
    if (this.#done) return;
    this.#done = true;
    this.#budget?.files(-1);
    closeSync(this.#fd);
  }
}

function truncated(path: string, bytes: number, width: number): FormatError {
  return new FormatError({
    package: PKG,
    message: `count file ${path} ends inside a record: ${bytes} bytes is not a whole number of ${4 * width}-byte records (truncated, or not of order ${width - 1})`,
  });
}

/**
 * Reads a count file of {@link countNgramsOnDisk} back: yields each n-gram's word ids (a reused array — copy
 * it to keep it) and count, in sorted order.
 * @throws FormatError (code `ERR_FORMAT`) when the file does not hold whole records of this order (truncated).
 */
export function* readCountFile(path: string, order: number): Generator<{ words: Uint32Array; count: number }> {
  checkOrder(order, 10, 'order');
  const width = order + 1;
  const reader = new RecordReader(path, width, new Uint32Array(4096 * width));
  try {
    const words = new Uint32Array(order);
    while (reader.next()) {
      for (let i = 0; i < order; i++) words[i] = reader.buffer[reader.at + i]!;
      yield { words, count: reader.buffer[reader.at + order]! };
    }
  } finally {
    reader.close();
  }
}

/** Smallest read buffer of a run, in records. */
const MIN_READER_RECORDS = 16;
/**
 * Largest read buffer of a run, in bytes. A merge reads each run front to back, so a larger buffer saves no time,
 * yet every byte of it is written by the reads and stays in the process: with the whole cap spread over a dozen
 * runs, the merge alone filled the cap, beside the memory the previous stage had not yet given back (the merges of
 * a 100 M-token corpus at `--memory 512M` peaked at 835 MiB).
 */
const MAX_READER_BYTES = 4 << 20;

/**
 * The layout of merged records when it is not the count files' `[w1..wn, count]`: `width` uint32 per record, the
 * first `n` the sort key; `sum`: add up the last word of records with equal keys (else every record is kept).
 */
export interface RecordLayout {
  readonly width: number;
  readonly sum: boolean;
}

/**
 * Merges sorted runs of order `n` into `out` (summing equal n-grams), at most `maxReaders` runs at a time: while
 * more remain, batches are merged into intermediate runs in `folder` (so no more than `maxReaders` + 1 files are
 * ever open). Inputs are deleted once merged. Returns the number of distinct n-grams written (records written,
 * with a `layout` that does not sum). The intermediate runs are scratch (written without waiting for the disk);
 * `out` is flushed to disk unless `durable` is false (a file the caller removes when its job ends).
 */
export function mergeAllRuns(
  paths: readonly string[],
  n: number,
  out: string,
  vocabSize: number,
  budget: MemoryBudget,
  maxReaders: number,
  folder: string,
  signal: AbortSignal | undefined,
  layout: RecordLayout = { width: n + 1, sum: true },
  durable = true,
): number {
  // Fewer readers per batch when the cap cannot give each one its minimal buffer.
  maxReaders = Math.max(2, Math.min(maxReaders, Math.floor(budget.cap / 2 / (MIN_READER_RECORDS * 4 * layout.width))));
  let runs = [...paths];
  let round = 0;
  while (runs.length > maxReaders) {
    const next: string[] = [];
    for (let b = 0; b * maxReaders < runs.length; b++) {
      const batch = runs.slice(b * maxReaders, (b + 1) * maxReaders);
      if (batch.length === 1) {
        next.push(batch[0]!);
        continue;
      }
      const path = `${folder}/merge-${round}-${b}-order-${n}.bin`;
      mergeRuns(batch, n, path, vocabSize, budget, signal, layout, false);
      for (const p of batch) rmSync(p, { force: true });
      next.push(path);
    }
    runs = next;
    round++;
  }
  const distinct = mergeRuns(runs, n, out, vocabSize, budget, signal, layout, durable);
  for (const p of runs) rmSync(p, { force: true });
  return distinct;
}

/**
 * k-way merge of sorted runs, summing equal n-grams, written atomically to `out`. The read buffers and the output
 * chunk share the budget's cap, so many runs do not multiply memory; when vocabSize^n < 2^53 records are compared
 * by one packed number instead of word by word.
 */
function mergeRuns(
  paths: readonly string[],
  n: number,
  out: string,
  vocabSize: number,
  budget: MemoryBudget,
  signal: AbortSignal | undefined,
  layout: RecordLayout,
  durable: boolean,
): number {
  const { width, sum } = layout;
  const recordBytes = 4 * width;
  // Half the cap at least for the readers (16 records each at least, MAX_READER_BYTES at most), the rest for two
  // output chunks.
  const readersMin = Math.max(1, paths.length) * MIN_READER_RECORDS * recordBytes;
  const chunkRecords = Math.max(MIN_READER_RECORDS, Math.min(1 << 16, Math.floor(Math.min(budget.cap / 4, (budget.cap - readersMin) / 2) / recordBytes)));
  const readerRecords = Math.max(
    MIN_READER_RECORDS,
    Math.min(Math.floor(MAX_READER_BYTES / recordBytes), Math.floor((budget.cap - 2 * chunkRecords * recordBytes) / (recordBytes * Math.max(1, paths.length)))),
  );
  const base = vocabSize ** n < 2 ** 53 ? vocabSize : 0;
  const readers: RecordReader[] = [];
  const held = paths.length * readerRecords * width * 4;
  budget.hold(held);
  const tally = { distinct: 0, steps: 0 };
  try {
    for (const p of paths) readers.push(new RecordReader(p, width, new Uint32Array(backingStore(held / paths.length), 0, readerRecords * width), base, budget, n));
    const heap = readers.filter((r) => r.next());
    const packed = base > 0;
    for (let i = (heap.length >> 1) - 1; i >= 0; i--) siftDown(heap, i, n, packed);
    // Output in fresh chunks (the atomic writer may hold a chunk until it has a MiB to write); at most two are
    // ours at a time: the one being filled and the one just handed over.
    function* chunks(): Generator<Uint8Array, void, undefined> {
      let buffer = budget.uint32(chunkRecords * width);
      let used = 0;
      try {
        for (;;) {
          used = mergeInto(heap, buffer, used, n, width, sum, packed, tally, signal);
          if (heap.length === 0) break;
          // Full: hand over all but the last record, which may still grow from the next run.
          const last = used - width;
          const next = budget.uint32(chunkRecords * width);
          next.set(buffer.subarray(last, used));
          yield new Uint8Array(buffer.buffer, 0, last * 4);
          budget.release(buffer.byteLength);
          buffer = next;
          used = width;
        }
        if (used > 0) yield new Uint8Array(buffer.buffer, 0, used * 4);
      } finally {
        budget.release(buffer.byteLength);
      }
    }
    budget.files(1); // the file being written
    try {
      writeFileAtomicSync(out, chunks(), { package: PKG, durable });
    } finally {
      budget.files(-1);
    }
  } finally {
    for (const r of readers) r.close();
    budget.release(held);
  }
  return tally.distinct;
}

/**
 * Whether reader `a`'s record comes before `b`'s: by their packed keys (`packed`: vocabSize^n < 2^53), else word
 * by word over the first `n`. A boolean, not a difference: a double returned from a call V8 does not inline is a
 * heap object.
 */
function precedes(a: RecordReader, b: RecordReader, n: number, packed: boolean): boolean {
  if (packed) return a.key < b.key;
  const x = a.buffer;
  const y = b.buffer;
  for (let i = 0; i < n; i++) {
    const u = x[a.at + i]!;
    const v = y[b.at + i]!;
    if (u !== v) return u < v;
  }
  return false;
}

/** Restores the min-heap of readers below position `i` ({@link precedes} order). */
function siftDown(heap: RecordReader[], i: number, n: number, packed: boolean): void {
  for (;;) {
    const l = 2 * i + 1;
    const r = l + 1;
    let m = i;
    if (l < heap.length && precedes(heap[l]!, heap[m]!, n, packed)) m = l;
    if (r < heap.length && precedes(heap[r]!, heap[m]!, n, packed)) m = r;
    if (m === i) return;
    const t = heap[i]!;
    heap[i] = heap[m]!;
    heap[m] = t;
    i = m;
  }
}

/**
 * The merge's loop, in a function of its own (V8 does not compile a generator from inside its loop, and the
 * merge's generator yields once per chunk): takes the smallest record off the heap of readers into `buffer` from
 * `used`, adding its count to the last record when `sum` and the n-gram is the same, until the heap is empty or a
 * new record does not fit. Returns the new `used`; counts the records started in `tally.distinct`.
 */
function mergeInto(
  heap: RecordReader[],
  buffer: Uint32Array,
  used: number,
  n: number,
  width: number,
  sum: boolean,
  packed: boolean,
  tally: { distinct: number; steps: number },
  signal: AbortSignal | undefined,
): number {
  while (heap.length > 0) {
    if ((++tally.steps & 0xffff) === 0) signal?.throwIfAborted();
    const top = heap[0]!;
    const record = top.buffer;
    const at = top.at;
    // Start a new output record, or add to the last one when the n-gram is the same.
    const last = used - width;
    let same = sum && used > 0;
    for (let i = 0; same && i < n; i++) same = buffer[last + i] === record[at + i];
    if (same) buffer[last + width - 1]! += record[at + width - 1]!;
    else {
      if (used + width > buffer.length) return used;
      for (let i = 0; i < width; i++) buffer[used + i] = record[at + i]!;
      used += width;
      tally.distinct++;
    }
    if (!top.next()) {
      heap[0] = heap[heap.length - 1]!;
      heap.pop();
    }
    if (heap.length > 0) siftDown(heap, 0, n, packed);
  }
  return used;
}
