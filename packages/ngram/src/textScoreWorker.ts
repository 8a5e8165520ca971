// The entry point of a text-scoring thread (see `scoreTextFileParallel`), loaded by URL with `new Worker`: the one
// kind of module of the package that does work when loaded, because that is what a worker's entry is for. Never
// imported by the package's entry points.
import { closeSync, openSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import type { BackoffLanguageModel } from './backoffLanguageModel.js';
import { decodeBinaryModel } from './binaryModel.js';
import { pushFileRange } from './pushFileRange.js';
import { tokenizeArpaSections } from './arpaSectionTokenizer.js';
import { type SharedSuffixModel, suffixModelFromShared } from './sharedSuffixModel.js';
import type { ArpaSectionJob } from './suffixOrderedArpa.js';
import type { Utf8WordTable } from './utf8WordTable.js';
import { type SentenceTotals, Utf8TextScorer } from './utf8TextScorer.js';

/**
 * What the thread is given: the binary model's bytes (shared memory; the calling thread loads them with every check,
 * so this one checks nothing) and the part of the text file it scores.
 */
export interface TextScoreWorkerData {
  /**
   * Absent: the model comes in the thread's first message ({@link TextScoreWorkerModel}), so the thread can start
   * before the model is read.
   */
  readonly model?: Uint8Array;
  readonly path: string;
  /** Byte range of the text: `start` is a line start. */
  readonly start: number;
  readonly end: number;
}

/** Its answer: the part's per-line totals, or what went wrong. */
export type TextScoreWorkerReply = { totals: SentenceTotals } | { failed: string };

/**
 * The thread's messages when the model was not in its data: a binary model's bytes, an ARPA model read into shared
 * memory, or why there is none to share (the part is then scored by the calling thread). Before it, while the
 * calling thread reads an ARPA file, the thread can be asked to tokenize some of its sections (`tokenize`: see
 * `readSuffixOrderedArpa`'s helper).
 */
export type TextScoreWorkerModel = { model: Uint8Array } | { arpa: SharedSuffixModel } | { none: string };
export type TextScoreWorkerMessage = TextScoreWorkerModel | { tokenize: ArpaSectionJob };

/** Scores the part of the text in `data` under the model `load` gives. */
function score(data: TextScoreWorkerData, load: () => BackoffLanguageModel): TextScoreWorkerReply {
  let fd: number | undefined;
  try {
    const model = load();
    const scorer = new Utf8TextScorer(model, { startsText: false, record: true });
    fd = openSync(data.path, 'r');
    pushFileRange(scorer, fd, data.start, data.end);
    scorer.flush();
    return { totals: scorer.sentenceTotals() };
  } catch (error) {
    return { failed: String(error) };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

const port = parentPort;
if (port !== null) {
  const data = workerData as TextScoreWorkerData;
  const binary = (bytes: Uint8Array) => () => decodeBinaryModel(bytes, false, false);
  if (data.model !== undefined) port.postMessage(score(data, binary(data.model)));
  else {
    // The word table made to read part of an ARPA file serves the model's scoring too.
    let table: Utf8WordTable | undefined;
    const onMessage = (message: TextScoreWorkerMessage): void => {
      if ('tokenize' in message) {
        table = tokenizeArpaSections(message.tokenize);
        return;
      }
      port.off('message', onMessage);
      if ('none' in message) port.postMessage({ failed: message.none } satisfies TextScoreWorkerReply);
      else port.postMessage(score(data, 'arpa' in message ? () => suffixModelFromShared(message.arpa, table) : binary(message.model)));
    };
    port.on('message', onMessage);
  }
}
