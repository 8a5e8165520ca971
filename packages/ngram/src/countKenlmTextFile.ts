import { open } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { inputFileError, isSystemError } from '@nlpkit/core/node';
import { type KenlmTextCountOptions, countKenlmText } from './countKenlmText.js';
import type { NgramCounts } from './countNgrams.js';
import { PKG, check } from './errors.js';
import { collectDroppedArrays } from './memoryBudget.js';
import { countKenlmTextOnThreads } from './countKenlmTextOnThreads.js';

/** Options of {@link countKenlmTextFile}. */
export interface KenlmTextFileCountOptions extends KenlmTextCountOptions {
  /**
   * Threads that count: 1, or 2 or more for two (the highest orders counted on a worker thread, see
   * `countKenlmTextOnThreads`; the same counts: the work splits by order, so two threads at most). Default: 2 where
   * the machine has two cores or more and the input is 1 MiB or more (or of unknown size: a stream), else 1.
   */
  threads?: number;
}

/** Bytes of input from which two threads count by default (a smaller text is counted before a thread has started). */
const THREADS_FROM_BYTES = 1 << 20;

/** Bytes read at a time from a file (lmplz reads its input in blocks of this order too). */
const READ_BYTES = 1 << 20;

/**
 * {@link countKenlmText} of a file or a byte stream (standard input, a gunzip stream...), read in 1 MiB chunks
 * (Node only: `@nlpkit/ngram/node`): training text counted exactly as lmplz reads it, with no string per line or
 * per word, on two threads where the machine has the cores (`threads`). Dropped tables are collected as counting
 * goes (`collect`: {@link collectDroppedArrays} unless given).
 * @throws InvalidArgumentError `ERR_FILE_NOT_FOUND` / `ERR_FILE_UNREADABLE` naming the path (the system error as
 * `cause`), and what {@link countKenlmText} throws.
 */
export async function countKenlmTextFile(source: string | AsyncIterable<Uint8Array | string>, options: KenlmTextFileCountOptions): Promise<NgramCounts> {
  const { threads: asked, ...rest } = options ?? {};
  const threads = asked === undefined ? undefined : check.integer(asked, 'options.threads', 1, 1024);
  options = { collect: collectDroppedArrays, ...rest };
  const count = async (chunks: AsyncIterable<Uint8Array | string>, bytes: number | undefined): Promise<NgramCounts> => {
    const two = threads === undefined ? availableParallelism() > 1 && (bytes === undefined || bytes >= THREADS_FROM_BYTES) : threads >= 2;
    return (two ? await countKenlmTextOnThreads(chunks, options) : undefined) ?? countKenlmText(chunks, options);
  };
  if (typeof source !== 'string') return count(source, undefined);
  let handle;
  try {
    handle = await open(source, 'r');
  } catch (cause) {
    throw inputFileError(source, cause, { package: PKG, argument: 'source' });
  }
  const stream = handle.createReadStream({ autoClose: false, highWaterMark: READ_BYTES });
  try {
    if (options.totalBytes === undefined) {
      // A regular file's size lets counting size its tables ahead (a pipe or a device says nothing useful).
      const stats = await handle.stat();
      if (stats.isFile() && stats.size > 0) options = { ...options, totalBytes: stats.size };
    }
    return await count(stream as AsyncIterable<Uint8Array>, options.totalBytes);
  } catch (cause) {
    throw isSystemError(cause) ? inputFileError(source, cause, { package: PKG, argument: 'source' }) : cause;
  } finally {
    stream.destroy();
    await handle.close();
  }
}
