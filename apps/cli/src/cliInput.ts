import { collect } from '@nlpkit/core';
import { readSentencePerLine } from '@nlpkit/text';
import { readLines } from '@nlpkit/text/node';
import { CommanderError } from 'commander';
import { type CliIo, stdinOf } from './cliIo.js';

/** A problem with how the CLI was called that no library reports (an option combination, a refused choice). */
export class CliError extends Error {
  override name = 'CliError';
}

/**
 * The lines of `--input`-style files: a path, or `-` for standard input (the `CliIo`'s, so tests can feed it).
 * Read lazily with `@nlpkit/text/node`'s `readLines`.
 */
export function linesFrom(path: string, io: CliIo): AsyncGenerator<string, void, undefined> {
  return readLines(path === '-' ? stdinOf(io) : path);
}

/** One sentence per line, tokens split on whitespace, blank lines skipped: what the n-gram commands read. */
export function sentencesFrom(path: string, io: CliIo): AsyncGenerator<string[], void, undefined> {
  return readSentencePerLine(linesFrom(path, io));
}

/** Every line of a file (or `-`), read at once: the metrics commands need whole corpora. */
export function readAllLines(path: string, io: CliIo): Promise<string[]> {
  return collect(linesFrom(path, io));
}

/**
 * Runs a command body; a thrown library or file error becomes one line on stderr (`nlpkit <name>: message`) and
 * exit code 1 — a CommanderError, which `run` maps to the exit code (never `process.exit` inside a command) —
 * instead of a stack trace.
 */
export async function guarded(io: CliIo, name: string, body: () => void | Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    if (error instanceof CommanderError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`nlpkit ${name}: ${message}\n`);
    throw new CommanderError(1, `nlpkit.${name}`, message);
  }
}
