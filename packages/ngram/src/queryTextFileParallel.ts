import { closeSync, fstatSync, openSync } from 'node:fs';
import type { Worker } from 'node:worker_threads';
import { inputFileError, isSystemError } from '@nlpkit/core/node';
import type { BackoffLanguageModel } from './backoffLanguageModel.js';
import { QUERY_CHUNKS_AHEAD, type QueryChunkText, queryChunk, queryScratch } from './claimedTextChunks.js';
import { PKG, check } from './errors.js';
import { KenlmQueryOutput } from './kenlmQueryOutput.js';
import { pushFileRange } from './pushFileRange.js';
import { QueryChunkWriter, THIS_THREAD } from './queryChunkWriter.js';
import type { ReadArpaOptions } from './readArpa.js';
import { checkThreadedModel, cutText, defaultThreads, loadForWorkers, loadOnThisThread, modelData, startWorker } from './scoreTextFileParallel.js';
import type { TextScoreWorkerReply, TextScoreWorkerSpare } from './textScoreWorker.js';
import { Utf8TextScorer } from './utf8TextScorer.js';
import { workerEntry } from './workerEntry.js';

/** Chunks per thread at least; more for a large text, so that no chunk is above {@link MAX_CHUNK_BYTES}. */
const CHUNKS_PER_THREAD = 16;
/** Most bytes of text in one chunk: its printed text (~4.5 times as many bytes) waits in memory until its turn. */
const MAX_CHUNK_BYTES = 1 << 18;

/** Options of {@link queryTextFileParallel}. */
export interface QueryTextFileParallelOptions {
  /**
   * Threads that score, the calling one included (an integer ≥ 1). Default: for a text of 4 MiB or more, as many
   * as the machine has cores, up to 4; else 1.
   */
  readonly threads?: number;
  /** A binary model: verify its checksum (as `loadBinaryModel`). Default true. */
  readonly verify?: boolean;
  /** An ARPA file: called with what the general reader warns of (as `readArpaFile`'s option). */
  readonly onWarning?: ReadArpaOptions['onWarning'];
}

/**
 * What KenLM's `query` prints for a UTF-8 text file (one sentence per line) under a model — each line word by word,
 * then the summary (`KenlmQueryText`) — given to `write` in order, in blocks of whole lines, on several threads.
 * The model is a binary model's bytes or the path of a model file (binary or ARPA, told apart by its bytes), loaded
 * as `scoreTextFileParallel` loads it. The text is cut at line starts into chunks that the threads claim one at a
 * time; each thread prints its chunks into memory, and this one writes them in the text's order as they are done
 * (threads claim at most {@link QUERY_CHUNKS_AHEAD} chunks ahead of the writing, which bounds that memory). The
 * summary's sums are made in the text's order, so the bytes are those of one `KenlmQueryText` over the whole
 * file. `write` must be done with the bytes it is given when it returns (write them, or copy them): their buffer is
 * reused. Resolves with the number of lines (0: nothing was written, not even the summary). A line that cannot be
 * scored rejects with the error one pass over the text gives (naming its line in the whole text) once the chunks
 * before it are written. Node only.
 */
