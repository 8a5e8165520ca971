import { STDOUT_CLOSED_EXIT_CODE, messageOf } from './cliErrors.js';

/** What {@link installFatalHandlers} needs of `process` (a fake in tests). */
export interface FatalProcess {
  readonly argv: readonly string[];
  on(event: 'uncaughtException' | 'unhandledRejection', listener: (error: unknown) => void): unknown;
  readonly stderr: { write(text: string): unknown };
  exit(code: number): never;
}

/**
 * Makes an error that escapes every command — thrown in a callback or a promise nobody awaits — one line on stderr
 * (`nlpkit: message`, the stack only with `--verbose`) and exit code 1.
 *
 * Why it must run first: tfjs's wasm backend (Emscripten) adds its own `uncaughtException` and
 * `unhandledRejection` listeners that rethrow, and Node then prints the source line of the rethrow — a single
 * minified line of ~30 KB. Listeners run in the order they were added, so ours, added before any backend loads,
 * prints and exits before Emscripten's can rethrow.
 */
export function installFatalHandlers(proc: FatalProcess): void {
  const verbose = proc.argv.slice(2).includes('--verbose');
  const fatal = (error: unknown): void => {
    const stack = error instanceof Error ? error.stack : undefined;
    proc.stderr.write(`nlpkit: ${messageOf(error)}\n${verbose && stack !== undefined ? `${stack}\n` : ''}`);
    proc.exit(1);
  };
  proc.on('uncaughtException', fatal);
  proc.on('unhandledRejection', fatal);
}

/** What {@link quitWhenStdoutCloses} needs of `process` (a fake in tests). */
export interface StdoutProcess {
  readonly stdout: { on(event: 'error', listener: (error: Error) => void): unknown };
  exit(code: number): never;
}

/**
 * Ends the process quietly with exit code 141 (see {@link STDOUT_CLOSED_EXIT_CODE}) when a write through the
 * `process.stdout` stream finds its reader gone. Commands write through `processIo`, whose writes throw
 * `StdoutClosedError` in the command instead; this catches the rest (a dependency's `console.log`), which would
 * else be an unhandled `EPIPE` error event. Any other error of the stream is rethrown, to the fatal handlers.
 */
export function quitWhenStdoutCloses(proc: StdoutProcess): void {
  proc.stdout.on('error', (error) => {
    if ((error as NodeJS.ErrnoException).code !== 'EPIPE') throw error;
    proc.exit(STDOUT_CLOSED_EXIT_CODE);
  });
}
