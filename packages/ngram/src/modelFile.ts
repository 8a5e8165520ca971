import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { inputFileError, isSystemError } from '@nlpkit/core/node';
import { type ReadArpaFileOptions, readArpaFile } from './arpaFile.js';
import type { BackoffLanguageModel } from './backoffLanguageModel.js';
import { loadBinaryModel } from './binaryModel.js';
import { sniffText } from './detectFormat.js';
import { PKG, check } from './errors.js';

/** Options of {@link readModelFile}. */
export interface ReadModelFileOptions extends ReadArpaFileOptions {
  /** For a binary model: verify its checksum (default true; see `loadBinaryModel`). */
  readonly verify?: boolean;
}

/**
 * Reads a backoff model from a file in any format this package writes or reads, told apart by its first bytes
 * (never its name): an @nlpkit/ngram binary model (`toBinaryModel`, `writeBinaryModelFile`), gzip'd ARPA or
 * plain ARPA text (Node only: `@nlpkit/ngram/node`). What the CLI's `--model` takes.
 * @throws the errors of {@link readArpaFile} and `loadBinaryModel` (damaged bytes, a KenLM binary model, other
 * binary data), and core's typed error for a file that cannot be read (argument `path`).
 */
export function readModelFile(path: string, options: ReadModelFileOptions = {}): BackoffLanguageModel {
  check.options(options, 'options', ['onWarning', 'verify', 'threads']);
  if (isBinaryModelFile(path)) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch (error) {
      throw isSystemError(error) ? inputFileError(path, error, { package: PKG, argument: 'path' }) : error;
    }
    return loadBinaryModel(bytes, options.verify === undefined ? {} : { verify: options.verify });
  }
  return readArpaFile(path, { ...(options.onWarning ? { onWarning: options.onWarning } : {}), ...(options.threads === undefined ? {} : { threads: options.threads }) });
}

/**
 * True when the file at `path` starts as an nlpkit binary model does ({@link loadBinaryModel}'s format), false for
 * anything else (ARPA text, gzip, ...).
 * @throws core's typed error for a file that cannot be read (argument `path`; `ERR_FILE_NOT_FOUND` when missing).
 */
export function isBinaryModelFile(path: string): boolean {
  check.string(path, 'path');
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const bytes = Buffer.alloc(8);
    return sniffText(bytes.toString('latin1', 0, readSync(fd, bytes, 0, 8, 0))) === 'ngram-binary';
  } catch (error) {
    throw isSystemError(error) ? inputFileError(path, error, { package: PKG, argument: 'path' }) : error;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
