import { closeSync, openSync, rmSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { NlpkitError, OutputError } from '@nlpkit/core';
import { inputFileError } from '@nlpkit/core/node';
import { mergeAllRuns } from './countFiles.js';
import { type DiskCounts, type KenlmTextDiskCountOptions, countKenlmTextOnDisk } from './countNgramsOnDisk.js';
import { defaultMaxOpenFiles } from './defaultMaxOpenFiles.js';
import { makeCountFolders } from './countFolders.js';
import { PKG, check, checkOrder } from './errors.js';
import type { KenlmCountRequest, KenlmCountWorkerData, KenlmCountWorkerReply, KenlmPartCounts } from './kenlmCountWorker.js';
import { fileRangeChunks } from './fileRangeChunks.js';
import { lineStartFrom } from './lineStartFrom.js';
import { MemoryBudget } from './memoryBudget.js';
import { NgramWordIndex } from './ngramWordIndex.js';
import { workerEntry, workerStartOptions } from './workerEntry.js';

/**
 * Files smaller than this are counted on the calling thread by default: each counting thread costs ~0.1 s to start
 * and sorts its runs again for the whole file's ids, which a text of a few megabytes (counted in a second or two)
 * does not repay.
 */
const MIN_PARALLEL_BYTES = 16 << 20;

/** Threads by default (at most the machine's cores): each takes an equal share of the memory cap. */
const DEFAULT_THREADS = 4;

/** Options of {@link countKenlmFileOnDisk}. */
export interface KenlmFileDiskCountOptions extends Omit<KenlmTextDiskCountOptions, 'startsText'> {
  /**
   * Counting threads (an integer ≥ 1; 1: all on the calling thread). Default: for a file of 16 MiB or more, one per
   * core up to 4; else 1. The counts are the same whatever the number.
   */
  threads?: number;
}

/**
 * {@link countKenlmTextOnDisk} of a text file on several threads: the same files, counts and word ids, in less
 * time where the machine has the cores (Node only: `@nlpkit/ngram/node`). The file is cut at line starts into one
 * part per thread. Each thread counts its part in one pass with ids of its own (first-seen order in the part), under
 * its share of `memoryBytes` (the threads run at once, so the cap holds), spilling sorted runs as one thread would.
 * The parts' words, joined part after part, give the ids one pass over the whole file gives; each thread then gives
 * its runs those ids (each run sorted again, unless the ids are the same, as the first part's are) and merges them
 * into sorted files; the parts' files are then merged order by order (equal n-grams summed) here.
 *
 * Bad text (`<s>` as a word...) stops a thread's count; the whole file is then read again on this thread, so the
 * error names its line as one pass would. `onLines` is told the lines all threads have read; `onProgress` is called
 * only when everything runs on this thread. Where the worker entry
 * cannot be found (the package's TypeScript source without a build), everything runs on this thread.
 * @throws InvalidArgumentError `ERR_FILE_NOT_FOUND` / `ERR_FILE_UNREADABLE` naming the path; what
 * {@link countKenlmTextOnDisk} throws; OutputError when a counting thread cannot write its files.
 */
export async function countKenlmFileOnDisk(path: string, options: KenlmFileDiskCountOptions): Promise<DiskCounts> {
  check.string(path, 'path');
  check.options(options, 'options', ['order', 'memoryBytes', 'directory', 'maxOpenFiles', 'wordIndex', 'onProgress', 'signal', 'onLines', 'threads']);
  if (options.threads !== undefined) check.integer(options.threads, 'options.threads', 1, 1024);
  const order = checkOrder(options.order);
  const cap = check.number(options.memoryBytes, 'options.memoryBytes', 1 << 16);
  const maxOpenFiles = check.integer(options.maxOpenFiles ?? defaultMaxOpenFiles(), 'options.maxOpenFiles', 3, 1 << 20);
  const { threads: asked, ...single } = options;
  let size: number;
  try {
    const stats = statSync(path);
    if (!stats.isFile()) throw check.invalid(path, 'path', 'a regular file (a stream goes to countKenlmTextOnDisk)');
    size = stats.size;
  } catch (cause) {
    if (cause instanceof NlpkitError) throw cause;
    throw inputFileError(path, cause, { package: PKG, argument: 'path' });
  }
  const url = workerEntry('kenlmCountWorker');
  // Each thread needs its own 64 KiB at least, and 3 open files.
  const most = Math.max(1, Math.min(Math.floor(cap / (1 << 16)), Math.floor(maxOpenFiles / 3)));
  const wanted = asked ?? (size >= MIN_PARALLEL_BYTES ? Math.min(DEFAULT_THREADS, availableParallelism()) : 1);
  const threads = Math.min(wanted, most);
  /** Everything on this thread (into `directory` when given: the folder this call made). */
  const onThisThread = (directory?: string): DiskCounts => countKenlmTextOnDisk(fileRangeChunks(path), { ...single, ...(directory === undefined ? {} : { directory }) });
  if (threads <= 1 || url === undefined) return onThisThread();

  // Part t is [cuts[t], cuts[t + 1]); empty parts (a long line spanning a cut) are dropped.
  const fd = openSync(path, 'r');
  const cuts = [0];
  try {
    for (let t = 1; t < threads; t++) cuts.push(Math.max(cuts.at(-1)!, lineStartFrom(fd, Math.floor((size * t) / threads), size)));
  } finally {
    closeSync(fd);
  }
  cuts.push(size);
  const parts = cuts.slice(0, -1).map((start, t) => ({ start, end: cuts[t + 1]! })).filter((part) => part.end > part.start);
  if (parts.length <= 1) return onThisThread();

  const signal = options.signal;
  signal?.throwIfAborted();
  const { directory, runsDirectory, ownDirectory } = makeCountFolders(options.directory);

  const workers: Worker[] = [];
  const lines = parts.map(() => 0);
  /** Each part's next answer other than progress (a worker that dies answers with its exit). */
  const inboxes = parts.map(() => [] as KenlmCountWorkerReply[]);
  const waiting: (((reply: KenlmCountWorkerReply) => void) | undefined)[] = parts.map(() => undefined);
  const deliver = (t: number, reply: KenlmCountWorkerReply): void => {
    const take = waiting[t];
    waiting[t] = undefined;
    if (take !== undefined) take(reply);
    else inboxes[t]!.push(reply);
  };
  const next = (t: number): Promise<KenlmCountWorkerReply> =>
    new Promise((resolve, reject) => {
      const queued = inboxes[t]!.shift();
      if (queued !== undefined) return resolve(queued);
      if (signal?.aborted === true) return reject(signal.reason);
      waiting[t] = resolve;
    });
  const onAbort = (): void => {
    for (const worker of workers) void worker.terminate();
    for (let t = 0; t < parts.length; t++) deliver(t, { failed: 'aborted' });
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  let failed = true;
  try {
    const share = Math.floor(cap / parts.length);
    for (const [t, part] of parts.entries()) {
      const data: KenlmCountWorkerData = { path, ...part, order, memoryBytes: share, directory: join(runsDirectory, `part-${t}`), maxOpenFiles: Math.floor(maxOpenFiles / parts.length) };
      const worker = new Worker(url, { workerData: data, ...workerStartOptions() });
      workers.push(worker);
      worker.on('message', (reply: KenlmCountWorkerReply) => {
        if ('lines' in reply) {
          lines[t] = reply.lines;
          options.onLines?.(lines.reduce((a, b) => a + b, 0));
        } else deliver(t, reply);
      });
      worker.once('error', (error) => deliver(t, { failed: String(error) }));
      worker.once('exit', (code) => deliver(t, { failed: `counting thread ${t + 1} exited with code ${code}` }));
    }
    // Each part counted with its own ids; its words, joined part after part, give the whole file's first-seen order.
    const wordIndex = options.wordIndex ?? new NgramWordIndex();
    const firsts = await Promise.all(parts.map((_, t) => next(t)));
    signal?.throwIfAborted();
    if (firsts.some((reply) => !('words' in reply))) {
      // Bad text, or a thread that could not run: one pass here names the line (or counts, when the text is good).
      for (const worker of workers) void worker.terminate();
      rmSync(runsDirectory, { recursive: true, force: true });
      const result = onThisThread(directory);
      failed = false;
      return result;
    }
    for (const reply of firsts) for (const word of (reply as { words: readonly string[] }).words) wordIndex.add(word);

    // Then each part's runs take those ids (sorted again where they change) and are merged.
    const words = wordIndex.words();
    for (const worker of workers) worker.postMessage({ words } satisfies KenlmCountRequest);
    const seconds = await Promise.all(parts.map((_, t) => next(t)));
    signal?.throwIfAborted();
    const counted: KenlmPartCounts[] = [];
    for (const [t, reply] of seconds.entries()) {
      if (!('counts' in reply)) {
        const why = 'failed' in reply ? reply.failed : 'no answer';
        throw new OutputError({ package: PKG, path: runsDirectory, message: `counting thread ${t + 1} of ${parts.length} failed in ${runsDirectory} (removed): ${why}` });
      }
      counted.push(reply.counts);
    }
    for (const worker of workers) void worker.terminate();

    // The parts' sorted files, merged order by order (equal n-grams summed) under the whole cap.
    const budget = new MemoryBudget(cap);
    const files: string[] = [];
    const distinct: number[] = [];
    for (let n = 1; n <= order; n++) {
      const file = join(directory, `counts-order-${n}.bin`);
      distinct.push(mergeAllRuns(counted.map((c) => c.files[n - 1]!), n, file, wordIndex.size, budget, maxOpenFiles - 1, runsDirectory, signal));
      files.push(file);
    }
    failed = false;
    const sum = (key: 'sentences' | 'tokens' | 'runs' | 'peakBytes'): number => counted.reduce((a, c) => a + c[key], 0);
    return {
      order,
      wordIndex,
      files,
      distinct,
      sentences: sum('sentences'),
      tokens: sum('tokens'),
      runs: sum('runs'),
      directory,
      runsDirectory,
      // The parts' counting arrays were held at once; the merge's buffers came after.
      peakBytes: Math.max(sum('peakBytes'), budget.peak),
    };
  } catch (error) {
    if (signal?.aborted === true) throw signal.reason;
    if (error instanceof NlpkitError || (error as { code?: unknown } | null)?.code === undefined) throw error;
    throw new OutputError({ package: PKG, path: runsDirectory, message: `counting on disk failed in ${runsDirectory} (removed): ${(error as Error).message}`, cause: error });
  } finally {
    signal?.removeEventListener('abort', onAbort);
    for (const worker of workers) void worker.terminate();
    rmSync(runsDirectory, { recursive: true, force: true });
    if (failed && ownDirectory) rmSync(directory, { recursive: true, force: true });
  }
}
