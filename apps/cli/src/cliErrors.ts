import { NlpkitError } from '@nlpkit/core';
import { CommanderError } from 'commander';
import type { CliIo } from './cliIo.js';

/** The `package` of errors the CLI raises itself; their message is printed without it. */
export const CLI_PACKAGE = '@nlpkit/cli';

/**
 * A problem no library reports: a refused option combination (`usage`, exit code 2) or inputs that do not line up
 * (exit code 1). An `NlpkitError` like every other error, with code `ERR_CLI_USAGE` or `ERR_CLI_INPUT`.
 */
export class CliError extends NlpkitError {
  constructor(message: string, options: { usage?: boolean } = {}) {
    super(options.usage === true ? 'ERR_CLI_USAGE' : 'ERR_CLI_INPUT', { package: CLI_PACKAGE, message });
  }
}

/**
 * Error codes that mean "the command was called wrongly" (exit code 2, as for commander's own usage errors): a
 * bad option value a library refused, an unknown name, an output path that cannot be written.
 */
const USAGE_CODES = new Set(['ERR_CLI_USAGE', 'ERR_INVALID_ARGUMENT', 'ERR_UNKNOWN_NAME', 'ERR_OUTPUT_PATH']);

/**
 * The exit code of a command whose standard output was closed by its reader (`nlpkit ngram query … | head`): 128 +
 * SIGPIPE's number, what a shell reports for a C program that the signal ended (KenLM's `query`, `cat`). Nothing is
 * printed: the reader had what it wanted.
 */
export const STDOUT_CLOSED_EXIT_CODE = 141;

/**
 * Standard output's reader went away (a write failed with `EPIPE`): the command stops, quietly, with
 * {@link STDOUT_CLOSED_EXIT_CODE}. Code `ERR_STDOUT_CLOSED`; `cause` is the write's own error.
 */
export class StdoutClosedError extends NlpkitError {
  constructor(cause: unknown) {
    super('ERR_STDOUT_CLOSED', { package: CLI_PACKAGE, message: 'standard output was closed by its reader', cause });
  }
}

/** Whether `error`, or an error in its chain of causes, is a {@link StdoutClosedError}. */
export function isStdoutClosed(error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 16; e = e.cause, depth++) if (e instanceof StdoutClosedError) return true;
  return false;
}

/** The exit code for an error a command threw: 2 for usage errors, 1 for everything else. */
export function exitCodeOf(error: unknown): number {
  return error instanceof NlpkitError && USAGE_CODES.has(error.code) ? 2 : 1;
}

/** The longest message printed for an error; longer ones (a dependency quoting its source) are cut with `…`. */
export const MAX_MESSAGE_LENGTH = 300;

/**
 * The one line printed for an error: its message (the CLI's own without their package prefix), never a stack. A
 * message from a dependency may span lines or quote minified source: only its first non-blank line is kept, cut at
 * {@link MAX_MESSAGE_LENGTH} characters (`--verbose` prints the whole error).
 */
export function messageOf(error: unknown): string {
  let message: string;
  if (error instanceof NlpkitError && error.package === CLI_PACKAGE) message = error.message.slice(CLI_PACKAGE.length + 2);
  else if (error instanceof Error) message = error.message === '' ? error.name : error.message;
  else message = String(error);
  const lines = message.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '');
  const first = lines[0] ?? '';
  const line = lines.length > 1 ? `${first} …` : first;
  return line.length > MAX_MESSAGE_LENGTH ? `${line.slice(0, MAX_MESSAGE_LENGTH - 1)}…` : line;
}

/**
 * The CommanderError `guarded` throws for a failed command, after printing its one line: it carries the exit code
 * to `run` and the original `error`, whose stack `run` prints under `--verbose`.
 */
export class CommandFailure extends CommanderError {
  readonly error: unknown;

  constructor(exitCode: number, name: string, message: string, error: unknown) {
    super(exitCode, `nlpkit.${name}`, message);
    this.name = 'CommandFailure';
    this.error = error;
  }
}

/**
 * Runs a command body; a thrown library or file error becomes one line on stderr (`nlpkit <name>: message`) and
 * an exit code — 2 for usage errors, 1 otherwise (see {@link exitCodeOf}) — carried by a CommanderError, which
 * `run` maps to the exit code (never `process.exit` inside a command), instead of a stack trace. Standard output
 * closed by its reader prints nothing and exits with {@link STDOUT_CLOSED_EXIT_CODE}.
 */
export async function guarded(io: CliIo, name: string, body: () => void | Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    if (error instanceof CommanderError && error.code.startsWith('nlpkit.')) throw error;
    if (isStdoutClosed(error)) throw new CommandFailure(STDOUT_CLOSED_EXIT_CODE, name, '', error);
    const message = messageOf(error);
    io.stderr(`nlpkit ${name}: ${message}\n`);
    // A commander InvalidArgumentError thrown by a command body (an option parsed late) is a usage error too.
    throw new CommandFailure(error instanceof CommanderError ? 2 : exitCodeOf(error), name, message, error);
  }
}
