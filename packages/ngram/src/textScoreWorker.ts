// The entry point of a text-scoring thread (see `scoreTextFileParallel`), loaded by URL with `new Worker`: the one
// kind of module of the package that does work when loaded, because that is what a worker's entry is for. Never
// imported by the package's entry points.
import { closeSync, openSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { decodeBinaryModel } from './binaryModel.js';
import { pushFileRange } from './pushFileRange.js';
import { type SentenceTotals, Utf8TextScorer } from './utf8TextScorer.js';

/**
 * What the thread is given: the binary model's bytes (shared memory; the calling thread loads them with every check,
 * so this one checks nothing) and the part of the text file it scores.
 */
export interface TextScoreWorkerData {
  /** Absent: the model comes in the thread's first message (`{ model }`), so it can start before the model is read. */
  readonly model?: Uint8Array;
  readonly path: string;
  /** Byte range of the text: `start` is a line start. */
  readonly start: number;
  readonly end: number;
}

/** Its answer: the part's per-line totals, or what went wrong. */
export type TextScoreWorkerReply = { totals: SentenceTotals } | { failed: string };

/** Scores the part of the text in `data` under the model in `bytes`. */
function score(data: TextScoreWorkerData, bytes: Uint8Array): TextScoreWorkerReply {
  let fd: number | undefined;
  try {
    const model = decodeBinaryModel(bytes, false, false);
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
  if (data.model !== undefined) port.postMessage(score(data, data.model));
  else port.once('message', (message: { model: Uint8Array }) => port.postMessage(score(data, message.model)));
}
