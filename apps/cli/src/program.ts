import { Command, CommanderError } from 'commander';
import { registerDemoCommand } from './commands/demo.js';
import { registerMetricsCommands } from './commands/metrics.js';
import { registerNgramCommands } from './commands/ngram.js';
import { messageOf } from './cliInput.js';
import { type CliIo, processIo } from './cliIo.js';

/** Builds the `nlpkit` command tree. Each command group lives in its own module under `commands/`. */
export function createProgram(io: CliIo = processIo): Command {
  const program = new Command('nlpkit')
    .description('nlpkit: n-gram and neural language models, tagging, translation and metrics')
    .showHelpAfterError()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    // Throw instead of exiting, so `run` returns an exit code (and tests can call it). Set before adding
    // subcommands: commander copies this setting into each one when it is created.
    .exitOverride();
  registerDemoCommand(program, io);
  registerNgramCommands(program, io);
  registerMetricsCommands(program, io);
  return program;
}

/**
 * Runs the CLI on `argv` (as `process.argv`: node, script, args...) and resolves to the exit code: 0, 2 for a usage
 * error (commander's own: an unknown option, a missing or invalid value), the command's code for a failed command
 * (see `guarded`), and 1 with a one-line message for anything else. It never rejects.
 */
export async function run(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const program = createProgram(io);
  try {
    await program.parseAsync([...argv]);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander already printed its message; its usage errors all exit 1, which is kept for command failures.
      return error.code.startsWith('commander.') && error.exitCode !== 0 ? 2 : error.exitCode;
    }
    io.stderr(`nlpkit: ${messageOf(error)}\n`);
    return 1;
  }
}
