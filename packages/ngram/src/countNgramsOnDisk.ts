import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { NlpkitError, OutputError, type TokenLike } from '@nlpkit/core';
import { writeFileAtomicSync } from '@nlpkit/core/node';
import { emptyCorpus } from './countNgrams.js';
import { mergeAllRuns } from './countFiles.js';
import { type Sentences, eachSentence } from './eachSentence.js';
import { makeCountFolders } from './countFolders.js';
import { PKG, check, checkOrder } from './errors.js';
import { defaultMaxOpenFiles } from './defaultMaxOpenFiles.js';
import { MemoryBudget, backingStore, collectDroppedArrays } from './memoryBudget.js';
import { RUN_RECORD, RunCountTable, runCountTableBytes } from './runCountTable.js';
import { NgramWordIndex, encodeTrainingSentence } from './ngramWordIndex.js';
import { KenlmTextReader, readKenlmText } from './countKenlmText.js';

export { readCountFile } from './countFiles.js';

/** Options of {@link countNgramsOnDisk}. */
export interface DiskCountOptions {
  /** Highest order counted, 1 to 10. */
  order: number;
  /**
   * Memory cap in bytes (at least 64 KiB) for the typed arrays of counting: the count tables, the sort scratch
   * and the merge buffers. They are sized from the cap once, never grown, and counted, so the cap holds. On top
   * come the vocabulary (a Map, plus up to 16 bytes per word for unigram counts) and, while a file is written,
   * the atomic writer's staging (up to about 2 MiB).
   */
  memoryBytes: number;
  /**
   * Folder for the result files (created if missing; default: a new folder under the OS temp dir). The runs go to
   * a fresh folder inside it (`DiskCounts.runsDirectory`), removed on success, on error and on abort.
   */
  directory?: string;
  /**
   * Most files open at once while merging (at least 3): runs are merged in batches below it. Default 64, or less
   * where the process's open-file limit (`ulimit -n`) leaves less room.
   */
  maxOpenFiles?: number;
  /**
   * The word index to count with (default: a new one). Words it lacks are added in first-seen order; give one
   * that already holds every word of the corpus (in the corpus's first-seen order) to count a part of the corpus
   * with the ids the whole has — the distributed estimator counts its shards so.
   */
  wordIndex?: NgramWordIndex;
  /** Called after each spilled run with the number of sentences read so far. */
  onProgress?: (progress: { sentences: number; tokens: number; runs: number }) => void;
  /** Cancels counting (checked every 64 sentences and during merges); the signal's reason is thrown. */
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
  /** The folder the runs were spilled to (inside `directory`); already removed. */
  readonly runsDirectory: string;
  /** Largest number of bytes of typed arrays held at once (at most `memoryBytes`). */
  readonly peakBytes: number;
}

/**
 * Counts n-grams of orders 1..order with bounded memory: counts accumulate in fixed-size hash tables sized from
 * `memoryBytes`; when one is full, each order is sorted (by (prefix rank, word), a radix sort) and
 * written as a run; at the end the runs of each order are merged (k-way, in batches of at most `maxOpenFiles`,
 * summing equal n-grams) into one sorted file. Every file is written atomically. Streams sentences (strings or text
 * `Token`s; sync → result, async → promise), so the corpus itself never needs to fit in memory. Node only
 * (`@nlpkit/ngram/node`).
 * @throws OutputError (from `@nlpkit/core`) when a file cannot be written or read, naming the runs folder (removed).
 */
export function countNgramsOnDisk(sentences: Iterable<readonly TokenLike[]>, options: DiskCountOptions): DiskCounts;
export function countNgramsOnDisk(sentences: AsyncIterable<readonly TokenLike[]>, options: DiskCountOptions): Promise<DiskCounts>;
export function countNgramsOnDisk(sentences: Sentences<TokenLike>, options: DiskCountOptions): DiskCounts | Promise<DiskCounts>;
export function countNgramsOnDisk(sentences: Sentences<TokenLike>, options: DiskCountOptions): DiskCounts | Promise<DiskCounts> {
  return countWithBudget(sentences, options, (cap) => new MemoryBudget(cap));
}

