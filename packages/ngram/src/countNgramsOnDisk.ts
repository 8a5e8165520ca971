import { closeSync, mkdirSync, mkdtempSync, openSync, readSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TokenLike } from '@nlpkit/core';
import { emptyCorpus } from './countNgrams.js';
import { type Sentences, eachSentence } from './eachSentence.js';
import { check, checkOrder } from './errors.js';
import { NgramIndex } from './ngramIndex.js';
import { NgramWordIndex, encodeTrainingSentence } from './ngramWordIndex.js';

/** Options of {@link countNgramsOnDisk}. */
export interface DiskCountOptions {
  /** Highest order counted, 1 to 10. */
  order: number;
  /**
   * Memory cap in bytes for the in-memory count tables (hash indexes and count arrays). When they reach it they
   * are sorted and spilled to disk as a run. The vocabulary and I/O buffers (a few MiB) come on top.
   */
  memoryBytes: number;
  /** Folder for runs and results (default: a new folder under the OS temp dir). */
  directory?: string;
  /** Called after each spilled run with the number of sentences read so far. */
  onProgress?: (progress: { sentences: number; tokens: number; runs: number }) => void;
  /** Cancels counting (checked every 64 sentences); the signal's reason is thrown. */
  signal?: AbortSignal;
}

/** Result of {@link countNgramsOnDisk}: sorted count files, one per order, and their statistics. */
export interface DiskCounts {
  readonly order: number;
  readonly wordIndex: NgramWordIndex;
  /** `files[n-1]`: records of n+1 uint32 (n word ids, then the count), sorted by word ids, one per n-gram. */
  readonly files: readonly string[];
  /** Number of distinct n-grams per order. */
  readonly distinct: readonly number[];
  /** Sentences and tokens read (tokens count one `</s>` per sentence). */
  readonly sentences: number;
  readonly tokens: number;
  /** Number of runs spilled before the final merge. */
  readonly runs: number;
  /** The folder holding the files; remove it when done. */
  readonly directory: string;
}

const RECORDS_PER_BUFFER = 1 << 16;

/**
 * Counts n-grams of orders 1..order with bounded memory: counts accumulate in hash tables until they reach
 * `memoryBytes`, then each order is sorted (by packed (prefix rank, word) keys, a numeric sort) and written as a
 * run; at the end the runs of each order are merged (k-way, summing equal n-grams) into one sorted file.
 * Streams sentences (strings or text `Token`s; sync → result, async → promise), so the corpus itself never needs
 * to fit in memory. Node only (`@nlpkit/ngram/node`).
 */
export function countNgramsOnDisk(sentences: Iterable<readonly TokenLike[]>, options: DiskCountOptions): DiskCounts;
export function countNgramsOnDisk(sentences: AsyncIterable<readonly TokenLike[]>, options: DiskCountOptions): Promise<DiskCounts>;
export function countNgramsOnDisk(sentences: Sentences<TokenLike>, options: DiskCountOptions): DiskCounts | Promise<DiskCounts>;
export function countNgramsOnDisk(sentences: Sentences<TokenLike>, options: DiskCountOptions): DiskCounts | Promise<DiskCounts> {
  check.options(options, 'options', ['order', 'memoryBytes', 'directory', 'onProgress', 'signal']);
  const order = checkOrder(options?.order);
  const cap = check.number(options.memoryBytes, 'options.memoryBytes', 1 << 16);
  const directory = options.directory ?? mkdtempSync(join(tmpdir(), 'nlpkit-ngram-'));
  mkdirSync(directory, { recursive: true });
  const wordIndex = new NgramWordIndex();
  const runs: string[][] = Array.from({ length: order }, () => []);
  let indexes: NgramIndex[] = [];
  let counts: Uint32Array[] = [];
  let unigrams = new Uint32Array(1024);
  const reset = (): void => {
    indexes = [];
    counts = [];
    for (let n = 1; n < order; n++) {
      indexes.push(new NgramIndex(1 << 14));
      counts.push(new Uint32Array(1 << 14));
    }
    unigrams = new Uint32Array(Math.max(1024, wordIndex.size));
  };
  reset();
  const used = (): number => indexes.reduce((s, ix, i) => s + ix.byteLength + counts[i]!.byteLength, unigrams.byteLength);
  let sentencesRead = 0;
  let tokens = 0;
  let runCount = 0;
  const ids: number[] = [];
  const spill = (): void => {
    const sorted = sortedLevels(order, wordIndex.size, unigrams, indexes, counts);
    sorted.forEach((records, n) => {
      const path = join(directory, `run-${runCount}-order-${n + 1}.bin`);
      writeRecords(path, records);
      runs[n]!.push(path);
    });
    runCount++;
    reset();
    options.onProgress?.({ sentences: sentencesRead, tokens, runs: runCount });
  };
  const visit = (sentence: readonly string[]): void => {
    sentencesRead++;
    encodeTrainingSentence(sentence, wordIndex, sentencesRead, ids);
    tokens += ids.length - 1;
    if (unigrams.length < wordIndex.size) {
      const grown = new Uint32Array(wordIndex.size * 2);
      grown.set(unigrams);
      unigrams = grown;
    }
    for (let start = 0; start < ids.length; start++) {
      let id = ids[start]!;
      unigrams[id]! += 1;
      for (let n = 1; n < order && start + n < ids.length; n++) {
        const index = indexes[n - 1]!;
        id = index.findOrInsert(id, ids[start + n]!);
        let c = counts[n - 1]!;
        if (id >= c.length) {
          const grown = new Uint32Array(index.parents.length);
          grown.set(c);
          counts[n - 1] = c = grown;
        }
        c[id]! += 1;
      }
    }
    if ((sentencesRead & 63) === 0) {
      options.signal?.throwIfAborted();
      if (used() > cap) spill();
    }
  };
  const finish = (): DiskCounts => {
    if (sentencesRead === 0) throw emptyCorpus();
    spill();
    const files: string[] = [];
    const distinct: number[] = [];
    for (let n = 0; n < order; n++) {
      const path = join(directory, `counts-order-${n + 1}.bin`);
      distinct.push(mergeRuns(runs[n]!, n + 1, path, wordIndex.size, cap / 2));
      for (const run of runs[n]!) rmSync(run);
      files.push(path);
    }
    return { order, wordIndex, files, distinct, sentences: sentencesRead, tokens, runs: runCount, directory };
  };
  return eachSentence(sentences, visit, finish);
}

