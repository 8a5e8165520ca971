import { collect } from '@nlpkit/core';
import { readLines } from '@nlpkit/text/node';
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