export async function queryTextFileParallel(
  model: Uint8Array | string,
  path: string,
  write: (bytes: Uint8Array) => void,
  options: QueryTextFileParallelOptions = {},
): Promise<number> {
  check.options(options, 'options', ['threads', 'verify', 'onWarning']);
  const verify = checkThreadedModel(model, path, options);
  if (typeof write !== 'function') throw check.invalid(write, 'write', 'a function');
  const arpaOptions: ReadArpaOptions = options.onWarning === undefined ? {} : { onWarning: options.onWarning };
  let fd: number | undefined;
  const workers: Worker[] = [];
  // What `write` threw is passed on as it is (not taken for an error reading the text).
  const fromWrite = new WeakSet<object>();
  const guardedWrite = (bytes: Uint8Array): void => {
    try {
      write(bytes);
    } catch (error) {
      if (typeof error === 'object' && error !== null) fromWrite.add(error);
      throw error;
    }
  };
  try {
    fd = openSync(path, 'r');
    const size = fstatSync(fd).size;
    const threads = options.threads ?? defaultThreads(size);
    const url = workerEntry('textScoreWorker');
    const cuts = url !== undefined && threads > 1 ? cutText(fd, size, Math.max(threads * CHUNKS_PER_THREAD, Math.ceil(size / MAX_CHUNK_BYTES))) : [0, size];
    if (cuts.length <= 2) return queryWhole(loadOnThisThread(model, arpaOptions, verify), fd, 0, size, guardedWrite);
    const chunks = cuts.length - 1;
    const shared = (length: number): Int32Array => new Int32Array(new SharedArrayBuffer(4 * length));
    const next = shared(1);
    const written = shared(1);
    const claimedBy = shared(chunks).fill(-1);
    const scratch = queryScratch();
    // A chunk's text, once written, goes back to the thread that printed it, to print another into.
    const release = (chunk: number, bytes: Uint8Array): void => {
      const by = Atomics.load(claimedBy, chunk);
      const spare = new Uint8Array(bytes.buffer);
      if (by === THIS_THREAD) scratch.spares.push(spare);
      else workers[by - 1]?.postMessage({ spare } satisfies TextScoreWorkerSpare, [spare.buffer as ArrayBuffer]);
    };
    const writer = new QueryChunkWriter(chunks, written, guardedWrite, release);
    for (let w = 0; w < Math.min(threads, chunks) - 1; w++) {
      const worker = startWorker(url!, { ...modelData(model), path, cuts, next, query: { written, claimedBy, thread: w + 1 } });
      workers.push(worker);
      worker.on('message', (reply: TextScoreWorkerReply) => {
        if ('query' in reply) writer.done(reply.chunk, reply.query);
        // Done, or cannot go on: the chunk it had claimed, if any, is scored here at its turn.
        else if (!('chunk' in reply)) writer.gone(claimedBy, w + 1);
      });
      worker.once('error', () => writer.gone(claimedBy, w + 1));
      worker.once('exit', () => writer.gone(claimedBy, w + 1));
    }
    const loaded = loadForWorkers(model, workers, arpaOptions, verify);
    // This thread claims chunks too (not too far ahead of the writing), and writes what is ready after each one.
    let claiming = true;
    for (;;) {
      writer.rethrow();
      // The chunk whose turn it is, when no other thread will print it (its thread is gone, or it failed here).
      while (writer.failure === undefined && writer.next < chunks && writer.isMissing(writer.next, next, claimedBy, workers.length)) {
        const chunk = writer.next;
        Atomics.store(claimedBy, chunk, THIS_THREAD);
        let text: QueryChunkText;
        try {
          text = queryChunk(loaded, fd, cuts, chunk, scratch);
        } catch (error) {
          // The error of one pass over the text up to this chunk: it names the line as counted in the whole text.
          const whole = new Utf8TextScorer(loaded);
          pushFileRange(whole, fd, 0, cuts[chunk + 1]!);
          whole.flush();
          throw error;
        }
        writer.done(chunk, text);
      }
      if (writer.next >= chunks) break;
      if (claiming && Atomics.load(next, 0) - writer.next < QUERY_CHUNKS_AHEAD) {
        const chunk = Atomics.add(next, 0, 1);
        if (chunk < chunks) {
          Atomics.store(claimedBy, chunk, THIS_THREAD);
          try {
            writer.done(chunk, queryChunk(loaded, fd, cuts, chunk, scratch));
          } catch {
            // Printed again at its turn, where its error is reported.
            writer.failed(chunk);
          }
          // Lets the workers' replies in.
          await new Promise<void>((resolve) => setImmediate(resolve));
          continue;
        }
        claiming = false;
      }
      await writer.progress();
    }
    writer.rethrow();
    return writer.end();
  } catch (error) {
    throw isSystemError(error) && !fromWrite.has(error as object) ? inputFileError(path, error, { package: PKG, argument: 'path' }) : error;
  } finally {
    if (fd !== undefined) closeSync(fd);
    for (const worker of workers) void worker.terminate();
  }
}

/**
 * KenLM `query`'s text of bytes [from, to) of the open file `fd` printed on this thread, written in blocks of whole
 * lines, then the summary when there were lines; returns their number.
 */
function queryWhole(model: BackoffLanguageModel, fd: number, from: number, to: number, write: (bytes: Uint8Array) => void): number {
  const output = new KenlmQueryOutput(write);
  const scorer = new Utf8TextScorer(model, { onLine: (line) => output.line(line) });
  pushFileRange(scorer, fd, from, to);
  scorer.flush();
  if (output.text.lines === 0) return 0;
  output.end();
  return output.text.lines;
}
