// The entry point of a counting thread (see `countKenlmFileOnDisk`), loaded by URL with `new Worker`: the one kind
// of module of the package that does work when loaded, because that is what a worker's entry is for. Never
// imported by the package's entry points.
import { parentPort, workerData } from 'node:worker_threads';
import { type DiskCounts, countKenlmTextOnDisk } from './countNgramsOnDisk.js';
import { KenlmTextReader } from './countKenlmText.js';
import { fileRangeChunks } from './fileRangeChunks.js';
import { NgramWordIndex } from './ngramWordIndex.js';

/** What the thread is given: its part of the text file, [start, end) in bytes, `start` a line start. */
export interface KenlmCountWorkerData {
  readonly path: string;
  readonly start: number;
  readonly end: number;
}

/** The second message to the thread: count the part with every word of the text (ids in first-seen order). */
export interface KenlmCountRequest {
  readonly words: readonly string[];
  readonly order: number;
  readonly memoryBytes: number;
  readonly directory: string;
  readonly maxOpenFiles: number;
}

/** What the thread's part counted to (`DiskCounts` without its word index and folders). */
export type KenlmPartCounts = Pick<DiskCounts, 'files' | 'distinct' | 'sentences' | 'tokens' | 'runs' | 'peakBytes'>;

/**
 * Its messages: lines read so far (now and then, in each pass), then the part's words in first-seen order (first
 * pass) and its counts (second pass), or what went wrong (a message, and the error's `code` when it had one).
 */
export type KenlmCountWorkerReply =
  | { readonly lines: number }
  | { readonly words: readonly string[] }
  | { readonly counts: KenlmPartCounts }
  | { readonly failed: string; readonly code?: string };

const failure = (error: unknown): KenlmCountWorkerReply => {
  const code = (error as { code?: unknown } | null)?.code;
  return { failed: error instanceof Error ? error.message : String(error), ...(typeof code === 'string' ? { code } : {}) };
};

const port = parentPort;
if (port !== null) {
  const data = workerData as KenlmCountWorkerData;
  const onLines = (lines: number): void => port.postMessage({ lines } satisfies KenlmCountWorkerReply);
  // First pass: the part's words in the order they first occur (nothing counted).
  try {
    const wordIndex = new NgramWordIndex();
    const reader = new KenlmTextReader({ wordIndex, addSentenceIds: () => undefined, finish: () => wordIndex.words() }, { onLines, startsText: data.start === 0 });
    for (const chunk of fileRangeChunks(data.path, data.start, data.end)) reader.push(chunk);
    port.postMessage({ words: reader.finish() } satisfies KenlmCountWorkerReply);
  } catch (error) {
    port.postMessage(failure(error));
  }
  // Second pass, when asked: the part's counts with the whole text's ids.
  port.once('message', (request: KenlmCountRequest) => {
    try {
      const wordIndex = new NgramWordIndex();
      for (const word of request.words) wordIndex.add(word);
      const counted = countKenlmTextOnDisk(fileRangeChunks(data.path, data.start, data.end), {
        order: request.order,
        memoryBytes: request.memoryBytes,
        directory: request.directory,
        maxOpenFiles: request.maxOpenFiles,
        wordIndex,
        onLines,
        startsText: data.start === 0,
      });
      const { files, distinct, sentences, tokens, runs, peakBytes } = counted;
      port.postMessage({ counts: { files, distinct, sentences, tokens, runs, peakBytes } } satisfies KenlmCountWorkerReply);
    } catch (error) {
      port.postMessage(failure(error));
    }
  });
}
