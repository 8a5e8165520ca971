import type { Shard } from './shards.js';

/**
 * How a corpus job's input is cut and its output joined: `lines` — at any line (one record per line: sentences to
 * score or translate); `blocks` — only after a blank line (records of several lines separated by blank lines: CoNLL
 * sentences), and, for output, the pieces of consecutive chunks are separated by one blank line.
 */
export type CorpusLayout = 'lines' | 'blocks';

/**
 * Everything the jobs of one distributed corpus run share, written once by the submitter as
 * `runs/<id>/corpus-plan.json` (jobs carry only the run id and their chunk index).
 */
export interface CorpusPlan {
  readonly id: string;
  /** The task's name: the processor each worker has registered under it runs every chunk. */
  readonly task: string;
  /** Absolute path of the model (a file or a folder), the same on every worker. */
  readonly model: string;
  /** The task's options (JSON), handed to the processor's `load` as they are. */
  readonly options: Readonly<Record<string, unknown>>;
  /** The input's chunks (byte ranges cut at line — or, for `blocks`, blank-line — boundaries), in input order. */
  readonly chunks: readonly Shard[];
  readonly split: CorpusLayout;
  readonly join: CorpusLayout;
  /** Lines handed to the processor at a time (a `blocks` batch goes on to the next blank line). */
  readonly batchLines: number;
  /** Storage key of the output. */
  readonly output: string;
}

/** What the fan-in job records when the output is published (`runs/<id>/corpus-done.json`). */
export interface CorpusDone {
  /** Lines in the output. */
  readonly lines: number;
}

/** The storage key (inside the run) of chunk `index`'s output. */
export const corpusChunkName = (index: number): string => `corpus/chunk-${index}.txt`;