/**
 * Reads a count file of {@link countNgramsOnDisk} back: yields each n-gram's word ids (a reused array — copy
 * it to keep it) and count, in sorted order.
 */
export function* readCountFile(path: string, order: number): Generator<{ words: Uint32Array; count: number }> {
  const width = order + 1;
  const reader = new RecordReader(path, width);
  const words = new Uint32Array(order);
  while (reader.next()) {
    for (let i = 0; i < order; i++) words[i] = reader.buffer[reader.at + i]!;
    yield { words, count: reader.buffer[reader.at + order]! };
  }
}

/** For each order, the distinct n-grams as sorted records [w1..wn, count] (a flat Uint32Array). */
function sortedLevels(
  order: number,
  vocabSize: number,
  unigrams: Uint32Array,
  indexes: readonly NgramIndex[],
  counts: readonly Uint32Array[],
): Uint32Array[] {
  const out: Uint32Array[] = [];
  // Order 1: ids are word ids, already sorted.
  let rankOf = new Int32Array(vocabSize).fill(-1);
  let idOfRank: number[] | Int32Array = [];
  const uni: number[] = [];
  for (let w = 0; w < vocabSize; w++) {
    if (unigrams[w]! > 0) {
      rankOf[w] = idOfRank.length;
      idOfRank.push(w);
      uni.push(w, unigrams[w]!);
    }
  }
  out.push(Uint32Array.from(uni));
  let previous = out[0]!;
  for (let n = 2; n <= order; n++) {
    const index = indexes[n - 2]!;
    const c = counts[n - 2]!;
    // Lexicographic order of (prefix, word) = numeric order of prefixRank·V + word (exact below 2^53).
    const keys = new Float64Array(index.size);
    for (let id = 0; id < index.size; id++) keys[id] = rankOf[index.parents[id]!]! * vocabSize + index.words[id]!;
    keys.sort();
    const width = n + 1;
    const records = new Uint32Array(index.size * width);
    const nextRankOf = new Int32Array(index.size);
    const nextIdOfRank = new Int32Array(index.size);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      const prefixRank = Math.floor(key / vocabSize);
      const word = key - prefixRank * vocabSize;
      const id = index.find(idOfRank[prefixRank]!, word);
      nextRankOf[id] = i;
      nextIdOfRank[i] = id;
      const at = i * width;
      for (let j = 0; j < n - 1; j++) records[at + j] = previous[prefixRank * n + j]!;
      records[at + n - 1] = word;
      records[at + n] = c[id]!;
    }
    out.push(records);
    previous = records;
    rankOf = nextRankOf;
    idOfRank = nextIdOfRank;
  }
  return out;
}

