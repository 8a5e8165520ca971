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
import { type ScoredLine, type SentenceTotals, Utf8TextScorer } from './utf8TextScorer.js';
import { KenlmQueryOutput } from './kenlmQueryOutput.js';
import type { KenlmQueryTotals } from './kenlmQueryText.js';

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
  /** Also write the part as KenLM's `query` prints it (see `scoreTextFileParallel`'s `kenlmQuery`). */
  readonly query?: boolean;
}

/**
 * Its answer: the part's per-line totals (and, when asked, its KenLM `query` text and what that adds to the
 * summary), or what went wrong.
 */
export type TextScoreWorkerReply =
  | { totals: SentenceTotals; query?: { text: Uint8Array; totals: KenlmQueryTotals } }
  | { failed: string };

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
    let text: Uint8Array = new Uint8Array(0);
    // The part's query text, gathered whole (handed over once, at the end) and sent without a copy.
    const output = data.query === true ? new KenlmQueryOutput((bytes) => (text = bytes), { block: Infinity, record: true }) : undefined;
    const scorer = new Utf8TextScorer(model, {
      startsText: false,
      record: true,
      ...(output === undefined ? {} : { onLine: (line: ScoredLine) => output.line(line) }),
    });
    fd = openSync(data.path, 'r');
    pushFileRange(scorer, fd, data.start, data.end);
    scorer.flush();
    if (output === undefined) return { totals: scorer.sentenceTotals() };
    output.flush();
    return { totals: scorer.sentenceTotals(), query: { text, totals: output.text.totals() } };
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
  /** Sends the reply, the query text's memory moved rather than copied. */
  const reply = (message: TextScoreWorkerReply): void =>
    port.postMessage(message, 'query' in message && message.query !== undefined ? [message.query.text.buffer as ArrayBuffer] : []);
  if (data.model !== undefined) reply(score(data, binary(data.model)));
  else {
    // The word table made to read part of an ARPA file serves the model's scoring too.
    let table: Utf8WordTable | undefined;
    const onMessage = (message: TextScoreWorkerMessage): void => {
      if ('tokenize' in message) {
        table = tokenizeArpaSections(message.tokenize);
        return;
      }
      port.off('message', onMessage);
      if ('none' in message) reply({ failed: message.none });
      else reply(score(data, 'arpa' in message ? () => suffixModelFromShared(message.arpa, table) : binary(message.model)));
    };
    port.on('message', onMessage);
  }
}