/** Hash slots a counting table starts with (256 KiB); see {@link RunCountTable}. */
const INITIAL_SLOTS = 1 << 16;

/** Bytes of the fixed counting arrays for tables of `capacity` n-grams per order (see {@link countWithBudget}). */
function fixedBytes(order: number, capacity: number): number {
  // Per order ≥ 2: a counting table. Sort scratch: two id arrays (8), two rank arrays (8) and the radix histogram.
  // Records of one run level: 4·(order+1).
  return (order - 1) * runCountTableBytes(capacity) + (order > 1 ? 16 * capacity + 4 * (radixOf(capacity) + 1) + 4 * (order + 1) * capacity : 0);
}

/** Buckets per radix pass of {@link sortedLevel}: 2^16 (two passes cover 32 bits) but for tables too small to pay for their histogram. */
function radixOf(capacity: number): number {
  return capacity >= 1 << 16 ? 1 << 16 : 1 << 8;
}

/** Options of {@link countKenlmTextOnDisk}. */
export interface KenlmTextDiskCountOptions extends DiskCountOptions {
  /** Told the number of lines read so far, now and then (every 8,192 lines) and at the end. */
  onLines?: (lines: number) => void;
  /**
   * False when the bytes continue a text rather than start it (a part of a file cut at a line start): a byte-order
   * mark at their start is then text, as it is anywhere but at the start of a file. Default true.
   */
  startsText?: boolean;
}

/**
 * {@link countNgramsOnDisk} of training text given as bytes (a file's or a stream's chunks), read exactly as KenLM's
 * `lmplz` reads it (as `countKenlmText` reads it: one sentence per line, words split only at space, `\t`, `\r` and
 * NUL), with no string per line or per word: the same files as `countNgramsOnDisk` over `kenlmWords` of each line,
 * in less time (a string per word, and its garbage, was most of the cost of counting). Sync chunks give the counts
 * at once, async ones a promise. Node only (`@nlpkit/ngram/node`).
 * @throws NgramInputError for `<s>`, `</s>` or `<pad>` in the text (naming the line); what `countNgramsOnDisk` throws.
 */
export function countKenlmTextOnDisk(chunks: Iterable<Uint8Array | string>, options: KenlmTextDiskCountOptions): DiskCounts;
export function countKenlmTextOnDisk(chunks: AsyncIterable<Uint8Array | string>, options: KenlmTextDiskCountOptions): Promise<DiskCounts>;
export function countKenlmTextOnDisk(chunks: TextChunks, options: KenlmTextDiskCountOptions): DiskCounts | Promise<DiskCounts>;
export function countKenlmTextOnDisk(chunks: TextChunks, options: KenlmTextDiskCountOptions): DiskCounts | Promise<DiskCounts> {
  return countOnDisk({ kenlmText: chunks }, options, (cap) => new MemoryBudget(cap));
}

/** Text as byte (or string) chunks, for the readers that read it as lmplz does. */
export type TextChunks = Iterable<Uint8Array | string> | AsyncIterable<Uint8Array | string>;

/** {@link countNgramsOnDisk} with the memory budget made by `makeBudget` (tests read its peak). */
export function countWithBudget(
  sentences: Sentences<TokenLike>,
  options: DiskCountOptions,
  makeBudget: (cap: number) => MemoryBudget,
): DiskCounts | Promise<DiskCounts> {
  return countOnDisk({ sentences }, options, makeBudget);
}

/** What the on-disk counter reads: sentences of tokens, or text read as lmplz reads it. */
type DiskCountInput = { readonly sentences: Sentences<TokenLike>; readonly kenlmText?: undefined } | { readonly kenlmText: TextChunks };

