/**
 * Where a command writes. Commands take a `CliIo` instead of touching `process` so that tests capture what a
 * command prints, and so that no command module depends on the program that registers it.
 */
export interface CliIo {
  stdout: (text: string) => void;
  /**
   * Writes bytes to standard output as they are (a command's UTF-8 text, built as bytes); the view may be reused
   * once the call returns. Left out (tests' captures), commands decode the bytes and call {@link stdout}.
   */
  stdoutBytes?: (bytes: Uint8Array) => void;
  stderr: (text: string) => void;
  /** Standard input, for `--input -`; `process.stdin` when left out (read lazily: touching it opens a stream). */
  stdin?: NodeJS.ReadableStream;
}

/** The process's own output streams. */
export const processIo: CliIo = {
  stdout: (text) => void process.stdout.write(text),
  // A copy: a write to a pipe may still be pending when the call returns (on some systems), and the view is reused.
  stdoutBytes: (bytes) => void process.stdout.write(Buffer.from(bytes)),
  stderr: (text) => void process.stderr.write(text),
};

/** The input stream a command reads for `-`. */
export function stdinOf(io: CliIo): NodeJS.ReadableStream {
  return io.stdin ?? process.stdin;
}

/** A `CliIo` that keeps what is written, for tests: `out` and `err` collect the chunks. */
export function bufferIo(stdin?: NodeJS.ReadableStream): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { stdout: (text) => void out.push(text), stderr: (text) => void err.push(text), ...(stdin ? { stdin } : {}), out, err };
}
