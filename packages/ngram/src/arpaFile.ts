import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { Worker } from 'node:worker_threads';
import { gunzipSync } from 'node:zlib';
import { inputFileError, isSystemError, writeFileAtomic, writeFileAtomicSync } from '@nlpkit/core/node';
import { LineCursor } from './arpaScanner.js';
import type { BackoffLanguageModel } from './backoffLanguageModel.js';
import { checkedArpaChunks } from './detectFormat.js';
import { ArpaFormatError, PKG, check } from './errors.js';
import { collectDroppedArrays } from './memoryBudget.js';
import { parallelArpaChunks } from './parallelArpaChunks.js';
import { type ReadArpaOptions, readArpaCursor } from './readArpa.js';
import { ngramLineFrom } from './arpaSectionTokenizer.js';
import { type ArpaSectionHelper, bytesSource, readSuffixOrderedArpa } from './suffixOrderedArpa.js';
import { workerEntry, workerStartOptions } from './workerEntry.js';
import { arpaFileBlocks } from './writeArpa.js';

/** Options of {@link writeArpaFile}. */
export interface WriteArpaFileOptions {
  /** Cancels the write: the previous file stays as it was and no temporary file is left. */
  readonly signal?: AbortSignal;
  /**
   * Worker threads that format the text while this thread puts the n-grams in order (default 0: all on this
   * thread). The bytes are the same; on a machine with idle cores the write takes about 1/(threads + 1) of the
   * formatting time.
   */
  readonly threads?: number;
}

/**
 * Writes `model` as an ARPA file, atomically and streaming (Node only: `@nlpkit/ngram/node`): the text goes in
 * ~4 MiB blocks (formatted into two reused buffers) to a temporary file beside `path`, is flushed to disk, then
 * renamed over `path`. After any
 * failure — a full disk, a missing folder, an abort, a killed process — `path` still holds the previous model (if
 * any) and no temporary file is left (one orphaned by a killed process is removed by the next write).
 * @throws OutputError (from `@nlpkit/core`, code `ERR_OUTPUT`) naming the path, with the system error as `cause`.
 */
export async function writeArpaFile(model: BackoffLanguageModel, path: string, options: WriteArpaFileOptions = {}): Promise<void> {
  const threads = options.threads === undefined ? 0 : check.integer(options.threads, 'options.threads', 0, 256);
  // What the estimator dropped goes back before the writer allocates; then between orders.
  collectDroppedArrays();
  const chunks = threads > 0 ? parallelArpaChunks(model, { threads }) : arpaFileBlocks(model, { collect: collectDroppedArrays });
  // Each block is written while the next is formatted (arpaFileBlocks reuses a block two blocks later).
  await writeFileAtomic(path, chunks, { package: PKG, overlap: true, ...(options.signal ? { signal: options.signal } : {}) });
}

/** {@link writeArpaFile} for synchronous callers: the same atomic, streaming write (no abort signal). */
export function writeArpaFileSync(model: BackoffLanguageModel, path: string): void {
  writeFileAtomicSync(path, arpaFileBlocks(model), { package: PKG });
}

/**
 * Reads an ARPA file, streaming it in 4 MiB chunks that the reader scans in place (Node only:
 * `@nlpkit/ngram/node`). Lines end at `\n` (or `\r\n`). A gzip file (recognized by its first bytes, whatever its
 * name) is decompressed first, in memory. Other formats — a binary model, binary data — are named as such.
 * @throws ArpaFormatError as {@link readArpa}; WrongFormatError (code `ERR_WRONG_FORMAT`) for a binary model or other
 * binary data.
 */
export function readArpaFile(path: string, options: ReadArpaFileOptions = {}): BackoffLanguageModel {
  check.options(options, 'options', ['onWarning', 'threads']);
  const threads = options.threads === undefined ? 1 : check.integer(options.threads, 'options.threads', 1, 256);
  const warnings: ReadArpaOptions = options.onWarning === undefined ? {} : { onWarning: options.onWarning };
  if (threads === 1) return readArpaFileWith(path, warnings, false);
  const url = workerEntry('arpaReadWorker');
  if (url === undefined) return readArpaFileWith(path, warnings, false);
  // The thread starts only when the reader posts it a job: after the unigrams, in a file large enough to gain.
  let worker: Worker | undefined;
  const helper: ArpaSectionHelper = {
    path,
    ngramLineFrom: (at) => ngramLineFrom(path, at),
    post: (job) => {
      worker = new Worker(url, { workerData: null, ...workerStartOptions() });
      worker.postMessage(job);
    },
  };
  try {
    return readArpaFileWith(path, warnings, false, helper);
  } finally {
    // Done with its part or not needed any more (the reader never waits on a thread that has not started).
    void worker?.terminate();
  }
}

