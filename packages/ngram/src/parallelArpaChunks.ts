import { Worker } from 'node:worker_threads';
import { workerEntry, workerStartOptions } from './workerEntry.js';
import { ARPA_END, arpaHeader, arpaSectionHeader } from './arpaLines.js';
import type { ArpaWorkerRequest, ArpaWorkerResponse } from './arpaFormatWorker.js';
import type { ArpaPiece } from './arpaPiece.js';
import { vocabularyBytes } from './arpaPiece.js';
import { collectDroppedArrays } from './memoryBudget.js';
import type { BackoffLanguageModel } from './backoffLanguageModel.js';
import { type SuffixOrderLevel, suffixOrder } from './suffixOrder.js';
import { arpaByteChunks } from './writeArpa.js';

/** Lines per piece handed to a formatting thread (a piece's text is a few MB at most). */
const PIECE_LINES = 1 << 13;

/** N-grams in an order above which its dropped arrays are collected at once (a full GC takes milliseconds). */
const COLLECT_ABOVE = 1 << 18;

/** Options of {@link parallelArpaChunks}. */
export interface ParallelArpaOptions {
  /** Formatting threads (worker threads) besides the calling one, at least 1. */
  readonly threads: number;
}

const sharedBytes = (bytes: number): SharedArrayBuffer => new SharedArrayBuffer(bytes);

function shared<T extends Uint32Array | Int32Array | Float32Array>(array: T): T {
  const copy = new (array.constructor as new (buffer: SharedArrayBuffer) => T)(sharedBytes(array.byteLength));
  copy.set(array);
  return copy;
}

/** One order ready to format: its suffix order and numbers in shared memory, and where its rows go. */
interface PreparedOrder {
  readonly n: number;
  readonly size: number;
  readonly perm: Uint32Array | undefined;
  readonly prefixRanks: Uint32Array | Int32Array;
  readonly wordStarts: Uint32Array;
  readonly log10Probs: Float32Array;
  readonly log10Backoffs: Float32Array;
  readonly rows: Int32Array;
}

function prepare(model: BackoffLanguageModel, level: SuffixOrderLevel, n: number): PreparedOrder {
  const { order, log10Probs, log10Backoffs } = model.data;
  const size = log10Probs[n]!.length;
  const top = n + 1 === order;
  return {
    n,
    size,
    perm: level.perm === undefined ? undefined : shared(level.perm),
    prefixRanks: shared(level.prefixRanks),
    wordStarts: shared(level.wordStarts),
    log10Probs: shared(log10Probs[n]!),
    log10Backoffs: top ? new Float32Array(0) : shared(log10Backoffs[n]!),
    // Rows are kept for the order above from bigrams up (unigram rows would be the word ids themselves).
    rows: n >= 1 && !top ? new Int32Array(sharedBytes(4 * size * (n + 1))) : new Int32Array(0),
  };
}

/**
 * {@link arpaByteChunks} on several threads: the same bytes, in the same order. The calling thread puts each order
 * in KenLM's suffix order ({@link suffixOrder}: the order below's ranks are needed, so one order after another)
 * while worker threads format the lines of the order before, in pieces of 8,192 lines, from shared memory; the
 * pieces come back in order. At most two pieces per thread are in flight, so memory stays bounded whatever the
 * model's size. Node only. Where the worker script is not there (running the package from its TypeScript source
 * without a build) the text is formatted on the calling thread.
 */
