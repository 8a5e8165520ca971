import { readFileSync } from 'node:fs';
import { Command, CommanderError, Help } from 'commander';
import { COMMAND_MODULES, type CommandSummary, commandNameOf } from './commands/commandTable.js';
import { CommandFailure, STDOUT_CLOSED_EXIT_CODE, isStdoutClosed, messageOf } from './cliErrors.js';
import { type CliIo, processIo } from './cliIo.js';

/**
 * The CLI's version, read from its package.json only when `--version` asks for it (never at import time, nor on every
 * start: a bundled copy of the CLI, as the fault-injection suites run, has no package.json beside it).
 */
export function cliVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}

/**
 * Builds the `nlpkit` command tree. Each command group lives in its own module under `commands/`; `load` says which
 * are imported and registered in full: all of them (the default), or only the module of the command named (what
 * `run` asks for, so that a start imports only what the command it runs needs). Every other command is a stub
 * that carries its name and description from `COMMAND_MODULES`, so `--help`, an unknown command's list and "did you
 * mean" suggestions are the same either way.
 */
export async function createProgram(io: CliIo = processIo, load: 'all' | { readonly command: string | undefined } = 'all'): Promise<Command> {
  const stubs = new Map<Command, CommandSummary>();
  const program = new Command('nlpkit')
    .description('nlpkit: n-gram and neural language models, tagging, translation and metrics\n(no command: run the demo)')
    .option('-V, --version', 'print the version')
    .option('--verbose', 'print the stack of an error, not only its message')
    .helpOption('-h, --help', 'print help')
    .helpCommand(false)
    .showHelpAfterError()
    .showSuggestionAfterError()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    // A stub is listed as its module would register it (`tokenize [options] [file]`), though it has no options.
    .configureHelp({
      subcommandTerm(this: Help, command: Command): string {
        return stubs.get(command)?.term ?? Help.prototype.subcommandTerm.call(this, command);
      },
    })
    // Throw instead of exiting, so `run` returns an exit code (and tests can call it). Set before adding
    // subcommands: commander copies this setting into each one when it is created.
    .exitOverride();
  // What commander's .version() does, with the version read on demand: print it and stop with exit code 0.
  program.on('option:version', () => {
    const version = cliVersion();
    io.stdout(`${version}\n`);
    throw new CommanderError(0, 'commander.version', version);
  });
  const wanted = COMMAND_MODULES.map((module) => load === 'all' || module.commands.some((c) => c.name === load.command));
  // Imported together, registered in the table's order (the order of the help's list).
  const registers = await Promise.all(COMMAND_MODULES.map((module, i) => (wanted[i] === true ? module.load() : undefined)));
  for (const [i, module] of COMMAND_MODULES.entries()) {
    const register = registers[i];
    if (register !== undefined) {
      register(program, io);
      continue;
    }
    for (const summary of module.commands) {
      const stub = program
        .command(summary.name)
        .description(summary.description)
        .action(() => {
          // `run` loads the module of the command it runs, so a stub never runs; if one did, say so plainly.
          throw new Error(`internal error: the module of command ${summary.name} was not loaded`);
        });
      stubs.set(stub, summary);
    }
  }
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
 * failed command (see `guarded`; 141, silently, when standard output's reader has gone), and 1 with a one-line
 * message for anything else. With no arguments it runs the demo. With `--verbose`, a failure also prints the
 * error's stack. It never rejects.
 */
export async function run(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const args = argv.slice(2);
  const verbose = isVerbose(args);
  try {
    const commandGiven = args.some((arg) => arg !== '--verbose');
    const line = commandGiven ? args : [...args, 'demo'];
    const program = await createProgram(io, { command: commandNameOf(line) });
    await program.parseAsync([...argv.slice(0, 2), ...line]);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (verbose && error instanceof CommandFailure) io.stderr(`${stackOf(error.error)}\n`);
      // Commander already printed its message (and `guarded` the command's); commander's usage errors all exit
      // 1, which is kept for command failures, so they become 2 here.
      return error.code.startsWith('commander.') && error.exitCode !== 0 ? 2 : error.exitCode;
    }
    // Help or a version written into a pipe whose reader has gone.
    if (isStdoutClosed(error)) return STDOUT_CLOSED_EXIT_CODE;
    io.stderr(`nlpkit: ${messageOf(error)}\n`);
    if (verbose) io.stderr(`${stackOf(error)}\n`);
    return 1;
  }
}

/** An error's stack (its message when it has none), for `--verbose`. */
export function stackOf(error: unknown): string {
  return error instanceof Error && typeof error.stack === 'string' ? error.stack : String(error);
}
