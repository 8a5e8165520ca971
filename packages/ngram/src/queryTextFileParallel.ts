import { closeSync, fstatSync, openSync } from 'node:fs';
import type { Worker } from 'node:worker_threads';
import { inputFileError, isSystemError } from '@nlpkit/core/node';
import type { BackoffLanguageModel } from './backoffLanguageModel.js';
import { QUERY_CHUNKS_AHEAD, type QueryChunkText, queryChunk, queryScratch } from './claimedTextChunks.js';
import { PKG, check } from './errors.js';
import { KenlmQueryOutput } from './kenlmQueryOutput.js';
import { KenlmQueryText } from './kenlmQueryText.js';
import { pushFileRange } from './pushFileRange.js';
import type { ReadArpaOptions } from './readArpa.js';
import { checkThreadedModel, cutText, defaultThreads, loadForWorkers, loadOnThisThread, modelData, startWorker } from './scoreTextFileParallel.js';
import type { TextScoreWorkerReply, TextScoreWorkerSpare } from './textScoreWorker.js';
import { Utf8TextScorer } from './utf8TextScorer.js';
import { workerEntry } from './workerEntry.js';

/** This thread's number in `claimedBy` (the workers are 1, 2, …). */
const THIS_THREAD = 0;
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
 * then the summary ({@link KenlmQueryText}) — given to `write` in order, in blocks of whole lines, on several threads.
 * The model is a binary model's bytes or the path of a model file (binary or ARPA, told apart by its bytes), loaded
 * as `scoreTextFileParallel` loads it. The text is cut at line starts into chunks that the threads claim one at a
 * time; each thread prints its chunks into memory, and this one writes them in the text's order as they are done
 * (threads claim at most {@link QUERY_CHUNKS_AHEAD} chunks ahead of the writing, which bounds that memory). The
 * summary's sums are made in the text's order, so the bytes are those of one {@link KenlmQueryText} over the whole
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
    const writer = new ChunkWriter(chunks, written, guardedWrite, release);
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
 * The chunks' texts, written in order as they are done: {@link next} is the first not written yet (also shared with
 * the threads as `written[0]`, which they wait on); the summary's figures are added in the same order.
 */
class ChunkWriter {
  readonly #texts: (QueryChunkText | undefined)[];
  /** Chunks no thread will print: claimed by a thread that is gone, or that failed on this one. */
  readonly #orphans = new Set<number>();
  /** Threads (by number) that are done or gone. */
  readonly #gone = new Set<number>();
  readonly #written: Int32Array;
  readonly #write: (bytes: Uint8Array) => void;
  readonly #release: (chunk: number, bytes: Uint8Array) => void;
  readonly #summary = new KenlmQueryText();
  #wake: (() => void) | undefined;
  next = 0;
  /** What `write` threw, when it did. */
  failure: { readonly error: unknown } | undefined;

  /** `release` is given each chunk's text once written (the writer keeps no reference to it). */
  constructor(chunks: number, written: Int32Array, write: (bytes: Uint8Array) => void, release: (chunk: number, bytes: Uint8Array) => void) {
    this.#texts = Array.from({ length: chunks }, () => undefined);
    this.#written = written;
    this.#write = write;
    this.#release = release;
  }

  /**
   * Chunk `chunk`'s text is ready: writes it, and those after it that are, if its turn has come. Never throws (it
   * runs in the workers' message handlers too): an error of `write` is kept in {@link failure}, and nothing more is
   * written.
   */
  done(chunk: number, text: QueryChunkText): void {
    if (chunk < this.next || this.failure !== undefined) return;
    this.#texts[chunk] = text;
    this.#orphans.delete(chunk);
    while (this.next < this.#texts.length) {
      const ready = this.#texts[this.next];
      if (ready === undefined) break;
      this.#texts[this.next] = undefined;
      try {
        writeLines(ready.bytes, this.#write);
      } catch (error) {
        this.failure = { error };
        break;
      }
      this.#summary.addRecorded(ready.record);
      this.#release(this.next, ready.bytes);
      this.next++;
    }
    Atomics.store(this.#written, 0, this.next);
    Atomics.notify(this.#written, 0);
    this.#wakeUp();
  }

  /** Throws what `write` threw, if it did. */
  rethrow(): void {
    if (this.failure !== undefined) throw this.failure.error;
  }

  /** This thread could not print `chunk`: it is printed again at its turn (where its error is reported). */
  failed(chunk: number): void {
    this.#orphans.add(chunk);
  }

  /** Thread `thread` is done or gone: a chunk it claimed and did not print is printed here at its turn. */
  gone(claimedBy: Int32Array, thread: number): void {
    this.#gone.add(thread);
    for (let c = this.next; c < claimedBy.length; c++) if (Atomics.load(claimedBy, c) === thread && this.#texts[c] === undefined) this.#orphans.add(c);
    this.#wakeUp();
  }

  /**
   * Whether no thread will print chunk `chunk`: it failed on this thread, or its thread is gone, or every worker is
   * gone and it was claimed (`next[0]` is past it) by one of them (one that died before it could say which).
   */
  isMissing(chunk: number, next: Int32Array, claimedBy: Int32Array, workers: number): boolean {
    if (this.#texts[chunk] !== undefined) return false;
    if (this.#orphans.has(chunk)) return true;
    return this.#gone.size === workers && chunk < Atomics.load(next, 0) && Atomics.load(claimedBy, chunk) !== THIS_THREAD;
  }

  /** Settles at the next chunk done or thread gone. */
  progress(): Promise<void> {
    return new Promise((resolve) => (this.#wake = resolve));
  }

  /** Writes the summary (when there were lines) and returns the number of lines. */
  end(): number {
    const lines = this.#summary.lines;
    if (lines > 0) this.#write(new TextEncoder().encode(this.#summary.summary()));
    return lines;
  }

  #wakeUp(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}

/**
 * Gives `bytes` (whole lines) to `write` in blocks of whole lines of about {@link BLOCK} bytes, as one thread writes
 * them: a consumer that copies what it is given (the CLI's standard output) then makes small copies, which the
 * allocator reuses, not ones of a chunk's whole text, which it maps and unmaps.
 */
function writeLines(bytes: Uint8Array, write: (bytes: Uint8Array) => void): void {
  for (let at = 0; at < bytes.length; ) {
    let end = bytes.length;
    if (end - at > BLOCK) {
      // The last line end in the block; a line longer than a block goes whole.
      const nl = bytes.lastIndexOf(10, at + BLOCK - 1);
      const lineEnd = nl >= at ? nl : bytes.indexOf(10, at + BLOCK);
      end = lineEnd < 0 ? bytes.length : lineEnd + 1;
    }
    write(bytes.subarray(at, end));
    at = end;
  }
}

/** Bytes in a block of {@link writeLines} (at most, unless one line is longer). */
const BLOCK = 1 << 16;

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
