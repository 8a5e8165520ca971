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
import { lowerOrderCounts } from './lowerOrderCounts.js';
import { remapRuns } from './remapRuns.js';
import { BOS_INDEX, NgramWordIndex, encodeTrainingSentence } from './ngramWordIndex.js';
import { WindowCountTable, windowCountTableBytes } from './windowCountTable.js';
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
 * Counts n-grams of orders 1..order with bounded memory, as lmplz counts: only the highest order is counted — the
 * N-gram ending at each position, padded on the left with `<s>` — in a fixed-size hash table sized from
 * `memoryBytes` (the unigrams in a vocabulary-sized array); when the table is full it is sorted (a radix sort) and
 * written as a run; at the end the runs are merged (k-way, in batches of at most `maxOpenFiles`, summing equal
 * n-grams) into one sorted file, and each lower order's counts are summed from the order above's suffixes (a
 * streaming pass and an external sort per order). Every result file is written atomically. Streams sentences (strings or text
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

/** Hash slots a counting table starts with (256 KiB); see {@link WindowCountTable}. */
const INITIAL_SLOTS = 1 << 16;

/** Bytes of the fixed counting arrays for a table of `capacity` n-grams of the top order (see {@link countWithBudget}). */
function fixedBytes(order: number, capacity: number): number {
  // The counting table, the second record array of its runs' sort (records move between the two) and its histogram.
  return order > 1 ? windowCountTableBytes(order, capacity) + 4 * (order + 1) * capacity + 4 * (radixOf(capacity) + 1) : 0;
}

/** Buckets per radix pass of a run's sort: 2^16 (two passes cover 32 bits) but for tables too small to pay for their histogram. */
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
  return countOnDisk({ kenlmText: chunks }, options, (cap) => new MemoryBudget(cap)) as DiskCounts | Promise<DiskCounts>;
}

/** Text counted by {@link countKenlmTextRunsOnDisk}: its runs spilled, not yet merged. */
export interface CountedRuns {
  /** The words of the text counted, in first-seen order (the ids of the runs). */
  readonly wordIndex: NgramWordIndex;
  /**
   * Merges the runs into the count files, as {@link countKenlmTextOnDisk} would have. Given `whole` (an index
   * holding every word of the text counted, such as the words of a whole file of which the text is a part), the
   * runs first take its ids (each run sorted again) and the result carries it. Removes the runs in every case.
   * @throws InvalidArgumentError naming `wordIndex` when `whole` lacks a word of the text.
   */
  finish(whole?: NgramWordIndex): DiskCounts;
}

/**
 * {@link countKenlmTextOnDisk} stopped before its merges, for the counting threads of {@link countKenlmFileOnDisk}:
 * each counts its part of a file with its own ids in one pass; once every part's words are known (joined part after
 * part: the ids one pass over the whole file gives), each part's runs take those ids and are merged. Sync chunks only.
 */
export function countKenlmTextRunsOnDisk(chunks: Iterable<Uint8Array | string>, options: KenlmTextDiskCountOptions): CountedRuns {
  return countOnDisk({ kenlmText: chunks }, options, (cap) => new MemoryBudget(cap), true) as CountedRuns;
}

/** Text as byte (or string) chunks, for the readers that read it as lmplz does. */
export type TextChunks = Iterable<Uint8Array | string> | AsyncIterable<Uint8Array | string>;

/** {@link countNgramsOnDisk} with the memory budget made by `makeBudget` (tests read its peak). */
export function countWithBudget(
  sentences: Sentences<TokenLike>,
  options: DiskCountOptions,
  makeBudget: (cap: number) => MemoryBudget,
): DiskCounts | Promise<DiskCounts> {
  return countOnDisk({ sentences }, options, makeBudget) as DiskCounts | Promise<DiskCounts>;
}

/** What the on-disk counter reads: sentences of tokens, or text read as lmplz reads it. */
type DiskCountInput = { readonly sentences: Sentences<TokenLike>; readonly kenlmText?: undefined } | { readonly kenlmText: TextChunks };

