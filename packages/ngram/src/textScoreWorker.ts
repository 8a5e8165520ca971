// The entry point of a text-scoring thread (see `scoreTextFileParallel`), loaded by URL with `new Worker`: the one
// kind of module of the package that does work when loaded, because that is what a worker's entry is for. Never
// imported by the package's entry points.
import { closeSync, openSync } from 'node:fs';
import { type MessagePort, parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import type { BackoffLanguageModel } from './backoffLanguageModel.js';
import { decodeBinaryModel } from './binaryModel.js';
import { type QueryChunkText, queryClaimedChunks, scoreClaimedChunks } from './claimedTextChunks.js';
import { tokenizeArpaSections } from './arpaSectionTokenizer.js';
import { type SharedSuffixModel, suffixModelFromShared } from './sharedSuffixModel.js';
import type { ArpaSectionJob } from './suffixOrderedArpa.js';
import type { Utf8WordTable } from './utf8WordTable.js';
import type { SentenceTotals } from './utf8TextScorer.js';

/**
 * What the thread is given: the binary model's bytes (shared memory; the calling thread loads them with every check,
 * so this one checks nothing), the text file's chunks and the counter the threads claim them from (see
 * `scoreClaimedChunks`).
 */
export interface TextScoreWorkerData {
  /**
   * Absent: the model comes in the thread's first message ({@link TextScoreWorkerModel}), so the thread can start
   * before the model is read.
   */
  readonly model?: Uint8Array;
  readonly path: string;
  /** Chunk c of the text is bytes `cuts[c]` to `cuts[c + 1]` (line starts). */
  readonly cuts: readonly number[];
  /** `next[0]`: the next chunk to claim, shared by every scoring thread (a `SharedArrayBuffer`). */
  readonly next: Int32Array;
  /**
   * Present: print the chunks as KenLM's `query` does (see `queryClaimedChunks`) rather than add up their lines:
   * `written[0]` is the number of chunks the calling thread has written, `claimedBy[c]` the thread that claimed
   * chunk c, and `thread` this one's number there (shared memory).
   */
  readonly query?: { readonly written: Int32Array; readonly claimedBy: Int32Array; readonly thread: number };
}

/**
 * Its messages: each chunk's per-line totals as it is scored, then `done`; or what went wrong (the chunk it had
 * claimed, if any, then has no totals, and the calling thread scores it).
 */
export type TextScoreWorkerReply = { chunk: number; totals: SentenceTotals } | { chunk: number; query: QueryChunkText } | { done: true } | { failed: string };

/**
 * The thread's messages when the model was not in its data: a binary model's bytes, an ARPA model read into shared
 * memory, or why there is none to share (the part is then scored by the calling thread). Before it, while the
 * calling thread reads an ARPA file, the thread can be asked to tokenize some of its sections (`tokenize`: see
 * `readSuffixOrderedArpa`'s helper).
 */
export type TextScoreWorkerModel = { model: Uint8Array } | { arpa: SharedSuffixModel } | { none: string };
export type TextScoreWorkerMessage = TextScoreWorkerModel | { tokenize: ArpaSectionJob } | TextScoreWorkerSpare;

/** A buffer of a chunk's text given back once written (printing the text of a chunk): to print another into. */
export interface TextScoreWorkerSpare {
  readonly spare: Uint8Array;
}

/** Scores the chunks of the text this thread claims, under the model `load` gives, posting each one's totals (or text). */
function score(port: MessagePort, data: TextScoreWorkerData, load: () => BackoffLanguageModel): void {
  let fd: number | undefined;
  try {
    const model = load();
    fd = openSync(data.path, 'r');
    const query = data.query;
    if (query === undefined) scoreClaimedChunks(model, fd, data.cuts, data.next, (chunk, totals) => port.postMessage({ chunk, totals } satisfies TextScoreWorkerReply));
    else {
      const onChunk = (chunk: number, text: QueryChunkText): void => {
        // The buffers move to the calling thread (no copy); it gives the text's back once written.
        port.postMessage({ chunk, query: text } satisfies TextScoreWorkerReply, [text.bytes.buffer, text.record.lineTotals.buffer, text.record.oovLog10Probs.buffer] as ArrayBuffer[]);
      };
      const spares = (): Uint8Array | undefined => (receiveMessageOnPort(port)?.message as TextScoreWorkerSpare | undefined)?.spare;
      queryClaimedChunks(model, fd, data.cuts, data.next, query.written, query.claimedBy, query.thread, onChunk, spares);
    }
    port.postMessage({ done: true } satisfies TextScoreWorkerReply);
  } catch (error) {
    port.postMessage({ failed: String(error) } satisfies TextScoreWorkerReply);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

const port = parentPort;
if (port !== null) {
  const data = workerData as TextScoreWorkerData;
  const binary = (bytes: Uint8Array) => () => decodeBinaryModel(bytes, false, false);
  if (data.model !== undefined) score(port, data, binary(data.model));
  else {
    // The word table made to read part of an ARPA file serves the model's scoring too.
    let table: Utf8WordTable | undefined;
    const onMessage = (message: TextScoreWorkerMessage): void => {
      // Buffers given back come only once the thread prints chunks (read there, not here).
      if ('spare' in message) return;
      if ('tokenize' in message) {
        table = tokenizeArpaSections(message.tokenize);
        return;
      }
      port.off('message', onMessage);
      if ('none' in message) port.postMessage({ failed: message.none } satisfies TextScoreWorkerReply);
      else score(port, data, 'arpa' in message ? () => suffixModelFromShared(message.arpa, table) : binary(message.model));
    };
    port.on('message', onMessage);
  }
}
