// The entry point of a counting thread (see `countKenlmFileOnDisk`), loaded by URL with `new Worker`: the one kind
// of module of the package that does work when loaded, because that is what a worker's entry is for. Never
// imported by the package's entry points.
import { parentPort, workerData } from 'node:worker_threads';
import { type CountedRuns, type DiskCounts, countKenlmTextRunsOnDisk } from './countNgramsOnDisk.js';
import { fileRangeChunks } from './fileRangeChunks.js';
import { NgramWordIndex } from './ngramWordIndex.js';

/**
 * What the thread is given: its part of the text file, [start, end) in bytes (`start` a line start), and how to count
 * it (under its share of the memory cap, into its own folder).
 */
export interface KenlmCountWorkerData {
  readonly path: string;
  readonly start: number;
  readonly end: number;
  readonly order: number;
  readonly memoryBytes: number;
  readonly directory: string;
  readonly maxOpenFiles: number;
}

/** The message to the thread once every part is counted: every word of the text (ids in first-seen order). */
export interface KenlmCountRequest {
  readonly words: readonly string[];
}

/** What the thread's part counted to (`DiskCounts` without its word index and folders). */
export type KenlmPartCounts = Pick<DiskCounts, 'files' | 'distinct' | 'sentences' | 'tokens' | 'runs' | 'peakBytes'>;

/**
 * Its messages: lines read so far (now and then), then the part's words in first-seen order (its part counted with
 * its own ids) and its counts (with the whole text's ids), or what went wrong (a message, and the error's `code` when
 * it had one).
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
  // The part counted with its own ids, its runs kept; its words in the order they first occur go to the caller.
  let counted: CountedRuns | undefined;
  try {
    counted = countKenlmTextRunsOnDisk(fileRangeChunks(data.path, data.start, data.end), {
      order: data.order,
      memoryBytes: data.memoryBytes,
      directory: data.directory,
      maxOpenFiles: data.maxOpenFiles,
      onLines,
      startsText: data.start === 0,
    });
    port.postMessage({ words: counted.wordIndex.words() } satisfies KenlmCountWorkerReply);
  } catch (error) {
    port.postMessage(failure(error));
  }
  // Then, when asked: the runs with the whole text's ids, merged.
  port.once('message', (request: KenlmCountRequest) => {
    try {
      const whole = new NgramWordIndex();
      for (const word of request.words) whole.add(word);
      const { files, distinct, sentences, tokens, runs, peakBytes } = counted!.finish(whole);
      port.postMessage({ counts: { files, distinct, sentences, tokens, runs, peakBytes } } satisfies KenlmCountWorkerReply);
    } catch (error) {
      port.postMessage(failure(error));
    }
  });
}
