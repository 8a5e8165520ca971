import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { lineStartFrom } from './lineStartFrom.js';
import { workerEntry, workerStartOptions } from './workerEntry.js';
import type { ModelPerplexity } from '@nlpkit/core';
import { inputFileError, isSystemError } from '@nlpkit/core/node';
import { readArpaFileWith } from './arpaFile.js';
import { ngramLineFrom } from './arpaSectionTokenizer.js';
import type { BackoffLanguageModel } from './backoffLanguageModel.js';
import { loadBinaryModel } from './binaryModel.js';
import { isBinaryModelFile } from './modelFile.js';
import type { ReadArpaOptions } from './readArpa.js';
import { sharedSuffixModel } from './sharedSuffixModel.js';
import { pushFileRange } from './pushFileRange.js';
import { check, PKG } from './errors.js';
import type { ArpaSectionHelper } from './suffixOrderedArpa.js';
import type { TextScoreWorkerData, TextScoreWorkerMessage, TextScoreWorkerModel, TextScoreWorkerReply } from './textScoreWorker.js';
import { type SentenceTotals, Utf8TextScorer } from './utf8TextScorer.js';
import { scoreChunk, scoreClaimedChunks } from './claimedTextChunks.js';

/**
 * Texts smaller than this are scored on one thread by default: a worker thread costs ~15 MB and ~0.1 s to start
 * (hidden behind reading the model when given its path). Two threads took `ngram eval` on PTB train (5 MB, order 5)
 * from 0.74–0.85 s to 0.67–0.71 s, and on 10.5 MB from 1.44–1.53 s to 1.11–1.18 s.
 */
const MIN_PARALLEL_BYTES = 4 << 20;

/** Threads by default (at most the machine's cores): each loads the model and builds its word table. */
const DEFAULT_THREADS = 4;

/**
 * Chunks of the text per thread, claimed one at a time by whichever thread is free (see `scoreClaimedChunks`): the
 * threads then finish within about one chunk of each other (~8 ms of scoring for PTB train on two threads), however
 * late a worker starts or however long the calling thread spends checking the model.
 */
const CHUNKS_PER_THREAD = 16;

/** Options of {@link scoreTextFileParallel}. */
export interface ScoreTextFileParallelOptions {
  /**
   * Threads that score, the calling one included (an integer ≥ 1). Default: for a text of 4 MiB or more, as many
   * as the machine has cores, up to 4; else 1.
   */
  readonly threads?: number;
  /** A binary model: verify its checksum (as {@link loadBinaryModel}). Default true. */
  readonly verify?: boolean;
  /** An ARPA file: called with what the general reader warns of (as `readArpaFile`'s option). */
  readonly onWarning?: ReadArpaOptions['onWarning'];
  /** Called now and then with the number of lines the calling thread has scored. */
  readonly onLines?: (lines: number) => void;
}

