/**
 * Where a command writes. Commands take a `CliIo` instead of touching `process` so that tests capture what a
 * command prints, and so that no command module depends on the program that registers it.
 */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Standard input, for `--input -`; `process.stdin` when left out (read lazily: touching it opens a stream). */
  stdin?: NodeJS.ReadableStream;
}

/** The process's own output streams. */
export const processIo: CliIo = {
  stdout: (text) => void process.stdout.write(text),
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