function writeRecords(path: string, records: Uint32Array): void {
  const fd = openSync(path, 'w');
  try {
    const bytes = new Uint8Array(records.buffer, records.byteOffset, records.byteLength);
    for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, Math.min(1 << 24, bytes.length - at));
  } finally {
    closeSync(fd);
  }
}

/** Buffered reader of fixed-width uint32 records; the current record is `buffer[at .. at + width)`. */
class RecordReader {
  readonly buffer: Uint32Array;
  at = 0;
  readonly #fd: number;
  readonly #width: number;
  #filled = 0;
  #done = false;

  /** The current record's words packed into one number (when `base` is given), for fast comparisons. */
  key = 0;
  readonly #base: number;

  constructor(path: string, width: number, records = RECORDS_PER_BUFFER, base = 0) {
    this.#fd = openSync(path, 'r');
    this.#width = width;
    this.#base = base;
    this.buffer = new Uint32Array(records * width);
    this.at = -width;
  }

  /** Advances to the next record; false at the end (the file is closed then). No allocation per record. */
  next(): boolean {
    if (this.#done) return false;
    this.at += this.#width;
    if (this.at >= this.#filled) {
      const bytes = new Uint8Array(this.buffer.buffer);
      const read = readSync(this.#fd, bytes, 0, bytes.length, null);
      if (read === 0) {
        this.#done = true;
        closeSync(this.#fd);
        return false;
      }
      this.#filled = read / 4;
      this.at = 0;
    }
    if (this.#base > 0) {
      let key = 0;
      for (let i = 0; i < this.#width - 1; i++) key = key * this.#base + this.buffer[this.at + i]!;
      this.key = key;
    }
    return true;
  }
}

/**
 * k-way merge of sorted runs, summing equal n-grams. Returns the number of distinct n-grams written. The read
 * buffers share `budget` bytes, so many runs do not multiply memory; when vocabSize^n < 2^53 records are
 * compared by one packed number instead of word by word.
 */
function mergeRuns(paths: readonly string[], n: number, out: string, vocabSize: number, budget: number): number {
  const files = paths.filter((p) => statSync(p).size > 0);
  const records = Math.max(1024, Math.min(RECORDS_PER_BUFFER, Math.floor(budget / (4 * (n + 1) * Math.max(1, files.length)))));
  const base = vocabSize ** n < 2 ** 53 ? vocabSize : 0;
  const readers = files.map((p) => new RecordReader(p, n + 1, records, base));
  const live = readers.filter((r) => r.next());
  const compare = (a: RecordReader, b: RecordReader): number => {
    if (base > 0) return a.key - b.key;
    const x = a.buffer;
    const y = b.buffer;
    for (let i = 0; i < n; i++) {
      const d = x[a.at + i]! - y[b.at + i]!;
      if (d !== 0) return d;
    }
    return 0;
  };
  // Binary min-heap of readers.
  const heap = live;
  const down = (i: number): void => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && compare(heap[l]!, heap[m]!) < 0) m = l;
      if (r < heap.length && compare(heap[r]!, heap[m]!) < 0) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m]!, heap[i]!];
      i = m;
    }
  };
  for (let i = (heap.length >> 1) - 1; i >= 0; i--) down(i);
  const fd = openSync(out, 'w');
  const buffer = new Uint32Array(RECORDS_PER_BUFFER * (n + 1));
  let used = 0;
  let distinct = 0;
  const flush = (): void => {
    writeSync(fd, new Uint8Array(buffer.buffer, 0, used * 4));
    used = 0;
  };
  try {
    while (heap.length > 0) {
      const top = heap[0]!;
      const record = top.buffer;
      const at = top.at;
      // Start a new output record, or add to the last one when the n-gram is the same.
      const last = used - (n + 1);
      let same = distinct > 0 && used > 0;
      for (let i = 0; same && i < n; i++) same = buffer[last + i] === record[at + i];
      if (same) buffer[last + n]! += record[at + n]!;
      else {
        if (used + n + 1 > buffer.length) {
          // Write all but the last record, which may still grow from the next run.
          writeSync(fd, new Uint8Array(buffer.buffer, 0, last * 4));
          buffer.copyWithin(0, last, used);
          used = n + 1;
        }
        for (let i = 0; i <= n; i++) buffer[used + i] = record[at + i]!;
        used += n + 1;
        distinct++;
      }
      if (!top.next()) {
        heap[0] = heap[heap.length - 1]!;
        heap.pop();
      }
      if (heap.length > 0) down(0);
    }
    flush();
  } finally {
    closeSync(fd);
  }
  return distinct;
}