/** The bytes of a file in shared memory (a `SharedArrayBuffer`), so that threads can use them without a copy. */
export function readFileShared(path: string, argument = 'path'): Uint8Array {
  check.string(path, argument);
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const size = fstatSync(fd).size;
    const bytes = new Uint8Array(new SharedArrayBuffer(size));
    for (let at = 0; at < size; ) {
      const read = readSync(fd, bytes, at, size - at, at);
      if (read === 0) break;
      at += read;
    }
    return bytes;
  } catch (error) {
    throw isSystemError(error) ? inputFileError(path, error, { package: PKG, argument }) : error;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Perplexity of a UTF-8 text file (one sentence per line) under a model: an nlpkit binary model given as bytes, or
 * the path of a model file, binary or ARPA (plain or gzip; told apart by its bytes), read while the worker threads
 * start. What {@link Utf8TextScorer} gives over the whole file, bit for bit, on several threads. The file is cut
 * at line starts into chunks (16 per thread) that the threads claim one at a time as they get free, so they finish
 * together even when a worker starts late or the calling thread is busy checking the model.
 * - A binary model: worker threads take it from the same bytes (no copy when they are in a `SharedArrayBuffer`, see
 *   {@link readFileShared}) without checking them, while this thread loads it with every check of
 *   {@link loadBinaryModel} (damaged bytes give its error, and the workers' numbers are dropped).
 * - An ARPA file in lmplz's layout is read by this thread into shared memory, and the workers score with the same
 *   arrays (no copy). Another ARPA file is read by the general reader and scored on this thread alone.
 *
 * Each thread records the totals of its chunks' lines; this thread adds them all in the text's order. A chunk whose
 * worker cannot score it (the package's TypeScript source without a build, or the worker failed) is scored here.
 * Node only.
 */
export async function scoreTextFileParallel(model: Uint8Array | string, path: string, options: ScoreTextFileParallelOptions = {}): Promise<ModelPerplexity> {
  check.options(options, 'options', ['threads', 'verify', 'onLines', 'onWarning']);
  const verify = checkThreadedModel(model, path, options);
  let fd: number | undefined;
  const workers: Worker[] = [];
  try {
    fd = openSync(path, 'r');
    const size = fstatSync(fd).size;
    const threads = options.threads ?? defaultThreads(size);
    const url = workerEntry('textScoreWorker');
    const cuts = url !== undefined && threads > 1 ? cutText(fd, size, threads * CHUNKS_PER_THREAD) : [0, size];
    const arpaOptions: ReadArpaOptions = options.onWarning === undefined ? {} : { onWarning: options.onWarning };
    if (cuts.length <= 2) return scoreWhole(loadOnThisThread(model, arpaOptions, verify), fd, size, options.onLines);
    const next = new Int32Array(new SharedArrayBuffer(4));
    const totals: (SentenceTotals | undefined)[] = Array.from({ length: cuts.length - 1 }, () => undefined);
    const finished = Array.from({ length: Math.min(threads, cuts.length - 1) - 1 }, () => {
      const worker = startWorker(url!, { ...modelData(model), path, cuts, next });
      workers.push(worker);
      // Settles when the worker is done or cannot go on: the chunk it had claimed then has no totals.
      return new Promise<void>((resolve) => {
        worker.on('message', (reply: TextScoreWorkerReply) => {
          if ('totals' in reply) totals[reply.chunk] = reply.totals;
          else if (!('chunk' in reply)) resolve();
        });
        worker.once('error', () => resolve());
        worker.once('exit', () => resolve());
      });
    });
    const loaded = loadForWorkers(model, workers, arpaOptions, verify);
    try {
      scoreClaimedChunks(loaded, fd, cuts, next, (chunk, chunkTotals) => (totals[chunk] = chunkTotals), options.onLines);
      await Promise.all(finished);
      // A chunk a worker claimed but could not score is scored here.
      for (const [chunk, chunkTotals] of totals.entries()) if (chunkTotals === undefined) totals[chunk] = scoreChunk(loaded, fd, cuts, chunk);
    } catch {
      // A line this thread cannot score (too long, say): the whole text again in one pass, whose error names the
      // line as counted from the start of the file.
      return scoreWhole(loaded, fd, size, options.onLines);
    }
    // The lines' totals added in the text's order, as one scorer over the whole file adds them: the same sums.
    const scorer = new Utf8TextScorer(loaded);
    for (const chunkTotals of totals) scorer.addSentenceTotals(chunkTotals!);
    return scorer.end();
  } catch (error) {
    throw isSystemError(error) ? inputFileError(path, error, { package: PKG, argument: 'path' }) : error;
  } finally {
    if (fd !== undefined) closeSync(fd);
    for (const worker of workers) void worker.terminate();
  }
}

/** Scoring threads for a text of `size` bytes by default: as many as the machine has cores, up to 4, from 4 MiB. */
export function defaultThreads(size: number): number {
  return size >= MIN_PARALLEL_BYTES ? Math.min(DEFAULT_THREADS, availableParallelism()) : 1;
}

/**
 * Checks the arguments the threaded scorers share (`model`, `path`, `options.threads`, `options.verify`); returns
 * `verify`.
 */
export function checkThreadedModel(model: unknown, path: unknown, options: { readonly threads?: number; readonly verify?: boolean }): boolean {
  if (!(model instanceof Uint8Array) && typeof model !== 'string') throw check.invalid(model, 'model', 'a Uint8Array (a binary model\'s bytes) or the path of a model file (binary or ARPA)');
  check.string(path, 'path');
  const verify = options.verify ?? true;
  if (typeof verify !== 'boolean') throw check.invalid(verify, 'options.verify', 'a boolean');
  if (options.threads !== undefined && !(Number.isInteger(options.threads) && options.threads >= 1)) {
    throw check.invalid(options.threads, 'options.threads', 'an integer ≥ 1');
  }
  return verify;
}

/** Where the open file `fd` of `size` bytes is cut into (at most) `chunks` chunks at line starts: `[0, …, size]`. */
export function cutText(fd: number, size: number, chunks: number): number[] {
  // Chunk c is [cuts[c], cuts[c + 1]); chunks left empty by a long line are dropped.
  const cuts = [0];
  for (let c = 1; c < chunks; c++) {
    const at = lineStartFrom(fd, Math.max(cuts.at(-1)!, Math.floor((size * c) / chunks)), size);
    if (at > cuts.at(-1)! && at < size) cuts.push(at);
  }
  cuts.push(size);
  return cuts;
}

/** The model read and checked on this thread alone (no worker to share it with). */
export function loadOnThisThread(model: Uint8Array | string, arpaOptions: ReadArpaOptions, verify: boolean): BackoffLanguageModel {
  if (typeof model === 'string' && !isBinaryModelFile(model)) return readArpaFileWith(model, arpaOptions, false);
  return loadBinaryModel(typeof model === 'string' ? readFileShared(model, 'model') : model, { verify });
}

/** The model part of a scoring thread's data: a binary model's bytes when given them; else it comes in a message. */
export function modelData(model: Uint8Array | string): { model?: Uint8Array } {
  return typeof model === 'string' ? {} : { model };
}

/** A scoring thread on the package's worker entry `url` (see `textScoreWorker`). */
export function startWorker(url: URL, data: TextScoreWorkerData): Worker {
  return new Worker(url, { workerData: data, ...workerStartOptions() });
}

/**
 * Loads the model on this thread with every check and gives it to the scoring threads (started first, so that their
 * start-up overlaps the reading).
 * - A binary model: they take it from the same bytes (no copy when they are in a `SharedArrayBuffer`, see
 *   {@link readFileShared}) without checking them, while this thread loads it with every check of
 *   {@link loadBinaryModel} (damaged bytes give its error here, and the workers' results must then be dropped).
 * - An ARPA file in lmplz's layout is read by this thread into shared memory, the first worker tokenizing the end of
 *   the file (from about its middle) meanwhile, and the workers score with the same arrays (no copy). Another ARPA
 *   file is read by the general reader; the workers are told there is no model to share.
 */
export function loadForWorkers(model: Uint8Array | string, workers: readonly Worker[], arpaOptions: ReadArpaOptions, verify: boolean): BackoffLanguageModel {
  if (typeof model === 'string' && !isBinaryModelFile(model)) {
    const reader = workers[0]!;
    const helper: ArpaSectionHelper = {
      path: model,
      ngramLineFrom: (at) => ngramLineFrom(model, at),
      post: (job) => reader.postMessage({ tokenize: job } satisfies TextScoreWorkerMessage),
    };
    const loaded = readArpaFileWith(model, arpaOptions, true, helper);
    const shared = sharedSuffixModel(loaded);
    const message: TextScoreWorkerModel = shared === undefined ? { none: 'not in lmplz\'s layout: scored on one thread' } : { arpa: shared };
    for (const worker of workers) worker.postMessage(message);
    return loaded;
  }
  const bytes = typeof model === 'string' ? readFileShared(model, 'model') : model;
  if (typeof model === 'string') for (const worker of workers) worker.postMessage({ model: bytes } satisfies TextScoreWorkerModel);
  // This thread loads the model with every check (the workers, with none, start scoring at once); a damaged model
  // throws here.
  return loadBinaryModel(bytes, { verify });
}

/** The text of the open file `fd` scored in one pass on this thread. */
function scoreWhole(model: BackoffLanguageModel, fd: number, size: number, onLines?: (lines: number) => void): ModelPerplexity {
  const scorer = new Utf8TextScorer(model);
  pushFileRange(scorer, fd, 0, size, onLines);
  return scorer.end();
}
