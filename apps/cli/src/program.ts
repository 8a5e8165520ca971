import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { registerClassifyCommands } from './commands/classify.js';
import { registerClusterCommands } from './commands/cluster.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerEnvCommand } from './commands/env.js';
import { registerLmCommands } from './commands/lm.js';
import { registerMetricsCommands } from './commands/metrics.js';
import { registerNgramCommands } from './commands/ngram.js';
import { registerTagCommands } from './commands/tag.js';
import { registerTokenizeCommand } from './commands/tokenize.js';
import { registerTranslateCommands } from './commands/translate.js';
import { CommandFailure, messageOf } from './cliInput.js';
import { type CliIo, processIo } from './cliIo.js';

/**
 * The CLI's version, read from its package.json only when `--version` asks for it (never at import time, nor on every
 * start: a bundled copy of the CLI, as the fault-injection suites run, has no package.json beside it).
 */
export function cliVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}

/** Builds the `nlpkit` command tree. Each command group lives in its own module under `commands/`. */
export function createProgram(io: CliIo = processIo): Command {
  const program = new Command('nlpkit')
    .description('nlpkit: n-gram and neural language models, tagging, translation and metrics\n(no command: run the demo)')
    .option('-V, --version', 'print the version')
    .option('--verbose', 'print the stack of an error, not only its message')
    .helpOption('-h, --help', 'print help')
    .helpCommand(false)
    .showHelpAfterError()
    .showSuggestionAfterError()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    // Throw instead of exiting, so `run` returns an exit code (and tests can call it). Set before adding
    // subcommands: commander copies this setting into each one when it is created.
    .exitOverride();
  // What commander's .version() does, with the version read on demand: print it and stop with exit code 0.
  program.on('option:version', () => {
    const version = cliVersion();
    io.stdout(`${version}\n`);
    throw new CommanderError(0, 'commander.version', version);
  });
  registerDemoCommand(program, io);
  registerEnvCommand(program, io);
  registerTokenizeCommand(program, io);
  registerNgramCommands(program, io);
  registerClusterCommands(program, io);
  registerLmCommands(program, io);
  registerClassifyCommands(program, io);
  registerTagCommands(program, io);
  registerTranslateCommands(program, io);
  registerMetricsCommands(program, io);
  return program;
}

/** Whether `--verbose` is among the arguments (before a `--`), so that even an error raised while parsing shows its stack. */
export function isVerbose(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).includes('--verbose');
}

/**
 * Runs the CLI on `argv` (as `process.argv`: node, script, args...) and resolves to the exit code: 0, 2 for a usage
 * error (commander's own: an unknown command or option, a missing or invalid value), the command's code for a
 * failed command (see `guarded`), and 1 with a one-line message for anything else. With no arguments it runs the
 * demo. With `--verbose`, a failure also prints the error's stack. It never rejects.
 */
export async function run(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const args = argv.slice(2);
  const verbose = isVerbose(args);
  try {
    const program = createProgram(io);
    const commandGiven = args.some((arg) => arg !== '--verbose');
    await program.parseAsync([...argv.slice(0, 2), ...(commandGiven ? args : [...args, 'demo'])]);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (verbose && error instanceof CommandFailure) io.stderr(`${stackOf(error.error)}\n`);
      // Commander already printed its message (and `guarded` the command's); commander's usage errors all exit
      // 1, which is kept for command failures, so they become 2 here.
      return error.code.startsWith('commander.') && error.exitCode !== 0 ? 2 : error.exitCode;
    }
    io.stderr(`nlpkit: ${messageOf(error)}\n`);
    if (verbose) io.stderr(`${stackOf(error)}\n`);
    return 1;
  }
}

/** An error's stack (its message when it has none), for `--verbose`. */
export function stackOf(error: unknown): string {
  return error instanceof Error && typeof error.stack === 'string' ? error.stack : String(error);
}
