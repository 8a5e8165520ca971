import { Command, CommanderError } from 'commander';
import { registerDemoCommand } from './commands/demo.js';
import { registerMetricsCommands } from './commands/metrics.js';
import { registerNgramCommands } from './commands/ngram.js';
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

/** Runs the CLI on `argv` (as `process.argv`: node, script, args...) and resolves to the exit code. */
export async function run(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const program = createProgram(io);
  try {
    await program.parseAsync([...argv]);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    throw error;
  }
}
