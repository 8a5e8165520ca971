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
  stdoutBytes: (bytes) => writeStdoutCopy(bytes),
  stderr: (text) => void process.stderr.write(text),
};

/** The copy {@link writeStdoutCopy} made last, when the stream kept nothing of it. */
let spareCopy: Buffer | undefined;

/**
 * Writes a copy of `bytes` to standard output: a write to a pipe may still be pending when the call returns (on some
 * systems), and the caller reuses its view. The copy is reused by the next call when this write left nothing pending
 * (a file, a terminal, or a pipe with room, written at once): a command that writes tens of MB in 64 KiB blocks then
 * makes no garbage, which on two threads took ~25 MB more memory before the collector freed it.
 */
function writeStdoutCopy(bytes: Uint8Array): void {
  const copy = spareCopy !== undefined && spareCopy.length >= bytes.length ? spareCopy : Buffer.allocUnsafeSlow(Math.max(bytes.length, 1 << 16));
  spareCopy = undefined;
  copy.set(bytes);
  process.stdout.write(copy.subarray(0, bytes.length));
  if (process.stdout.writableLength === 0) spareCopy = copy;
}

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