function countOnDisk(
  input: DiskCountInput,
  options: KenlmTextDiskCountOptions,
  makeBudget: (cap: number) => MemoryBudget,
): DiskCounts | Promise<DiskCounts> {
  const keys: (keyof KenlmTextDiskCountOptions)[] = ['order', 'memoryBytes', 'directory', 'maxOpenFiles', 'wordIndex', 'onProgress', 'signal'];
  check.options(options, 'options', input.kenlmText === undefined ? keys : [...keys, 'onLines', 'startsText']);
  if (options.startsText !== undefined && typeof options.startsText !== 'boolean') throw check.invalid(options.startsText, 'options.startsText', 'a boolean');
  if (options.wordIndex !== undefined && !(options.wordIndex instanceof NgramWordIndex)) {
    throw check.invalid(options.wordIndex, 'options.wordIndex', 'an NgramWordIndex');
  }
  const order = checkOrder(options?.order);
  const cap = check.number(options.memoryBytes, 'options.memoryBytes', 1 << 16);
  const maxOpenFiles = check.integer(options.maxOpenFiles ?? defaultMaxOpenFiles(), 'options.maxOpenFiles', 3, 1 << 20);
  if (options.directory !== undefined) check.string(options.directory, 'options.directory');
  const signal = options.signal;
  signal?.throwIfAborted();
  const budget = makeBudget(cap);
  // The largest table capacity whose fixed arrays fit the cap.
  let lo = 16;
  let hi = Math.max(16, Math.floor(cap / 16));
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fixedBytes(order, mid) <= cap) lo = mid;
    else hi = mid - 1;
  }
  const capacity = lo;

  const { directory, runsDirectory, ownDirectory } = makeCountFolders(options.directory);
  const cleanUp = (failed: boolean): void => {
    rmSync(runsDirectory, { recursive: true, force: true });
    if (failed && ownDirectory) rmSync(directory, { recursive: true, force: true });
  };
  /** I/O failures name the runs folder; the caller's errors (bad input, abort reasons) pass unchanged. */
  const failure = (error: unknown): unknown => {
    cleanUp(true);
    if (error instanceof NlpkitError || signal?.aborted === true) return error;
    if ((error as { code?: unknown } | null)?.code === undefined) return error;
    return new OutputError({
      package: PKG,
      path: runsDirectory,
      message: `counting on disk failed in ${runsDirectory} (removed): ${(error as Error).message}`,
      cause: error,
    });
  };

  const wordIndex = options.wordIndex ?? new NgramWordIndex();
  const runs: string[][] = Array.from({ length: order }, () => []);
  const tables: RunCountTable[] = [];
  // Each table's slots start few and double as they fill (a collection then frees the old ones): held in the
  // budget at their largest from the start.
  const tableBytes = runCountTableBytes(capacity);
  const allocate = (length: number): Int32Array => new Int32Array(backingStore(4 * length), 0, length);
  for (let n = 1; n < order; n++) {
    budget.hold(tableBytes);
    tables.push(new RunCountTable(capacity, INITIAL_SLOTS, allocate, collectDroppedArrays));
  }
  let scratch =
    order > 1
      ? {
          sorted: [budget.int32(capacity), budget.int32(capacity)] as const,
          histogram: budget.int32(radixOf(capacity) + 1),
          ranks: [budget.int32(capacity), budget.int32(capacity)] as const,
          records: budget.uint32(capacity * (order + 1)),
        }
      : undefined;
  let unigrams: Uint32Array = new Uint32Array(16);
  budget.hold(unigrams.byteLength);
  let sentencesRead = 0;
  let tokens = 0;
  let runCount = 0;
  let pending = false;
  const ids: number[] = [];

  const spill = (): void => {
    // Order 1: word ids are already sorted.
    let present = 0;
    for (let w = 0; w < wordIndex.size; w++) if (unigrams[w]! > 0) present++;
    // Written from the records scratch when it is large enough (it is free between levels).
    const fits = scratch !== undefined && scratch.records.length >= present * 2;
    const uni = fits ? scratch!.records.subarray(0, present * 2) : budget.uint32(present * 2);
    for (let w = 0, at = 0; w < wordIndex.size; w++) {
      if (unigrams[w]! > 0) {
        uni[at++] = w;
        uni[at++] = unigrams[w]!;
      }
    }
    const write = (n: number, records: Uint32Array): void => {
      const path = join(runsDirectory, `run-${runCount}-order-${n}.bin`);
      writeFileAtomicSync(path, new Uint8Array(records.buffer, records.byteOffset, records.byteLength), { package: PKG });
      runs[n - 1]!.push(path);
    };
    write(1, uni);
    if (!fits) budget.release(uni.byteLength);
    const records = tables.map((table) => table.records);
    for (let n = 2; n <= order; n++) write(n, sortedLevel(n, wordIndex.size, records, tables[n - 2]!.size, scratch!));
    unigrams.fill(0);
    for (const table of tables) table.clear();
    pending = false;
    runCount++;
    options.onProgress?.({ sentences: sentencesRead, tokens, runs: runCount });
  };
  /** Counts one sentence's ids (`<s>` first, `</s>` last; `length` of them). */
  const addSentenceIds = (ids: ArrayLike<number>, length: number): void => {
    sentencesRead++;
    tokens += length - 1;
    if (unigrams.length < wordIndex.size) {
      const grown = budget.uint32(wordIndex.size * 2);
      grown.set(unigrams);
      budget.release(unigrams.byteLength);
      unigrams = grown;
    }
    // A sentence adds at most `length` n-grams per order: spill first unless every table has room for them all.
    let room = true;
    for (let n = 1; n < order && room; n++) room = tables[n - 1]!.size + length <= capacity;
    if (!room && pending) spill();
    if (length > capacity) addPositions(ids, length);
    else addLevels(ids, length);
    if ((sentencesRead & 63) === 0) signal?.throwIfAborted();
  };
  /** The sentence's ids as an Int32Array, then its n-grams' ids of one order and the next (by start position). */
  let levels = [new Int32Array(256), new Int32Array(256), new Int32Array(256)] as const;
  /**
   * Counts a sentence that fits in every table, one order after the other: each order's look-ups (the bigrams',
   * then the trigrams' from the bigrams' ids, …) do not depend on one another, so the processor overlaps their
   * cache misses — a hash look-up is a miss or two into tables of tens of megabytes.
   */
  const addLevels = (ids: ArrayLike<number>, length: number): void => {
    if (levels[0].length < length) levels = [new Int32Array(2 * length), new Int32Array(2 * length), new Int32Array(2 * length)];
    const words = levels[0];
    for (let start = 0; start < length; start++) {
      const id = ids[start]!;
      words[start] = id;
      unigrams[id]! += 1;
    }
    pending = true;
    let below = words;
    for (let n = 1; n < order; n++) {
      const table = tables[n - 1]!;
      const here = (n & 1) === 1 ? levels[2] : levels[1];
      if (length > n) table.addAll(below, words, n, length - n, here);
      below = here;
    }
  };
  /** Counts a sentence longer than a table holds, position by position, spilling whenever a table is full. */
  const addPositions = (ids: ArrayLike<number>, length: number): void => {
    for (let start = 0; start < length; start++) {
      for (let n = 1; n < order; n++) {
        if (tables[n - 1]!.size >= capacity) {
          spill();
          break;
        }
      }
      let id = ids[start]!;
      unigrams[id]! += 1;
      pending = true;
      for (let n = 1; n < order && start + n < length; n++) id = tables[n - 1]!.add(id, ids[start + n]!);
    }
  };
  const visit = (sentence: readonly string[]): void => {
    encodeTrainingSentence(sentence, wordIndex, sentencesRead + 1, ids);
    addSentenceIds(ids, ids.length);
  };
  /**
   * Releases and drops the counting arrays, so that the merges allocate their buffers once these can be collected.
   * A function of its own: its loop variables, the last array of each loop, die with its frame. Left in `finish`
   * (which runs the merges), they kept ~230 MB of a 512 MiB cap's counting arrays alive through every merge.
   */
  const dropCountingArrays = (): void => {
    for (let n = 1; n < order; n++) budget.release(tableBytes);
    tables.length = 0;
    if (scratch) for (const a of [...scratch.sorted, scratch.histogram, ...scratch.ranks, scratch.records]) budget.release(a.byteLength);
    scratch = undefined;
  };
  const finish = (): DiskCounts => {
    if (sentencesRead === 0) throw emptyCorpus();
    if (pending || runCount === 0) spill();
    dropCountingArrays();
    const files: string[] = [];
    const distinct: number[] = [];
    for (let n = 1; n <= order; n++) {
      const path = join(directory, `counts-order-${n}.bin`);
      distinct.push(mergeAllRuns(runs[n - 1]!, n, path, wordIndex.size, budget, maxOpenFiles - 1, runsDirectory, signal));
      files.push(path);
    }
    cleanUp(false);
    return { order, wordIndex, files, distinct, sentences: sentencesRead, tokens, runs: runCount, directory, runsDirectory, peakBytes: budget.peak };
  };
  try {
    const result = input.kenlmText !== undefined
      ? readKenlmText(new KenlmTextReader({ wordIndex, addSentenceIds, finish }, { onLines: options.onLines, signal, startsText: options.startsText }), input.kenlmText, signal)
      : eachSentence(input.sentences, visit, finish);
    if (result instanceof Promise) {
      return result.catch((error: unknown) => {
        throw failure(error);
      });
    }
    return result;
  } catch (error) {
    throw failure(error);
  }
}