export async function* parallelArpaChunks(model: BackoffLanguageModel, options: ParallelArpaOptions): AsyncGenerator<Uint8Array, void, undefined> {
  const url = workerEntry('arpaFormatWorker');
  if (url === undefined) {
    yield* arpaByteChunks(model);
    return;
  }
  const { order, wordIndex, log10Probs } = model.data;
  const encoder = new TextEncoder();
  const workers = Array.from({ length: options.threads }, () => new Worker(url, workerStartOptions()));
  const outstanding = new Array<number>(workers.length).fill(0);
  const pending = new Map<number, { resolve: (bytes: Uint8Array) => void; reject: (error: Error) => void; worker: number }>();
  let failure: Error | undefined;
  const fail = (error: Error): void => {
    failure ??= error;
    for (const p of pending.values()) p.reject(failure);
    pending.clear();
  };
  try {
    for (const [w, worker] of workers.entries()) {
      worker.on('message', (message: ArpaWorkerResponse) => {
        const p = pending.get(message.seq);
        if (p === undefined) return;
        pending.delete(message.seq);
        outstanding[w]!--;
        if ('error' in message) p.reject(new Error(`ARPA formatting thread failed: ${message.error}`));
        else p.resolve(message.bytes);
      });
      worker.on('error', fail);
      worker.on('exit', (code) => {
        if (pending.size > 0) fail(new Error(`ARPA formatting thread exited (code ${code}) with work pending`));
      });
      worker.postMessage({ vocab: vocabularyBytes(wordIndex.words(), sharedBytes) } satisfies ArpaWorkerRequest);
    }
    let seq = 0;
    const dispatch = (piece: ArpaPiece): Promise<Uint8Array> => {
      if (failure !== undefined) return Promise.reject(failure);
      let w = 0;
      for (let k = 1; k < workers.length; k++) if (outstanding[k]! < outstanding[w]!) w = k;
      outstanding[w]!++;
      const s = seq++;
      const promise = new Promise<Uint8Array>((resolve, reject) => pending.set(s, { resolve, reject, worker: w }));
      workers[w]!.postMessage({ seq: s, piece } satisfies ArpaWorkerRequest);
      return promise;
    };
    // Not awaited yet: a piece that fails before its turn must not be an unhandled rejection.
    const inFlight: Promise<Uint8Array>[] = [];
    const track = (p: Promise<Uint8Array>): void => {
      p.catch(() => {});
      inFlight.push(p);
    };
    const maxInFlight = 2 * workers.length;
    // The pieces already written are garbage that V8 would collect late: give their memory back now and then
    // (often: they were allocated by the formatting threads, whose memory stays with them until freed here).
    let written = 0;
    const take = (bytes: Uint8Array): Uint8Array => {
      written += bytes.length;
      if (written >= 1 << 23) {
        written = 0;
        collectDroppedArrays();
      }
      return bytes;
    };

    yield encoder.encode(arpaHeader(log10Probs.slice(0, order).map((lp) => lp.length)));
    const levels = suffixOrder(model.data);
    const first = levels.next();
    let next: PreparedOrder | undefined = first.done ? undefined : prepare(model, first.value, 0);
    let below: Int32Array = new Int32Array(0);
    while (next !== undefined) {
      const current = next;
      yield encoder.encode(arpaSectionHeader(current.n + 1));
      for (let from = 0; from < current.size; from += PIECE_LINES) {
        while (inFlight.length >= maxInFlight) yield take(await inFlight.shift()!);
        const to = Math.min(current.size, from + PIECE_LINES);
        track(dispatch({ ...current, from, to, below }));
      }
      // While the threads format this order, sort the next one.
      const level = current.n + 1 < order ? levels.next() : undefined;
      next = level === undefined || level.done ? undefined : prepare(model, level.value, current.n + 1);
      // The sort's own arrays, copied into shared memory, are dropped by now.
      if (next !== undefined && next.size >= COLLECT_ABOVE) collectDroppedArrays();
      // The next order reads this one's rows: all of its pieces must be done.
      while (inFlight.length > 0) yield take(await inFlight.shift()!);
      below = current.rows;
      // The pieces' buffers and the order below's rows and copies are dropped by now.
      if (current.size >= COLLECT_ABOVE) collectDroppedArrays();
    }
    yield encoder.encode(ARPA_END);
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}