/** Options of {@link readArpaFile}. */
export interface ReadArpaFileOptions extends ReadArpaOptions {
  /**
   * Threads that read (default 1). With 2 or more, a file in lmplz's layout with at least 65,536 n-grams above the
   * unigrams is read on two: a worker thread reads it from about the middle of its bytes while the calling thread
   * reads the beginning, then links the worker's lines (the same model). Plain files only (not gzip).
   */
  readonly threads?: number;
}

/**
 * {@link readArpaFile}; with `shared`, a file in lmplz's layout is read into shared memory, so that other threads
 * can score with the model without a copy (`sharedSuffixModel`); with a `helper`, read on two threads (see
 * `readSuffixOrderedArpa`; not for gzip data). Not exported from the package.
 */
export function readArpaFileWith(path: string, options: ReadArpaOptions, shared: boolean, helper?: ArpaSectionHelper): BackoffLanguageModel {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const magic = Buffer.alloc(2);
    const gzip = readSync(fd, magic, 0, 2, 0) === 2 && magic[0] === 0x1f && magic[1] === 0x8b;
    const bytes = gzip ? gunzipped(fd) : undefined;
    // lmplz's layout (and ours) is read from bytes in one pass; anything else by the general reader below.
    const file = fd;
    let position = 0;
    const fast = readSuffixOrderedArpa(
      bytes !== undefined
        ? bytesSource(bytes)
        : (into, offset, length) => {
            const read = readSync(file, into, offset, length, position);
            position += read;
            return read;
          },
      bytes?.length ?? fstatSync(fd).size,
      shared,
      bytes === undefined ? helper : undefined,
    );
    if (fast !== undefined) return fast;
    const chunks = bytes !== undefined ? bufferChunks(bytes, 1 << 22) : fileChunks(fd, 1 << 22);
    return readArpaCursor(new LineCursor(checkedArpaChunks(chunks), false, 2), options);
  } catch (error) {
    // A missing file, a folder, no permission: the typed error every nlpkit reader gives.
    throw isSystemError(error) ? inputFileError(path, error, { package: PKG, argument: 'path' }) : error;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The decompressed bytes of the gzip file open at `fd`. */
function gunzipped(fd: number): Buffer {
  const compressed = Buffer.allocUnsafe(fstatSync(fd).size);
  let at = 0;
  while (at < compressed.length) {
    const read = readSync(fd, compressed, at, compressed.length - at, at);
    if (read === 0) break;
    at += read;
  }
  try {
    return gunzipSync(compressed.subarray(0, at));
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new ArpaFormatError('the decompressed text is too large to hold in memory: decompress the file first and read the plain file (it is streamed)', 1);
    }
    throw new ArpaFormatError(`the gzip data cannot be decompressed (${(error as Error).message})`, 1);
  }
}

/** UTF-8 text of a file in chunks of about `chunkBytes` (a character split across reads is kept whole). */
export function* fileChunks(fd: number, chunkBytes: number): Generator<string, void, undefined> {
  const buffer = Buffer.allocUnsafe(chunkBytes);
  const decoder = new StringDecoder('utf8');
  for (let position = 0; ; ) {
    const read = readSync(fd, buffer, 0, chunkBytes, position);
    if (read === 0) break;
    position += read;
    yield decoder.write(buffer.subarray(0, read));
  }
  const rest = decoder.end();
  if (rest !== '') yield rest;
}

/** UTF-8 text of `bytes` in chunks of about `chunkBytes`. */
export function* bufferChunks(bytes: Buffer, chunkBytes: number): Generator<string, void, undefined> {
  const decoder = new StringDecoder('utf8');
  for (let at = 0; at < bytes.length; at += chunkBytes) yield decoder.write(bytes.subarray(at, at + chunkBytes));
  const rest = decoder.end();
  if (rest !== '') yield rest;
}