/**
 * The distinct n-grams of order `n` as sorted records [w1..wn, count] in `scratch.records`, from the counting
 * tables' records in id order (`records[n - 2]`: `[parent, word, count]` per id, see
 * {@link RunCountTable.records}; `size` of them). Lexicographic order of (prefix, word), where prefix ranks of order 2
 * are word ids and of higher orders the previous level's sorted positions (kept in `scratch.ranks`, alternating).
 * The ids are sorted by those two keys with an LSD radix sort (digits of 16 bits, 8 for small tables: as many
 * passes as the vocabulary, then the prefix ranks, need; each a stable counting sort) in the two `scratch.sorted`
 * arrays; then each n-gram's record is written at its rank, its words from walking its prefix chain.
 * (Sorting packed keys prefixRank·V + word as numbers, then finding each key's id again in the hash table, took
 * ~15% of an out-of-core estimation.)
 *
 * Reads go front to back wherever they can, writes are scattered: a random read of a table of tens of megabytes
 * stalls on a cache miss, a scattered write does not. The prefix passes carry each id's prefix rank beside it
 * (in the two rank arrays, free while sorting), instead of reading it through the permutation; the records are
 * written by id at each id's rank instead of gathered in sorted order, so the prefix chains are walked in id order,
 * where an n-gram's prefix, first seen just before it, lies near its neighbours' prefixes.
 */
