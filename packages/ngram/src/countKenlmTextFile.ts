import { open } from 'node:fs/promises';
import { inputFileError, isSystemError } from '@nlpkit/core/node';
import { type KenlmTextCountOptions, countKenlmText } from './countKenlmText.js';
import type { NgramCounts } from './countNgrams.js';
import { PKG } from './errors.js';
import { collectDroppedArrays } from './memoryBudget.js';

/** Bytes read at a time from a file (lmplz reads its input in blocks of this order too). */
const READ_BYTES = 1 << 20;

/**
 * {@link countKenlmText} of a file or a byte stream (standard input, a gunzip stream...), read in 1 MiB chunks
 * (Node only: `@nlpkit/ngram/node`): training text counted exactly as lmplz reads it, with no string per line or
 * per word. Dropped tables are collected as counting goes (`collect`: {@link collectDroppedArrays} unless given).
 * @throws InvalidArgumentError `ERR_FILE_NOT_FOUND` / `ERR_FILE_UNREADABLE` naming the path (the system error as
 * `cause`), and what {@link countKenlmText} throws.
 */
export async function countKenlmTextFile(source: string | AsyncIterable<Uint8Array | string>, options: KenlmTextCountOptions): Promise<NgramCounts> {
  options = { collect: collectDroppedArrays, ...options };
  if (typeof source !== 'string') return countKenlmText(source, options);
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
    return await countKenlmText(stream as AsyncIterable<Uint8Array>, options);
  } catch (cause) {
    throw isSystemError(cause) ? inputFileError(source, cause, { package: PKG, argument: 'source' }) : cause;
  } finally {
    stream.destroy();
    await handle.close();
  }
}
