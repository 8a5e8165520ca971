import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
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
import { Utf8TextScorer } from './utf8TextScorer.js';

/**
 * Texts smaller than this are scored on one thread by default: a worker thread costs ~15 MB and ~0.1 s to start
 * (hidden behind reading the model when given its path). Two threads took `ngram eval` on PTB train (5 MB, order 5)
 * from 0.74–0.85 s to 0.67–0.71 s, and on 10.5 MB from 1.44–1.53 s to 1.11–1.18 s.
 */
const MIN_PARALLEL_BYTES = 4 << 20;

/** Threads by default (at most the machine's cores): each loads the model and builds its word table. */
const DEFAULT_THREADS = 4;

/**
 * What checking a binary model's bytes (checksum, ids, values) costs the calling thread beyond a worker's start with
 * the same bytes unchecked, against scoring as many bytes of text on one of two busy threads (measured on PTB: ~5 ms
 * per MB of model, less ~2.5 for the worker's own start, against ~150 ms per MB of text).
 */
const CHECK_PER_SCORE = 2.5 / 150;

/**
 * The share of the text the calling thread scores when it also checks a model of `modelBytes` while `threads − 1`
 * workers score `textBytes`' rest: all finish together (at least 5%).
 */
function firstShare(threads: number, modelBytes: number, textBytes: number): number {
  const check = (CHECK_PER_SCORE * modelBytes) / Math.max(1, textBytes);
  return Math.max(0.05, 1 / threads - (check * (threads - 1)) / threads);
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    // Reported when the model is read.
    return 0;
  }
}

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
 * into one part per thread at line starts.
 * - A binary model: worker threads take it from the same bytes (no copy when they are in a `SharedArrayBuffer`, see
 *   {@link readFileShared}) without checking them, while this thread loads it with every check of
 *   {@link loadBinaryModel} (damaged bytes give its error, and the workers' numbers are dropped).
 * - An ARPA file in lmplz's layout is read by this thread into shared memory, and the workers score with the same
 *   arrays (no copy). Another ARPA file is read by the general reader and scored on this thread alone.
 *
 * Each worker records the totals of its part's lines; this thread scores the first part and then adds the workers'
 * lines in order. A part whose worker cannot run (the package's TypeScript source without a build, or the worker
 * failed) is scored here. Node only.
 */
export async function scoreTextFileParallel(model: Uint8Array | string, path: string, options: ScoreTextFileParallelOptions = {}): Promise<ModelPerplexity> {
  check.options(options, 'options', ['threads', 'verify', 'onLines', 'onWarning']);
  if (!(model instanceof Uint8Array) && typeof model !== 'string') throw check.invalid(model, 'model', 'a Uint8Array (a binary model\'s bytes) or the path of a model file (binary or ARPA)');
  check.string(path, 'path');
  const verify = options.verify ?? true;
  if (typeof verify !== 'boolean') throw check.invalid(verify, 'options.verify', 'a boolean');
  if (options.threads !== undefined && !(Number.isInteger(options.threads) && options.threads >= 1)) {
    throw check.invalid(options.threads, 'options.threads', 'an integer ≥ 1');
  }
  let fd: number | undefined;
  const workers: Worker[] = [];
  try {
    fd = openSync(path, 'r');
    const size = fstatSync(fd).size;
    const threads = options.threads ?? (size >= MIN_PARALLEL_BYTES ? Math.min(DEFAULT_THREADS, availableParallelism()) : 1);
    const url = workerEntry('textScoreWorker');
    const arpa = typeof model === 'string' && !isBinaryModelFile(model);
    // Part t is [cuts[t], cuts[t + 1]); empty parts (a long line spanning a cut) are dropped. With a binary model this
    // thread checks it before it scores, so its part is smaller by about that time.
    const first = arpa || threads === 1 ? 1 / threads : firstShare(threads, typeof model === 'string' ? fileSize(model) : model.length, size);
    const cuts = [0];
    if (url !== undefined) {
      for (let t = 1; t < threads; t++) {
        const at = first + ((1 - first) * (t - 1)) / (threads - 1);
        cuts.push(Math.max(cuts.at(-1)!, lineStartFrom(fd, Math.floor(size * at), size)));
      }
    }
    cuts.push(size);
    const parts = cuts.slice(0, -1).map((from, t) => ({ from, to: cuts[t + 1]! })).filter((part, t) => t === 0 || part.to > part.from);
    const arpaOptions: ReadArpaOptions = options.onWarning === undefined ? {} : { onWarning: options.onWarning };
    if (parts.length === 1) {
      const loaded = arpa ? readArpaFileWith(model, arpaOptions, false) : loadBinaryModel(typeof model === 'string' ? readFileShared(model, 'model') : model, { verify });
      const scorer = new Utf8TextScorer(loaded);
      pushFileRange(scorer, fd, 0, size, options.onLines);
      return scorer.end();
    }
    // Given a path, the workers start (a thread's start-up and imports take ~0.1 s) while this one reads the model.
    const given = typeof model === 'string' ? undefined : model;
    const replies = parts.slice(1).map(({ from, to }) => {
      const data: TextScoreWorkerData = { ...(given === undefined ? {} : { model: given }), path, start: from, end: to };
      const worker = new Worker(url!, { workerData: data, ...workerStartOptions() });
      workers.push(worker);
      return new Promise<TextScoreWorkerReply>((resolve) => {
        worker.once('message', resolve);
        worker.once('error', (error) => resolve({ failed: String(error) }));
        worker.once('exit', (code) => resolve({ failed: `exited with code ${code}` }));
      });
    });
    let loaded: BackoffLanguageModel;
    if (arpa) {
      // The first worker reads the end of the file (from about its middle) while this thread reads the rest.
      const reader = workers[0]!;
      const helper: ArpaSectionHelper = {
        path: model,
        ngramLineFrom: (at) => ngramLineFrom(model, at),
        post: (job) => reader.postMessage({ tokenize: job } satisfies TextScoreWorkerMessage),
      };
      loaded = readArpaFileWith(model, arpaOptions, true, helper);
      const shared = sharedSuffixModel(loaded);
      const message: TextScoreWorkerModel = shared === undefined ? { none: 'not in lmplz\'s layout: scored on one thread' } : { arpa: shared };
      for (const worker of workers) worker.postMessage(message);
    } else {
      const modelBytes = given ?? readFileShared(model as string, 'model');
      if (given === undefined) for (const worker of workers) worker.postMessage({ model: modelBytes } satisfies TextScoreWorkerModel);
      // This thread loads the model with every check (the workers, with none, start scoring at once); a damaged
      // model throws here, and the workers' numbers are never used.
      loaded = loadBinaryModel(modelBytes, { verify });
    }
    const scorer = new Utf8TextScorer(loaded);
    pushFileRange(scorer, fd, 0, parts[0]!.to, options.onLines);
    for (const [w, replied] of replies.entries()) {
      const reply = await replied;
      // A part whose worker failed is scored here: its errors then name lines as one pass over the whole text does.
      if ('totals' in reply) scorer.addSentenceTotals(reply.totals);
      else pushFileRange(scorer, fd, parts[w + 1]!.from, parts[w + 1]!.to, options.onLines);
    }
    return scorer.end();
  } catch (error) {
    throw isSystemError(error) ? inputFileError(path, error, { package: PKG, argument: 'path' }) : error;
  } finally {
    if (fd !== undefined) closeSync(fd);
    for (const worker of workers) void worker.terminate();
  }
}