function sortedLevel(
  n: number,
  vocabSize: number,
  records: readonly Int32Array[],
  size: number,
  scratch: { sorted: readonly [Int32Array, Int32Array]; histogram: Int32Array; ranks: readonly [Int32Array, Int32Array]; records: Uint32Array },
): Uint32Array {
  const R = RUN_RECORD;
  const table = records[n - 2]!;
  const rankOf = scratch.ranks[n % 2]!; // of order n - 1 (written by the previous call)
  const nextRankOf = scratch.ranks[(n + 1) % 2]!;
  // The prefix rank of each id, in nextRankOf until the ranks of this order replace it.
  const prefixOf = nextRankOf;
  let prefixes = 0;
  for (let id = 0; id < size; id++) {
    const parent = table[id * R]!;
    const p = n === 2 ? parent : rankOf[parent]!;
    prefixOf[id] = p;
    if (p >= prefixes) prefixes = p + 1;
  }
  let perm = scratch.sorted[0];
  let temp = scratch.sorted[1];
  for (let i = 0; i < size; i++) perm[i] = i;
  const histogram = scratch.histogram;
  const bits = Math.log2(histogram.length - 1);
  // Least significant digit first: the word's (read from the records), then the prefix rank's.
  for (let shift = 0; shift === 0 || vocabSize > 2 ** shift; shift += bits) {
    digitPass(table, R, 1, shift, size, perm, temp, histogram);
    [perm, temp] = [temp, perm];
  }
  // The prefix ranks in the order so far (rankOf is free once prefixOf is made), then carried through the passes.
  let keys = rankOf;
  let keysTemp = nextRankOf;
  for (let i = 0; i < size; i++) keys[i] = prefixOf[perm[i]!]!;
  for (let shift = 0; shift === 0 || prefixes > 2 ** shift; shift += bits) {
    carriedDigitPass(keys, shift, size, perm, temp, keysTemp, histogram);
    [perm, temp] = [temp, perm];
    [keys, keysTemp] = [keysTemp, keys];
  }
  for (let i = 0; i < size; i++) nextRankOf[perm[i]!] = i;
  const width = n + 1;
  const out = scratch.records.subarray(0, size * width);
  for (let id = 0; id < size; id++) {
    // Words of the n-gram by walking its prefix chain down to the first word.
    const at = nextRankOf[id]! * width;
    out[at + n - 1] = table[id * R + 1]!;
    out[at + n] = table[id * R + 2]!;
    let parent = table[id * R]!;
    for (let level = n - 1; level >= 2; level--) {
      const below = records[level - 2]!;
      out[at + level - 1] = below[parent * R + 1]!;
      parent = below[parent * R]!;
    }
    out[at] = parent;
  }
  return out;
}