function countOnDisk(
  input: DiskCountInput,
  options: KenlmTextDiskCountOptions,
  makeBudget: (cap: number) => MemoryBudget,
  stopBeforeMerge = false,
): DiskCounts | CountedRuns | Promise<DiskCounts | CountedRuns> {
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
  const unigramRuns: string[] = [];
  const topRuns: string[] = [];
  // Only the highest order is counted (and the unigrams, in a vocabulary-sized array): one look-up per position, of
  // the N-gram ending there padded on the left with <s>, as lmplz counts; the lower orders are sums of its suffixes
  // (lowerOrderCounts). The table's slots start few and double as they fill (a collection then frees the old ones):
  // held in the budget at their largest from the start.
  let table: WindowCountTable | undefined;
  let scratch: { other: Uint32Array; histogram: Uint32Array } | undefined;
  if (order > 1) {
    // Memory is only touched as it fills: the records as n-grams come, the sort's array as far as a run needs.
    budget.hold(windowCountTableBytes(order, capacity));
    const allocate = (length: number): Int32Array => new Int32Array(backingStore(4 * length), 0, length);
    table = new WindowCountTable(order, capacity, INITIAL_SLOTS, allocate, collectDroppedArrays);
    scratch = { other: budget.uint32((order + 1) * capacity), histogram: budget.uint32(radixOf(capacity) + 1) };
  }
  let unigrams: Uint32Array = new Uint32Array(16);
  budget.hold(unigrams.byteLength);
  let sentencesRead = 0;
  let tokens = 0;
  let runCount = 0;
  let pending = false;
  const ids: number[] = [];

  const spill = (): void => {
    const write = (n: number, records: Uint32Array, runs: string[]): void => {
      const path = join(runsDirectory, `run-${runCount}-order-${n}.bin`);
      // A run is scratch (removed once merged): no wait for the disk.
      writeFileAtomicSync(path, new Uint8Array(records.buffer, records.byteOffset, records.byteLength), { package: PKG, durable: false });
      runs.push(path);
    };
    let free: Uint32Array | undefined;
    if (table !== undefined && scratch !== undefined) {
      free = table.sorted(scratch.other, scratch.histogram, wordIndex.size);
      write(order, free, topRuns);
    }
    // Order 1: word ids are already sorted. Written from the sorted run's array when it is large enough (free now).
    let present = 0;
    for (let w = 0; w < wordIndex.size; w++) if (unigrams[w]! > 0) present++;
    const fits = free !== undefined && free.length >= present * 2;
    const uni = fits ? free!.subarray(0, present * 2) : budget.uint32(present * 2);
    for (let w = 0, at = 0; w < wordIndex.size; w++) {
      if (unigrams[w]! > 0) {
        uni[at++] = w;
        uni[at++] = unigrams[w]!;
      }
    }
    write(1, uni, unigramRuns);
    if (!fits) budget.release(uni.byteLength);
    table?.clear();
    unigrams.fill(0);
    pending = false;
    runCount++;
    options.onProgress?.({ sentences: sentencesRead, tokens, runs: runCount });
  };
  /** The sentence's ids after order − 2 `<s>` (the padding of its first N-grams), grown as needed. */
  let padded = new Uint32Array(256);
  /** Scratch of {@link WindowCountTable.addAll}. */
  let tags = new Int32Array(256);
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
    for (let i = 0; i < length; i++) unigrams[ids[i]!]! += 1;
    pending = true;
    if (table !== undefined) {
      const pad = order - 2;
      if (padded.length < length + pad) padded = new Uint32Array(2 * (length + pad));
      padded.fill(BOS_INDEX, 0, pad);
      for (let i = 0; i < length; i++) padded[pad + i] = ids[i]!;
      // The N-gram ending at ids[i] (i ≥ 1: <s> ends none) starts at padded[i - 1].
      if (table.size + length <= capacity) {
        if (tags.length < length) tags = new Int32Array(2 * length);
        table.addAll(padded, 0, length - 1, tags);
      } else {
        for (let i = 1; i < length; i++) {
          if (table.full) spill();
          table.add(padded, i - 1);
        }
      }
    }
    if ((sentencesRead & 63) === 0) signal?.throwIfAborted();
  };
  const visit = (sentence: readonly string[]): void => {
    encodeTrainingSentence(sentence, wordIndex, sentencesRead + 1, ids);
    addSentenceIds(ids, ids.length);
  };
  /**
   * Releases and drops the counting arrays, so that the merges allocate their buffers once these can be collected.
   * A function of its own: its locals die with its frame. Left in `finish` (which runs the merges), the old
   * counter's loop variables kept ~230 MB of a 512 MiB cap's counting arrays alive through every merge.
   */
  const dropCountingArrays = (): void => {
    if (table !== undefined) budget.release(windowCountTableBytes(order, capacity));
    table = undefined;
    if (scratch) for (const a of [scratch.other, scratch.histogram]) budget.release(a.byteLength);
    scratch = undefined;
    // The unigram counts went into the runs.
    budget.release(unigrams.byteLength);
    unigrams = new Uint32Array(0);
  };
  /** The last run spilled and the counting arrays given back: what every count ends with. */
  const spillLast = (): void => {
    if (sentencesRead === 0) throw emptyCorpus();
    if (pending || runCount === 0) spill();
    dropCountingArrays();
  };
  /** The runs merged into the count files, with the ids of `index` (`wordIndex`'s, or the whole text's after a remap). */
  const mergeAll = (index: NgramWordIndex): DiskCounts => {
    const files = Array.from({ length: order }, (_, n) => join(directory, `counts-order-${n + 1}.bin`));
    const V = index.size;
    const readers = maxOpenFiles - 1;
    let distinct = [mergeAllRuns(unigramRuns, 1, files[0]!, V, budget, readers, runsDirectory, signal)];
    if (order === 2) distinct.push(mergeAllRuns(topRuns, 2, files[1]!, V, budget, readers, runsDirectory, signal));
    else if (order > 2) {
      const top = join(runsDirectory, `padded-order-${order}.bin`);
      mergeAllRuns(topRuns, order, top, V, budget, readers, runsDirectory, signal, undefined, false);
      distinct = [distinct[0]!, ...lowerOrderCounts(top, order, files, V, budget, runsDirectory, readers, signal).slice(1)];
    }
    cleanUp(false);
    return { order, wordIndex: index, files, distinct, sentences: sentencesRead, tokens, runs: runCount, directory, runsDirectory, peakBytes: budget.peak };
  };
  /** With `stopBeforeMerge`: the counted runs, merged later (after a remap to the whole text's ids, when needed). */
  const counted = (): CountedRuns => ({
    wordIndex,
    finish: (whole?: NgramWordIndex): DiskCounts => {
      try {
        if (whole === undefined || whole === wordIndex) return mergeAll(wordIndex);
        const local = wordIndex.words();
        const ids = new Uint32Array(local.length);
        let same = true;
        for (let i = 0; i < local.length; i++) {
          const id = whole.lookup(local[i]!);
          if (id < 0) throw check.invalid(local[i], 'wordIndex', 'a word index holding every word of the counted text');
          ids[i] = id;
          same &&= id === i;
        }
        if (!same) {
          remapRuns([{ paths: unigramRuns, width: 2, keyLength: 1 }, { paths: topRuns, width: order + 1, keyLength: order }], ids, whole.size, budget);
        }
        return mergeAll(whole);
      } catch (error) {
        throw failure(error);
      }
    },
  });
  const finish: () => DiskCounts | CountedRuns = stopBeforeMerge
    ? (): CountedRuns => {
        spillLast();
        return counted();
      }
    : (): DiskCounts => {
        spillLast();
        return mergeAll(wordIndex);
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
