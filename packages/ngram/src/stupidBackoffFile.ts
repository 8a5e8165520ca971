import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { inputFileError, isSystemError, writeFileAtomic } from '@nlpkit/core/node';
import { bufferChunks, fileChunks } from './arpaFile.js';
import { PKG, StupidBackoffFormatError } from './errors.js';
import type { StupidBackoffModel } from './stupidBackoff.js';
import { type ReadStupidBackoffOptions, readStupidBackoffChunks } from './stupidBackoffReader.js';
import { stupidBackoffByteChunks } from './stupidBackoffWriter.js';

/** Options of {@link writeStupidBackoffFile}. */
export interface WriteStupidBackoffFileOptions {
  /** Cancels the write: the previous file stays as it was and no temporary file is left. */
  readonly signal?: AbortSignal;
}

/**
 * Writes `model` as a stupid-backoff file (see `stupidBackoffByteChunks`), atomically and streaming (Node only:
 * `@nlpkit/ngram/node`): after any failure `path` still holds what it held before.
 * @throws OutputError (from `@nlpkit/core`) naming the path; InvalidArgumentError for a word the format cannot hold.
 */
export async function writeStupidBackoffFile(model: StupidBackoffModel, path: string, options: WriteStupidBackoffFileOptions = {}): Promise<void> {
  await writeFileAtomic(path, stupidBackoffByteChunks(model), { package: PKG, ...(options.signal ? { signal: options.signal } : {}) });
}

/**
 * Reads a stupid-backoff file, streaming it in 4 MiB chunks (Node only: `@nlpkit/ngram/node`); a gzip file
 * (recognized by its first bytes) is decompressed in memory first.
 * @throws StupidBackoffFormatError as `readStupidBackoff` (and for gzip data that cannot be decompressed); core's
 * typed error for a file that cannot be read (argument `path`).
 */
export function readStupidBackoffFile(path: string, options: ReadStupidBackoffOptions = {}): StupidBackoffModel {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const magic = Buffer.alloc(2);
    if (readSync(fd, magic, 0, 2, 0) === 2 && magic[0] === 0x1f && magic[1] === 0x8b) {
      let text: Buffer;
      try {
        text = gunzipSync(readFileSync(fd));
      } catch (error) {
        if (isSystemError(error)) throw error;
        throw new StupidBackoffFormatError(1, 'gzip data that decompresses', `damaged gzip data (${(error as Error).message})`);
      }
      return readStupidBackoffChunks(bufferChunks(text, 1 << 22), options);
    }
    return readStupidBackoffChunks(fileChunks(fd, 1 << 22), options);
  } catch (error) {
    throw isSystemError(error) ? inputFileError(path, error, { package: PKG, argument: 'path' }) : error;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
