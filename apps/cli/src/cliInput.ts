import { open } from 'node:fs/promises';
import { collect } from '@nlpkit/core';
import { inputFileError, isSystemError } from '@nlpkit/core/node';
import { readLines } from '@nlpkit/text/node';
import { CLI_PACKAGE } from './cliErrors.js';
import { type CliIo, stdinOf } from './cliIo.js';

/**
 * The lines of `--input`-style files: a path, or `-` for standard input (the `CliIo`'s, so tests can feed it).
 * Read lazily with `@nlpkit/text/node`'s `readLines`.
 */
export function linesFrom(path: string, io: CliIo): AsyncGenerator<string, void, undefined> {
  return readLines(path === '-' ? stdinOf(io) : path);
}

/**
 * One sentence per line, tokens split on whitespace, blank lines skipped: what the n-gram commands read.
 * (`@nlpkit/text`'s index is loaded on first use: the commands that never read sentences start without it.)
 */
export async function* sentencesFrom(path: string, io: CliIo): AsyncGenerator<string[], void, undefined> {
  const { readSentencePerLine } = await import('@nlpkit/text');
  yield* readSentencePerLine(linesFrom(path, io));
}

/** Every line of a file (or `-`), read at once: the metrics commands need whole corpora. */
export function readAllLines(path: string, io: CliIo): Promise<string[]> {
  return collect(linesFrom(path, io));
}

/**
 * The bytes of a file (or `-`: standard input) in chunks of 1 MiB, for the readers that read text as lmplz does
 * (no string per line or word). A file that cannot be opened is an `ERR_FILE_NOT_FOUND` / `ERR_FILE_UNREADABLE`
 * error naming it, thrown by the first read.
 */
export async function* bytesFrom(path: string, io: CliIo): AsyncGenerator<Uint8Array, void, undefined> {
  if (path === '-') {
    for await (const chunk of stdinOf(io) as AsyncIterable<Uint8Array | string>) yield typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    return;
  }
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (cause) {
    throw inputFileError(path, cause, { package: CLI_PACKAGE, argument: '--input' });
  }
  try {
    for await (const chunk of handle.createReadStream({ autoClose: false, highWaterMark: 1 << 20 })) yield chunk as Uint8Array;
  } catch (cause) {
    throw isSystemError(cause) ? inputFileError(path, cause, { package: CLI_PACKAGE, argument: '--input' }) : cause;
  } finally {
    await handle.close();
  }
}