/**
 * One stable counting-sort pass by the digit at `shift` of keys carried beside the ids: `perm[i]`'s key is `keys[i]`;
 * ids and keys are reordered together into `out` and `outKeys`, every read front to back.
 */
function carriedDigitPass(keys: Int32Array, shift: number, size: number, perm: Int32Array, out: Int32Array, outKeys: Int32Array, histogram: Int32Array): void {
  const radix = histogram.length - 1;
  histogram.fill(0);
  for (let i = 0; i < size; i++) histogram[((keys[i]! >>> shift) & (radix - 1)) + 1]!++;
  for (let d = 0; d < radix; d++) histogram[d + 1]! += histogram[d]!;
  for (let i = 0; i < size; i++) {
    const key = keys[i]!;
    const to = histogram[(key >>> shift) & (radix - 1)]!++;
    out[to] = perm[i]!;
    outKeys[to] = key;
  }
}

/**
 * One stable counting-sort pass of an LSD radix sort: the ids in `perm` reordered into `out` by the digit at `shift`
 * of their key (`keys[id * stride + offset]`), the histogram counted front to back (no random reads through perm).
 */
function digitPass(keys: Int32Array, stride: number, offset: number, shift: number, size: number, perm: Int32Array, out: Int32Array, histogram: Int32Array): void {
  const radix = histogram.length - 1;
  histogram.fill(0);
  for (let id = 0; id < size; id++) histogram[((keys[id * stride + offset]! >>> shift) & (radix - 1)) + 1]!++;
  for (let d = 0; d < radix; d++) histogram[d + 1]! += histogram[d]!;
  for (let i = 0; i < size; i++) {
    const id = perm[i]!;
    out[histogram[(keys[id * stride + offset]! >>> shift) & (radix - 1)]!++] = id;
  }
}
