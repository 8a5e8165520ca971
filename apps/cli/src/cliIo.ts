import { writeSync } from 'node:fs';
import { StdoutClosedError } from './cliErrors.js';

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

/**
 * The process's own output streams. Standard output is written as {@link writeStdoutBytes} writes, text included, so
 * that a reader gone away (`| head`) throws {@link StdoutClosedError} in the command that wrote.
 */
export const processIo: CliIo = {
  stdout: (text) => writeStdoutBytes(Buffer.from(text)),
  stdoutBytes: (bytes) => writeStdoutBytes(bytes),
  stderr: (text) => void process.stderr.write(text),
};

/**
 * Writes `bytes` to standard output as they are. When the stream holds nothing back (a file, a terminal, or a pipe
 * whose reader keeps up: everything written so far is out), straight to its file descriptor, waiting while a full
 * pipe drains: no copy, and the caller can reuse its view at once. Else (the stream still has bytes to write, which
 * must go first) a copy through the stream. A command that writes tens of MB in 64 KiB blocks (`ngram query`) then
 * leaves no garbage: with a copy per block through a pipe, 2.2 M tokens took ~45 MB more memory at the peak. A pipe
 * whose reader has gone throws {@link StdoutClosedError}.
 */
function writeStdoutBytes(bytes: Uint8Array): void {
  const out = process.stdout as NodeJS.WriteStream & { fd?: unknown };
  if (out.writableLength === 0 && typeof out.fd === 'number') writeAllSync(out.fd, bytes);
  else out.write(Buffer.from(bytes));
}

/** A cell to sleep on (`Atomics.wait`) while a full pipe drains. */
let sleeper: Int32Array | undefined;

/** All of `bytes` to the file descriptor `fd`, retrying after 1 ms while a non-blocking pipe is full. */
function writeAllSync(fd: number, bytes: Uint8Array): void {
  for (let at = 0; at < bytes.length; ) {
    try {
      at += writeSync(fd, bytes, at, bytes.length - at);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') throw new StdoutClosedError(error);
      if (code !== 'EAGAIN') throw error;
      sleeper ??= new Int32Array(new SharedArrayBuffer(4));
      Atomics.wait(sleeper, 0, 0, 1);
    }
  }
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
